"""The one visit: free slots, booking one visit for several applications, rescheduling and
cancelling. No HTTP here beyond ApiError; operations flush and never commit (the request
commits once, server/transactions.py).

How a place is taken. The catalog gives each counter `desks x slot_minutes` minutes of
service per slot, split between channels (server/catalog/loader.py). A slot row
(`visit_slot`) is made the first time someone books it, with that capacity, and a visit's
minutes are taken from it by one conditional UPDATE:

    UPDATE visit_slot SET taken_online = taken_online + :minutes
     WHERE counter_id = :counter AND starts_at = :start
       AND taken_online + :minutes <= capacity_online

so the database decides who gets the last place: on PostgreSQL the UPDATE waits for a
concurrent one on the same row and checks its condition again against the committed row; on
SQLite a writing request holds the write lock from its BEGIN IMMEDIATE. A CHECK constraint
refuses any row past its capacity whatever the code does. One open booking per application is
a UNIQUE column, and a citizen's bookings are counted after taking the citizen's next sync
space version, which locks their space row until commit (SQLite: the write lock), so two
requests of one citizen cannot both pass the limit.

Given-up places (cancel, reschedule) stay taken until the hold ends (cancel_hold_minutes):
nobody can hand a place to someone else by cancelling at an agreed moment. The next booking
at that MPP gives them back (release_due_holds); the free-slot answer counts them free as
soon as the hold has ended.

Bookings are in the citizen's sync space: each change stamps the booking with the space's
next version, and a pull brings it as `visit/<id>` (space_visits), ticket included.

Times: aware datetimes (server.db_types.UtcTimestamp columns); the MPP's hours are in WIB
(sync.space.WIB, the time of every MPP in the catalog).
"""
from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, bindparam, cast, delete, extract, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sync import states, tickets
from sync.model import Visit
from sync.space import WIB

from ..accounts.models import Citizen
from ..applications.models import Application as AppRow
from ..applications.store import bump_space_version
from ..catalog.loader import counter_minutes
from ..catalog.models import Agency, Counter, CounterService, Holiday, Mpp, Service, VisitPolicy
from ..errors import ApiError
from .models import BOOKED, CANCELLED, VisitBooking, VisitSlot, VisitStop

ONLINE = "online"
MAX_APPLICATIONS = 5  # errands in one visit
MAX_RANGE_DAYS = 31  # days in one free-slot answer


def _iso(moment: dt.datetime | None) -> str | None:
    """An instant in the MPP's time (WIB), with its offset."""
    return None if moment is None else moment.astimezone(WIB).isoformat()


def _wib(moment: dt.datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB")


# ---------------------------------------------------------------------------- the calendar

@dataclass(frozen=True)
class Calendar:
    """One MPP's visit policy with its holidays, in minutes after local midnight."""

    mpp_id: int
    mpp_code: str
    mpp_name: str
    slot_minutes: int
    window: tuple[int, int]  # (min_days, max_days) ahead of today
    max_open_bookings: int
    cancel_hold: dt.timedelta
    week: dict[int, tuple[tuple[int, int], ...]]  # weekday -> open intervals
    holidays: dict[dt.date, tuple[str, str]]  # date -> (name_id, name_en)

    def first_and_last_day(self, today: dt.date) -> tuple[dt.date, dt.date]:
        return (today + dt.timedelta(days=self.window[0]),
                today + dt.timedelta(days=self.window[1]))

    def slot_starts(self, day: dt.date) -> list[int]:
        """The slot starts of a day (none on a holiday or a closed weekday)."""
        if day in self.holidays:
            return []
        starts = []
        for opens, closes in self.week.get(day.weekday(), ()):
            start = opens
            while start + self.slot_minutes <= closes:
                starts.append(start)
                start += self.slot_minutes
        return starts

    def slot_of(self, day: dt.date, minute: int, minutes: int) -> int | None:
        """The start of the slot in which a stop from `minute` for `minutes` falls, if the
        stop ends before its opening interval does (not in a break, not after closing)."""
        for opens, closes in self.week.get(day.weekday(), ()):
            if opens <= minute and minute + minutes <= closes:
                start = opens + (minute - opens) // self.slot_minutes * self.slot_minutes
                if start + self.slot_minutes <= closes:
                    return start
        return None

    def at(self, day: dt.date, minute: int) -> dt.datetime:
        """The instant (aware, UTC) of a local day and minute."""
        local = dt.datetime.combine(day, dt.time(), WIB) + dt.timedelta(minutes=minute)
        return local.astimezone(dt.timezone.utc)


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


# The free-slot query runs on every look at the booking screen: its statements are built
# once (building a select costs more than running it), with bound parameters.
@functools.cache
def _statements() -> dict[str, Any]:
    ids = bindparam("ids", expanding=True)
    held = (select(VisitStop.slot_id, func.sum(VisitStop.minutes).label("minutes"))
            .where(VisitStop.holding.is_(True), VisitStop.hold_until <= bindparam("now"))
            .group_by(VisitStop.slot_id).subquery())
    return {
        "policy": select(Mpp.id, Mpp.code, Mpp.name, VisitPolicy.slot_minutes,
                         VisitPolicy.window_min_days, VisitPolicy.window_max_days,
                         VisitPolicy.max_open_bookings, VisitPolicy.cancel_hold_minutes,
                         VisitPolicy.week, VisitPolicy.mpp_id.label("policy"))
        .outerjoin(VisitPolicy, VisitPolicy.mpp_id == Mpp.id)
        .where(Mpp.code == bindparam("mpp")),
        "holidays": select(Holiday.day, Holiday.name_id, Holiday.name_en)
        .where(or_(Holiday.mpp_id.is_(None), Holiday.mpp_id == bindparam("mpp_id"))),
        "services": select(Service.id, Service.code, Service.name_id, Service.name_en,
                           Service.visit_minutes)
        .join(Agency, Agency.id == Service.agency_id)
        .where(Agency.mpp_id == bindparam("mpp_id"), Service.code.in_(
            bindparam("codes", expanding=True)), Service.active.is_(True)),
        "counters": select(CounterService.service_id, Counter.id, Counter.code, Counter.name,
                           Counter.desks, Counter.share_online, Counter.share_walk_in,
                           Counter.share_assisted)
        .join(Counter, Counter.id == CounterService.counter_id)
        .where(Counter.mpp_id == bindparam("mpp_id"), Counter.active.is_(True),
               CounterService.service_id.in_(ids))
        .order_by(Counter.position),
        # The free minutes of each slot row in one set-based statement: capacity less what
        # is taken, plus the given-up minutes whose hold has ended (summed per slot from
        # the few stops ix_visit_stop_held finds), with the start as whole seconds since the
        # epoch (stored naive UTC: EXTRACT on PostgreSQL, strftime('%s') on SQLite), so no
        # datetime is built per row.
        "free": select(
            VisitSlot.counter_id,
            cast(extract("epoch", VisitSlot.starts_at), Integer),
            VisitSlot.capacity_online - VisitSlot.taken_online
            + func.coalesce(held.c.minutes, 0))
        .outerjoin(held, held.c.slot_id == VisitSlot.id)
        .where(VisitSlot.counter_id.in_(ids), VisitSlot.starts_at >= bindparam("lo"),
               VisitSlot.starts_at < bindparam("hi")),
        # Every pull asks (space_visits): the index ix_visit_booking_space answers.
        "space": select(VisitBooking).where(VisitBooking.citizen_id == bindparam("cid"),
                                            VisitBooking.version > bindparam("after")),
    }


def calendar(session: Session, mpp_code: str) -> Calendar:
    sql = _statements()
    row = session.execute(sql["policy"], {"mpp": mpp_code}).first()
    if row is None:
        raise ApiError(404, "mpp_not_found", {"mpp": mpp_code}, params={"code": mpp_code})
    if row.policy is None:
        raise ApiError(404, "visits_not_offered", {"mpp": mpp_code}, params={"name": row.name})
    holidays = {day: (name_id, name_en) for day, name_id, name_en in session.execute(
        sql["holidays"], {"mpp_id": row.id})}
    week = {int(day): tuple((_minutes(a), _minutes(b)) for a, b in intervals)
            for day, intervals in row.week.items()}
    return Calendar(row.id, row.code, row.name, row.slot_minutes,
                    (row.window_min_days, row.window_max_days), row.max_open_bookings,
                    dt.timedelta(minutes=row.cancel_hold_minutes), week, holidays)


def check_arrival(cal: Calendar, arrives_at: dt.datetime, now: dt.datetime) -> None:
    """Refuse an arrival time that is past, outside the booking window, on a holiday or a
    closed day, or not the start of a slot within the hours."""
    local = arrives_at.astimezone(WIB)
    day, minute = local.date(), local.hour * 60 + local.minute
    when = {"arrives_at": local.isoformat()}
    if arrives_at <= now:
        raise ApiError(400, "slot_in_past", when, params={"time": _wib(arrives_at)})
    first, last = cal.first_and_last_day(now.astimezone(WIB).date())
    if not first <= day <= last:
        raise ApiError(400, "slot_outside_window",
                       {**when, "first_day": first.isoformat(), "last_day": last.isoformat()},
                       params={"first": first.isoformat(), "last": last.isoformat()})
    if day in cal.holidays:
        name_id, name_en = cal.holidays[day]
        raise ApiError(400, "slot_on_holiday", {**when, "holiday_id": name_id,
                                                "holiday_en": name_en},
                       params={"date": day.isoformat(), "name": name_id})
    if day.weekday() not in cal.week:
        raise ApiError(400, "slot_closed_day", when, params={"date": day.isoformat()})
    if local.second or local.microsecond or minute not in cal.slot_starts(day):
        raise ApiError(400, "slot_outside_hours", {
            **when, "hours": [[f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}"]
                              for a, b in cal.week[day.weekday()]],
            "slot_minutes": cal.slot_minutes}, params={"time": _wib(arrives_at)})


# ---------------------------------------------------------------------------- counters

@dataclass(frozen=True)
class Desk:
    """A counter as a booking sees it: who it is and its online minutes in one slot."""

    id: int
    code: str
    name: str
    online: int
    walk_in: int
    assisted: int


def counters_by_service(session: Session, cal: Calendar, service_ids) -> dict[int, list[Desk]]:
    """The active counters serving each service, in the catalog's order."""
    rows = session.execute(_statements()["counters"],
                           {"mpp_id": cal.mpp_id, "ids": list(service_ids)}).all()
    out: dict[int, list[Desk]] = defaultdict(list)
    for c in rows:
        out[c.service_id].append(Desk(
            c.id, c.code, c.name,
            counter_minutes(c.desks, cal.slot_minutes, c.share_online),
            counter_minutes(c.desks, cal.slot_minutes, c.share_walk_in),
            counter_minutes(c.desks, cal.slot_minutes, c.share_assisted)))
    return out


# ---------------------------------------------------------------------------- free slots

@dataclass(frozen=True)
class Errand:
    """One stop of a planned visit: a service and its minutes at the counter."""

    service_id: int
    service_code: str
    name_id: str
    name_en: str
    minutes: int


def plan(cal: Calendar, day: dt.date, minute: int, errands: list[Errand]
         ) -> list[tuple[int, int]] | None:
    """Each errand's (start minute, slot start) one after the other from `minute`, or None
    if they do not all fit before a break or closing."""
    out, at = [], minute
    for errand in errands:
        slot = cal.slot_of(day, at, errand.minutes)
        if slot is None:
            return None
        out.append((at, slot))
        at += errand.minutes
    return out


def _free_minutes(session: Session, desks, start: dt.datetime, end: dt.datetime,
                  now: dt.datetime) -> dict[tuple[int, int], int]:
    """Online minutes still free in every slot row of these counters in [start, end), by
    (counter id, slot start in minutes since the epoch): the capacity less what is taken,
    plus given-up minutes whose hold has ended (they return to the pool at the next
    booking). Slots with no row yet are wholly free."""
    ids = sorted({d.id for d in desks})
    if not ids:
        return {}
    return {(counter_id, seconds // 60): minutes for counter_id, seconds, minutes in
            session.execute(_statements()["free"],
                            {"ids": ids, "lo": start, "hi": end, "now": now})}


def free_slots(session: Session, mpp_code: str, service_codes: list[str],
               first: dt.date | None, last: dt.date | None, now: dt.datetime
               ) -> dict[str, Any]:
    """The bookable arrival times of a visit for these services (in this order) at an
    MPP, day by day within the booking window (and the asked range), with when they were
    counted: a copy kept offline says how old it is.

    Compact, because the booking screen asks for a whole month on a phone link: per day
    the arrival times as minutes after the MPP's local midnight (WIB), those still free, and
    per errand two lists aligned with the times (places left at the counter with the most
    room, and that counter as an index into `counters`). Stop k of a visit starts
    sum(minutes[:k]) after the arrival, so no stop objects are sent (SlotsSchema)."""
    cal = calendar(session, mpp_code)
    errands = _errands(session, cal, service_codes)
    today = now.astimezone(WIB).date()
    window_first, window_last = cal.first_and_last_day(today)
    first = max(first or window_first, window_first)
    last = min(last or window_last, window_last, first + dt.timedelta(days=MAX_RANGE_DAYS - 1))
    desks = counters_by_service(session, cal, [e.service_id for e in errands])
    names: dict[int, int] = {}  # counter id -> its index in `counters`
    for errand in errands:
        for desk in desks[errand.service_id]:
            names.setdefault(desk.id, len(names))
    all_desks = [d for e in errands for d in desks[e.service_id]]
    free = (_free_minutes(session, all_desks, cal.at(first, 0),
                          cal.at(last + dt.timedelta(days=1), 0), now)
            if first <= last else {})
    # Per errand: (its minutes, [(counter index, counter id, online minutes)]) in the
    # catalog's order; the first counter with the most places is shown (as before).
    choices = [(e.minutes, [(names[d.id], d.id, d.online) for d in desks[e.service_id]])
               for e in errands]
    now_minute = int(now.timestamp()) // 60
    days = []
    day = first
    plans: dict[tuple[int, int], list | None] = {}  # (weekday, minute): the same every week
    while day <= last:
        holiday = cal.holidays.get(day)
        times, open_times = [], []
        places: list[list[int]] = [[] for _ in errands]
        chosen: list[list[int | None]] = [[] for _ in errands]
        # Integer minutes since the epoch (UTC) of the day's local midnight: slot rows are
        # looked up by (counter, minute), no datetimes built in the loop.
        midnight = int(cal.at(day, 0).timestamp()) // 60
        for minute in cal.slot_starts(day):
            key = (day.weekday(), minute)
            if key not in plans:
                plans[key] = plan(cal, day, minute, errands)
            steps = plans[key]
            if steps is None:
                continue
            fits = midnight + minute > now_minute
            for k, ((need, options), (_at, slot)) in enumerate(
                    zip(choices, steps, strict=True)):
                start = midnight + slot
                best, most = None, 0
                for index, desk_id, online in options:
                    left = free.get((desk_id, start), online) // need
                    if best is None or left > most:
                        best, most = index, left
                places[k].append(most)
                chosen[k].append(best)
                fits = fits and most > 0
            times.append(minute)
            if fits:
                open_times.append(minute)
        days.append({"date": day.isoformat(),
                     "closed": ("holiday" if holiday else
                                "closed" if day.weekday() not in cal.week else None),
                     "holiday_id": holiday[0] if holiday else None,
                     "holiday_en": holiday[1] if holiday else None,
                     "times": times, "free": open_times, "places": places,
                     "counter": chosen})
        day += dt.timedelta(days=1)
    return {"mpp": cal.mpp_code, "computed_at": now.astimezone(WIB).isoformat(),
            "slot_minutes": cal.slot_minutes,
            "window": {"first_day": window_first.isoformat(),
                       "last_day": window_last.isoformat()},
            "services": [e.service_code for e in errands],
            "minutes": [e.minutes for e in errands],
            "counters": [d.name for d in sorted({d.id: d for d in all_desks}.values(),
                                                key=lambda d: names[d.id])],
            "days": days}


def _errands(session: Session, cal: Calendar, service_codes: list[str]) -> list[Errand]:
    rows = {s.code: s for s in session.execute(
        _statements()["services"], {"mpp_id": cal.mpp_id, "codes": list(service_codes)})}
    missing = [c for c in service_codes if c not in rows]
    if missing:
        raise ApiError(404, "service_not_found", {"services": missing},
                       params={"code": missing[0]})
    return [Errand(rows[c].id, c, rows[c].name_id, rows[c].name_en, rows[c].visit_minutes)
            for c in service_codes]


# ---------------------------------------------------------------------------- taking places

def _insert_ignore(dialect: str):
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(VisitSlot)


def take_places(session: Session, desks: list[Desk], starts_at: dt.datetime, minutes: int
                ) -> tuple[Desk, int] | None:
    """Take `minutes` of online time in the slot from `starts_at` (aware) at the first
    of these counters that still has them: (counter, slot id), or None if all are full.
    The database decides (see the module's doc); nothing is read and written back."""
    dialect = session.get_bind().dialect.name
    for desk in desks:
        session.execute(
            _insert_ignore(dialect).values(
                counter_id=desk.id, starts_at=starts_at, capacity_online=desk.online,
                taken_online=0, capacity_walk_in=desk.walk_in, taken_walk_in=0,
                capacity_assisted=desk.assisted, taken_assisted=0)
            .on_conflict_do_nothing(index_elements=["counter_id", "starts_at"]))
        slot_id = session.execute(
            update(VisitSlot)
            .where(VisitSlot.counter_id == desk.id, VisitSlot.starts_at == starts_at,
                   VisitSlot.taken_online + minutes <= VisitSlot.capacity_online)
            .values(taken_online=VisitSlot.taken_online + minutes)
            .returning(VisitSlot.id)
            .execution_options(synchronize_session=False)).scalar()
        if slot_id is not None:
            return desk, slot_id
    return None


def release_due_holds(session: Session, mpp_id: int, now: dt.datetime) -> int:
    """Give back to their slots the minutes of given-up stops whose hold has ended. Each
    stop is released once: the flag flips in the same UPDATE that selects it."""
    due = session.execute(
        select(VisitStop.id, VisitStop.slot_id, VisitStop.minutes)
        .join(Counter, Counter.id == VisitStop.counter_id)
        .where(Counter.mpp_id == mpp_id, VisitStop.holding.is_(True),
               VisitStop.hold_until <= now)).all()
    released = 0
    for stop_id, slot_id, minutes in due:
        flipped = session.execute(
            update(VisitStop).where(VisitStop.id == stop_id, VisitStop.holding.is_(True))
            .values(holding=False).execution_options(synchronize_session=False)).rowcount
        if flipped:
            session.execute(
                update(VisitSlot).where(VisitSlot.id == slot_id)
                .values(taken_online=VisitSlot.taken_online - minutes)
                .execution_options(synchronize_session=False))
            released += 1
    return released


# ---------------------------------------------------------------------------- booking

def _next_space_version(session: Session, citizen_id) -> int:
    """The citizen's next sync space version, taken FIRST: it locks the citizen's space row
    until commit (as a sync push does, in the same order), which also serialises one
    citizen's booking requests, so two cannot both pass the open-bookings limit. SQLite:
    the request already holds the write lock."""
    return bump_space_version(session.connection(), citizen_id)


def _bookable_states(visit_after: str) -> tuple[str, ...]:
    """When the citizen may book: once the product is ready, or, for a service that needs
    them in person first, once every requirement is accepted (the application is approved:
    sync/officer.py approves only then)."""
    return (states.READY,) if visit_after == "ready" else (states.APPROVED, states.READY)


def _applications(session: Session, citizen_id, ids: list[str], now: dt.datetime,
                  booking_id: str | None = None) -> tuple[Calendar, list[tuple[AppRow, Errand]]]:
    """The citizen's applications in this order, each bookable now, all at one MPP."""
    if len(set(ids)) != len(ids):
        raise ApiError(400, "duplicate_applications", {"applications": ids})
    rows = {a.id: a for a in session.scalars(
        select(AppRow).where(AppRow.id.in_(ids), AppRow.citizen_id == citizen_id))}
    for application_id in ids:
        if application_id not in rows:  # missing, or another citizen's: the same answer
            raise ApiError(404, "application_not_found", {"application_id": application_id})
    services = {s.code: (s, mpp) for s, mpp in session.execute(
        select(Service, Mpp.code).join(Agency, Agency.id == Service.agency_id)
        .join(Mpp, Mpp.id == Agency.mpp_id)
        .where(Service.code.in_({a.service_code for a in rows.values()})))}
    mpps = sorted({services[a.service_code][1] for a in rows.values()})
    if len(mpps) > 1:
        raise ApiError(400, "applications_in_different_mpps", {"mpps": mpps})
    cal = calendar(session, mpps[0])
    out = []
    for application_id in ids:
        application = rows[application_id]
        service = services[application.service_code][0]
        if application.state not in _bookable_states(service.visit_after):
            raise ApiError(409, "application_not_ready", {
                "application_id": application.id, "state": application.state,
                "bookable_states": list(_bookable_states(service.visit_after))},
                params={"reference": application.reference or application.id})
        out.append((application, Errand(service.id, service.code, service.name_id,
                                        service.name_en, service.visit_minutes)))
    _check_not_booked(session, [a for a, _ in out], now, booking_id)
    return cal, out


def _check_not_booked(session: Session, applications: list[AppRow], now: dt.datetime,
                      booking_id: str | None) -> None:
    """An application is in one open booking at most. A booking whose time has passed
    holds its applications no longer."""
    by_id = {a.id: a for a in applications}
    for stop, booking in session.execute(
            select(VisitStop, VisitBooking).join(VisitBooking,
                                                 VisitBooking.id == VisitStop.booking_id)
            .where(VisitStop.open_application_id.in_(list(by_id)))):
        if booking.id == booking_id:
            continue
        if booking.arrives_at > now and booking.status == BOOKED:
            application = by_id[stop.application_id]
            raise ApiError(409, "application_already_booked", {
                "application_id": application.id, "booking_id": booking.id},
                params={"reference": application.reference or application.id})
        stop.open_application_id = None  # lapsed: the application may be booked again
    session.flush()


def _open_bookings(session: Session, citizen_id, mpp_id: int, now: dt.datetime) -> int:
    return session.scalar(select(func.count()).select_from(VisitBooking).where(
        VisitBooking.citizen_id == citizen_id, VisitBooking.mpp_id == mpp_id,
        VisitBooking.status == BOOKED, VisitBooking.arrives_at > now))


def _take_stops(session: Session, cal: Calendar, booking: VisitBooking,
                chosen: list[tuple[AppRow, Errand]], arrives_at: dt.datetime,
                now: dt.datetime) -> None:
    check_arrival(cal, arrives_at, now)
    local = arrives_at.astimezone(WIB)
    day = local.date()
    steps = plan(cal, day, local.hour * 60 + local.minute, [e for _, e in chosen])
    if steps is None:
        raise ApiError(400, "visit_does_not_fit", {"arrives_at": local.isoformat()},
                       params={"time": _wib(arrives_at)})
    release_due_holds(session, cal.mpp_id, now)
    desks = counters_by_service(session, cal, [e.service_id for _, e in chosen])
    stops = [(position, application, errand, at, slot) for position, ((application, errand),
             (at, slot)) in enumerate(zip(chosen, steps, strict=True))]
    # Slot rows are locked (PostgreSQL) in one order by every booking, so two bookings of
    # the same counters in opposite errand orders cannot deadlock: by the first counter
    # that may serve the errand, then the slot's time.
    stops.sort(key=lambda s: (min((d.id for d in desks[s[2].service_id]), default=0), s[4]))
    for position, application, errand, at, slot in stops:
        slot_start = cal.at(day, slot)
        taken = take_places(session, desks[errand.service_id], slot_start,
                            errand.minutes)
        if taken is None:
            raise ApiError(409, "slot_full", {"arrives_at": local.isoformat(),
                                              "service": errand.service_code,
                                              "slot_starts_at": slot_start.astimezone(
                                                  WIB).isoformat()},
                           params={"time": _wib(slot_start), "service": errand.name_id})
        desk, slot_id = taken
        session.add(VisitStop(
            booking_id=booking.id, position=position, application_id=application.id,
            open_application_id=application.id, counter_id=desk.id, slot_id=slot_id,
            starts_at=cal.at(day, at), minutes=errand.minutes, channel=ONLINE,
            current=True, holding=True, hold_until=None))
    booking.arrives_at = arrives_at
    session.flush()


def book(session: Session, citizen_id, application_ids: list[str], arrives_at: dt.datetime,
         now: dt.datetime, secret: bytes) -> dict[str, Any]:
    """One visit for these applications (in this order): one arrival time, the counters in
    order. Every refusal is an ApiError raised before anything is kept (the request rolls
    back)."""
    version = _next_space_version(session, citizen_id)
    cal, chosen = _applications(session, citizen_id, application_ids, now)
    open_count = _open_bookings(session, citizen_id, cal.mpp_id, now)
    if open_count >= cal.max_open_bookings:
        raise ApiError(409, "too_many_bookings",
                       {"open": open_count, "limit": cal.max_open_bookings},
                       params={"count": open_count, "limit": cal.max_open_bookings})
    booking_id = str(uuid.uuid4())
    booking = VisitBooking(id=booking_id, citizen_id=citizen_id, mpp_id=cal.mpp_id,
                           status=BOOKED, arrives_at=arrives_at,
                           ticket_code=tickets.new_code(secret, booking_id),
                           created_at=now, updated_at=now, version=version)
    session.add(booking)
    session.flush()
    _take_stops(session, cal, booking, chosen, arrives_at, now)
    return describe(session, booking)


def _own_open_booking(session: Session, citizen_id, booking_id: str, now: dt.datetime
                      ) -> VisitBooking:
    booking = session.scalar(select(VisitBooking).where(
        VisitBooking.id == booking_id, VisitBooking.citizen_id == citizen_id))
    if booking is None:  # missing, or another citizen's: the same answer
        raise ApiError(404, "booking_not_found", {"booking_id": booking_id})
    if booking.status != BOOKED or booking.arrives_at <= now:
        raise ApiError(409, "booking_not_open", {"booking_id": booking_id,
                                                 "status": booking.status})
    return booking


def _give_up(session: Session, booking: VisitBooking, cal: Calendar, now: dt.datetime
             ) -> list[VisitStop]:
    """The booking's current stops stop being current; their minutes stay taken until the
    hold ends."""
    stops = list(booking.stops)
    for stop in stops:
        stop.current = False
        stop.open_application_id = None
        stop.hold_until = now + cal.cancel_hold
    session.flush()
    session.expire(booking, ["stops"])
    return stops


def reschedule(session: Session, citizen_id, booking_id: str, arrives_at: dt.datetime,
               now: dt.datetime) -> dict[str, Any]:
    """Move an open booking to another arrival time, the same errands in the same order."""
    version = _next_space_version(session, citizen_id)
    booking = _own_open_booking(session, citizen_id, booking_id, now)
    ids = [s.application_id for s in booking.stops]
    cal, chosen = _applications(session, citizen_id, ids, now, booking_id=booking.id)
    _give_up(session, booking, cal, now)
    _take_stops(session, cal, booking, chosen, arrives_at, now)
    booking.updated_at = now
    booking.version = version
    session.flush()
    return describe(session, booking)


def cancel(session: Session, citizen_id, booking_id: str, now: dt.datetime) -> dict[str, Any]:
    version = _next_space_version(session, citizen_id)
    booking = _own_open_booking(session, citizen_id, booking_id, now)
    mpp_code = session.scalar(select(Mpp.code).where(Mpp.id == booking.mpp_id))
    stops = _give_up(session, booking, calendar(session, mpp_code), now)
    booking.status = CANCELLED
    booking.cancelled_at = booking.updated_at = now
    booking.version = version
    session.flush()
    return describe(session, booking, stops)


# ---------------------------------------------------------------------------- reading

def get(session: Session, citizen_id, booking_id: str) -> dict[str, Any]:
    booking = session.scalar(select(VisitBooking).where(
        VisitBooking.id == booking_id, VisitBooking.citizen_id == citizen_id))
    if booking is None:
        raise ApiError(404, "booking_not_found", {"booking_id": booking_id})
    return describe(session, booking)


def list_bookings(session: Session, citizen_id, limit: int = 50) -> dict[str, Any]:
    bookings = session.scalars(select(VisitBooking).where(
        VisitBooking.citizen_id == citizen_id)
        .order_by(VisitBooking.arrives_at.desc()).limit(limit)).all()
    return {"items": [describe(session, b) for b in bookings]}


def describe(session: Session, booking: VisitBooking,
             stops: list[VisitStop] | None = None) -> dict[str, Any]:
    """A booking as its citizen sees it. A cancelled one shows the stops it had."""
    if stops is None:
        stops = list(booking.stops) if booking.status == BOOKED else _last_stops(session,
                                                                                  booking)
    mpp = session.get(Mpp, booking.mpp_id)
    counters = {c.id: c for c in session.scalars(
        select(Counter).where(Counter.id.in_({s.counter_id for s in stops})))}
    applications = {a.id: a for a in session.scalars(
        select(AppRow).where(AppRow.id.in_({s.application_id for s in stops})))}
    services = {s.code: s for s in session.scalars(
        select(Service).where(Service.code.in_(
            {a.service_code for a in applications.values()})))}
    out_stops = []
    for stop in sorted(stops, key=lambda s: s.position):
        application = applications[stop.application_id]
        service = services[application.service_code]
        counter = counters[stop.counter_id]
        out_stops.append({
            "position": stop.position, "application_id": application.id,
            "reference": application.reference,
            "service": {"code": service.code, "name_id": service.name_id,
                        "name_en": service.name_en},
            "counter": {"code": counter.code, "name": counter.name},
            "starts_at": _iso(stop.starts_at), "minutes": stop.minutes})
    return {"id": booking.id, "status": booking.status,
            "mpp": {"code": mpp.code, "name": mpp.name, "address": mpp.address},
            "arrives_at": _iso(booking.arrives_at), "ticket": booking.ticket_code,
            "stops": out_stops, "created_at": _iso(booking.created_at),
            "updated_at": _iso(booking.updated_at), "cancelled_at": _iso(booking.cancelled_at)}


def space_visits(connection, citizen_id, after: int) -> list[Visit]:
    """The citizen's bookings changed since `after` (a pull's cookie), as the sync engine
    carries them under `visit/<id>`: what describe() shows, and the ticket's QR while the
    booking is open (the phone shows it offline at the kiosk). `connection`: the sync
    store's, inside its snapshot."""
    with Session(bind=connection) as session:  # joins the snapshot, never ends it
        bookings = session.scalars(_statements()["space"],
                                   {"cid": citizen_id, "after": after}).all()
        out = []
        for booking in bookings:
            value = describe(session, booking)
            value["ticket_qr_svg"] = (tickets.qr_svg(booking.ticket_code)
                                      if booking.status == BOOKED else None)
            out.append(Visit(id=booking.id, version=booking.version, value=value))
    return out


def _last_stops(session: Session, booking: VisitBooking) -> list[VisitStop]:
    """A cancelled booking's stops as they were when it was given up."""
    rows = session.scalars(select(VisitStop).where(VisitStop.booking_id == booking.id)
                           .order_by(VisitStop.id.desc())).all()
    latest: dict[int, VisitStop] = {}
    for row in rows:
        latest.setdefault(row.position, row)
    return list(latest.values())


# ---------------------------------------------------------------------------- data rights

def erase(session: Session, citizen: Citizen, _now: dt.datetime) -> None:
    """accounts' ERASERS (run before the applications go: stops refer to them): the
    citizen's bookings go, and the minutes their stops still hold return to their slots."""
    bookings = select(VisitBooking.id).where(VisitBooking.citizen_id == citizen.id)
    for slot_id, minutes in session.execute(
            select(VisitStop.slot_id, VisitStop.minutes)
            .where(VisitStop.booking_id.in_(bookings), VisitStop.holding.is_(True))).all():
        session.execute(update(VisitSlot).where(VisitSlot.id == slot_id)
                        .values(taken_online=VisitSlot.taken_online - minutes)
                        .execution_options(synchronize_session=False))
    session.execute(delete(VisitStop).where(VisitStop.booking_id.in_(bookings))
                    .execution_options(synchronize_session=False))
    session.execute(delete(VisitBooking).where(VisitBooking.citizen_id == citizen.id)
                    .execution_options(synchronize_session=False))


def export(session: Session, citizen: Citizen) -> dict[str, bytes]:
    """accounts' EXPORTERS: the citizen's bookings as they see them."""
    from ..accounts.operations import to_json_bytes

    return {"visit-bookings.json": to_json_bytes(
        list_bookings(session, citizen.id, limit=10_000)["items"])}
