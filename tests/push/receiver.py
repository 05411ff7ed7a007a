"""A local push service for the tests: an HTTP server thread standing in for FCM / Mozilla
autopush. Each subscription it hands out has its own endpoint and its own key pair; every
request is checked like a push service would (VAPID JWT signature, aud, exp, sub, the key
`k` being the server's) and decrypted (aes128gcm) with the subscription's private key.

Behaviour per endpoint is scripted: `receiver.answer(name, 500, 429, ...)` queues answers
for the next requests (an int status, `("status", code, headers)`, or `("sleep", seconds)`
to time the sender out); unscripted requests get 201.
"""
from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    name: str
    payload: dict
    headers: dict
    claims: dict


class Receiver:
    def __init__(self, server_public_key: str | None = None):
        self.expected_key = server_public_key  # base64url; None: accept any valid signer
        self.keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        self.script: dict[str, deque] = defaultdict(deque)
        self.received: list[Received] = []
        self.attempts: Counter = Counter()
        self.replied: Counter = Counter()  # answers sent back, per endpoint name
        self.errors: list[str] = []
        self.delay = 0.0  # seconds each answer takes (a slow push service)
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # ---- what the tests use -----------------------------------------------------------
    def subscription(self, name: str) -> dict:
        """A browser's PushSubscription.toJSON() for a new endpoint `name`."""
        private = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        self.keys[name] = (private, auth)
        public = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.origin}/push/{name}",
                "keys": {"p256dh": b64url(public), "auth": b64url(auth)}}

    def answer(self, name: str, *actions) -> None:
        self.script[name].extend(actions)

    def messages(self, name: str | None = None) -> list[Received]:
        with self.lock:
            return [r for r in self.received if name is None or r.name == name]

    # ---- checks a push service makes --------------------------------------------------
    def check_vapid(self, header: str | None) -> dict:
        if not header or not header.startswith("vapid "):
            raise ValueError(f"no VAPID Authorization header: {header!r}")
        params = dict(part.split("=", 1) for part in header[len("vapid "):].split(","))
        token, k = params["t"].strip(), params["k"].strip()
        if self.expected_key is not None and k != self.expected_key:
            raise ValueError("signed with another key than the server's public key")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(k))
        head_b64, claims_b64, sig_b64 = token.split(".")
        header_json = json.loads(unb64url(head_b64))
        if header_json.get("alg") != "ES256":
            raise ValueError(f"JWT alg {header_json.get('alg')}")
        raw = unb64url(sig_b64)
        if len(raw) != 64:
            raise ValueError("ES256 signature is not 64 bytes")
        signature = encode_dss_signature(int.from_bytes(raw[:32], "big"),
                                         int.from_bytes(raw[32:], "big"))
        try:
            public.verify(signature, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise ValueError("VAPID JWT signature does not verify") from None
        claims = json.loads(unb64url(claims_b64))
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not {self.origin}")
        now = time.time()
        if not (now < claims.get("exp", 0) <= now + 24 * 3600):
            raise ValueError(f"exp {claims.get('exp')} not within the next 24 hours")
        if not str(claims.get("sub", "")).startswith("mailto:"):
            raise ValueError(f"sub {claims.get('sub')!r}")
        return claims

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, headers: dict | None = None) -> None:
                try:
                    self.send_response(status)
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    return  # the sender gave up (timeout): as a real service would see it
                with receiver.lock:
                    receiver.replied[self.path.rsplit("/", 1)[-1]] += 1

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                name = self.path.rsplit("/", 1)[-1]
                with receiver.lock:
                    receiver.attempts[name] += 1
                    action = receiver.script[name].popleft() if receiver.script[name] else 201
                if receiver.delay:
                    time.sleep(receiver.delay)
                if isinstance(action, tuple) and action[0] == "sleep":
                    time.sleep(action[1])  # longer than the sender waits
                    return self._reply(201)
                status, headers = (action, {}) if isinstance(action, int) else action[1:]
                if status != 201:
                    return self._reply(status, headers)
                try:
                    claims = receiver.check_vapid(self.headers.get("Authorization"))
                    if self.headers.get("Content-Encoding") != "aes128gcm":
                        raise ValueError(f"Content-Encoding {self.headers.get('Content-Encoding')}")
                    private, auth = receiver.keys[name]
                    plain = http_ece.decrypt(body, private_key=private, auth_secret=auth,
                                             version="aes128gcm")
                    payload = json.loads(plain)
                except Exception as exc:  # noqa: BLE001  (report any failure to the test)
                    with receiver.lock:
                        receiver.errors.append(f"{name}: {type(exc).__name__}: {exc}")
                    return self._reply(400)
                with receiver.lock:
                    receiver.received.append(Received(
                        name, payload, {k.lower(): v for k, v in self.headers.items()}, claims))
                location = f"{receiver.origin}/message/{len(receiver.received)}"
                self._reply(201, {"Location": location})

        return Handler
