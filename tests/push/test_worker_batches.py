"""The push worker's batches (issue #20): one claim and one outcome statement per pass, a
worker process killed between claim and outcome, the send window, the VAPID token reused
per push service. Each runs on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import event, select

from server.push import keys as vapid_keys
from server.push.models import PushDelivery
from server.push.worker import VAPID_LIFETIME, VAPID_RENEW_BEFORE
from sync import states

from .conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
T_DEL = PushDelivery.__table__

# A worker process: one pass at NOW (the notifications were written then), as
# `flask push worker` would run it, on the test's database and instance (its VAPID key).
CHILD = """
import sys
from pathlib import Path
from tests.conftest import make_app
from tests.push.conftest import NOW, PUSH_CONFIG
from server.push.cli import make_worker
app = make_app(sys.argv[1], Path(sys.argv[2]), **PUSH_CONFIG)
with app.app_context():
    worker = make_worker(app)
worker.settings.batch = int(sys.argv[3])
if len(sys.argv) > 5:  # start together: wait for the test's go
    import os, time
    print("ready", flush=True)
    while not os.path.exists(sys.argv[5]):
        time.sleep(0.01)
if sys.argv[4] == "drain":
    print(worker.drain(NOW)["delivered"], flush=True)
else:
    print(worker.step(NOW, reminders_too=False), flush=True)
"""


def ready(world, citizen):
    app_id = world.application(citizen, states.APPROVED)
    world.mark_ready(app_id)
    return app_id


def wait_for(condition, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def worker_process(app, tmp_path, *, batch: int = 50, what: str = "step",
                   name: str = "child", go: Path | None = None) -> subprocess.Popen:
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, app.config["SQLALCHEMY_DATABASE_URI"],
         str(app.config["INSTANCE_DIR"]), str(batch), what, *([str(go)] if go else [])],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})


def kill(child: subprocess.Popen, tmp_path) -> None:
    assert child.poll() is None, (tmp_path / "child.log").read_text()  # still in its pass
    child.send_signal(signal.SIGKILL)
    assert child.wait(30) == -signal.SIGKILL


def test_a_worker_process_killed_mid_send_leaves_it_to_the_next_after_the_lease(
        world, app, tmp_path):
    """Killed after the claim committed, while the POST is unanswered: nothing recorded;
    the delivery is not taken while the lease runs, then sent once by another worker."""
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    ready(world, citizen)
    world.receiver.answer("phone", ("sleep", 10))  # the push service does not answer yet
    child = worker_process(app, tmp_path)
    wait_for(lambda: world.receiver.attempts["phone"] == 1, "the worker's POST")
    kill(child, tmp_path)
    [delivery] = world.deliveries()
    assert delivery["status"] == "sending" and delivery["attempts"] == 1
    assert delivery["lease_until"] > NOW
    alive = world.worker()
    assert world.drain(alive, now=NOW + dt.timedelta(seconds=30))["sent"] == 0
    assert world.drain(alive, now=delivery["lease_until"] + dt.timedelta(seconds=1)
                       )["delivered"] == 1
    assert world.receiver.attempts["phone"] == 2 and len(world.receiver.messages("phone")) == 1
    [delivery] = world.deliveries()
    assert delivery["status"] == "delivered" and delivery["attempts"] == 2


def test_a_worker_process_killed_before_its_outcome_is_written_sends_again(
        world, app, tmp_path):
    """Killed after the push service took the message, while the outcome waits for a lock
    (SQLite: the write lock; PostgreSQL: the row): never lost, sent once more after the
    lease (at least once; the Topic makes the phone show it once)."""
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    app_id = ready(world, citizen)
    world.receiver.answer("phone", ("sleep", 1.5))  # then 201: accepted
    child = worker_process(app, tmp_path)
    wait_for(lambda: world.receiver.attempts["phone"] == 1, "the worker's POST")
    uow = world.uow()
    with uow.transaction():  # the outcome's UPDATE now waits behind this transaction
        uow.conn.execute(select(T_DEL.c.id).with_for_update()).all()
        wait_for(lambda: world.receiver.replied["phone"] == 1, "the 201")
        if uow.dialect == "postgresql":
            wait_for(lambda: blocked_on_a_lock(uow), "the outcome to wait for the row")
        else:
            time.sleep(1.0)  # the flock() wait cannot be seen from here
        kill(child, tmp_path)
    [delivery] = world.deliveries()
    assert delivery["status"] == "sending" and delivery["attempts"] == 1
    world.drain(now=delivery["lease_until"] + dt.timedelta(seconds=1))
    [delivery] = world.deliveries()
    assert delivery["status"] == "delivered" and delivery["attempts"] == 2
    [message] = world.receiver.messages("phone")
    assert world.receiver.attempts["phone"] == 2
    assert message.headers["topic"] == app_id.replace("-", "")


def blocked_on_a_lock(uow) -> bool:
    with uow.engine.connect() as conn:
        return bool(conn.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE 'UPDATE push_delivery%%' AND datname = current_database()"
        ).scalar())


def test_attempts_used_up_when_a_lease_runs_out_end_at_the_claim(world):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    ready(world, citizen)
    dead = world.worker(max_attempts=1)
    with world.app.app_context():
        keys = vapid_keys.current(world.app)
    dead.fan_out(NOW, keys)
    [claim] = dead.claim(NOW, keys)  # the only attempt; the worker dies
    assert claim.attempts == 1
    after = world.deliveries()[0]["lease_until"] + dt.timedelta(seconds=1)
    assert world.drain(world.worker(max_attempts=1), now=after)["sent"] == 0
    [delivery] = world.deliveries()
    assert delivery["status"] == "permanent-failure" and delivery["attempts"] == 1
    assert delivery["last_error"] == "too_many_attempts" and delivery["lease_until"] is None
    assert world.receiver.attempts == {}


def statements_of_a_pass(worker, now) -> tuple[dict, list[str]]:
    seen: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    event.listen(worker.engine, "before_cursor_execute", capture)
    try:
        counts = worker.step(now, reminders_too=False)
    finally:
        event.remove(worker.engine, "before_cursor_execute", capture)
    return counts, seen


def test_a_pass_costs_the_same_statements_for_3_messages_as_for_9(world):
    """Claim, outcomes and fan-out are set-based: the statements of a pass do not grow with
    its batch; the outcomes are one UPDATE, whatever they are."""
    worker = world.worker()
    warm = world.citizen()
    world.subscribe(warm, "warm")
    ready(world, warm)
    assert worker.step(NOW, reminders_too=False)["delivered"] == 1  # reads the catalog once
    seen = {}
    for n in (3, 9):
        for i in range(n):
            citizen = world.citizen()
            world.subscribe(citizen, f"phone-{n}-{i}")
            ready(world, citizen)
        counts, seen[n] = statements_of_a_pass(worker, NOW)
        assert counts["fanned_out"] == counts["claimed"] == counts["delivered"] == n
    assert len(seen[3]) == len(seen[9]), (seen[3], seen[9])
    for statements in seen.values():
        outcome = [s for s in statements if "json_each" in s or "jsonb_to_recordset" in s]
        assert len(outcome) == 1, statements
        assert sum(s.startswith("UPDATE push_delivery") or s.startswith("WITH")
                   for s in statements) == 2  # the claim and the outcomes
    assert len(world.receiver.messages()) == 13


def test_mixed_outcomes_of_one_pass_are_recorded_together(world):
    names = ["ok", "flaky", "busy", "gone", "bad"]
    subscriptions = {}
    for name in names:
        citizen = world.citizen()
        subscriptions[name] = world.subscribe(citizen, name)
        ready(world, citizen)
    world.receiver.answer("flaky", 503)
    world.receiver.answer("busy", ("status", 429, {"Retry-After": "600"}))
    world.receiver.answer("gone", 410)
    world.receiver.answer("bad", 400)
    counts, statements = statements_of_a_pass(world.worker(), NOW)
    assert counts["claimed"] == counts["sent"] == 5 and counts["delivered"] == 1
    assert sum("json_each" in s or "jsonb_to_recordset" in s for s in statements) == 1
    by_name = {}
    for delivery in world.deliveries():
        sid = delivery["subscription_id"]
        name = next((n for n, s in subscriptions.items() if str(sid) == s), "gone")
        by_name[name] = delivery
    assert by_name["ok"]["status"] == "delivered" and by_name["ok"]["last_status_code"] == 201
    assert by_name["flaky"]["status"] == "temporary-failure"
    assert by_name["flaky"]["last_error"] == "503 Service Unavailable"
    assert 5 <= (by_name["flaky"]["next_attempt_at"] - NOW).total_seconds() <= 10
    assert by_name["busy"]["next_attempt_at"] == NOW + dt.timedelta(seconds=600)
    assert by_name["gone"]["status"] == "permanent-failure"
    assert by_name["gone"]["last_status_code"] == 410 and by_name["gone"]["subscription_id"] is None
    assert by_name["bad"]["status"] == "permanent-failure"
    assert by_name["bad"]["last_status_code"] == 400
    assert all(d["lease_until"] is None and d["attempts"] == 1 for d in world.deliveries())
    assert str(subscriptions["gone"]) not in {str(s) for s in world.subscriptions()}
    assert len(world.subscriptions()) == 4


def test_claims_left_when_the_send_window_closes_are_given_back(world):
    for i in range(3):
        citizen = world.citizen()
        world.subscribe(citizen, f"phone-{i}")
        ready(world, citizen)
    world.receiver.delay = 0.4  # each answer takes longer than the window
    worker = world.worker(send_window=0.2)
    counts = worker.step(NOW, reminders_too=False)
    assert counts["claimed"] == 3 and counts["sent"] == counts["delivered"] == 1
    statuses = sorted((d["status"], d["attempts"], d["lease_until"], d["last_error"])
                      for d in world.deliveries())
    assert statuses == [("created", 0, None, ""), ("created", 0, None, ""),
                        ("delivered", 1, None, "")]
    world.receiver.delay = 0.0
    assert world.drain(worker)["delivered"] == 2  # due at once, not after a lease
    assert sorted(world.receiver.attempts.values()) == [1, 1, 1]
    assert [d["attempts"] for d in world.deliveries()] == [1, 1, 1]


def test_the_vapid_token_is_signed_once_per_push_service_while_it_is_valid(world):
    for i in range(3):
        citizen = world.citizen()
        world.subscribe(citizen, f"phone-{i}")
        ready(world, citizen)
    worker = world.worker()
    world.drain(worker)
    tokens = {m.headers["authorization"] for m in world.receiver.messages()}
    assert len(tokens) == 1  # one audience: the receiver's origin
    [claims] = {str(m.claims) for m in world.receiver.messages()}
    started = time.time()
    worker.wall = lambda: started + 3600  # an hour later: still valid, reused
    ready(world, world.citizen())  # a citizen with no subscription: nothing sent
    citizen = world.citizen()
    world.subscribe(citizen, "later")
    ready(world, citizen)
    world.drain(worker)
    [later] = world.receiver.messages("later")
    assert later.headers["authorization"] in tokens
    # Within VAPID_RENEW_BEFORE of its expiry a new one is signed (for 12 hours from then,
    # which the receiver still accepts: at most 24 hours ahead of the real clock).
    worker.wall = lambda: started + VAPID_LIFETIME - VAPID_RENEW_BEFORE + 1
    citizen = world.citizen()
    world.subscribe(citizen, "renewed")
    ready(world, citizen)
    world.drain(worker)
    [renewed] = world.receiver.messages("renewed")
    assert renewed.headers["authorization"] not in tokens
    assert renewed.claims["exp"] == int(started + VAPID_LIFETIME - VAPID_RENEW_BEFORE + 1
                                        ) + VAPID_LIFETIME
    assert str(renewed.claims) != claims


def test_two_worker_processes_send_each_message_once(world, app, tmp_path):
    """Two `flask push worker` processes on one outbox (PostgreSQL: SKIP LOCKED; SQLite:
    the write lock): every delivery sent once, by one of them, and both take part."""
    expected = 0
    for i in range(12):
        citizen = world.citizen()
        world.subscribe(citizen, f"phone-{i}")
        world.subscribe(world.device(citizen), f"tablet-{i}")
        ready(world, citizen)
        expected += 2
    with world.app.app_context():
        keys = vapid_keys.current(world.app)
    assert world.worker().fan_out(NOW, keys) == expected
    world.receiver.delay = 0.1  # one's batch is still being sent when the other claims
    go = tmp_path / "go"
    children = [worker_process(app, tmp_path, batch=4, what="drain", name=f"worker-{n}",
                               go=go) for n in range(2)]
    for n in range(2):
        wait_for(lambda n=n: "ready" in (tmp_path / f"worker-{n}.log").read_text(),
                 f"worker {n} to start", 120)
    go.touch()
    for n, child in enumerate(children):
        assert child.wait(180) == 0, (tmp_path / f"worker-{n}.log").read_text()
    delivered = [int((tmp_path / f"worker-{n}.log").read_text().split()[-1]) for n in range(2)]
    assert sum(delivered) == expected and all(delivered), delivered
    received = [(m.name, m.payload["notification_id"]) for m in world.receiver.messages()]
    assert len(received) == len(set(received)) == expected
    assert sum(world.receiver.attempts.values()) == expected
    assert {d["status"] for d in world.deliveries()} == {"delivered"}
