"""Writing one citizen's space inside a transaction.

`SpaceWriter(uow, citizen_id, ...)` takes the citizen's next space version FIRST (which
locks the space, see UnitOfWork.next_version), so it must be made before any row of the
space is read for writing; every row it puts is stamped with that one version, deletions
leave tombstones, and each change is journalled with who made it.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from .model import Application, Document, JournalEntry, Notification, Profile, Tombstone
from .store import UnitOfWork

# Indonesia has no daylight saving; WIB (UTC+7) is the time of every MPP in the demo catalog.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
_NOTIFICATION_NS = uuid.UUID("6c1f3b1e-2a7d-4f5e-9d3a-5b8e2c1a9f40")


def local_date(now: dt.datetime) -> dt.date:
    """The calendar date in Indonesia (WIB) at `now` (an aware datetime)."""
    return now.astimezone(WIB).date()


def application_key(application_id: str) -> str:
    return f"application/{application_id}"


class SpaceWriter:
    def __init__(self, uow: UnitOfWork, citizen_id: str, now: dt.datetime, *, actor: str,
                 actor_id: str, client_id: str | None = None, mutation_id: int | None = None):
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        self.uow = uow
        self.citizen_id = citizen_id
        self.now = now
        self.actor, self.actor_id = actor, actor_id
        self.client_id, self.mutation_id = client_id, mutation_id
        self.version = uow.next_version(citizen_id)

    @property
    def today(self) -> dt.date:
        return local_date(self.now)

    def _own(self, row: Any) -> None:
        if row.citizen_id != self.citizen_id:
            raise RuntimeError("a space writer writes only its citizen's rows")

    def put_application(self, application: Application) -> None:
        self._own(application)
        application.version = self.version
        application.updated_at = self.now
        self.uow.put_application(application)

    def delete_application(self, application: Application) -> None:
        self._own(application)
        self.uow.delete_application(application.id)
        self.uow.put_tombstone(Tombstone(self.citizen_id, application_key(application.id),
                                         self.version))

    def put_document(self, document: Document) -> None:
        self._own(document)
        document.version = self.version
        self.uow.put_document(document)

    def put_profile(self, profile: Profile) -> None:
        self._own(profile)
        profile.version = self.version
        self.uow.put_profile(profile)

    def notify(self, kind: str, application: Application, **data: Any) -> Notification:
        # Deterministic id: one notification of a kind per application per version.
        note_id = str(uuid.uuid5(_NOTIFICATION_NS, f"{application.id}:{self.version}:{kind}"))
        notification = Notification(note_id, self.citizen_id, kind, self.now, application.id,
                                    data, self.version)
        self.uow.put_notification(notification)
        return notification

    def journal(self, action: str, application_id: str | None = None, **detail: Any) -> None:
        self.uow.add_journal(JournalEntry(
            citizen_id=self.citizen_id, version=self.version, at=self.now, actor=self.actor,
            actor_id=self.actor_id, action=action, application_id=application_id,
            client_id=self.client_id, mutation_id=self.mutation_id, detail=detail))
