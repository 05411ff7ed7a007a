"""Tables of a citizen's sync space: applications with their requirement rows and
discrepancies, documents, notifications, stored mutation results, tombstones, and the
bookkeeping of sync (space versions, client groups, clients, reference counters).

The engine (sync/) never sees these classes: server/applications/store.py maps them to
the engine's plain rows. Every row of a space carries `version`, indexed with its citizen,
so a pull reads only what changed since its cookie.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from sync import states

from ..extensions import db

# The states of the officer queue (sync/states.py, the one definition): the partial index
# ix_application_queue_order holds only these rows.
QUEUE_INDEX_STATES = states.OFFICER_QUEUE
_QUEUE_PREDICATE = text("state IN ({})".format(", ".join(f"'{s}'" for s in QUEUE_INDEX_STATES)))

ID = String(36)  # client-made UUIDs, canonical lower-case text


def _space_index(table: str) -> Index:
    return Index(f"ix_{table}_space", "citizen_id", "version")


class Space(db.Model):
    """One row per citizen: the space version (bumped by every change) and the horizon
    below which tombstones may have been purged."""

    __tablename__ = "sync_space"

    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    horizon: Mapped[int] = mapped_column(default=0)


class ClientGroup(db.Model):
    __tablename__ = "sync_client_group"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"), index=True)


class Client(db.Model):
    __tablename__ = "sync_client"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    client_group_id: Mapped[str] = mapped_column(ForeignKey("sync_client_group.id"),
                                                 index=True)
    last_mutation_id: Mapped[int] = mapped_column(default=0)


class MutationResult(db.Model):
    """A rejected mutation's stored result (applied ones need no row)."""

    __tablename__ = "sync_mutation_result"
    __table_args__ = (_space_index("sync_mutation_result"),)

    client_id: Mapped[str] = mapped_column(ForeignKey("sync_client.id"), primary_key=True)
    mutation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"))
    name: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="rejected")
    error: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int]


class Tombstone(db.Model):
    __tablename__ = "sync_tombstone"
    __table_args__ = (_space_index("sync_tombstone"),)

    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[int]


class ReferenceCounter(db.Model):
    """Gapless human reference numbers per MPP prefix and year (LGS-2026-000123)."""

    __tablename__ = "reference_counter"

    ref_prefix: Mapped[str] = mapped_column(String(5), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Application(db.Model):
    __tablename__ = "application"
    __table_args__ = (
        _space_index("application"),
        # The officer queue: one agency's services, the active states, by SLA due date
        # then age (server/review/queries.py), without sorting the whole table.
        Index("ix_application_queue", "service_code", "state", "due_on", "submitted_at"),
        # The queue's page in its order (migration 0008): read in (due_on, submitted_at, id)
        # order, filtered to the officer's services, stopping at the page's end, instead of
        # fetching every queued row of the agency and sorting them (bench/officer_queue.py).
        Index("ix_application_queue_order", "due_on", "submitted_at", "id",
              postgresql_where=_QUEUE_PREDICATE, sqlite_where=_QUEUE_PREDICATE),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"))
    service_code: Mapped[str] = mapped_column(ForeignKey("service.code"), index=True)
    state: Mapped[str] = mapped_column(String(30), index=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reference: Mapped[str | None] = mapped_column(String(30), unique=True)
    submitted_at: Mapped[dt.datetime | None]
    officer_note: Mapped[str] = mapped_column(Text, default="")
    # Officer console (migration 0006): who reviews it since when, the pickup details and
    # the visit ticket (sync/tickets.py; unique: a scanned code finds one application).
    reviewer_id: Mapped[str | None] = mapped_column(String(64))
    review_started_at: Mapped[dt.datetime | None]
    pickup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ticket_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Derived by the store on every write, for the queue's order and search (not engine
    # data): the SLA's last working day, and the applicant's NIK from the form.
    due_on: Mapped[dt.date | None]
    applicant_nik: Mapped[str | None] = mapped_column(String(16), index=True)
    version: Mapped[int]


class ApplicationRequirement(db.Model):
    __tablename__ = "application_requirement"

    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"),
                                                primary_key=True)
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    document_id: Mapped[str | None] = mapped_column(ID)
    review_status: Mapped[str] = mapped_column(String(20), default="pending")
    officer_note: Mapped[str] = mapped_column(Text, default="")


class Discrepancy(db.Model):
    __tablename__ = "application_discrepancy"

    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"),
                                                primary_key=True)
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    profile_key: Mapped[str] = mapped_column(String(40))
    draft_value: Mapped[Any] = mapped_column(JSON)
    record_value: Mapped[Any] = mapped_column(JSON)


class Document(db.Model):
    """An upload or a wallet document of one citizen (the file itself lives in storage)."""

    __tablename__ = "document"
    __table_args__ = (_space_index("document"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime]
    document_type: Mapped[str | None] = mapped_column(ForeignKey("document_type.code"))
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="upload")
    verified_at: Mapped[dt.datetime | None]
    expires_on: Mapped[dt.date | None]
    version: Mapped[int]


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (_space_index("notification"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"))
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime]
    application_id: Mapped[str | None] = mapped_column(ID)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int]
