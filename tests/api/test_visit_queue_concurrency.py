"""The MPP floor under contention, through a real gunicorn with several worker processes
(as test_visits_concurrency.py races bookings), on SQLite and PostgreSQL:
- 50 walk-ins at once for a service with 42 walk-in places left get exactly 42 numbers,
  DKC-001 to DKC-042 with no gap and no repeat, and 8 clear refusals (walk_in_full);
- two desks calling next at the same moment never get the same ticket, round after round,
  and two calls for the same desk at once give one ticket and one desk_busy.

gunicorn runs the testing configuration with the floor's clock on an open day of the demo
calendar (QUEUE_CLOCK_AT, honoured only by a testing app), so the races hold whatever day
the suite runs."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, select, text

from bench.common import Scratch, Server
from server.extensions import db
from server.visit_queue.models import QueueDay, QueueTicket
from tests.api.queue_floor import KK, Q, FloorWorld

RACERS = 50
WORKERS = 3
WALK_IN_PLACES = 42  # Loket 2 (2 desks x 30 min x 40%) + Loket 4 (1 x 30 x 20%) = 30 min a
#                      slot, 14 slots Mon-Thu = 420 minutes; a KK visit takes 10
DEADLINE = 60


def _post(url: str, body: dict, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {
        "Content-Type": "application/json", **headers}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=DEADLINE) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def _race(calls):
    """Run the callables at the same moment (a barrier), each in its own thread."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait(timeout=DEADLINE)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls, timeout=DEADLINE))


def _gunicorn(floor: FloorWorld, databases, database_url, tmp_path) -> Server:
    """gunicorn on the test's database, its floor's clock at the test's moment."""
    moment = floor.app.config["QUEUE_CLOCK"]()
    scratch = Scratch(databases.name, database_url, tmp_path / "gunicorn")
    return Server(scratch, workers=WORKERS, extra_env={
        "FLASK_CONFIG": "testing", "QUEUE_CLOCK_AT": moment.isoformat()})


def test_parallel_walk_ins_get_unique_gapless_numbers_within_the_share(
        app, client, callers, runner, databases, database_url, tmp_path):
    floor = FloorWorld(app, client, callers, runner)
    with _gunicorn(floor, databases, database_url, tmp_path) as server:
        url = f"{server.base_url}{Q}/kiosk/walk-in"
        answers = _race([lambda: _post(url, {"service": KK}, floor.kiosk)] * RACERS)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] * WALK_IN_PLACES + [409] * (RACERS - WALK_IN_PLACES), [
        body for status, body in answers if status not in (201, 409)]
    assert {b["error"]["code"] for s, b in answers if s == 409} == {"walk_in_full"}
    numbers = sorted(b["tickets"][0]["number"] for s, b in answers if s == 201)
    assert numbers == [f"DKC-{n:03d}" for n in range(1, WALK_IN_PLACES + 1)]
    with app.app_context():
        day = db.session.scalars(select(QueueDay)).one()
        assert (day.last_number, day.walk_in_taken) == (WALK_IN_PLACES, WALK_IN_PLACES * 10)
        assert sorted(db.session.scalars(select(QueueTicket.seq))) == list(
            range(1, WALK_IN_PLACES + 1))


def test_parallel_calls_never_call_one_ticket_twice(app, client, callers, runner, databases,
                                                    database_url, tmp_path):
    floor = FloorWorld(app, client, callers, runner)
    rounds = 6
    for _ in range(2 * rounds + 2):
        assert floor.walk_in(KK).status_code == 201
    second = callers.officer("verifier", "langsa", "dukcapil")
    called: list[str] = []
    with _gunicorn(floor, databases, database_url, tmp_path) as server:
        url = f"{server.base_url}{Q}/counters/loket-2/call-next"

        def call(officer, desk):
            return lambda: _post(url, {"desk": desk}, officer["headers"])

        for _ in range(rounds):
            answers = _race([call(floor.dukcapil, 1), call(second, 2)])
            assert [s for s, _ in answers] == [200, 200], answers
            pair = [b["number"] for _, b in answers]
            assert pair[0] != pair[1]
            called += pair
            for _, body in answers:
                done = floor.act(floor.dukcapil, body["id"], "complete")
                assert done.status_code == 200
        # Two calls for the same desk at once: one ticket, one refusal.
        answers = _race([call(floor.dukcapil, 1), call(second, 1)])
        assert sorted(s for s, _ in answers) == [200, 409], answers
        assert [b["error"]["code"] for s, b in answers if s == 409] == ["desk_busy"]
        called += [b["number"] for s, b in answers if s == 200]
    assert len(called) == len(set(called)) == 2 * rounds + 1
    # Called in the line's order: by number.
    assert sorted(called) == [f"DKC-{n:03d}" for n in range(1, 2 * rounds + 2)]
    with app.app_context():
        statuses = {t.number: (t.status, t.calls) for t in db.session.scalars(
            select(QueueTicket))}
    assert all(calls == 1 for number, (_, calls) in statuses.items() if number in called)
    assert sum(1 for status, _ in statuses.values() if status == "waiting") == 1


# PostgreSQL only: SQLite runs writing requests one at a time (server/transactions.py), so
# two calls there cannot interleave inside the operation.
@pytest.mark.parametrize("databases", ["postgresql"], indirect=True)
def test_a_second_call_for_a_busy_desk_does_not_pass_the_next_visitor_over(
        app, client, callers, runner):
    """Forced interleaving of the race above: the first call for desk 1 has picked the
    line's next ticket and stops just before taking it; a second call for desk 1 comes in.
    It must wait for the first and find the desk busy, not pick the ticket behind (the
    first's pick is locked) and take the desk, leaving the next visitor passed over."""
    floor = FloorWorld(app, client, callers, runner)
    for _ in range(2):
        assert floor.walk_in(KK).status_code == 201
    second = callers.officer("verifier", "langsa", "dukcapil")
    url = f"{Q}/counters/loket-2/call-next"
    paused, go_on = threading.Event(), threading.Event()

    def hold_first(conn, cursor, statement, parameters, context, executemany):
        if (threading.current_thread().name == "first" and not paused.is_set()
                and statement.lstrip().upper().startswith("UPDATE QUEUE_TICKET")):
            paused.set()
            assert go_on.wait(DEADLINE)

    def waiting_on_a_lock() -> int:
        with db.engine.connect() as conn:
            return conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"))

    answers: dict[str, object] = {}

    def call(name, officer):
        answers[name] = app.test_client().post(url, json={"desk": 1},
                                               headers=officer["headers"])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", hold_first)
    try:
        first = threading.Thread(target=call, args=("first", floor.dukcapil), name="first")
        first.start()
        assert paused.wait(DEADLINE)
        late = threading.Thread(target=call, args=("second", second), name="second")
        late.start()
        with app.app_context():
            deadline = time.monotonic() + DEADLINE
            while late.is_alive() and not waiting_on_a_lock():
                assert time.monotonic() < deadline, "the second call neither ended nor waited"
                time.sleep(0.02)
        go_on.set()
        first.join(DEADLINE)
        late.join(DEADLINE)
    finally:
        go_on.set()
        event.remove(engine, "before_cursor_execute", hold_first)
    assert answers["first"].status_code == 200, answers["first"].json
    assert answers["first"].json["number"] == "DKC-001"
    assert answers["second"].status_code == 409, answers["second"].json
    assert answers["second"].json["error"]["code"] == "desk_busy"
    with app.app_context():
        waiting = db.session.scalars(select(QueueTicket.number).where(
            QueueTicket.status == "waiting")).all()
    assert waiting == ["DKC-002"]
