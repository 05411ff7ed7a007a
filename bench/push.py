"""Push notifications per second through the worker (outbox fan-out, claim under a lease,
pywebpush, recording the outcome) over a bare pywebpush loop sending the same number of
messages to the same local receiver, in the same run. The ratio is printed without a goal
(the issue sets none): the worker's extra work is two short transactions per batch of 20
and one per message, which on PostgreSQL costs more than the HTTP POST itself.

The receiver is a keep-alive HTTP server thread answering 201 without decrypting (both
sides pay the same for it). Both senders use one requests.Session (connection reuse), the
same VAPID key and the same payload size; each message is encrypted (aes128gcm) and signed
(ES256) on the sending side, as in production.

    .venv/bin/python -m bench.push [--messages 400] [--kind sqlite|postgresql]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid.utils import b64urlencode
from pywebpush import webpush

if __package__ in (None, ""):  # `python bench/push.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common  # noqa: E402

SERVICE = "langsa.imigrasi.paspor-baru"


class Receiver:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as push services do

            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.count += 1
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def browser_keys() -> dict:
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": b64urlencode(public), "auth": b64urlencode(uuid.uuid4().bytes)}


def seed(app, receiver: Receiver, messages: int, now: dt.datetime) -> list[dict]:
    """`messages` citizens, each with one subscription and one 'ready' notification written
    through the sync engine, as an officer marking ready would."""
    from server.access import session_lifetime
    from server.accounts import operations as account_ops
    from server.accounts.models import Citizen, utcnow
    from server.applications.routes import unit_of_work
    from server.extensions import db
    from server.push import keys as vapid_keys
    from server.push.models import PushSubscription
    from sync import states
    from sync.model import Application
    from sync.space import SpaceWriter

    subscriptions = []
    with app.app_context():
        public_key = vapid_keys.current(app).public_key
        for i in range(messages):
            citizen = Citizen(phone=f"+62815{i:08d}", created_at=utcnow())
            db.session.add(citizen)
            db.session.flush()
            _, device = account_ops.issue_session(db.session, now=utcnow(), citizen=citizen,
                                                  lifetime=session_lifetime("citizen"))
            info = {"endpoint": f"{receiver.origin}/push/{uuid.uuid4().hex}",
                    "keys": browser_keys()}
            db.session.add(PushSubscription(
                citizen_id=citizen.id, session_id=device.id, endpoint=info["endpoint"],
                p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"], language="id",
                vapid_public_key=public_key, created_at=utcnow()))
            subscriptions.append((str(citizen.id), info))
        db.session.commit()
        uow = unit_of_work()
        for n, (citizen_id, _info) in enumerate(subscriptions):
            with uow.transaction():
                w = SpaceWriter(uow, citizen_id, now, actor=states.OFFICER, actor_id="bench")
                application = Application(
                    id=str(uuid.uuid4()), citizen_id=citizen_id, service_code=SERVICE,
                    state=states.READY, created_at=now, updated_at=now,
                    reference=f"LGS-2026-{n:06d}")
                w.put_application(application)
                w.notify("state_changed", application, state="ready", previous="approved",
                         reference=application.reference, service_id=SERVICE,
                         pickup={"counter": "Loket 5", "bring": ["KTP-el asli"]})
    return [info for _, info in subscriptions]


def bare_loop(app, subscriptions: list[dict], payload: bytes) -> float:
    from server.push import keys as vapid_keys

    with app.app_context():
        vapid = vapid_keys.current(app).vapid
    session = requests.Session()
    started = time.perf_counter()
    for info in subscriptions:
        webpush(info, data=payload, vapid_private_key=vapid,
                vapid_claims={"sub": "mailto:bench@localhost"}, ttl=259200,
                headers={"Urgency": "high", "Topic": uuid.uuid4().hex}, timeout=10,
                requests_session=session)
    return len(subscriptions) / (time.perf_counter() - started)


def through_worker(app, now: dt.datetime) -> tuple[float, dict]:
    from server.push.cli import make_worker

    with app.app_context():
        worker = make_worker(app)
    started = time.perf_counter()
    counts = worker.drain(now)
    return counts["delivered"] / (time.perf_counter() - started), counts


def run(kind: str, messages: int) -> list[common.Row]:
    receiver = Receiver()
    try:
        with common.scratch_database(kind) as scratch:
            app = scratch.app(PUSH_ALLOW_INSECURE=True)
            now = dt.datetime.now(dt.timezone.utc)
            subscriptions = seed(app, receiver, messages, now)
            payload = json.dumps({  # the size of a real ready payload
                "title": "Siap diambil: Penerbitan Paspor Biasa Baru",
                "body": "LGS-2026-000001 · Ambil di Loket 5, Mal Pelayanan Publik Kota Langsa "
                        "(Senin-Jumat 08.00-16.00). Bawa: KTP-el asli.",
                "url": f"/#/permohonan/{uuid.uuid4()}", "tag": f"permohonan-{uuid.uuid4()}",
                "kind": "ready", "application_id": str(uuid.uuid4()),
                "notification_id": str(uuid.uuid4())}, ensure_ascii=False).encode()
            bare_before = bare_loop(app, subscriptions, payload)
            worker_rate, counts = through_worker(app, now)
            bare_after = bare_loop(app, subscriptions, payload)
            common.dispose(app)
        assert counts["delivered"] == messages, counts
        assert receiver.count == 3 * messages, receiver.count
    finally:
        receiver.close()
    bare = (bare_before + bare_after) / 2
    return [
        common.Row(f"{kind}: bare pywebpush loop (msg/s, mean of before+after)", bare),
        common.Row(f"{kind}: through the worker (msg/s)", worker_rate),
        common.Row(f"{kind}: worker / bare", worker_rate / bare),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--kind", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    kinds = args.kind or ["sqlite", "postgresql"]
    print(common.machine_note())
    rows = []
    for kind in kinds:
        if kind == "postgresql":
            why = common.postgres_available()
            if why:
                print(f"skipping PostgreSQL: {why}")
                continue
        rows += run(kind, args.messages)
    return 0 if common.print_table("web push: worker over bare pywebpush", rows) else 1


if __name__ == "__main__":
    sys.exit(main())
