"""Fixtures for the push tests: an app that accepts local endpoints, the local push
receiver, citizens with real device sessions, and applications moved by the real officer
actions of the sync engine (through the SQL unit of work)."""
from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest

from server.access import session_lifetime
from server.accounts import operations as account_ops
from server.accounts.models import Citizen
from server.db_types import utcnow
from server.applications.routes import unit_of_work
from server.extensions import db
from server.push import keys as vapid_keys
from server.push.cli import make_worker
from sync import officer, states, tickets
from sync.model import ACCEPTED, Application, ApplicationRequirement
from sync.space import SpaceWriter
from tests.conftest import dispose, make_app
from tests.helpers import stop_serving

from .receiver import Receiver

SERVICE = "langsa.imigrasi.paspor-baru"  # requirements ktp, kk; Loket 5; Senin-Jumat 08.00-16.00
OFFICER = "officer-1"
_phones = itertools.count(3000000)
# Monday 2 March 2026, 10:00 WIB: inside the push window and after the reminder hour.
NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.timezone.utc)

PUSH_CONFIG = {
    "PUSH_ALLOW_INSECURE": True,  # the receiver is http://127.0.0.1
    "PUSH_TIMEOUT_SECONDS": 5.0,  # generous: two cores decrypting in threads can be slow
    "PUSH_BACKOFF_BASE_SECONDS": 10.0,
    "PUSH_MAX_ATTEMPTS": 4,
    "VAPID_SUBJECT": "mailto:ops@mpp.example.id",
}


@pytest.fixture
def app(database_url, tmp_path):
    app = make_app(database_url, tmp_path / "instance", **PUSH_CONFIG)
    yield app
    dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def receiver(app):
    with app.app_context():
        public_key = vapid_keys.current(app).public_key
    r = Receiver(public_key)
    yield r
    stop_serving(r.httpd)  # r.close(), without its wait of up to 0.5 s
    assert r.errors == [], r.errors  # every request that reached it verified and decrypted


class World:
    """Citizens, their devices and applications, in one app, with a clock for the worker."""

    def __init__(self, app, client, receiver):
        self.app, self.client, self.receiver = app, client, receiver
        self.now = NOW
        self.applications = 0  # the first gets reference LGS-2026-000042

    def citizen(self, language: str = "id") -> dict:
        with self.app.app_context():
            citizen = Citizen(phone=f"+62813{next(_phones):07d}", created_at=utcnow(),
                              language=language, full_name="SITI AMINAH", nik="1174024308920002")
            db.session.add(citizen)
            db.session.flush()
            token, device = account_ops.issue_session(
                db.session, now=utcnow(), citizen=citizen, lifetime=session_lifetime("citizen"),
                device_name="pytest")
            db.session.commit()
            return {"id": str(citizen.id), "session_id": device.id, "token": token,
                    "headers": {"Authorization": f"Bearer {token}"}}

    def device(self, citizen: dict) -> dict:
        """A second signed-in device of the same citizen."""
        with self.app.app_context():
            token, device = account_ops.issue_session(
                db.session, now=utcnow(), citizen=db.session.get(Citizen, uuid.UUID(citizen["id"])),
                lifetime=session_lifetime("citizen"), device_name="second")
            db.session.commit()
            session_id = device.id
        return {**citizen, "session_id": session_id, "token": token,
                "headers": {"Authorization": f"Bearer {token}"}}

    def subscribe(self, citizen: dict, name: str, **extra) -> str:
        body = {**self.receiver.subscription(name), **extra}
        response = self.client.post("/api/push/subscriptions", json=body,
                                    headers=citizen["headers"])
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def uow(self):
        with self.app.app_context():
            return unit_of_work()

    def application(self, citizen: dict, state: str, *, rejected: dict | None = None,
                    reference: str | None = None) -> str:
        """An application of `citizen` in `state`, written through the engine's space writer
        (as the citizen's pushes and the officer's earlier steps would have left it)."""
        app_id = str(uuid.uuid4())
        reference = reference or f"LGS-2026-{42 + self.applications:06d}"
        self.applications += 1
        uow = self.uow()
        rows = {"ktp": ApplicationRequirement("ktp", str(uuid.uuid4()), ACCEPTED),
                "kk": ApplicationRequirement("kk", str(uuid.uuid4()), ACCEPTED)}
        for code, note in (rejected or {}).items():
            rows[code] = ApplicationRequirement(code, str(uuid.uuid4()), "rejected", note)
        with uow.transaction():
            w = SpaceWriter(uow, citizen["id"], self.now - dt.timedelta(hours=1),
                            actor=states.CITIZEN, actor_id=citizen["id"])
            w.put_application(Application(
                id=app_id, citizen_id=citizen["id"], service_code=SERVICE, state=state,
                created_at=w.now, updated_at=w.now, requirements=rows, reference=reference,
                submitted_at=w.now))
        return app_id

    def officer(self, action, application_id: str, *args, **kwargs):
        """Call a sync/officer.py action in its own transaction, as the console does."""
        uow = self.uow()
        with uow.transaction():
            action(uow, application_id, *args, OFFICER, self.now, **kwargs)

    def mark_ready(self, application_id: str, pickup: dict | None = None) -> str:
        """The officer marks it ready (with the visit ticket the console makes); returns the
        ticket code."""
        code = tickets.new_code(b"test-secret", application_id)
        uow = self.uow()
        with uow.transaction():
            officer.mark_ready(uow, application_id, OFFICER, self.now, ticket_code=code,
                               pickup=pickup)
        return code

    def notify(self, citizen: dict, application_id: str, kind: str, **data):
        """A notification written by SpaceWriter.notify, as officer actions do."""
        uow = self.uow()
        with uow.transaction():
            w = SpaceWriter(uow, citizen["id"], self.now, actor=states.OFFICER,
                            actor_id=OFFICER)
            application = uow.get_application(application_id)
            w.put_application(application)
            return w.notify(kind, application, **data)

    def worker(self, **overrides):
        with self.app.app_context():
            worker = make_worker(self.app)
        for key, value in overrides.items():
            setattr(worker.settings, key, value)
        return worker

    def drain(self, worker=None, now: dt.datetime | None = None) -> dict:
        return (worker or self.worker()).drain(now or self.now)

    def deliveries(self) -> list[dict]:
        from server.push.models import PushDelivery

        with self.app.app_context():
            rows = db.session.scalars(db.select(PushDelivery).order_by(PushDelivery.id)).all()
            return [{c: getattr(r, c) for c in ("id", "notification_id", "citizen_id",
                                                "subscription_id", "status", "attempts",
                                                "next_attempt_at", "lease_until",
                                                "last_status_code", "last_error")}
                    for r in rows]

    def subscriptions(self) -> list:
        from server.push.models import PushSubscription

        with self.app.app_context():
            return [s.id for s in db.session.scalars(db.select(PushSubscription))]


@pytest.fixture
def world(app, client, receiver):
    return World(app, client, receiver)
