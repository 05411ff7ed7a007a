"""The MPP floor: check-in at the kiosk, queue numbers, the counter's line and its calls,
the call display, the citizen's phone told when close and when called, and the measures.
No HTTP here beyond ApiError; operations flush and never commit (the request commits once,
server/transactions.py), so a refusal leaves nothing behind.

Numbers. Each agency of an MPP numbers its visitors per day (DKC-001, DKC-002 ...). A number
is taken by one UPDATE of the agency's `queue_day` row (`last_number = last_number + 1
RETURNING last_number`), which PostgreSQL runs one request after the other on that row and
SQLite under the request's write lock: numbers are unique (UNIQUE(agency_id, day, seq) as
well) and, as a refused request rolls its UPDATE back, gapless. A walk-in's number is taken
in the same UPDATE as its minutes of the walk-in share (`walk_in_taken + minutes <=
walk_in_capacity`), so walk-ins stop when the share is used and never take booked places.

Lines. A counter calls the waiting tickets of the services it serves (a ticket given to one
counter, by its booking or a transfer, only there): first the booked lane (visitors who
checked in within their window), then walk-ins, each in number order. A later errand of a
booked visit waits until the earlier one is finished. Call next is one conditional UPDATE of
one candidate (see models.py); one desk has one called or serving ticket at a time (a
partial UNIQUE index).

Times are aware UTC (server.db_types); days and clocks of the floor are the MPP's (WIB).
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from sync import tickets
from sync.space import WIB, SpaceWriter

from ..accounts.models import Officer
from ..accounts.operations import is_national_admin, within_reach
from ..applications.models import Application as AppRow
from ..catalog.loader import counter_minutes
from ..catalog.models import Agency, Counter, CounterService, Mpp, Service
from ..errors import ApiError
from ..visits.models import BOOKED, VisitBooking, VisitStop
from ..visits.operations import Calendar, calendar
from .models import (
    ACTIVE, BOOKED_LANE, CALLED, DONE, NO_SHOW, ONLINE, SERVING, WAITING,
    WALK_IN, WALK_IN_LANE, QueueBoard, QueueCall, QueueDay, QueueDevice, QueueTicket,
    QueueTicketApplication,
)

# A booked visitor is on time from EARLY before the booked arrival to LATE after it; the
# same day outside that, they join the walk-in lane; another day, the kiosk refuses.
EARLY = dt.timedelta(minutes=30)
LATE = dt.timedelta(minutes=15)
NEAR = 3  # "3 orang lagi": the phone is told when this many are ahead
LAST_CALLS = 10  # calls on the display
DEFAULT_NO_SHOW_CALLS = 3
DEVICE_KEY_PREFIX = "sdq_"
QR_PREFIX = "SDQ1-"

# Queue number prefixes by agency kind (the national agency), three capital letters as MPPs
# print them; an agency kind not listed takes the first three letters of its code.
PREFIXES = {
    "dukcapil": "DKC", "imigrasi": "IMG", "polres": "POL", "samsat": "SMS", "kemenag": "KUA",
    "bpjs-kesehatan": "BPK", "bpjs-ketenagakerjaan": "BPT", "pdam": "PAM", "dpmptsp": "PTS",
    "bpkd": "BKD", "disnaker": "NKR", "bea-cukai": "BCK", "bank-aceh": "BAS",
}

# Queue notifications in the citizen's space (server/push/texts.py pushes them).
QUEUE_NEAR, QUEUE_CALLED = "queue_near", "queue_called"


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """Aware UTC whatever a column gave (aware from UtcTimestamp; naive UTC from older
    columns)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else _utc(moment).astimezone(WIB).isoformat()


def today(now: dt.datetime) -> dt.date:
    return now.astimezone(WIB).date()


def prefix_of(agency: Agency) -> str:
    if agency.kind in PREFIXES:
        return PREFIXES[agency.kind]
    letters = re.sub(r"[^A-Za-z]", "", agency.code).upper()
    return (letters + "XXX")[:3]


# ---------------------------------------------------------------------------- devices

def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def make_device(session: Session, mpp_code: str, kind: str, name: str, now: dt.datetime
                ) -> tuple[QueueDevice, str]:
    """A kiosk or display key for an MPP: (device, the key, shown once)."""
    mpp = session.scalar(select(Mpp).where(Mpp.code == mpp_code))
    if mpp is None:
        raise ApiError(404, "mpp_not_found", {"mpp": mpp_code}, params={"code": mpp_code})
    key = DEVICE_KEY_PREFIX + secrets.token_urlsafe(32)
    device = QueueDevice(mpp_id=mpp.id, kind=kind, name=name or kind, key_hash=hash_key(key),
                         created_at=now)
    session.add(device)
    session.flush()
    return device, key


def revoke_device(session: Session, device_id: int, now: dt.datetime) -> QueueDevice:
    device = session.get(QueueDevice, device_id)
    if device is None:
        raise ApiError(404, "device_not_found", {"device": device_id})
    device.revoked_at = device.revoked_at or now
    session.flush()
    return device


@functools.cache
def _polled() -> dict[str, Any]:
    """The statements every display poll runs, built once (building an ORM select costs
    more than SQLite running it): the device of a key hash, and the floor's version."""
    return {
        "device": select(QueueDevice.id, QueueDevice.mpp_id, QueueDevice.kind,
                         QueueDevice.revoked_at)
        .where(QueueDevice.key_hash == bindparam("key_hash")),
        "version": select(QueueBoard.version).where(QueueBoard.mpp_id == bindparam("mpp_id")),
    }


def device_for(session: Session, key: str | None, kind: str):
    """The device a key stands for (a row: id, mpp_id, kind), if it is of `kind` and not
    revoked."""
    if not key or not key.startswith(DEVICE_KEY_PREFIX) or len(key) > 200:
        raise ApiError(401, "device_key_invalid")
    device = session.execute(_polled()["device"], {"key_hash": hash_key(key)}).first()
    if device is None or device.revoked_at is not None:
        raise ApiError(401, "device_key_invalid")
    if device.kind != kind:
        raise ApiError(403, "device_key_wrong_kind", {"kind": device.kind, "needed": kind})
    return device


# ---------------------------------------------------------------------------- the floor

@dataclass
class Floor:
    """What the floor of one MPP needs from the catalog, read once per request."""

    mpp: Mpp
    agencies: dict[int, Agency]
    services: dict[int, Service]
    counters: dict[int, Counter]
    serves: dict[int, set[int]]  # counter id -> service ids
    by_service: dict[int, list[int]]  # service id -> counter ids, in the catalog's order

    def counter_of(self, ticket: QueueTicket) -> Counter | None:
        if ticket.counter_id is not None:
            return self.counters.get(ticket.counter_id)
        ids = self.by_service.get(ticket.service_id) or []
        return self.counters.get(ids[0]) if ids else None


def floor(session: Session, mpp_id: int) -> Floor:
    mpp = session.get(Mpp, mpp_id)
    agencies = {a.id: a for a in session.scalars(select(Agency).where(Agency.mpp_id == mpp_id))}
    services = {s.id: s for s in session.scalars(
        select(Service).where(Service.agency_id.in_(list(agencies))))} if agencies else {}
    counters = {c.id: c for c in session.scalars(
        select(Counter).where(Counter.mpp_id == mpp_id).order_by(Counter.position))}
    serves: dict[int, set[int]] = defaultdict(set)
    by_service: dict[int, list[int]] = defaultdict(list)
    for counter_id, service_id in session.execute(
            select(CounterService.counter_id, CounterService.service_id)
            .join(Counter, Counter.id == CounterService.counter_id)
            .where(Counter.mpp_id == mpp_id, Counter.active.is_(True))
            .order_by(Counter.position)):
        serves[counter_id].add(service_id)
        by_service[service_id].append(counter_id)
    return Floor(mpp, agencies, services, counters, serves, by_service)


def bump_board(session: Session, mpp_id: int) -> int:
    """Raise the MPP's floor version (the display's ETag); made at first use."""
    session.execute(_insert(session, QueueBoard).values(mpp_id=mpp_id, version=0)
                    .on_conflict_do_nothing(index_elements=["mpp_id"]))
    return session.execute(update(QueueBoard).where(QueueBoard.mpp_id == mpp_id)
                           .values(version=QueueBoard.version + 1)
                           .returning(QueueBoard.version)
                           .execution_options(synchronize_session=False)).scalar_one()


def board_version(session: Session, mpp_id: int) -> int:
    return session.execute(_polled()["version"], {"mpp_id": mpp_id}).scalar() or 0


def _insert(session: Session, model):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _calendar(session: Session, mpp: Mpp) -> Calendar:
    return calendar(session, mpp.code)


def walk_in_capacity(fl: Floor, cal: Calendar, agency_id: int, day: dt.date) -> int:
    """The walk-in minutes of an agency's day: the walk-in share of each of its active
    counters' time in every slot of the day (none on a holiday or a closed day)."""
    slots = len(cal.slot_starts(day))
    return sum(counter_minutes(c.desks, cal.slot_minutes, c.share_walk_in) * slots
               for c in fl.counters.values() if c.agency_id == agency_id and c.active)


def take_number(session: Session, agency_id: int, day: dt.date, capacity: int,
                walk_in_minutes: int | None) -> int | None:
    """The agency's next number of the day; for a walk-in, only while its minutes fit in
    the day's walk-in share (None when they do not). The database decides: one UPDATE."""
    session.execute(_insert(session, QueueDay).values(
        agency_id=agency_id, day=day, last_number=0, walk_in_capacity=capacity,
        walk_in_taken=0).on_conflict_do_nothing(index_elements=["agency_id", "day"]))
    statement = update(QueueDay).where(QueueDay.agency_id == agency_id, QueueDay.day == day)
    values: dict[str, Any] = {"last_number": QueueDay.last_number + 1}
    if walk_in_minutes is not None:
        statement = statement.where(
            QueueDay.walk_in_taken + walk_in_minutes <= QueueDay.walk_in_capacity)
        values["walk_in_taken"] = QueueDay.walk_in_taken + walk_in_minutes
    return session.execute(statement.values(**values).returning(QueueDay.last_number)
                           .execution_options(synchronize_session=False)).scalar()


def _new_ticket(session: Session, fl: Floor, service: Service, day: dt.date, seq: int, *,
                lane: str, channel: str, now: dt.datetime, counter_id: int | None = None,
                booking: VisitBooking | None = None, stop: VisitStop | None = None,
                after: QueueTicket | None = None) -> QueueTicket:
    agency = fl.agencies[service.agency_id]
    ticket = QueueTicket(
        mpp_id=fl.mpp.id, agency_id=agency.id, day=day, seq=seq,
        number=f"{prefix_of(agency)}-{seq:03d}", service_id=service.id, counter_id=counter_id,
        status=WAITING, lane=lane, channel=channel,
        minutes=stop.minutes if stop is not None else service.visit_minutes,
        booking_id=booking.id if booking else None, stop_id=stop.id if stop else None,
        citizen_id=booking.citizen_id if booking else None,
        after_ticket_id=after.id if after else None,
        qr_token=QR_PREFIX + secrets.token_urlsafe(15), calls=0, near_told=False,
        checked_in_at=now)
    session.add(ticket)
    session.flush()
    return ticket


# ---------------------------------------------------------------------------- kiosk

def kiosk_menu(session: Session, mpp_id: int, now: dt.datetime) -> dict[str, Any]:
    """What a walk-in may choose: each active service with a counter today, and how many
    more walk-in visits of it fit in its agency's share."""
    fl = floor(session, mpp_id)
    cal = _calendar(session, fl.mpp)
    day = today(now)
    taken = {agency_id: (capacity, used) for agency_id, capacity, used in session.execute(
        select(QueueDay.agency_id, QueueDay.walk_in_capacity, QueueDay.walk_in_taken)
        .where(QueueDay.day == day, QueueDay.agency_id.in_(list(fl.agencies))))}
    out = []
    is_open = bool(cal.slot_starts(day))
    for agency in sorted(fl.agencies.values(), key=lambda a: a.position):
        capacity, used = taken.get(agency.id, (walk_in_capacity(fl, cal, agency.id, day), 0))
        for service in sorted((s for s in fl.services.values()
                               if s.agency_id == agency.id and s.active),
                              key=lambda s: s.position):
            counters = fl.by_service.get(service.id)
            if not counters:
                continue
            counter = fl.counters[counters[0]]
            left = max(0, capacity - used) // max(1, service.visit_minutes)
            out.append({"code": service.code, "name_id": service.name_id,
                        "name_en": service.name_en,
                        "agency": {"code": agency.code, "name": agency.name,
                                   "prefix": prefix_of(agency)},
                        "counter": {"code": counter.code, "name": counter.name},
                        "walk_in_open": is_open and left > 0, "walk_in_left": left})
    return {"mpp": {"code": fl.mpp.code, "name": fl.mpp.name}, "day": day.isoformat(),
            "open": is_open, "services": out}


def walk_in(session: Session, mpp_id: int, service_code: str, now: dt.datetime
            ) -> dict[str, Any]:
    """A walk-in's number for a service, within the walk-in share of the day."""
    fl = floor(session, mpp_id)
    service = next((s for s in fl.services.values()
                    if s.code == service_code and s.active), None)
    if service is None or not fl.by_service.get(service.id):
        raise ApiError(404, "service_not_found", {"service": service_code},
                       params={"code": service_code})
    cal = _calendar(session, fl.mpp)
    day = today(now)
    if not cal.slot_starts(day):
        raise ApiError(409, "queue_closed", {"day": day.isoformat()},
                       params={"date": day.isoformat()})
    capacity = walk_in_capacity(fl, cal, service.agency_id, day)
    seq = take_number(session, service.agency_id, day, capacity, service.visit_minutes)
    if seq is None:
        agency = fl.agencies[service.agency_id]
        raise ApiError(409, "walk_in_full", {"agency": agency.code, "day": day.isoformat()},
                       params={"agency": agency.name})
    ticket = _new_ticket(session, fl, service, day, seq, lane=WALK_IN_LANE, channel=WALK_IN,
                         now=now)
    bump_board(session, mpp_id)
    return {"arrival": "walk_in", "notice": None,
            "tickets": [describe(session, fl, ticket, qr=True)]}


def check_in(session: Session, mpp_id: int, code_text: Any, now: dt.datetime, secret: bytes
             ) -> dict[str, Any]:
    """A booked visitor shows their visit ticket: one number per errand, in the visit's
    order. On time: the booked lane; early or late the same day: the walk-in lane (their
    booked minutes are theirs: no walk-in share is taken); any other day: refused."""
    code = tickets.normalise(code_text)
    if code is None:
        raise ApiError(400, "ticket_unreadable")
    booking = session.scalar(select(VisitBooking).where(VisitBooking.ticket_code == code))
    if booking is None or not tickets.signed_for(secret, booking.id, code):
        raise ApiError(404, "ticket_unknown", {"ticket": code})
    fl = floor(session, mpp_id)
    if booking.mpp_id != mpp_id:
        other = session.get(Mpp, booking.mpp_id)
        raise ApiError(409, "ticket_other_mpp", {"mpp": other.code},
                       params={"mpp": other.name})
    if booking.status != BOOKED:
        raise ApiError(409, "ticket_cancelled", {"status": booking.status})
    arrives_at = _utc(booking.arrives_at)
    local = arrives_at.astimezone(WIB)
    if local.date() != today(now):
        raise ApiError(409, "ticket_not_today", {"arrives_at": local.isoformat()},
                       params={"time": local.strftime("%d-%m-%Y %H:%M WIB")})
    stops = list(booking.stops)
    if not stops or session.scalar(select(func.count()).select_from(QueueTicket).where(
            QueueTicket.booking_id == booking.id)):
        raise ApiError(409, "ticket_checked_in", {"ticket": code})
    if now < arrives_at - EARLY:
        arrival, lane = "early", WALK_IN_LANE
    elif now > arrives_at + LATE:
        arrival, lane = "late", WALK_IN_LANE
    else:
        arrival, lane = "on_time", BOOKED_LANE
    cal = _calendar(session, fl.mpp)
    day = today(now)
    out, previous = [], None
    for stop in sorted(stops, key=lambda s: s.position):
        application = session.get(AppRow, stop.application_id)
        service = next(s for s in fl.services.values() if s.code == application.service_code)
        capacity = walk_in_capacity(fl, cal, service.agency_id, day)
        seq = take_number(session, service.agency_id, day, capacity, None)
        try:
            with session.begin_nested():
                previous = _new_ticket(session, fl, service, day, seq, lane=lane,
                                       channel=ONLINE, now=now, counter_id=stop.counter_id,
                                       booking=booking, stop=stop, after=previous)
        except IntegrityError:  # the same errand checked in by another kiosk just now
            raise ApiError(409, "ticket_checked_in", {"ticket": code}) from None
        out.append(previous)
    bump_board(session, mpp_id)
    notice = None
    if arrival != "on_time":
        key = f"arrival_{arrival}"
        notice = {"code": key, "params": {"time": local.strftime("%H:%M")}}
    return {"arrival": arrival, "notice": notice,
            "tickets": [describe(session, fl, t, qr=True) for t in out]}


# ---------------------------------------------------------------------------- lines

def _today_tickets(session: Session, mpp_id: int, day: dt.date) -> list[QueueTicket]:
    return list(session.scalars(select(QueueTicket).where(
        QueueTicket.mpp_id == mpp_id, QueueTicket.day == day).order_by(QueueTicket.id)))


def _order(ticket: QueueTicket) -> tuple:
    return (0 if ticket.lane == BOOKED_LANE else 1, ticket.seq, ticket.id)


def _finished(status: str) -> bool:
    return status in (DONE, NO_SHOW)


def waiting_positions(fl: Floor, all_tickets: list[QueueTicket]) -> dict[int, int | None]:
    """How many are ahead of each waiting ticket: the waiting tickets before it in call
    order that a counter able to call it could call first (None for a later errand still
    waiting for an earlier counter)."""
    by_id = {t.id: t for t in all_tickets}
    out: dict[int, int | None] = {}
    ready: list[tuple[tuple, frozenset[int], QueueTicket]] = []
    for t in all_tickets:
        if t.status != WAITING:
            continue
        before = by_id.get(t.after_ticket_id) if t.after_ticket_id else None
        if before is not None and not _finished(before.status):
            out[t.id] = None
            continue
        desks = (frozenset((t.counter_id,)) if t.counter_id is not None
                 else frozenset(fl.by_service.get(t.service_id, ())))
        ready.append((_order(t), desks, t))
    ready.sort(key=lambda r: r[0])
    for index, (_, desks, t) in enumerate(ready):
        out[t.id] = sum(1 for _, others, _u in ready[:index] if others & desks)
    return out


def counter_in_reach(session: Session, officer: Officer, code: str,
                     mpp_code: str | None = None) -> Counter:
    """A counter of the officer's MPP (an admin names the MPP) the officer may work at:
    404 if there is no such counter, 403 if it is another agency's."""
    mpp_id = officer.mpp_id
    if mpp_code is not None and (is_national_admin(officer) or mpp_id is None):
        mpp_id = session.scalar(select(Mpp.id).where(Mpp.code == mpp_code))
    counter = session.scalar(select(Counter).where(Counter.mpp_id == mpp_id,
                                                   Counter.code == code)) if mpp_id else None
    if counter is None:
        raise ApiError(404, "counter_not_found", {"counter": code}, params={"code": code})
    reach = within_reach(select(Agency.id).where(Agency.id == counter.agency_id), officer)
    if session.scalar(reach) is None:
        raise ApiError(403, "counter_not_in_reach", {"counter": code},
                       params={"counter": counter.name})
    return counter


def counters(session: Session, officer: Officer, now: dt.datetime,
             mpp_code: str | None = None) -> dict[str, Any]:
    mpp_id = officer.mpp_id
    if mpp_code is not None and (is_national_admin(officer) or mpp_id is None):
        mpp_id = session.scalar(select(Mpp.id).where(Mpp.code == mpp_code))
    if mpp_id is None:
        return {"items": []}
    fl = floor(session, mpp_id)
    reach = set(session.scalars(within_reach(
        select(Agency.id).where(Agency.mpp_id == mpp_id), officer)))
    all_tickets = _today_tickets(session, mpp_id, today(now))
    positions = waiting_positions(fl, all_tickets)
    items = []
    for counter in fl.counters.values():
        if counter.agency_id not in reach or not counter.active:
            continue
        agency = fl.agencies[counter.agency_id]
        current = [t for t in all_tickets if t.counter_id == counter.id and t.status in ACTIVE]
        waiting = sum(1 for t in all_tickets if t.status == WAITING
                      and positions.get(t.id) is not None and _callable_at(fl, t, counter))
        items.append({"code": counter.code, "name": counter.name,
                      "agency": {"code": agency.code, "name": agency.name},
                      "desks": counter.desks,
                      "services": sorted(fl.services[s].code for s in fl.serves[counter.id]),
                      "current": [describe(session, fl, t, officer=True, ahead=None)
                                  for t in current],
                      "waiting": waiting})
    return {"items": items}


def _callable_at(fl: Floor, ticket: QueueTicket, counter: Counter) -> bool:
    if ticket.counter_id is not None:
        return ticket.counter_id == counter.id
    return ticket.service_id in fl.serves.get(counter.id, ())


def line(session: Session, counter: Counter, now: dt.datetime, no_show_calls: int
         ) -> dict[str, Any]:
    """The counter's line: who is at its desks, the booked and walk-in lanes in the order
    they will be called, and later errands waiting for another counter first."""
    fl = floor(session, counter.mpp_id)
    all_tickets = _today_tickets(session, counter.mpp_id, today(now))
    positions = waiting_positions(fl, all_tickets)
    mine = sorted((t for t in all_tickets if t.status == WAITING and _callable_at(fl, t, counter)),
                  key=_order)
    current = [t for t in all_tickets if t.counter_id == counter.id and t.status in ACTIVE]

    def out(t):
        return describe(session, fl, t, officer=True, ahead=positions.get(t.id))

    return {"counter": _counter(fl, counter),
            "current": [out(t) for t in sorted(current, key=lambda t: t.desk or 0)],
            "booked": [out(t) for t in mine
                       if t.lane == BOOKED_LANE and positions.get(t.id) is not None],
            "walk_in": [out(t) for t in mine
                        if t.lane == WALK_IN_LANE and positions.get(t.id) is not None],
            "later": [out(t) for t in mine if positions.get(t.id) is None],
            "no_show_after": no_show_calls}


def _counter(fl: Floor, counter: Counter) -> dict[str, Any]:
    agency = fl.agencies[counter.agency_id]
    return {"code": counter.code, "name": counter.name, "desks": counter.desks,
            "agency": {"code": agency.code, "name": agency.name}}


def _candidates(fl: Floor, counter: Counter, day: dt.date):
    """The waiting tickets this counter may call, in the order it calls them."""
    earlier = aliased(QueueTicket)
    services = sorted(fl.serves.get(counter.id, ()))
    return (select(QueueTicket.id)
            .where(QueueTicket.mpp_id == counter.mpp_id, QueueTicket.day == day,
                   QueueTicket.status == WAITING,
                   or_(QueueTicket.counter_id == counter.id,
                       and_(QueueTicket.counter_id.is_(None),
                            QueueTicket.service_id.in_(services or [-1]))),
                   or_(QueueTicket.after_ticket_id.is_(None),
                       exists().where(earlier.id == QueueTicket.after_ticket_id,
                                      earlier.status.in_((DONE, NO_SHOW)))))
            .order_by(QueueTicket.lane, QueueTicket.seq, QueueTicket.id))


def call_next(session: Session, work, officer: Officer, counter: Counter, desk: int,
              now: dt.datetime) -> dict[str, Any]:
    """Call the next visitor to this desk. Two desks calling at once never take the same
    ticket: the candidate is taken by an UPDATE that requires it still to be waiting
    (PostgreSQL: picked FOR UPDATE SKIP LOCKED, so a concurrent call takes the next one)."""
    fl = floor(session, counter.mpp_id)
    _check_desk(counter, desk)
    _lock_desk(session, counter, desk)
    busy = session.scalar(select(QueueTicket).where(
        QueueTicket.counter_id == counter.id, QueueTicket.desk == desk,
        QueueTicket.status.in_(ACTIVE)))
    if busy is not None:
        raise ApiError(409, "desk_busy", {"ticket": busy.id, "number": busy.number},
                       params={"number": busy.number})
    day = today(now)
    query = _candidates(fl, counter, day).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=QueueTicket)
    ticket_id = None
    for _ in range(5):
        candidate = session.scalar(query)
        if candidate is None:
            break
        try:
            with session.begin_nested():
                ticket_id = session.execute(
                    update(QueueTicket).where(QueueTicket.id == candidate,
                                              QueueTicket.status == WAITING)
                    .values(status=CALLED, counter_id=counter.id, desk=desk, calls=1,
                            called_at=now, last_called_at=now, counter_served_id=counter.id,
                            officer_id=officer.id)
                    .returning(QueueTicket.id)
                    .execution_options(synchronize_session=False)).scalar()
        except IntegrityError:  # the same desk called at the same moment by another request
            raise ApiError(409, "desk_busy", {"desk": desk}, params={"number": "-"}) from None
        if ticket_id is not None:
            break
    if ticket_id is None:
        raise ApiError(409, "line_empty", {"counter": counter.code},
                       params={"counter": counter.name})
    ticket = session.get(QueueTicket, ticket_id)
    session.refresh(ticket)
    _called(session, work, fl, ticket, counter, desk, now, officer)
    _tell_near(session, work, fl, ticket, counter, now, officer)
    return describe(session, fl, ticket, officer=True, ahead=None)


# The key space of a desk's advisory lock (PostgreSQL): "QD" in the top bits, then the counter
# and the desk, so it cannot meet another lock of ours.
_DESK_LOCK_SPACE = 0x5144 << 48


def _lock_desk(session: Session, counter: Counter, desk: int) -> None:
    """Two calls for one desk run one after the other (the second then finds it busy).
    Without this, on PostgreSQL both would pick a candidate, the second skipping the first's
    locked one, and if the first then lost the desk's UNIQUE index to the second, the line's
    next visitor would be passed over for the one behind. SQLite already runs writing
    requests one at a time (server/transactions.py)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(
            _DESK_LOCK_SPACE | (counter.id << 8) | desk)))


def _check_desk(counter: Counter, desk: int) -> None:
    if not 1 <= desk <= counter.desks:
        raise ApiError(400, "desk_unknown", {"desk": desk, "desks": counter.desks},
                       params={"desk": desk, "desks": counter.desks})


def _called(session: Session, work, fl: Floor, ticket: QueueTicket, counter: Counter,
            desk: int, now: dt.datetime, officer: Officer) -> None:
    session.add(QueueCall(mpp_id=ticket.mpp_id, ticket_id=ticket.id, counter_id=counter.id,
                          desk=desk, call_no=ticket.calls, at=now))
    session.flush()
    bump_board(session, ticket.mpp_id)
    if ticket.citizen_id is not None:
        _tell(session, work, ticket, QUEUE_CALLED, now, officer, {
            "number": ticket.number, "counter": counter.name, "desk": desk,
            "call": ticket.calls})


def _tell_near(session: Session, work, fl: Floor, called: QueueTicket, counter: Counter,
               now: dt.datetime, officer: Officer) -> None:
    """After a call, a booked visitor this counter may call who now has NEAR ahead is told
    once."""
    all_tickets = _today_tickets(session, called.mpp_id, called.day)
    positions = waiting_positions(fl, all_tickets)
    for t in all_tickets:
        if (positions.get(t.id) == NEAR and t.citizen_id is not None and not t.near_told
                and _callable_at(fl, t, counter)):
            t.near_told = True
            session.flush()
            counter = fl.counter_of(t)
            _tell(session, work, t, QUEUE_NEAR, now, officer, {
                "number": t.number, "ahead": NEAR,
                "counter": counter.name if counter else ""})


def _tell(session: Session, work, ticket: QueueTicket, kind: str, now: dt.datetime,
          officer: Officer, data: dict[str, Any]) -> None:
    """A queue notification in the citizen's space (their inbox by pull; the push worker
    sends it to their phone)."""
    stop = session.get(VisitStop, ticket.stop_id) if ticket.stop_id else None
    if stop is None:
        return
    with work.engine() as uow:
        writer = SpaceWriter(uow, str(ticket.citizen_id), now, actor="officer",
                             actor_id=str(officer.id))
        application = uow.get_application(stop.application_id)
        if application is None:
            return
        # service_id: the push worker reads the service's name from the catalog by it.
        writer.notify(kind, application, ticket_id=ticket.id,
                      service_id=application.service_code, **data)


# ---------------------------------------------------------------------------- a ticket

def ticket_in_reach(session: Session, officer: Officer, ticket_id: int) -> QueueTicket:
    ticket = session.get(QueueTicket, ticket_id)
    if ticket is None:
        raise ApiError(404, "queue_ticket_not_found", {"ticket": ticket_id})
    reach = within_reach(select(Agency.id).where(Agency.id == ticket.agency_id), officer)
    if session.scalar(reach) is None:
        raise ApiError(403, "counter_not_in_reach", {"ticket": ticket_id},
                       params={"counter": ticket.number})
    return ticket


def _lock(session: Session, ticket: QueueTicket) -> QueueTicket:
    """Read the ticket again under a row lock (PostgreSQL), so two actions on it run one
    after the other and each sees the other's result."""
    query = select(QueueTicket).where(QueueTicket.id == ticket.id).execution_options(
        populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalar(query)


def recall(session: Session, work, officer: Officer, ticket: QueueTicket, now: dt.datetime
           ) -> dict[str, Any]:
    ticket = _lock(session, ticket)
    if ticket.status != CALLED:
        raise ApiError(409, "ticket_not_called", {"status": ticket.status},
                       params={"number": ticket.number})
    ticket.calls += 1
    ticket.last_called_at = now
    session.flush()
    fl = floor(session, ticket.mpp_id)
    _called(session, work, fl, ticket, fl.counters[ticket.counter_id], ticket.desk, now,
            officer)
    return describe(session, fl, ticket, officer=True, ahead=None)


def no_show(session: Session, officer: Officer, ticket: QueueTicket, now: dt.datetime,
            needed: int) -> dict[str, Any]:
    ticket = _lock(session, ticket)
    if ticket.status != CALLED:
        raise ApiError(409, "ticket_not_called", {"status": ticket.status},
                       params={"number": ticket.number})
    if ticket.calls < needed:
        raise ApiError(409, "too_few_calls", {"calls": ticket.calls, "needed": needed},
                       params={"calls": ticket.calls, "needed": needed})
    ticket.status = NO_SHOW
    ticket.done_at = now
    ticket.officer_id = officer.id
    session.flush()
    bump_board(session, ticket.mpp_id)
    return describe(session, floor(session, ticket.mpp_id), ticket, officer=True, ahead=None)


def transfer(session: Session, officer: Officer, ticket: QueueTicket, counter_code: str,
             now: dt.datetime) -> dict[str, Any]:
    """Send the visitor to another counter of the same agency: waiting again, with the
    same number and its place by number, called only there."""
    ticket = _lock(session, ticket)
    if ticket.status not in (WAITING, CALLED, SERVING):
        raise ApiError(409, "ticket_not_active", {"status": ticket.status},
                       params={"number": ticket.number})
    fl = floor(session, ticket.mpp_id)
    target = next((c for c in fl.counters.values()
                   if c.code == counter_code and c.active), None)
    if target is None:
        raise ApiError(404, "counter_not_found", {"counter": counter_code},
                       params={"code": counter_code})
    if target.agency_id != ticket.agency_id:
        raise ApiError(409, "transfer_other_agency", {"counter": counter_code},
                       params={"counter": target.name})
    ticket.status = WAITING
    ticket.counter_id = target.id
    ticket.desk = None
    session.flush()
    bump_board(session, ticket.mpp_id)
    return describe(session, fl, ticket, officer=True, ahead=None)


def serve(session: Session, officer: Officer, ticket: QueueTicket, application_ids: list[str],
          now: dt.datetime) -> dict[str, Any]:
    """The visitor is at the desk: link the application(s) served (a booked errand's own
    application always; for a walk-in, those the officer opened for them)."""
    ticket = _lock(session, ticket)
    if ticket.status not in (CALLED, SERVING):
        raise ApiError(409, "ticket_not_called", {"status": ticket.status},
                       params={"number": ticket.number})
    ids = list(dict.fromkeys(application_ids))
    if ticket.stop_id is not None:
        stop = session.get(VisitStop, ticket.stop_id)
        ids = [stop.application_id, *[i for i in ids if i != stop.application_id]]
    if ids:
        found = set(session.scalars(
            select(AppRow.id).join(Service, Service.code == AppRow.service_code)
            .where(AppRow.id.in_(ids), Service.agency_id == ticket.agency_id)))
        missing = [i for i in ids if i not in found]
        if missing:
            raise ApiError(404, "application_not_found", {"application_id": missing[0]})
    linked = set(session.scalars(select(QueueTicketApplication.application_id).where(
        QueueTicketApplication.ticket_id == ticket.id)))
    for application_id in ids:
        if application_id not in linked:
            session.add(QueueTicketApplication(ticket_id=ticket.id,
                                               application_id=application_id))
    if ticket.status == CALLED:
        ticket.status = SERVING
        ticket.served_at = now
    session.flush()
    bump_board(session, ticket.mpp_id)
    return describe(session, floor(session, ticket.mpp_id), ticket, officer=True, ahead=None)


def complete(session: Session, officer: Officer, ticket: QueueTicket, now: dt.datetime
             ) -> dict[str, Any]:
    ticket = _lock(session, ticket)
    if ticket.status not in (CALLED, SERVING):
        raise ApiError(409, "ticket_not_serving", {"status": ticket.status},
                       params={"number": ticket.number})
    ticket.status = DONE
    ticket.served_at = ticket.served_at or now
    ticket.done_at = now
    ticket.officer_id = officer.id
    session.flush()
    bump_board(session, ticket.mpp_id)
    return describe(session, floor(session, ticket.mpp_id), ticket, officer=True, ahead=None)


# ---------------------------------------------------------------------------- describe

def describe(session: Session, fl: Floor, ticket: QueueTicket, *, officer: bool = False,
             qr: bool = False, ahead: int | None | bool = True) -> dict[str, Any]:
    """A ticket as the kiosk, the visitor or (officer=True) the counter sees it. Never a
    name, NIK or phone; applications and the booking only for officers."""
    service = fl.services[ticket.service_id]
    agency = fl.agencies[ticket.agency_id]
    counter = fl.counter_of(ticket)
    if ahead is True:
        ahead = (waiting_positions(fl, _today_tickets(session, ticket.mpp_id, ticket.day))
                 .get(ticket.id) if ticket.status == WAITING else None)
    waiting_for = None
    if ticket.after_ticket_id is not None:
        before = session.get(QueueTicket, ticket.after_ticket_id)
        if before is not None and not _finished(before.status):
            waiting_for = before.number
    out = {
        "id": ticket.id, "number": ticket.number, "prefix": prefix_of(agency),
        "seq": ticket.seq, "day": ticket.day.isoformat(), "status": ticket.status,
        "lane": ticket.lane, "channel": ticket.channel,
        "service": {"code": service.code, "name_id": service.name_id,
                    "name_en": service.name_en},
        "agency": {"code": agency.code, "name": agency.name},
        "counter": {"code": counter.code, "name": counter.name} if counter else None,
        "desk": ticket.desk, "calls": ticket.calls,
        "ahead": ahead if ticket.status == WAITING else None,
        "waiting_for": waiting_for,
        "checked_in_at": _iso(ticket.checked_in_at), "called_at": _iso(ticket.called_at),
        "served_at": _iso(ticket.served_at), "done_at": _iso(ticket.done_at),
        "qr": ticket.qr_token,
    }
    if qr:
        out["qr_svg"] = tickets.qr_svg(ticket.qr_token)
    if officer:
        rows = session.execute(
            select(AppRow.id, AppRow.reference).join(
                QueueTicketApplication, QueueTicketApplication.application_id == AppRow.id)
            .where(QueueTicketApplication.ticket_id == ticket.id)).all()
        if not rows and ticket.stop_id is not None:
            stop = session.get(VisitStop, ticket.stop_id)
            rows = session.execute(select(AppRow.id, AppRow.reference)
                                   .where(AppRow.id == stop.application_id)).all()
        out["applications"] = [{"id": r.id, "reference": r.reference} for r in rows]
        out["booking_id"] = ticket.booking_id
    return out


def status_of(session: Session, token: str, now: dt.datetime) -> dict[str, Any]:
    """What the QR a visitor keeps says now (no personal data)."""
    ticket = session.scalar(select(QueueTicket).where(QueueTicket.qr_token == token))
    if ticket is None:
        raise ApiError(404, "queue_ticket_not_found", {"ticket": token[:40]})
    return describe(session, floor(session, ticket.mpp_id), ticket)


# ---------------------------------------------------------------------------- display

DIGITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan",
          "sembilan")


def _words(n: int) -> str:
    """An integer below 1000 in Indonesian words (how a counter's number is said)."""
    ones = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan",
            "sembilan")
    if n == 0:
        return "nol"
    if n < 10:
        return ones[n]
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{ones[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{ones[tens]} puluh" + (f" {ones[rest]}" if rest else "")
    hundreds, rest = divmod(n, 100)
    head = "seratus" if hundreds == 1 else f"{ones[hundreds]} ratus"
    return head + (f" {_words(rest)}" if rest else "")


def spoken(number: str, counter_name: str) -> str:
    """"Nomor antrian D K C nol satu tujuh, silakan ke loket dua": letters one by one,
    digits one by one, the counter's number as a number."""
    prefix, _, digits = number.partition("-")
    said = " ".join(prefix) + " " + " ".join(DIGITS[int(d)] for d in digits if d.isdigit())
    name = re.sub(r"\(.*?\)", "", counter_name).strip()
    name = re.sub(r"\d+", lambda m: _words(int(m.group())), name).replace("-", " sampai ")
    return f"Nomor antrian {said}, silakan ke {name.lower()}"


def display(session: Session, mpp_id: int, now: dt.datetime, version: int) -> dict[str, Any]:
    """The call display: numbers only (never names, NIKs, phones, services of a person)."""
    mpp = session.execute(select(Mpp.code, Mpp.name).where(Mpp.id == mpp_id)).one()
    names = {c.id: c for c in session.execute(
        select(Counter.id, Counter.code, Counter.name).where(Counter.mpp_id == mpp_id))}
    agencies = {a.id: a for a in session.execute(
        select(Agency.id, Agency.code, Agency.kind).where(Agency.mpp_id == mpp_id))}
    day = today(now)
    serving = session.execute(select(
        QueueTicket.counter_id, QueueTicket.desk, QueueTicket.number, QueueTicket.status,
        QueueTicket.last_called_at).where(
        QueueTicket.mpp_id == mpp_id, QueueTicket.day == day,
        QueueTicket.status.in_(ACTIVE)).order_by(QueueTicket.counter_id,
                                                 QueueTicket.desk)).all()
    start = dt.datetime.combine(day, dt.time(), WIB)
    calls = session.execute(
        select(QueueCall.counter_id, QueueCall.desk, QueueCall.at, QueueCall.call_no,
               QueueTicket.number).join(QueueTicket,
                                                   QueueTicket.id == QueueCall.ticket_id)
        .where(QueueCall.mpp_id == mpp_id, QueueCall.at >= start)
        .order_by(QueueCall.id.desc()).limit(LAST_CALLS)).all()
    waiting = session.execute(
        select(QueueTicket.agency_id, func.count()).where(
            QueueTicket.mpp_id == mpp_id, QueueTicket.day == day,
            QueueTicket.status == WAITING).group_by(QueueTicket.agency_id)).all()

    def counter(counter_id):
        c = names[counter_id]
        return {"code": c.code, "name": c.name}

    return {
        "mpp": {"code": mpp.code, "name": mpp.name}, "day": day.isoformat(),
        "version": version, "generated_at": _iso(now),
        "serving": [{"counter": counter(t.counter_id), "desk": t.desk, "number": t.number,
                     "status": t.status, "called_at": _iso(t.last_called_at)}
                    for t in serving],
        "calls": [{"number": call.number, "counter": counter(call.counter_id),
                   "desk": call.desk, "at": _iso(call.at), "call": call.call_no,
                   "recall": call.call_no > 1,
                   "spoken_id": spoken(call.number, names[call.counter_id].name)}
                  for call in calls],
        "waiting": [{"agency": agencies[a].code, "prefix": prefix_of(agencies[a]),
                     "count": n} for a, n in sorted(waiting, key=lambda r: r[0])],
    }


# ---------------------------------------------------------------------------- measures

def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(q * (len(ordered) - 1)))))
    return ordered[index]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def measures(session: Session, mpp_id: int, first: dt.date, last: dt.date) -> dict[str, Any]:
    """Per day, counter, service and channel: tickets, served, no-shows, waiting time
    (check-in to first call) and service time (first call to done), in seconds."""
    fl = floor(session, mpp_id)
    rows = session.scalars(select(QueueTicket).where(
        QueueTicket.mpp_id == mpp_id, QueueTicket.day >= first, QueueTicket.day <= last)
        .order_by(QueueTicket.day, QueueTicket.id)).all()
    groups: dict[tuple, list[QueueTicket]] = defaultdict(list)
    for t in rows:
        counter = (fl.counters.get(t.counter_served_id) if t.counter_served_id
                   else fl.counter_of(t))
        groups[(t.day, counter.code if counter else None, fl.services[t.service_id].code,
                t.channel)].append(t)

    def waits(ts):
        return [(_utc(t.called_at) - _utc(t.checked_in_at)).total_seconds()
                for t in ts if t.called_at]

    def services(ts):
        return [(_utc(t.done_at) - _utc(t.called_at)).total_seconds()
                for t in ts if t.status == DONE and t.called_at and t.done_at]

    out = []
    for (day, counter, service, channel), ts in sorted(
            groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2], kv[0][3])):
        w = waits(ts)
        out.append({"day": day.isoformat(), "counter": counter, "service": service,
                    "channel": channel, "tickets": len(ts),
                    "served": sum(1 for t in ts if t.status == DONE),
                    "no_shows": sum(1 for t in ts if t.status == NO_SHOW),
                    "waiting_avg_s": _mean(w), "waiting_p90_s": _percentile(w, 0.9),
                    "service_avg_s": _mean(services(ts))})
    total = len(rows)
    walk_ins = sum(1 for t in rows if t.channel == WALK_IN)
    return {"mpp": fl.mpp.code, "first": first.isoformat(), "last": last.isoformat(),
            "rows": out,
            "totals": {"tickets": total, "served": sum(1 for t in rows if t.status == DONE),
                       "no_shows": sum(1 for t in rows if t.status == NO_SHOW),
                       "walk_in_share": round(walk_ins / total, 3) if total else None,
                       "booked_share": round((total - walk_ins) / total, 3) if total else None,
                       "waiting_avg_s": _mean(waits(rows)),
                       "service_avg_s": _mean(services(rows))}}


def supervised_mpp(session: Session, officer: Officer, mpp_code: str | None) -> int:
    """The MPP whose measures a supervisor or an MPP's admin (their own) or the national
    admin (any, by code) reads."""
    if is_national_admin(officer):
        mpp_id = session.scalar(select(Mpp.id).where(Mpp.code == mpp_code))
        if mpp_id is None:
            raise ApiError(404, "mpp_not_found", {"mpp": mpp_code},
                           params={"code": mpp_code or ""})
        return mpp_id
    if mpp_code is not None:
        own = session.scalar(select(Mpp.code).where(Mpp.id == officer.mpp_id))
        if mpp_code != own:
            raise ApiError(403, "forbidden", {"mpp": mpp_code})
    return officer.mpp_id


# ---------------------------------------------------------------------------- data rights

def erase(session: Session, citizen, _now: dt.datetime) -> None:
    """accounts' ERASERS (before the visits' and the applications' erasers: tickets refer
    to bookings, stops and applications): the citizen's tickets stay as anonymous numbers
    (the floor's measures count them), with nothing that leads back to the citizen."""
    from sqlalchemy import delete

    own = select(AppRow.id).where(AppRow.citizen_id == citizen.id)
    session.execute(delete(QueueTicketApplication)
                    .where(QueueTicketApplication.application_id.in_(own))
                    .execution_options(synchronize_session=False))
    bookings = select(VisitBooking.id).where(VisitBooking.citizen_id == citizen.id)
    session.execute(update(QueueTicket)
                    .where(or_(QueueTicket.citizen_id == citizen.id,
                               QueueTicket.booking_id.in_(bookings)))
                    .values(citizen_id=None, booking_id=None, stop_id=None)
                    .execution_options(synchronize_session=False))


def export(session: Session, citizen) -> dict[str, bytes]:
    """accounts' EXPORTERS: the queue numbers of the citizen's booked visits."""
    from ..accounts.operations import to_json_bytes

    rows = session.scalars(select(QueueTicket).where(QueueTicket.citizen_id == citizen.id)
                           .order_by(QueueTicket.id)).all()
    floors: dict[int, Floor] = {}
    out = []
    for ticket in rows:
        fl = floors.get(ticket.mpp_id) or floors.setdefault(ticket.mpp_id,
                                                            floor(session, ticket.mpp_id))
        out.append(describe(session, fl, ticket, ahead=None))
    return {"visit-queue-numbers.json": to_json_bytes(out)}
