"""Booking throughput under contention (POST /api/visits/bookings) through gunicorn, SQLite and
PostgreSQL: how many booking requests a second the server answers when citizens book
different places (spread) and when they all race for the same few places (contended), and
whether any place was sold twice (the goal that must hold: no overbooking, ever).

- spread: `--citizens` citizens, each with a ready application (Kartu Keluarga at Langsa,
  Loket 2: 3 visits of 10 minutes a slot), book at once from `--clients` threads, every three
  of them in a slot of their own across the booking window: each should get 201.
- contended: as many more citizens race, `--clients` at a time, for the places of
  `--hot-slots` slots (3 each): exactly that many get 201, every other answer is 409
  slot_full; answers a second (201 + 409) is the measure.
Then the database is checked: no slot row with more minutes taken than its capacity, and as
many stops as 201 answers.

    .venv/bin/python bench/visits_booking.py [--citizens 150] [--clients 24] [--hot-slots 2]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

if __package__ in (None, ""):  # `python bench/visits_booking.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

MPP, SERVICE, COUNTER = "langsa", "langsa.dukcapil.kk-baru", "loket-2"
PER_SLOT = 3  # Loket 2: 2 desks x 30 minutes x 50% online = 30 minutes; a KK visit is 10


def applications(scratch: common.Scratch, count: int) -> list[tuple[str, str]]:
    """`count` citizens with one ready application each: [(token, application id)]."""
    from server.applications.models import Application
    from server.extensions import db

    made = common.citizens(scratch, count, device_name="bench-booking")
    app = scratch.app()
    now = dt.datetime.now(dt.timezone.utc)
    with app.app_context():
        for n, citizen in enumerate(made):
            citizen["application"] = str(uuid.uuid4())
            db.session.add(Application(
                id=citizen["application"], citizen_id=uuid.UUID(citizen["id"]),
                service_code=SERVICE, state="ready", created_at=now, updated_at=now,
                fields={}, submitted_at=now, reference=f"LGS-2026-9{n:05d}", version=1))
        db.session.commit()
    common.dispose(app)
    return [(c["tokens"][0], c["application"]) for c in made]


def arrival_times(scratch: common.Scratch, count: int) -> list[str]:
    """The first `count` bookable arrival times at Langsa from tomorrow (WIB, with offset),
    read from the MPP's own calendar (hours, breaks, holidays)."""
    from server.extensions import db
    from server.visits.operations import calendar
    from sync.space import WIB

    app = scratch.app()
    out: list[str] = []
    with app.app_context():
        cal = calendar(db.session, MPP)
        day = dt.datetime.now(WIB).date() + dt.timedelta(days=cal.window[0])
        last = dt.datetime.now(WIB).date() + dt.timedelta(days=cal.window[1])
        while len(out) < count and day <= last:
            out += [cal.at(day, minute).astimezone(WIB).isoformat()
                    for minute in cal.slot_starts(day)]
            day += dt.timedelta(days=1)
    common.dispose(app)
    if len(out) < count:
        raise SystemExit(f"only {len(out)} slots in the window, {count} needed")
    return out[:count]


def book(url: str, token: str, application: str, arrives_at: str) -> tuple[int, str, float]:
    body = json.dumps({"applications": [application], "arrives_at": arrives_at}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json",
                                                 "Authorization": f"Bearer {token}"},
                                     method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status, code = response.status, ""
    except urllib.error.HTTPError as err:
        status = err.code
        code = json.loads(err.read() or b"{}").get("error", {}).get("code", "")
    return status, code, (time.perf_counter() - started) * 1000


def burst(url: str, jobs: list[tuple[str, str, str]], clients: int):
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        answers = list(pool.map(lambda job: book(url, *job), jobs))
    return answers, time.perf_counter() - started


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def oversold(scratch: common.Scratch) -> tuple[int, int]:
    """(slot rows with more minutes taken than their capacity, current stops)."""
    engine = sa.create_engine(common.normalise_database_url(scratch.url))
    with engine.connect() as conn:
        over = conn.execute(sa.text(
            "SELECT count(*) FROM visit_slot WHERE taken_online > capacity_online")).scalar()
        stops = conn.execute(sa.text("SELECT count(*) FROM visit_stop")).scalar()
    engine.dispose()
    return over, stops


def run(kind: str, citizens: int, clients: int, hot_slots: int) -> list[common.Row]:
    rows: list[common.Row] = []
    with common.scratch_database(kind) as scratch:
        people = applications(scratch, 2 * citizens)
        spread_people, racers = people[:citizens], people[citizens:]
        times = arrival_times(scratch, -(-citizens // PER_SLOT) + hot_slots)
        spread_jobs = [(t, a, times[n // PER_SLOT]) for n, (t, a) in enumerate(spread_people)]
        hot = times[-hot_slots:]
        race_jobs = [(t, a, hot[n % hot_slots]) for n, (t, a) in enumerate(racers)]
        with common.Server(scratch, workers=2, threads=4) as server:
            url = f"{server.base_url}/api/visits/bookings"
            spread, spread_s = burst(url, spread_jobs, clients)
            race, race_s = burst(url, race_jobs, clients)
        over, stops = oversold(scratch)
    won_spread = sum(1 for s, _, _ in spread if s == 201)
    won_race = sum(1 for s, _, _ in race if s == 201)
    refused = sum(1 for s, c, _ in race if s == 409 and c == "slot_full")
    other = [(s, c) for s, c, _ in spread + race if s not in (201, 409)]
    print(f"  {kind}: spread {won_spread}/{len(spread)} booked in {spread_s:.2f} s; "
          f"contended {won_race} booked + {refused} slot_full of {len(race)} in {race_s:.2f} s; "
          f"other answers {other[:5]}; oversold slot rows {over}; stops {stops}")
    wrong = (over + abs(stops - won_spread - won_race) + abs(won_race - hot_slots * PER_SLOT)
             + len(other) + (len(spread) - won_spread) + (len(race) - won_race - refused))
    rows.append(common.Row(f"booking answers/s, spread, {kind}", len(spread) / spread_s))
    rows.append(common.Row(f"booking p95, spread, {kind}", p95([m for *_, m in spread]),
                           unit=" ms"))
    rows.append(common.Row(f"booking answers/s, contended, {kind}", len(race) / race_s))
    rows.append(common.Row(f"booking p95, contended, {kind}", p95([m for *_, m in race]),
                           unit=" ms"))
    rows.append(common.Row(f"contended / spread answers/s, {kind}",
                           (len(race) / race_s) / (len(spread) / spread_s)))
    rows.append(common.Row(f"places sold twice or lost, {kind}", wrong, 0,
                           higher_is_better=False))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=150)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--hot-slots", type=int, default=2)
    parser.add_argument("--kinds", default="postgresql,sqlite")
    args = parser.parse_args()
    print(f"bench/visits_booking.py: {common.machine_note()}")
    rows: list[common.Row] = []
    for kind in args.kinds.split(","):
        if kind == "postgresql" and (why := common.postgres_available()):
            print(f"  skipping PostgreSQL: {why}")
            continue
        rows.extend(run(kind, args.citizens, args.clients, args.hot_slots))
    return 0 if common.print_table("Booking under contention (gunicorn 2 workers x 4 threads)",
                                   rows) else 1


if __name__ == "__main__":
    sys.exit(main())
