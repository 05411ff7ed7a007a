"""Ordinary requests at the same moment never answer 500, on SQLite and on PostgreSQL.

Against a real gunicorn as `make run` starts it (2 workers, 4 threads), with real threads.
Before the request's unit of work took SQLite's write lock at its start (server/
transactions.py), a route that read and then wrote inside a deferred transaction failed
with "database is locked" as soon as another writer committed in between: officer
sign-ins during a citizen's profile saves, ten citizens saving, exporting, asking for a
code or signing out at once. Each test is bounded: a few seconds of traffic at most.
"""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEvent
from tests.api.concurrency import at_once, no_server_errors
from tests.api.gunicorn_server import PASSWORD, live_server, new_address, send
from tests.conftest import BACKENDS


@pytest.fixture(scope="module", params=BACKENDS)
def live(request, tmp_path_factory):
    yield from live_server(request, tmp_path_factory.mktemp("live"))


def test_officers_sign_in_while_citizens_flood_profile_saves(live):
    citizens = live.citizens(3)
    usernames = live.officers(4)
    stop = threading.Event()
    flood: list = []

    def save_profile(citizen, n):
        while not stop.is_set() and n < 20:  # under the per-citizen rate limit
            flood.append(send("PATCH", live.url("/api/me"), headers=citizen["headers"],
                              json={"full_name": f"Warga {n}", "address": f"Jalan {n}"}))
            n += 1

    flooders = [threading.Thread(target=save_profile, args=(c, 0)) for c in citizens]
    for thread in flooders:
        thread.start()
    try:
        time.sleep(0.3)  # the flood is under way
        address = new_address()
        sign_ins = at_once([
            lambda u=u: send("POST", live.url("/api/officer/login"), address=address,
                             json={"username": u, "password": PASSWORD})
            for u in usernames])
    finally:
        stop.set()
        for thread in flooders:
            thread.join(timeout=60)
    assert [r.status_code for r in sign_ins] == [200] * 4, [r.text[:200] for r in sign_ins]
    no_server_errors(flood)
    assert sum(r.status_code == 200 for r in flood) >= 6  # the flood did write


def test_ten_citizens_at_once_save_export_ask_for_codes_and_sign_out(live):
    citizens = live.citizens(10)
    saves = at_once([
        lambda c=c, n=n: send("PATCH", live.url("/api/me"), headers=c["headers"],
                              json={"full_name": f"Warga Sepuluh {n}", "language": "en"})
        for n, c in enumerate(citizens)])
    no_server_errors(saves)
    assert [r.status_code for r in saves] == [200] * 10
    assert {r.json()["full_name"] for r in saves} == {f"Warga Sepuluh {n}" for n in range(10)}

    exports = at_once([lambda c=c: send("GET", live.url("/api/me/export"), headers=c["headers"])
                       for c in citizens])
    no_server_errors(exports)
    assert [r.status_code for r in exports] == [200] * 10
    assert all(r.content[:2] == b"PK" for r in exports)

    codes = at_once([lambda n=n: send("POST", live.url("/api/auth/otp"), address=new_address(),
                                      json={"phone": f"0812 7700 {n:04d}"})
                     for n in range(10)])
    no_server_errors(codes)
    assert [r.status_code for r in codes] == [202] * 10

    logouts = at_once([lambda c=c: send("POST", live.url("/api/auth/logout"),
                                        headers=c["headers"]) for c in citizens])
    no_server_errors(logouts)
    assert [r.status_code for r in logouts] == [204] * 10
    for citizen in citizens:  # signed out for real: every token stops working
        after = send("GET", live.url("/api/me"), headers=citizen["headers"])
        assert after.status_code == 401 and after.json()["error"]["code"] == "session_revoked"

    engine = live.engine()
    with engine.connect() as conn:  # every save, export and sign-out is in the log
        actions = dict(conn.execute(sa.select(AuditEvent.action, sa.func.count()).where(
            AuditEvent.actor_id.in_([c["id"] for c in citizens]),
            AuditEvent.action.in_(("citizen.profile_changed", "citizen.exported", "signed_out")))
            .group_by(AuditEvent.action)).all())
    engine.dispose()
    assert actions == {"citizen.profile_changed": 10, "citizen.exported": 10, "signed_out": 10}
