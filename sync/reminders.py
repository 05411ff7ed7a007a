"""Visit reminders: the day before a booked visit, one `visit_reminder` notification in the
citizen's space (so it reaches the inbox by pull, and the push worker sends it).

Plain Python like the rest of the engine: the server's push worker finds candidates and
calls `remind_visit` inside `uow.transaction()`. The visit is the one the officer gave when
marking the application ready (`pickup.visit_date` in that state_changed notification).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from . import states
from .model import Notification
from .space import WIB, SpaceWriter, local_date
from .store import UnitOfWork

VISIT_REMINDER = "visit_reminder"
STATE_CHANGED = "state_changed"


def parse_day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def booked_visit(notifications: Iterable[Notification], application_id: str
                 ) -> tuple[dt.date, dict[str, Any]] | None:
    """(visit date, pickup details) from the application's latest move to ready, or None
    when that move named no visit date."""
    latest = None
    for n in notifications:
        if (n.application_id == application_id and n.kind == STATE_CHANGED
                and n.data.get("state") == states.READY
                and (latest is None or n.version > latest.version)):
            latest = n
    if latest is None:
        return None
    pickup = latest.data.get("pickup")
    pickup = pickup if isinstance(pickup, dict) else {}
    day = parse_day(pickup.get("visit_date"))
    return (day, pickup) if day is not None else None


def already_reminded(notifications: Iterable[Notification], application_id: str,
                     visit_date: dt.date) -> bool:
    return any(n.application_id == application_id and n.kind == VISIT_REMINDER
               and n.data.get("visit_date") == visit_date.isoformat() for n in notifications)


def is_due(visit_date: dt.date, now: dt.datetime, from_hour: int) -> bool:
    """The day before the visit (WIB), from `from_hour` o'clock: nobody wants it at 3 am."""
    return (local_date(now) + dt.timedelta(days=1) == visit_date
            and now.astimezone(WIB).hour >= from_hour)


def _due_visit(uow: UnitOfWork, citizen_id: str, application_id: str, now: dt.datetime,
               from_hour: int) -> tuple[dt.date, dict[str, Any]] | None:
    notifications = uow.changes_since(citizen_id, 0).notifications
    visit = booked_visit(notifications, application_id)
    if visit is None or not is_due(visit[0], now, from_hour):
        return None
    if already_reminded(notifications, application_id, visit[0]):
        return None
    return visit


def remind_visit(uow: UnitOfWork, application_id: str, now: dt.datetime, *,
                 from_hour: int = 8) -> Notification | None:
    """Write the reminder for the application's visit tomorrow, once. None when there is
    nothing to remind of: not ready any more (collected, say), no visit booked, not the day
    before, or already reminded. Call inside `uow.transaction()`."""
    found = uow.get_application(application_id)
    if found is None or found.state != states.READY:
        return None
    # Checked before taking the space lock so a no-op does not bump the space version...
    if _due_visit(uow, found.citizen_id, application_id, now, from_hour) is None:
        return None
    w = SpaceWriter(uow, found.citizen_id, now, actor=states.SYSTEM, actor_id="system")
    # ...and again under it: another worker may have written the reminder meanwhile.
    application = uow.get_application(application_id)
    visit = _due_visit(uow, found.citizen_id, application_id, now, from_hour)
    if application is None or application.state != states.READY or visit is None:
        return None
    visit_date, pickup = visit
    notification = w.notify(VISIT_REMINDER, application, visit_date=visit_date.isoformat(),
                            reference=application.reference,
                            service_id=application.service_code, pickup=pickup)
    w.journal("visit_reminder", application.id, visit_date=visit_date.isoformat())
    return notification
