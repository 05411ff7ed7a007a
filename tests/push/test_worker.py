"""The push worker against the local push receiver: each event type arrives decrypted and
signed; each failure of a push service is retried or ends cleanly; nothing is lost, sent
twice at once, or sent to the wrong person."""
from __future__ import annotations

import datetime as dt
import threading
import uuid

from server.extensions import db
from server.push.models import PushMessage
from sync import officer, states
from sync.reminders import VISIT_REMINDER

from .conftest import NOW
from .helpers import no_personal_data, one

SERVICE_ID = "Penerbitan Paspor Biasa Baru"
SERVICE_EN = "New Ordinary Passport"


def test_revision_requested_says_which_requirement_and_why(world):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    app_id = world.application(citizen, states.IN_REVIEW, rejected={"ktp": "Foto buram"})
    world.officer(officer.request_revision, app_id, "")
    counts = world.drain()
    assert counts["delivered"] == 1
    message = one(world, "phone")
    payload = message.payload
    assert payload["title"] == f"Perlu perbaikan: {SERVICE_ID}"
    assert payload["body"] == "LGS-2026-000042 · KTP-el: Foto buram"
    assert payload["url"] == f"/#/permohonan/{app_id}"
    assert payload["tag"] == f"permohonan-{app_id}"
    assert payload["application_id"] == app_id and payload["kind"] == "revision_requested"
    assert message.headers["urgency"] == "high"
    assert message.headers["ttl"] == str(3 * 24 * 3600)
    assert message.headers["topic"] == app_id.replace("-", "")
    assert message.claims["sub"] == "mailto:ops@mpp.example.id"
    no_personal_data(payload)
    assert [d["status"] for d in world.deliveries()] == ["delivered"]


def test_revision_text_from_the_officer_consoles_data_in_english(world):
    citizen = world.citizen(language="en")
    world.subscribe(citizen, "phone")
    app_id = world.application(citizen, states.REVISION_REQUESTED)
    world.notify(citizen, app_id, "state_changed", state="revision_requested",
                 previous="in_review", reference="LGS-2026-000042",
                 service_id="langsa.imigrasi.paspor-baru",
                 requirements=[{"code": "kk", "note": "Halaman terpotong"},
                               {"code": "ktp", "note": ""}], note="Periksa lagi")
    world.drain()
    payload = one(world, "phone").payload
    assert payload["title"] == f"Needs fixing: {SERVICE_EN}"
    with world.app.app_context():  # the requirement titles in English, from the catalog
        from server.catalog.models import Requirement, Service
        kk = db.session.scalar(db.select(Requirement.title_en).join(Service).where(
            Service.code == "langsa.imigrasi.paspor-baru", Requirement.code == "kk"))
    assert payload["body"] == f"LGS-2026-000042 · {kk}, KTP-el: Halaman terpotong"


def test_approved(world):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    app_id = world.application(citizen, states.IN_REVIEW)
    world.officer(officer.approve, app_id)
    world.drain()
    message = one(world, "phone")
    assert message.payload["title"] == "Permohonan disetujui"
    assert message.payload["body"] == f"LGS-2026-000042 · {SERVICE_ID} sedang diproses."
    assert message.headers["urgency"] == "normal"


def test_ready_for_pickup_says_where_and_what_to_bring(world):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    app_id = world.application(citizen, states.APPROVED)
    world.mark_ready(app_id, {"counter": "Loket 5", "hours": "08.00-12.00",
                              "bring": ["KTP-el asli", "Tanda terima"],
                              "visit_date": "2026-03-04"})
    world.drain()
    message = one(world, "phone")
    assert message.payload["title"] == f"Siap diambil: {SERVICE_ID}"
    assert message.payload["body"] == (
        "LGS-2026-000042 · Ambil di Loket 5, Mal Pelayanan Publik Kota Langsa (08.00-12.00). "
        "Jadwal Rabu, 4 Maret 2026. Bawa: KTP-el asli, Tanda terima.")
    assert message.headers["urgency"] == "high"
    no_personal_data(message.payload)
    assert "ticket" not in str(message.payload).lower()


def test_ready_without_pickup_details_falls_back_to_the_catalog(world):
    citizen = world.citizen(language="en")
    world.subscribe(citizen, "phone")
    app_id = world.application(citizen, states.APPROVED)
    world.mark_ready(app_id)
    world.drain()
    assert one(world, "phone").payload["body"] == (
        "LGS-2026-000042 · Collect at Loket 5, Mal Pelayanan Publik Kota Langsa "
        "(Monday-Friday 08:00-16:00).")


def test_visit_reminder_the_day_before_once(world):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    app_id = world.application(citizen, states.APPROVED)
    world.mark_ready(app_id, {"counter": "Loket 5", "bring": ["KTP-el asli"],
                              "visit_date": "2026-03-04"})
    world.drain()  # Monday: the ready push; no reminder two days ahead
    assert len(world.receiver.messages("phone")) == 1
    tuesday_early = dt.datetime(2026, 3, 2, 23, 0, tzinfo=dt.timezone.utc)  # 06:00 WIB
    assert world.drain(now=tuesday_early)["reminders"] == 0
    tuesday = dt.datetime(2026, 3, 3, 2, 0, tzinfo=dt.timezone.utc)  # 09:00 WIB
    assert world.drain(now=tuesday)["reminders"] == 1
    assert world.drain(now=tuesday + dt.timedelta(hours=3))["reminders"] == 0  # once
    reminder = world.receiver.messages("phone")[-1]
    assert reminder.payload["kind"] == VISIT_REMINDER
    assert reminder.payload["title"] == f"Besok: ambil {SERVICE_ID}"
    assert reminder.payload["body"] == (
        "LGS-2026-000042 · Ambil di Loket 5, Mal Pelayanan Publik Kota Langsa "
        "(Senin-Jumat 08.00-16.00). Jadwal Rabu, 4 Maret 2026. Bawa: KTP-el asli.")
    # TTL: until the end of the visit day (WIB), from 09:00 WIB the day before.
    assert reminder.headers["ttl"] == str(39 * 3600)
    assert len(world.receiver.messages("phone")) == 2
    # It is in the inbox too, written through the sync engine.
    uow = world.uow()
    with uow.snapshot():
        kinds = [n.kind for n in uow.changes_since(citizen["id"], 0).notifications]
    assert kinds.count(VISIT_REMINDER) == 1


def test_no_reminder_once_collected(world):
    citizen = world.citizen()
    app_id = world.application(citizen, states.APPROVED)
    code = world.mark_ready(app_id, {"visit_date": "2026-03-03"})
    assert world.drain()["reminders"] == 1  # due: Monday 10:00 WIB, visit Tuesday
    other = world.application(citizen, states.APPROVED, reference="LGS-2026-000043")
    code = world.mark_ready(other, {"visit_date": "2026-03-03"})
    world.officer(officer.complete, other, ticket_code=code)
    assert world.drain()["reminders"] == 0


def test_kinds_that_do_not_push_are_only_in_the_inbox(world, app):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    app_id = world.application(citizen, states.SUBMITTED)
    world.officer(officer.start_review, app_id)
    assert world.drain()["sent"] == 0
    assert world.deliveries() == [] and world.receiver.messages() == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PushMessage)) == 1


def test_every_device_of_the_citizen_and_nobody_else(world):
    alice, bob = world.citizen(), world.citizen()
    world.subscribe(alice, "alice-phone")
    world.subscribe(world.device(alice), "alice-tablet")
    world.subscribe(bob, "bob-phone")
    app_id = world.application(alice, states.IN_REVIEW)
    world.officer(officer.approve, app_id)
    world.drain()
    assert sorted(m.name for m in world.receiver.messages()) == ["alice-phone", "alice-tablet"]


# ------------------------------------------------------------------------ failure modes

def ready(world, citizen):
    app_id = world.application(citizen, states.APPROVED)
    world.mark_ready(app_id)
    return app_id


def test_a_timeout_is_retried_with_backoff(world):
    citizen = world.citizen()
    world.subscribe(citizen, "slow")
    world.receiver.answer("slow", ("sleep", 1.5))
    ready(world, citizen)
    impatient = world.worker(timeout=0.5)
    assert world.drain(impatient)["failed"] == 1
    [delivery] = world.deliveries()
    assert delivery["status"] == "temporary-failure" and delivery["attempts"] == 1
    assert "Timeout" in delivery["last_error"]
    wait = (delivery["next_attempt_at"] - NOW).total_seconds()
    assert 5 <= wait <= 10  # base 10 s, half of it jittered
    assert world.drain(impatient, now=NOW + dt.timedelta(seconds=4))["sent"] == 0
    assert world.drain(impatient, now=NOW + dt.timedelta(seconds=11))["delivered"] == 1
    assert len(world.receiver.messages("slow")) == 1
    assert [d["status"] for d in world.deliveries()] == ["delivered"]


def test_a_500_is_retried(world):
    citizen = world.citizen()
    world.subscribe(citizen, "flaky")
    world.receiver.answer("flaky", 500, 503)
    ready(world, citizen)
    world.drain()
    world.drain(now=NOW + dt.timedelta(seconds=11))
    [delivery] = world.deliveries()
    assert delivery["status"] == "temporary-failure" and delivery["last_status_code"] == 503
    assert delivery["attempts"] == 2
    # Second step doubles: 20 s, half jittered.
    world.drain(now=NOW + dt.timedelta(seconds=11 + 21))
    assert [d["status"] for d in world.deliveries()] == ["delivered"]
    assert world.receiver.attempts["flaky"] == 3 and len(world.receiver.messages("flaky")) == 1


def test_429_waits_as_long_as_retry_after_says(world):
    citizen = world.citizen()
    world.subscribe(citizen, "busy")
    world.receiver.answer("busy", ("status", 429, {"Retry-After": "120"}))
    ready(world, citizen)
    world.drain()
    [delivery] = world.deliveries()
    assert delivery["status"] == "temporary-failure" and delivery["last_status_code"] == 429
    assert delivery["next_attempt_at"] == NOW + dt.timedelta(seconds=120)
    assert world.drain(now=NOW + dt.timedelta(seconds=60))["sent"] == 0
    assert world.receiver.attempts["busy"] == 1
    assert world.drain(now=NOW + dt.timedelta(seconds=121))["delivered"] == 1
    assert len(world.receiver.messages("busy")) == 1


def test_410_removes_the_subscription_and_the_other_device_still_gets_it(world):
    citizen = world.citizen()
    gone = world.subscribe(citizen, "gone")
    kept = world.subscribe(world.device(citizen), "kept")
    world.receiver.answer("gone", 410)
    ready(world, citizen)
    world.drain()
    assert world.subscriptions() == [uuid.UUID(kept)] != [uuid.UUID(gone)]
    statuses = {d["last_status_code"]: d["status"] for d in world.deliveries()}
    assert statuses == {410: "permanent-failure", 201: "delivered"}
    assert len(world.receiver.messages("kept")) == 1
    # Later notifications are not fanned out to the removed subscription.
    ready(world, citizen)
    world.drain()
    assert world.receiver.attempts["gone"] == 1


def test_attempts_run_out_into_permanent_failure(world):
    citizen = world.citizen()
    world.subscribe(citizen, "down")
    world.receiver.answer("down", *([500] * 10))
    ready(world, citizen)
    later = NOW
    for _ in range(6):
        world.drain(now=later)
        later += dt.timedelta(hours=1)
    [delivery] = world.deliveries()
    assert delivery["status"] == "permanent-failure" and delivery["attempts"] == 4
    assert delivery["last_error"].startswith("too_many_attempts")
    assert world.receiver.attempts["down"] == 4
    # Nothing is lost: the inbox still has it.
    uow = world.uow()
    with uow.snapshot():
        assert len(uow.changes_since(citizen["id"], 0).notifications) == 1


def test_a_worker_killed_mid_send_leaves_a_lease_that_runs_out(world):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    ready(world, citizen)
    dead = world.worker()
    with world.app.app_context():
        from server.push import keys as vapid_keys
        keys = vapid_keys.current(world.app)
    dead.fan_out(NOW, keys)
    [claim] = dead.claim(NOW, keys)  # ...and the process dies before sending
    [delivery] = world.deliveries()
    assert delivery["status"] == "sending" and delivery["lease_until"] > NOW
    # Another worker does not touch it while the lease runs (no concurrent double send).
    alive = world.worker()
    assert world.drain(alive, now=NOW + dt.timedelta(seconds=30))["sent"] == 0
    assert world.receiver.messages() == []
    after = delivery["lease_until"] + dt.timedelta(seconds=1)
    assert world.drain(alive, now=after)["delivered"] == 1
    assert len(world.receiver.messages("phone")) == 1
    [delivery] = world.deliveries()
    assert delivery["status"] == "delivered" and delivery["attempts"] == 2
    # The dead worker's late outcome (if it ever came back) is not recorded over it.
    from server.push.worker import Outcome
    assert dead.record(claim, Outcome("temporary-failure", 500), NOW) is False
    assert world.deliveries()[0]["status"] == "delivered"


def test_sign_out_between_fan_out_and_send_sends_nothing(world, client):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    ready(world, citizen)
    worker = world.worker()
    with world.app.app_context():
        from server.push import keys as vapid_keys
        keys = vapid_keys.current(world.app)
    worker.fan_out(NOW, keys)
    assert client.post("/api/auth/logout", headers=citizen["headers"]).status_code == 204
    world.drain(worker)
    assert world.receiver.attempts == {}
    [delivery] = world.deliveries()
    assert delivery["status"] == "permanent-failure" and delivery["last_error"] == "signed_out"


def test_an_endpoint_taken_over_after_fan_out_is_not_sent_the_old_owners_message(world, client):
    alice, bob = world.citizen(), world.citizen()
    body = world.receiver.subscription("shared")
    assert client.post("/api/push/subscriptions", json=body,
                       headers=alice["headers"]).status_code == 201
    ready(world, alice)
    worker = world.worker()
    with world.app.app_context():
        from server.push import keys as vapid_keys
        keys = vapid_keys.current(world.app)
    worker.fan_out(NOW, keys)
    assert client.post("/api/push/subscriptions", json=body,
                       headers=bob["headers"]).status_code == 201
    world.drain(worker)
    assert world.receiver.attempts == {}
    assert [d["last_error"] for d in world.deliveries()] == ["subscription_replaced"]


def test_two_workers_drain_one_outbox_without_sending_twice(world):
    citizens = [world.citizen() for _ in range(3)]
    for i, citizen in enumerate(citizens):
        world.subscribe(citizen, f"phone-{i}")
        world.subscribe(world.device(citizen), f"tablet-{i}")
    expected = 0
    for citizen in citizens:
        for _ in range(8):
            ready(world, citizen)
            expected += 2
    # Small batches (48 deliveries, 6 passes each): both workers take part.
    workers = [world.worker(batch=8), world.worker(batch=8)]
    with world.app.app_context():
        from server.push import keys as vapid_keys
        keys = vapid_keys.current(world.app)
    world.receiver.delay = 0.02  # so one worker's batch is still sending when the other claims
    barrier = threading.Barrier(2)
    fanned, results, failures = [], [], []

    def run(worker):
        try:
            barrier.wait()
            fanned.append(worker.fan_out(NOW, keys))  # both at once: each message fanned once
            barrier.wait()
            results.append(worker.drain(NOW))  # both at once: each delivery sent once
        except Exception as exc:  # noqa: BLE001
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    assert sum(fanned) == expected
    received = [(m.name, m.payload["notification_id"]) for m in world.receiver.messages()]
    assert len(received) == expected == len(set(received))  # each once, none twice
    assert sum(world.receiver.attempts.values()) == expected
    undelivered = [d for d in world.deliveries() if d["status"] != "delivered"]
    assert sum(r["delivered"] for r in results) == expected, (results, undelivered)
    assert all(r["delivered"] > 0 for r in results), results  # both took part
    # Each message reached only its own citizen's devices.
    owner = {}
    for d in world.deliveries():
        owner[d["notification_id"]] = d["citizen_id"]
    for name, notification_id in received:
        index = int(name.split("-")[1])
        assert str(owner[notification_id]) == citizens[index]["id"]


def test_ready_reaches_the_receiver_and_the_inbox(world, client):
    """Done when: an officer marking an application ready produces a decrypted push at the
    receiver and an inbox entry at the citizen's next pull."""
    world.now = dt.datetime.now(dt.timezone.utc)  # the worker runs on its own (real) clock
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    app_id = world.application(citizen, states.APPROVED)
    world.mark_ready(app_id, {"counter": "Loket 5", "bring": ["KTP-el asli"]})
    world.worker().drain()  # the worker's own clock: real time
    payload = one(world, "phone").payload
    body = {"protocol": 1, "client_group_id": str(uuid.uuid4()), "cookie": None}
    pulled = client.post("/api/sync/pull", json=body, headers=citizen["headers"]).get_json()
    inbox = {op["key"]: op["value"] for op in pulled["patch"]
             if op.get("key", "").startswith("notification/")}
    entry = inbox[f"notification/{payload['notification_id']}"]
    assert entry["kind"] == "state_changed" and entry["data"]["state"] == "ready"
    assert entry["application_id"] == payload["application_id"] == app_id


def test_rotating_the_key_removes_old_subscriptions(world, app):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    ready(world, citizen)
    with app.app_context():
        from server.push import keys as vapid_keys
        keys = vapid_keys.current(app)
    world.worker().fan_out(NOW, keys)
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["push", "keys"])
    assert shown.exit_code == 0 and keys.public_key in shown.stdout
    rotated = runner.invoke(args=["push", "keys", "--rotate"])
    assert rotated.exit_code == 0, rotated.output
    new_key = rotated.stdout.strip().splitlines()[-1]
    assert new_key != keys.public_key
    assert world.client.get("/api/push/key").get_json()["public_key"] == new_key
    assert world.subscriptions() == []
    assert [d["last_error"] for d in world.deliveries()] == ["vapid_key_rotated"]
    world.drain()
    assert world.receiver.attempts == {}


def test_worker_once_from_the_cli(world, app):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    app_id = world.application(citizen, states.APPROVED)
    world.mark_ready(app_id)
    # The CLI uses real time; the notification was written at NOW (in the past), so let the
    # age window cover it.
    app.config["PUSH_MAX_AGE_HOURS"] = 24 * 3650
    result = app.test_cli_runner().invoke(args=["push", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "delivered=1" in result.output
    assert len(world.receiver.messages("phone")) == 1
