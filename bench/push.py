"""Push notifications per second through the worker (outbox fan-out, claim under a lease,
pywebpush encryption, the POST, recording the outcome) over a bare pywebpush loop sending the
same number of messages to the same local receiver, in the same run. Goals (issue #20):
worker / bare >= 0.8 on SQLite and >= 0.6 on PostgreSQL.

The receiver is a keep-alive HTTP server thread answering 201 without decrypting (both
sides pay the same for it). Both senders use one requests.Session (connection reuse), the
same VAPID key and the same payload size; each message is encrypted (aes128gcm) on the
sending side, as in production. The bare loop is pywebpush's `webpush()` as its README
shows it, which signs a VAPID token per message; the worker signs once per push service
and reuses the token (server/push/worker.py), which is part of what is measured.

On a shared machine the load moves while it runs, so the two are measured in alternating
rounds (`--rounds`, default 3): each round writes one 'ready' notification per citizen
(not timed), then times the bare loop and a worker drain of them, in turns bare-first and
worker-first; the rates are over the sums of the rounds. `--profile` prints the worker's
top entries (cProfile, cumulative) for the last round of each database.

    .venv/bin/python -m bench.push [--messages 400] [--rounds 3] [--kind sqlite|postgresql]
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import pstats
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
GOALS = {"sqlite": 0.8, "postgresql": 0.6}  # worker / bare


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


def seed(app, receiver: Receiver, messages: int) -> list[tuple[str, dict]]:
    """`messages` citizens, each signed in on one device with one subscription."""
    from server.access import session_lifetime
    from server.accounts import operations as account_ops
    from server.accounts.models import Citizen, utcnow
    from server.extensions import db
    from server.push import keys as vapid_keys
    from server.push.models import PushSubscription

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
    return subscriptions


def notify_all(app, citizen_ids: list[str], now: dt.datetime, first: int) -> None:
    """One 'ready' notification per citizen, written through the sync engine as an officer
    marking an application ready would (a new application each)."""
    from server.applications.routes import unit_of_work
    from sync import states
    from sync.model import Application
    from sync.space import SpaceWriter

    with app.app_context():
        uow = unit_of_work()
    for n, citizen_id in enumerate(citizen_ids, start=first):
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


def bare_loop(app, subscriptions: list[dict], payload: bytes) -> float:
    """Seconds to send one message to each subscription with pywebpush's webpush()."""
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
    return time.perf_counter() - started


def through_worker(worker, now: dt.datetime,
                   profile: cProfile.Profile | None = None) -> tuple[float, dict]:
    """Seconds for the worker to drain the outbox, and its counts."""
    started = time.perf_counter()
    if profile is not None:
        profile.enable()
    try:
        counts = worker.drain(now)
    finally:
        if profile is not None:
            profile.disable()
    return time.perf_counter() - started, counts


def run(kind: str, messages: int, rounds: int, profile: bool) -> list[common.Row]:
    from server.push.cli import make_worker

    receiver = Receiver()
    bare_seconds = worker_seconds = 0.0
    delivered = 0
    profiler = None
    try:
        with common.scratch_database(kind) as scratch:
            app = scratch.app(PUSH_ALLOW_INSECURE=True)
            subscriptions = seed(app, receiver, messages)
            infos = [info for _, info in subscriptions]
            with app.app_context():
                worker = make_worker(app)  # one worker process for the whole run
            payload = json.dumps({  # the size of a real ready payload
                "title": "Siap diambil: Penerbitan Paspor Biasa Baru",
                "body": "LGS-2026-000001 · Ambil di Loket 5, Mal Pelayanan Publik Kota Langsa "
                        "(Senin-Jumat 08.00-16.00). Bawa: KTP-el asli.",
                "url": f"/#/permohonan/{uuid.uuid4()}", "tag": f"permohonan-{uuid.uuid4()}",
                "kind": "ready", "application_id": str(uuid.uuid4()),
                "notification_id": str(uuid.uuid4())}, ensure_ascii=False).encode()
            for r in range(rounds):
                now = dt.datetime.now(dt.timezone.utc)
                notify_all(app, [c for c, _ in subscriptions], now, first=r * messages)
                if profile and r == rounds - 1:
                    profiler = cProfile.Profile()
                steps = [("bare", lambda: bare_loop(app, infos, payload)),
                         ("worker", lambda: through_worker(worker, now, profiler))]
                for name, measure in steps if r % 2 == 0 else reversed(steps):
                    if name == "bare":
                        bare_seconds += measure()
                    else:
                        seconds, counts = measure()
                        worker_seconds += seconds
                        delivered += counts["delivered"]
                        assert counts["delivered"] == counts["sent"] == messages, counts
            common.dispose(app)
        assert delivered == rounds * messages, delivered
        assert receiver.count == 2 * rounds * messages, receiver.count
    finally:
        receiver.close()
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(f"\n-- {kind}: the worker's last round under cProfile (cumulative) --")
        print(out.getvalue())
    bare = rounds * messages / bare_seconds
    worker_rate = delivered / worker_seconds
    return [
        common.Row(f"{kind}: bare pywebpush loop (msg/s)", bare),
        common.Row(f"{kind}: through the worker (msg/s)", worker_rate),
        common.Row(f"{kind}: worker / bare", worker_rate / bare, GOALS[kind]),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=400, help="citizens, each sent one "
                        "message a round by each sender")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true",
                        help="print the worker's top entries (cProfile) of the last round")
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
        rows += run(kind, args.messages, args.rounds, args.profile)
    return 0 if common.print_table("web push: worker over bare pywebpush", rows) else 1


if __name__ == "__main__":
    sys.exit(main())
