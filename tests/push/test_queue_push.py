"""The MPP floor tells the citizen's phone (issue #16): a booked visitor checked in at the
kiosk gets a real web push (encrypted, VAPID-signed, decrypted by the local receiver) when
3 people are ahead ("3 orang lagi") and when their number is called, each once, with the
number and the counter only, never a name, NIK or phone."""
from __future__ import annotations

import datetime as dt
import uuid

from tests.api.conftest import Callers
from tests.api.queue_floor import KK, FloorWorld
from tests.api.visits_data import at, make_application


def test_three_ahead_and_called_reach_the_phone_once_each(world, app, client):
    floor = FloorWorld(app, client, Callers(app), app.test_cli_runner())
    citizen = world.citizen()
    for _ in range(4):
        assert floor.walk_in(KK).status_code == 201
    booking = _book_for(floor, citizen)  # the push world's citizen, with their phone
    world.subscribe(citizen, "phone")
    floor.set_clock("09:50")  # late: behind the four walk-ins
    mine = floor.check_in(booking["ticket"]).get_json()["tickets"][0]
    assert mine["ahead"] == 4

    worker = world.worker()
    first = floor.call_next(floor.dukcapil).get_json()  # now 3 ahead of mine
    worker.drain(dt.datetime.now(dt.timezone.utc))
    near = world.receiver.messages("phone")
    assert [m.payload["kind"] for m in near] == ["queue_near"]
    assert near[0].payload["title"] == f"Nomor {mine['number']}: 3 orang lagi"
    assert near[0].payload["body"] == "Bersiaplah menuju Loket 2."
    for _ in range(4):
        floor.act(floor.dukcapil, first["id"], "complete")
        first = floor.call_next(floor.dukcapil).get_json()
    assert first["number"] == mine["number"]
    worker.drain(dt.datetime.now(dt.timezone.utc))
    kinds = [m.payload["kind"] for m in world.receiver.messages("phone")]
    assert kinds == ["queue_near", "queue_called"]
    called = world.receiver.messages("phone")[-1].payload
    assert called["title"] == f"Nomor {mine['number']} dipanggil"
    assert called["body"] == "Silakan ke Loket 2 sekarang."
    text = str([m.payload for m in world.receiver.messages("phone")])
    assert "SITI" not in text and "1174024308920002" not in text and "+62" not in text


def _book_for(floor: FloorWorld, citizen: dict) -> dict:
    with floor.app.app_context():
        application = make_application(uuid.UUID(citizen["id"]), KK)
    response = floor.client.post("/api/visits/bookings", headers=citizen["headers"],
                                 json={"applications": [application],
                                       "arrives_at": at(floor.day, "09:00")})
    assert response.status_code == 201, response.get_json()
    return response.get_json()
