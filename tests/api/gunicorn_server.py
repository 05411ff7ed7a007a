"""A real gunicorn (as `make run` starts it: 2 workers, 4 threads) on a test database, for
tests that need real concurrency: threads in the test send real HTTP requests at once.

`live_server(request, tmp_path_factory)` is called by a module-scoped fixture of each test
file (params: the backends); it yields a `Live` with the base URL and helpers that make
citizens and officers through the real operations. Each request may name its own client
address (X-Forwarded-For, trusted with PROXY_COUNT=1), so per-address rate limits and
lockouts of one test never touch another.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
import sqlalchemy as sa

from bench.common import Scratch, Server
from server.access import session_lifetime
from server.accounts import operations as ops
from server.accounts.models import Citizen
from server.db_types import utcnow
from server.config import normalise_database_url
from server.extensions import db

PASSWORD = "kata-sandi-uji-123"
_numbers = itertools.count(1)


@dataclass
class Live:
    base_url: str
    scratch: Scratch
    app: object = None  # the in-process app that makes citizens and officers

    def url(self, path: str) -> str:
        return self.base_url + path

    def engine(self) -> sa.Engine:
        return sa.create_engine(normalise_database_url(self.scratch.url))

    def _app(self):
        if self.app is None:
            self.app = self.scratch.app(ARGON2_PROFILE="CHEAPEST")  # quick to make
        return self.app

    def citizens(self, count: int) -> list[dict]:
        """New citizens, each with a device session: {"id", "token", "headers"}."""
        out = []
        with self._app().app_context():
            now = utcnow()
            for _ in range(count):
                citizen = Citizen(phone=f"+62813{next(_numbers):08d}", created_at=now)
                db.session.add(citizen)
                db.session.flush()
                token, _ = ops.issue_session(db.session, now=now, citizen=citizen,
                                             lifetime=session_lifetime("citizen"))
                out.append({"id": str(citizen.id), "token": token,
                            "headers": {"Authorization": f"Bearer {token}"}})
            db.session.commit()
        return out

    def officers(self, count: int, role: str = "admin") -> list[str]:
        """New officers with PASSWORD; returns their usernames."""
        usernames = [f"petugas-{next(_numbers)}" for _ in range(count)]
        with self._app().app_context():
            for username in usernames:
                ops.create_officer(db.session, username=username, password=PASSWORD,
                                   full_name=username, role=role, now=utcnow())
            db.session.commit()
        return usernames

    def close(self) -> None:
        if self.app is not None:
            with self.app.app_context():
                _dispose(self.app)


def _dispose(app) -> None:
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()


def live_server(request, tmp_path: Path) -> Iterator[Live]:
    kind = request.param
    databases = request.getfixturevalue(f"{kind}_databases")
    url = databases.new()
    scratch = Scratch(kind, url, tmp_path / "instance")
    try:
        with Server(scratch, workers=2, threads=4, extra_env={
                "PROXY_COUNT": "1", "OTP_CHANNEL": "log", "STORAGE_BACKEND": "local"}) as server:
            live = Live(server.base_url, scratch)
            try:
                yield live
            finally:
                live.close()
    finally:
        databases.drop(url)


_addresses = itertools.count(1)


def new_address() -> str:
    """A client address of its own (TEST-NET-2), for X-Forwarded-For."""
    n = next(_addresses)
    return f"198.51.{n // 250}.{n % 250 + 1}"


def send(method: str, url: str, *, address: str | None = None, headers=None,
         **kwargs) -> requests.Response:
    headers = dict(headers or {})
    if address:
        headers["X-Forwarded-For"] = address
    return requests.request(method, url, headers=headers, timeout=60, **kwargs)
