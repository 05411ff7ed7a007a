"""The soak's actors: citizens that sync drafts and upload scans as the PWA does, officers
that review, and the counter every HTTP answer goes through.

A citizen models the PWA's sync engine (pwa/src/sync/engine/engine.js, idb-store.js):
- one client group, one client, an outbox of mutations numbered 1, 2, 3 ... in order;
- a push sends the head of the outbox (at most 100); a 200 acknowledges up to its
  `last_mutation_id` and records each result; anything unanswered (a 5xx, a reset
  connection, a timeout) is sent again, unchanged, after the PWA's capped exponential
  backoff with full jitter (engine/backoff.js: base 2 s, cap 300 s);
- a 409 `mutation_gap` resumes from `details.last_mutation_id` (store.gap). To exercise it
  the soak now and then sends the outbox without its head (as a second tab holding the head
  would); `--gap-rate`;
- a pull after each push, with the cookie it holds.
Uploads are tus 1.0 as tus-js-client does it for the PWA (adapters/tus-uploader.js):
creation with `document_id`, `filename`, `content_type` and the whole file's `sha256` in
Upload-Metadata (a retried creation returns the same upload), PATCH in chunks with an
Upload-Checksum, and after any failure a HEAD to learn the offset, then resume.

What each actor believes (acknowledged mutation ids and their results, uploads whose last
PATCH answered 204, approvals answered 200) is what check.py compares with the database.
"""
from __future__ import annotations

import base64
import hashlib
import http.client
import io
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

MAX_BATCH = 100  # sync/protocol.py MAX_MUTATIONS_PER_PUSH, as the PWA's engine uses it
TUS = "1.0.0"


class Unanswered(Exception):
    """No HTTP answer: refused or reset connection, timeout."""


def backoff_delay(failures: int, rand: random.Random, base: float = 2.0,
                  cap: float = 300.0) -> float:
    """pwa/src/sync/engine/backoff.js: random in [base/2, min(cap, base * 2^(n-1))]."""
    if failures <= 0:
        return 0.0
    ceiling = min(cap, base * 2 ** min(failures - 1, 30))
    floor = min(base / 2, ceiling)
    return floor + rand.random() * (ceiling - floor)


# ---- every answer is counted --------------------------------------------------------------
@dataclass
class Traffic:
    """Answers by status and kind, 5xx and unanswered requests with the time they happened
    (monotonic seconds), so the report can split them by fault window."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    by_status: dict[str, int] = field(default_factory=dict)
    server_errors: list[tuple[float, str, int]] = field(default_factory=list)
    unanswered: list[tuple[float, str, str]] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)

    def answer(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            key = f"{kind} {status}"
            self.by_status[key] = self.by_status.get(key, 0) + 1
            self.latencies.setdefault(kind, []).append(seconds)
            if status >= 500:
                self.server_errors.append((time.monotonic(), kind, status))

    def lost(self, kind: str, why: str) -> None:
        with self.lock:
            self.unanswered.append((time.monotonic(), kind, why))


class Http:
    """A new connection per request, so "unanswered" only ever counts a real fault (a killed
    worker, a refused connection, a timeout), never a keep-alive connection the server had
    closed while the actor was thinking."""

    def __init__(self, host: str, port: int, traffic: Traffic, timeout: float,
                 address: str | None = None):
        self.host, self.port, self.traffic, self.timeout = host, port, traffic, timeout
        self.address = address  # the device's own address (X-Forwarded-For), if any
        self.conn: http.client.HTTPConnection | None = None

    def request(self, kind: str, method: str, path: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        started = time.monotonic()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=self.timeout)
            headers = dict(headers or {})
            if self.address:
                headers["X-Forwarded-For"] = self.address
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            answer = {k.lower(): v for k, v in response.getheaders()}
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            self.traffic.lost(kind, type(exc).__name__)
            raise Unanswered(f"{kind}: {type(exc).__name__}: {exc}") from None
        self.close()
        self.traffic.answer(kind, response.status, time.monotonic() - started)
        return response.status, answer, data

    def json(self, kind: str, method: str, path: str, token: str, payload: Any = None
             ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        status, _, data = self.request(kind, method, path, body=body, headers=headers)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# ---- scans ---------------------------------------------------------------------------------
def scan(rand: random.Random) -> tuple[bytes, str]:
    """A small real photo-like image (noise, so it does not compress to nothing), JPEG or
    PNG, that the server's content checks accept."""
    from PIL import Image

    fmt = rand.choice(["JPEG", "PNG"])
    width, height = rand.randint(200, 360), rand.randint(150, 280)
    image = Image.frombytes("RGB", (width, height), rand.randbytes(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return buffer.getvalue(), "image/jpeg" if fmt == "JPEG" else "image/png"


def _meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


# ---- the citizen ---------------------------------------------------------------------------
@dataclass
class Plan:
    """What the soak lets citizens do: eligible services with the form values to send."""

    services: list[dict]  # {"code", "fields": [field specs], "requirements": [codes]}
    make_fields: Any  # (service, rand) -> {key: value}


@dataclass
class Knobs:
    think: tuple[float, float]
    chunk: int
    gap_rate: float
    backoff_base: float
    backoff_cap: float


class Citizen:
    def __init__(self, number: int, token: str, http_: Http, plan: Plan, knobs: Knobs,
                 seed: int):
        self.number, self.token, self.http, self.plan, self.knobs = (number, token, http_,
                                                                     plan, knobs)
        self.rand = random.Random(seed)
        self.group, self.client = str(uuid.uuid4()), str(uuid.uuid4())
        self.next_id, self.acked = 1, 0
        self.outbox: list[dict] = []
        self.cookie = None
        # beliefs
        self.mutations: dict[int, dict] = {}  # id -> {"name", "args", "status"}
        self.clients = [self.client]  # a renumbered outbox would add one (never expected)
        self.uploads: dict[str, dict] = {}  # document_id -> {"sha256", "size", "done"}
        self.protocol_errors: list[str] = []
        self.gaps = 0
        self.resent = 0

    # -- outbox
    def enqueue(self, name: str, **args) -> int:
        mid = self.next_id
        self.next_id += 1
        entry = {"id": mid, "name": name, "args": args,
                 "client_time": int(time.time() * 1000)}
        self.outbox.append(entry)
        self.mutations[mid] = {"name": name, "args": args, "status": None,
                               "client_id": self.client}
        return mid

    def _wait(self, failures: int, deadline: float) -> bool:
        delay = backoff_delay(failures, self.rand, self.knobs.backoff_base,
                              self.knobs.backoff_cap)
        if time.monotonic() + delay > deadline:
            return False
        time.sleep(delay)
        return True

    def sync(self, deadline: float) -> bool:
        """Push until the outbox is empty (True), or the deadline passes (False); then pull."""
        failures = 0
        while self.outbox:
            head = self.outbox[:MAX_BATCH]
            if len(head) > 1 and self.rand.random() < self.knobs.gap_rate:
                head = head[1:]  # another tab holds the head: the server answers 409 gap
            body = {"protocol": 1, "client_group_id": self.group, "client_id": self.client,
                    "mutations": head}
            try:
                status, answer = self.http.json("push", "POST", "/api/sync/push",
                                                self.token, body)
            except Unanswered:
                status, answer = None, None
            if status == 200:
                failures = 0
                self._acknowledge(answer)
                continue
            error = (answer or {}).get("error", {}) if isinstance(answer, dict) else {}
            last = (error.get("details") or {}).get("last_mutation_id")
            if status == 409 and error.get("code") == "mutation_gap" and isinstance(last, int):
                self.gaps += 1
                self._gap(last)
                continue
            if status is not None and status < 500:
                self.protocol_errors.append(f"push {status} {error.get('code')}")
                return False
            failures += 1  # unanswered or 5xx: the same batch again, after the backoff
            self.resent += 1
            if not self._wait(failures, deadline):
                return False
        self.pull(deadline)
        return True

    def _acknowledge(self, answer: dict) -> None:
        for result in answer.get("results", []):
            entry = self.mutations.get(result["id"])
            if entry is not None:
                entry["status"] = result["status"]
                if result["status"] == "rejected":
                    entry["error"] = result.get("error", {}).get("code")
                    entry["details"] = result.get("error", {}).get("details")
        self.acked = max(self.acked, answer["last_mutation_id"])
        self.outbox = [m for m in self.outbox if m["id"] > self.acked]

    def _gap(self, last: int) -> None:
        """store.gap: the server has done every id up to `last`."""
        self.acked = last
        self.outbox = [m for m in self.outbox if m["id"] > last]
        if self.outbox and self.outbox[0]["id"] != last + 1:
            # The server went back (a restored backup): the rest moves to a new client.
            self.protocol_errors.append(f"server went back to {last}: outbox renumbered")
            self.client = str(uuid.uuid4())
            self.clients.append(self.client)
            self.acked, self.next_id = 0, 1
            old, self.outbox = self.outbox, []
            for entry in old:
                self.mutations[entry["id"]]["status"] = "renumbered"
                self.enqueue(entry["name"], **entry["args"])

    def pull(self, deadline: float) -> None:
        failures = 0
        while time.monotonic() < deadline:
            try:
                status, answer = self.http.json("pull", "POST", "/api/sync/pull", self.token,
                                                {"protocol": 1, "client_group_id": self.group,
                                                 "cookie": self.cookie})
            except Unanswered:
                status, answer = None, None
            if status == 200:
                self.cookie = answer["cookie"]
                return
            if status is not None and status < 500:
                self.protocol_errors.append(f"pull {status}")
                return
            failures += 1
            if not self._wait(failures, deadline):
                return

    # -- tus
    def upload(self, deadline: float) -> str | None:
        """One scan through tus; its document id once the last PATCH answered 204."""
        data, content_type = scan(self.rand)
        document_id = str(uuid.uuid4())
        digest = hashlib.sha256(data).hexdigest()
        belief = {"sha256": digest, "size": len(data), "done": False, "patches": 0}
        self.uploads[document_id] = belief
        auth = {"Authorization": f"Bearer {self.token}", "Tus-Resumable": TUS}
        location, offset, failures, need_head = None, 0, 0, False
        while time.monotonic() < deadline:
            try:
                if location is None:
                    status, headers, _ = self.http.request("tus-create", "POST", "/api/uploads",
                                                           headers={
                        **auth, "Upload-Length": str(len(data)), "Content-Length": "0",
                        "Upload-Metadata": _meta(document_id=document_id,
                                                 filename=f"scan-{document_id[:8]}",
                                                 content_type=content_type, sha256=digest)})
                    if status == 201:
                        location = headers["location"]
                        offset, failures = int(headers.get("upload-offset", 0)), 0
                        continue
                elif need_head:
                    status, headers, _ = self.http.request("tus-head", "HEAD", location,
                                                           headers=auth)
                    if status == 200:
                        offset, need_head, failures = int(headers["upload-offset"]), False, 0
                        if offset == len(data):  # done; the last 204 was lost on the way
                            belief["done"], belief["done_by_head"] = True, True
                            return document_id
                        continue
                else:
                    piece = data[offset:offset + self.knobs.chunk]
                    checksum = base64.b64encode(hashlib.sha256(piece).digest()).decode()
                    status, headers, _ = self.http.request("tus-patch", "PATCH", location,
                                                           body=piece, headers={
                        **auth, "Upload-Offset": str(offset),
                        "Content-Type": "application/offset+octet-stream",
                        "Upload-Checksum": f"sha256 {checksum}"})
                    belief["patches"] += 1
                    if status == 204:
                        offset, failures = int(headers["upload-offset"]), 0
                        if offset == len(data):
                            belief["done"] = True
                            return document_id
                        continue
                    if status == 409:  # offset mismatch, or locked by an unfinished PATCH
                        need_head = True
                        failures += 1
                        if not self._wait(failures, deadline):
                            return None
                        continue
            except Unanswered:
                status = None
            if status is not None and status < 500:
                self.protocol_errors.append(f"tus {status}")
                return None
            failures += 1
            need_head = location is not None
            if not self._wait(failures, deadline):
                return None
        return None

    # -- a life
    def think(self) -> None:
        time.sleep(self.rand.uniform(*self.knobs.think))

    def run(self, stop_at: float, hard_deadline: float) -> None:
        """Drafts until `stop_at`; then only finish sending what is in the outbox."""
        try:
            while time.monotonic() < stop_at:
                service = self.rand.choice(self.plan.services)
                app_id = str(uuid.uuid4())
                self.enqueue("application.create", application_id=app_id,
                             service_id=service["code"])
                self.sync(hard_deadline)
                self.think()
                values = self.plan.make_fields(service, self.rand)
                keys = sorted(values)
                half = len(keys) // 2
                for part in (keys[:half], keys[half:]):
                    if part:
                        self.enqueue("application.set_fields", application_id=app_id,
                                     fields={k: values[k] for k in part})
                self.sync(hard_deadline)
                for code in service["requirements"]:
                    if time.monotonic() >= stop_at:
                        break
                    self.think()
                    document_id = self.upload(stop_at)
                    if document_id:
                        self.enqueue("application.attach", application_id=app_id,
                                     requirement_code=code, document_id=document_id)
                        self.sync(hard_deadline)
                if time.monotonic() < stop_at:
                    self.enqueue("application.submit", application_id=app_id)
                    self.sync(hard_deadline)
                self.think()
            self.sync(hard_deadline)  # drain
        except Exception as exc:  # noqa: BLE001 - a bug in the soak itself: reported, not a silent thread death
            self.protocol_errors.append(f"citizen crashed: {type(exc).__name__}: {exc}")

    def belief(self) -> dict:
        return {"citizen": self.number, "clients": self.clients, "group": self.group,
                "acked": self.acked, "outbox_left": [m["id"] for m in self.outbox],
                "mutations": {str(k): v for k, v in self.mutations.items()},
                "uploads": self.uploads, "protocol_errors": self.protocol_errors,
                "gaps": self.gaps, "resent": self.resent}


# ---- the officer ---------------------------------------------------------------------------
class Officer:
    """Takes a submitted application from the queue, starts the review, accepts every
    requirement that has a document, approves. A stale version (another officer was
    faster) or a refusal is normal; a 5xx or no answer is retried once the next round."""

    def __init__(self, name: str, token: str, http_: Http, seed: int,
                 think: tuple[float, float]):
        self.name, self.token, self.http = name, token, http_
        self.rand = random.Random(seed)
        self.think = think
        self.approved: list[str] = []
        self.actions: dict[str, int] = {}
        self.protocol_errors: list[str] = []

    def _act(self, app_id: str, action: str, body: dict) -> tuple[int | None, Any]:
        try:
            status, answer = self.http.json(f"officer-{action}", "POST",
                                            f"/api/officer/applications/{app_id}/{action}",
                                            self.token, body)
        except Unanswered:
            return None, None
        self.actions[f"{action} {status}"] = self.actions.get(f"{action} {status}", 0) + 1
        return status, answer

    def run(self, stop_at: float) -> None:
        steps_until(self, stop_at)

    def step(self) -> None:
        status, page = self.http.json("officer-queue", "GET",
                                      "/api/officer/applications?state=submitted&limit=20",
                                      self.token)
        if status != 200 or not page["items"]:
            return
        app_id = self.rand.choice(page["items"])["id"]
        status, detail = self._act(app_id, "start-review", {"version":
                                   page_version(page, app_id)})
        if status != 200:
            return
        for requirement in detail["requirements"]:
            if requirement["document"] and requirement["review_status"] != "accepted":
                status, answer = self._act(app_id, "review", {
                    "version": detail["version"], "requirement": requirement["code"],
                    "decision": "accept"})
                if status != 200:
                    return
                detail = answer
        status, detail = self._act(app_id, "approve", {"version": detail["version"]})
        if status == 200:
            self.approved.append(app_id)

    def belief(self) -> dict:
        return {"officer": self.name, "approved": self.approved, "actions": self.actions,
                "protocol_errors": self.protocol_errors}


def page_version(page: dict, app_id: str) -> int:
    return next(item["version"] for item in page["items"] if item["id"] == app_id)


# ---- the account pages: what the embedded default's 500s came from ----------------------------
def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def steps_until(actor, stop_at: float) -> None:
    """An actor's life: think, take a step, until `stop_at`. No answer: the next step; a
    crash of the soak's own code is reported, not a silent thread death."""
    while time.monotonic() < stop_at:
        time.sleep(actor.rand.uniform(*actor.think))
        try:
            actor.step()
        except Unanswered:
            continue
        except Exception as exc:  # noqa: BLE001 - reported like the citizen's
            actor.protocol_errors.append(f"{type(actor).__name__} crashed: "
                                         f"{type(exc).__name__}: {exc}")


class AccountHolder:
    """A citizen on the account pages, beside the syncing ones: edits the profile (PATCH
    /api/me), now and then downloads their data (GET /api/me/export), asks for a sign-in
    code (POST /api/auth/otp) and signs a device out (POST /api/auth/logout), carrying on
    with their next device session. Each from an address of its own (X-Forwarded-For), as
    phones behind a proxy are.

    Beliefs: the last profile save answered 200 (and those sent after it with no answer,
    which may have landed), and every token whose sign-out answered 204."""

    def __init__(self, number: int, citizen_id: str, phone: str, tokens: list[str],
                 http_: Http, seed: int, think: tuple[float, float]):
        self.number, self.citizen_id, self.phone = number, citizen_id, phone
        self.tokens, self.http, self.think = list(tokens), http_, think
        self.rand = random.Random(seed)
        self.saved: str | None = None  # full_name of the last save answered 200
        self.maybe: list[str] = []  # saves after it that got no answer
        self.signed_out: list[str] = []  # token hashes
        self.answers: dict[str, int] = {}
        self.protocol_errors: list[str] = []

    def _count(self, kind: str, status: int) -> None:
        self.answers[f"{kind} {status}"] = self.answers.get(f"{kind} {status}", 0) + 1

    def step(self) -> None:
        token, roll = self.tokens[0], self.rand.random()
        if roll < 0.55:
            name = f"Warga Soak {self.number} {uuid.uuid4().hex[:8]}"
            try:
                status, body = self.http.json("account-profile", "PATCH", "/api/me", token,
                                              {"full_name": name, "address": f"Jalan {name}"})
            except Unanswered:
                self.maybe.append(name)
                return
            self._count("profile", status)
            if status == 200:
                if body.get("full_name") != name:
                    self.protocol_errors.append(f"profile answered {body.get('full_name')!r}")
                self.saved, self.maybe = name, []
        elif roll < 0.7:
            status, _, data = self.http.request(
                "account-export", "GET", "/api/me/export",
                headers={"Authorization": f"Bearer {token}"})
            self._count("export", status)
            if status == 200 and data[:2] != b"PK":
                self.protocol_errors.append("export answered 200 without a zip")
        elif roll < 0.85:
            status, _ = self.http.json("account-otp", "POST", "/api/auth/otp", "",
                                       {"phone": self.phone})
            self._count("otp", status)
        elif len(self.tokens) > 1:
            status, _ = self.http.json("account-logout", "POST", "/api/auth/logout", token)
            self._count("logout", status)
            if status == 204:
                self.signed_out.append(token_hash(self.tokens.pop(0)))

    def run(self, stop_at: float) -> None:
        steps_until(self, stop_at)

    def belief(self) -> dict:
        return {"citizen_id": self.citizen_id, "saved": self.saved, "maybe": self.maybe,
                "signed_out": self.signed_out, "answers": self.answers,
                "protocol_errors": self.protocol_errors}


class CounterOfficer:
    """An officer at a counter signing in with the password (argon2), reading the queue,
    and signing out, from the counter's own address."""

    def __init__(self, username: str, password: str, http_: Http, seed: int,
                 think: tuple[float, float]):
        self.username, self.password, self.http, self.think = username, password, http_, think
        self.rand = random.Random(seed)
        self.signed_out: list[str] = []
        self.answers: dict[str, int] = {}
        self.protocol_errors: list[str] = []

    def step(self) -> None:
        status, body = self.http.json("officer-login", "POST", "/api/officer/login", "",
                                      {"username": self.username, "password": self.password})
        self.answers[f"login {status}"] = self.answers.get(f"login {status}", 0) + 1
        if status != 200:
            if status == 401:  # the password is right: a refusal is a bug (429: the limit)
                self.protocol_errors.append(f"officer sign-in answered {status}: {body}")
            return
        token = body["token"]
        status, _ = self.http.json("officer-queue", "GET", "/api/officer/applications?limit=5",
                                   token)
        status, _ = self.http.json("officer-logout", "POST", "/api/auth/logout", token)
        self.answers[f"logout {status}"] = self.answers.get(f"logout {status}", 0) + 1
        if status == 204:
            self.signed_out.append(token_hash(token))

    def run(self, stop_at: float) -> None:
        steps_until(self, stop_at)

    def belief(self) -> dict:
        return {"officer": self.username, "signed_out": self.signed_out,
                "answers": self.answers, "protocol_errors": self.protocol_errors}
