"""No overbooking, ever: 50 citizens book the same slot at once through a real gunicorn with
several worker processes; the 3 places left go to exactly 3 of them and the other 47 are told
the slot is full (409 slot_full), on SQLite and on PostgreSQL."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from bench.common import Scratch, Server
from server.catalog.models import Counter, Mpp
from server.extensions import db
from server.visits.models import VisitBooking, VisitSlot, VisitStop
from tests.api.visits_data import KK, at, citizens_with_applications, working_day

CITIZENS = 50
PLACES = 3  # Loket 2 of Langsa: 2 desks x 30 minutes x 50% online = 30 minutes; KK visits: 10
WORKERS = 3
DEADLINE_SECONDS = 60


def _post(url: str, body: dict, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST")
    try:
        with urllib.request.urlopen(request, timeout=DEADLINE_SECONDS) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def test_fifty_citizens_racing_for_three_places_get_three_bookings(
        app, database_url, databases, tmp_path):
    with app.app_context():
        arrival = at(working_day(), "10:00")
        racers = citizens_with_applications(CITIZENS, KK)

    scratch = Scratch(databases.name, database_url, tmp_path / "gunicorn")
    with Server(scratch, workers=WORKERS) as server:
        url = f"{server.base_url}/api/visits/bookings"
        start = threading.Barrier(CITIZENS)

        def race(racer):
            token, application = racer
            start.wait(timeout=DEADLINE_SECONDS)
            return _post(url, {"applications": [application], "arrives_at": arrival}, token)

        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=CITIZENS) as pool:
            answers = list(pool.map(race, racers, timeout=DEADLINE_SECONDS))
        elapsed = time.monotonic() - began
    print(f"{CITIZENS} bookings for {PLACES} places through gunicorn x {WORKERS} "
          f"({databases.name}): {elapsed:.2f} s")

    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] * PLACES + [409] * (CITIZENS - PLACES), (statuses, [
        body for status, body in answers if status not in (201, 409)])
    refusals = {body["error"]["code"] for status, body in answers if status == 409}
    assert refusals == {"slot_full"}
    assert elapsed < DEADLINE_SECONDS
    winners = {body["stops"][0]["application_id"] for status, body in answers
               if status == 201}
    with app.app_context():
        loket_2 = db.session.scalar(select(Counter.id).join(Mpp, Mpp.id == Counter.mpp_id)
                                    .where(Mpp.code == "langsa", Counter.code == "loket-2"))
        slots = db.session.execute(select(VisitSlot.counter_id, VisitSlot.taken_online,
                                          VisitSlot.capacity_online)).all()
        assert [(s.taken_online, s.capacity_online) for s in slots] == [(30, 30)]
        assert slots[0].counter_id == loket_2
        assert db.session.scalar(select(func.count()).select_from(VisitBooking)) == PLACES
        booked = set(db.session.scalars(select(VisitStop.open_application_id)))
        assert booked == winners
