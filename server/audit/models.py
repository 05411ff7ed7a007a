"""The audit log: who did what to which record, when, from which device. Append-only: the
database itself refuses UPDATE and DELETE on it (triggers in the migration)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..db_types import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_kind: Mapped[str] = mapped_column(String(20))  # citizen, officer, system, anonymous
    actor_id: Mapped[str | None] = mapped_column(String(64), index=True)
    session_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    target_kind: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20), default="ok")  # ok, denied, failed
    # Never personal data in clear: NIK and phone are masked before they get here.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
