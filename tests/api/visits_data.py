"""Test data for the visit tests: applications already in the state a booking needs (the
officer workflow that gets them there is tested in test_officer_console.py), and days of
the demo calendar chosen from today, so the tests hold whenever they run."""
from __future__ import annotations

import datetime as dt
import itertools
import uuid

from server.access import session_lifetime
from server.accounts.models import Citizen
from server.accounts.operations import issue_session
from server.applications.models import Application
from server.catalog.calendar import holidays_of
from server.db_types import utcnow
from server.extensions import db
from sync import states
from sync.space import WIB

_references = itertools.count(1)

# Langsa (data/catalog/mpp-langsa.yaml): slots of 30 minutes, Mon-Thu 08:00-12:00 and
# 13:00-16:00. Loket 1 (dpmptsp, 1 desk, 50% online) has 15 online minutes a slot: one NIB
# visit of 15 minutes. Loket 2 (dukcapil, 2 desks, 50% online) has 30: three KK visits of 10.
NIB = "langsa.dpmptsp.nib"
KK = "langsa.dukcapil.kk-baru"
KTP = "langsa.dukcapil.ktp-el-baru"  # visit_after: accepted
PASPOR = "langsa.imigrasi.paspor-baru"


def make_application(citizen_id, service_code: str, state: str = states.READY, *,
                     commit: bool = True) -> str:
    """An application of this citizen in `state` (call inside an app context)."""
    now = utcnow()
    application_id = str(uuid.uuid4())
    db.session.add(Application(
        id=application_id, citizen_id=citizen_id, service_code=service_code, state=state,
        created_at=now, updated_at=now, fields={}, submitted_at=now,
        reference=f"LGS-2026-{uuid.uuid4().int % 10**6:06d}{next(_references)}",
        version=1))
    if commit:
        db.session.commit()
    return application_id


def citizens_with_applications(count: int, service_code: str) -> list[tuple[str, str]]:
    """`count` new citizens, each with a device token and one application of this service
    in the ready state, in one transaction: [(token, application id)]."""
    out = []
    now = utcnow()
    for _ in range(count):
        citizen = Citizen(phone=f"+62878{uuid.uuid4().int % 10**8:08d}", created_at=now)
        db.session.add(citizen)
        db.session.flush()
        token, _device = issue_session(db.session, now=now, citizen=citizen,
                                       lifetime=session_lifetime("citizen"),
                                       device_name="pytest")
        out.append((token, make_application(citizen.id, service_code, commit=False)))
    db.session.commit()
    return out


def today_wib() -> dt.date:
    return dt.datetime.now(WIB).date()


def working_day(mpp: str = "langsa", *, after: int = 1, weekdays=(0, 1, 2, 3)) -> dt.date:
    """The first day at least `after` days ahead that is one of `weekdays` (Mon-Thu: the
    same hours) and not a holiday of the MPP (call inside an app context)."""
    holidays = holidays_of(db.session, mpp)
    day = today_wib() + dt.timedelta(days=after)
    while day.weekday() not in weekdays or day in holidays:
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, clock: str) -> str:
    """An arrival time as the API takes it: the local time in WIB with its offset."""
    hours, minutes = map(int, clock.split(":"))
    return dt.datetime.combine(day, dt.time(hours, minutes), WIB).isoformat()
