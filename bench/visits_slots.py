"""The free-slot query (GET /api/visits/slots) for a month of slots at the busiest MPP with a
year of bookings behind it. Goal: p95 <= 50 ms, on PostgreSQL and SQLite.

The busiest MPP is the open one with the most counters (measured in the database, not named
here). Its year is seeded with SQLAlchemy Core in one transaction: for every counter, every
slot of the last 11 months and of the booking window ahead gets a slot row, filled to a random
share of its online places (past slots --fill full on average, the month ahead half of that),
each place a booking of its own (a citizen, an application, the booking, its stop); one
booking in ten was cancelled and its hold has ended (given back), and in the month ahead one
in fifty was cancelled a moment ago (still held, counted free by the query). The query asks
for the whole booking window (30 days) for two errands at two counters, as the PWA does.

Calls are answered by gunicorn (2 sync workers) and timed from this process; `GET /healthz`
is timed alternately beside them, so the machine's load shows in the table. Then the EXPLAIN
of the statement the query runs on visit_slot and visit_stop (PostgreSQL).

    .venv/bin/python bench/visits_slots.py [--requests 200] [--fill 0.8] [--kinds postgresql,sqlite]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import sqlalchemy as sa

if __package__ in (None, ""):  # `python bench/visits_slots.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

P95_GOAL_MS = 50.0
HISTORY_DAYS = 335  # with the 30 days ahead: a year of slots


# ---- the year of bookings ---------------------------------------------------------------------
def busiest_mpp(session) -> str:
    from server.catalog.models import Counter, Mpp, VisitPolicy

    return session.execute(
        sa.select(Mpp.code).join(VisitPolicy, VisitPolicy.mpp_id == Mpp.id)
        .join(Counter, Counter.mpp_id == Mpp.id).where(Counter.active.is_(True))
        .group_by(Mpp.code).order_by(sa.func.count().desc(), Mpp.code).limit(1)).scalar_one()


def seed_year(scratch: common.Scratch, fill: float, rng: random.Random) -> dict:
    """Slots, bookings, stops (and their citizens and applications) for a year at the busiest
    MPP. Returns what the calls ask for and how much was written."""
    from server.accounts.models import Citizen
    from server.applications.models import Application
    from server.catalog.models import Counter, CounterService, Service
    from server.extensions import db
    from server.visits import operations as ops
    from server.visits.models import BOOKED, CANCELLED, VisitBooking, VisitSlot, VisitStop
    from sync import states
    from sync.space import WIB

    app = scratch.app()
    started = time.perf_counter()
    with app.app_context():
        session = db.session
        mpp = busiest_mpp(session)
        cal = ops.calendar(session, mpp)
        services = session.execute(
            sa.select(Service.id, Service.code, Service.visit_minutes)
            .join(CounterService, CounterService.service_id == Service.id)
            .join(Counter, Counter.id == CounterService.counter_id)
            .where(Counter.mpp_id == cal.mpp_id, Counter.active.is_(True))
            .order_by(Counter.position, Service.position)).all()
        desks = ops.counters_by_service(session, cal, {s.id for s in services})
        by_counter: dict[int, tuple] = {}
        for service in services:  # each counter's first service: what its visits are
            for desk in desks[service.id]:
                by_counter.setdefault(desk.id, (desk, service))
        now = dt.datetime.now(dt.timezone.utc)
        today = now.astimezone(WIB).date()
        first_day = today - dt.timedelta(days=HISTORY_DAYS)
        last_day = cal.first_and_last_day(today)[1]
        citizens = [{"id": uuid.uuid4(), "phone": f"+62899{n:08d}",
                     "created_at": now, "verified_keys": [],
                     "language": "id", "version": 0} for n in range(2000)]
        session.execute(sa.insert(Citizen), citizens)
        slot_rows, places = [], []
        day = first_day
        while day <= last_day:
            ahead = day > today
            for minute in cal.slot_starts(day):
                starts_at = cal.at(day, minute)
                for desk, service in by_counter.values():
                    room = desk.online // service.visit_minutes
                    share = fill / 2 if ahead else fill
                    taken = min(room, round(rng.random() * 2 * share * room))
                    slot_rows.append({"counter_id": desk.id, "starts_at": starts_at,
                                      "capacity_online": desk.online,
                                      "taken_online": taken * service.visit_minutes,
                                      "capacity_walk_in": desk.walk_in, "taken_walk_in": 0,
                                      "capacity_assisted": desk.assisted,
                                      "taken_assisted": 0})
                    places.extend((desk.id, starts_at, service, ahead) for _ in range(taken))
            day += dt.timedelta(days=1)
        for batch in range(0, len(slot_rows), 5000):
            session.execute(sa.insert(VisitSlot), slot_rows[batch:batch + 5000])
        slot_ids = {(r.counter_id, r.starts_at): r.id for r in session.execute(
            sa.select(VisitSlot.id, VisitSlot.counter_id, VisitSlot.starts_at))}
        applications, bookings, stops = [], [], []
        for counter_id, starts_at, service, ahead in places:
            citizen = rng.choice(citizens)["id"]
            application_id, booking_id = str(uuid.uuid4()), str(uuid.uuid4())
            cancelled = rng.random() < (0.02 if ahead else 0.1)
            applications.append({
                "id": application_id, "citizen_id": citizen, "service_code": service.code,
                "state": states.READY if ahead else states.COMPLETED,
                "created_at": starts_at, "updated_at": starts_at, "fields": {},
                "officer_note": "", "version": 1})
            bookings.append({
                "id": booking_id, "citizen_id": citizen, "mpp_id": cal.mpp_id,
                "arrives_at": starts_at, "status": CANCELLED if cancelled else BOOKED,
                "ticket_code": booking_id[:36], "created_at": now,
                "updated_at": now, "cancelled_at": now if cancelled else None})
            stops.append({
                "booking_id": booking_id, "position": 0, "application_id": application_id,
                "open_application_id": None if cancelled or not ahead else application_id,
                "counter_id": counter_id, "slot_id": slot_ids[(counter_id, starts_at)],
                "starts_at": starts_at, "minutes": service.visit_minutes,
                "channel": ops.ONLINE, "current": not cancelled,
                # held a moment ago (ahead), or given back long since (past)
                "holding": not cancelled or ahead,
                "hold_until": (None if not cancelled else
                               now + dt.timedelta(minutes=5) if ahead else starts_at)})
        for model, rows in ((Application, applications), (VisitBooking, bookings),
                            (VisitStop, stops)):
            for batch in range(0, len(rows), 5000):
                session.execute(sa.insert(model), rows[batch:batch + 5000])
        session.commit()
        errands = [s.code for s in (by_counter[c][1] for c in list(by_counter)[:2])]
    common.dispose(app)
    if scratch.kind == "postgresql":
        from server.config import normalise_database_url

        engine = sa.create_engine(normalise_database_url(scratch.url))
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                sa.text("VACUUM ANALYZE"))
        engine.dispose()
    return {"mpp": mpp, "services": errands, "slots": len(slot_rows),
            "bookings": len(bookings), "counters": len(by_counter),
            "seconds": time.perf_counter() - started}


# ---- the calls --------------------------------------------------------------------------------
def timed_get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return (time.perf_counter() - started) * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def explain(scratch: common.Scratch, seeded: dict) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements free_slots runs on the visit tables,
    captured from the operation itself (not retyped here)."""
    from server.db_types import utcnow
    from server.extensions import db
    from server.visits import operations as ops

    app = scratch.app()
    captured: list[tuple[str, object]] = []
    with app.app_context():
        def capture(conn, cursor, statement, parameters, context, executemany):
            if "visit_slot" in statement:
                captured.append((statement, parameters))
        sa.event.listen(db.engine, "before_cursor_execute", capture)
        ops.free_slots(db.session, seeded["mpp"], seeded["services"], None, None,
                       utcnow())
        sa.event.remove(db.engine, "before_cursor_execute", capture)
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in captured:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                print("\n".join(row[0] for row in cursor.fetchall()))
                print()
        finally:
            raw.close()
    common.dispose(app)


def run(kind: str, requests: int, fill: float, seed: int) -> list[common.Row]:
    rows: list[common.Row] = []
    with common.scratch_database(kind) as scratch:
        seeded = seed_year(scratch, fill, random.Random(seed))
        print(f"  {kind}: seeded {seeded['slots']:,} slot rows and {seeded['bookings']:,} "
              f"bookings at {seeded['mpp']} ({seeded['counters']} counters) in "
              f"{seeded['seconds']:.1f} s; asking for {', '.join(seeded['services'])}")
        with common.Server(scratch, workers=2) as server:
            query = urllib.parse.urlencode({"mpp": seeded["mpp"],
                                            "service": seeded["services"]}, doseq=True)
            slots_url = f"{server.base_url}/api/visits/slots?{query}"
            health_url = f"{server.base_url}/healthz"
            for _ in range(10):  # warm both workers
                timed_get(slots_url)
                timed_get(health_url)
            slots, health = [], []
            for _ in range(requests):
                slots.append(timed_get(slots_url))
                health.append(timed_get(health_url))
        print(f"  {kind}: free slots p50 {statistics.median(slots):.1f} ms, p95 "
              f"{p95(slots):.1f} ms; /healthz p50 {statistics.median(health):.1f} ms, "
              f"p95 {p95(health):.1f} ms")
        rows.append(common.Row(f"free slots p95, 30 days, {kind} (ms)", p95(slots),
                               P95_GOAL_MS, higher_is_better=False, unit=" ms"))
        rows.append(common.Row(f"free slots p50, {kind} (ms)", statistics.median(slots),
                               unit=" ms"))
        rows.append(common.Row(f"/healthz p95 beside it, {kind} (ms)", p95(health),
                               unit=" ms"))
        if kind == "postgresql":
            explain(scratch, seeded)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--fill", type=float, default=0.8,
                        help="average share of a past slot's online places booked")
    parser.add_argument("--kinds", default="postgresql,sqlite")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"bench/visits_slots.py: {common.machine_note()}")
    rows: list[common.Row] = []
    for kind in args.kinds.split(","):
        if kind == "postgresql" and (why := common.postgres_available()):
            print(f"  skipping PostgreSQL: {why}")
            continue
        rows.extend(run(kind, args.requests, args.fill, args.seed))
    return 0 if common.print_table("Free slots at the busiest MPP, a year of bookings",
                                   rows) else 1


if __name__ == "__main__":
    sys.exit(main())
