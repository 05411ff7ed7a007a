"""The MPP floor over HTTP (issue #16): kiosk check-in by the visit ticket and as a walk-in,
numbers per agency and day, booked visitors before walk-ins, the counter's line and its
actions, the call display (numbers only, 304 while nothing moved), the citizen told when
close and when called, the measures; every bad input refused with a clear error and nothing
changed. On SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from server.applications.models import Notification
from server.extensions import db
from server.push.texts import CatalogInfo, compose
from server.visit_queue.models import QueueTicketApplication
from tests.api.queue_floor import KK, KTP, NIB, Q, FloorWorld
from tests.helpers import assert_error

EN = {"Accept-Language": "en"}
PERSONAL = ("nik", "phone", "full_name", "name_of", "citizen", "birth", "address", "email")


@pytest.fixture
def floor(app, client, callers, runner):
    return FloorWorld(app, client, callers, runner)


def _keys(value, out=None) -> set[str]:
    """Every key anywhere in a JSON value."""
    out = set() if out is None else out
    if isinstance(value, dict):
        for key, inner in value.items():
            out.add(key)
            _keys(inner, out)
    elif isinstance(value, list):
        for inner in value:
            _keys(inner, out)
    return out


def _no_personal_data(body, booking=None) -> None:
    keys = _keys(body)
    assert not {k for k in keys if any(p in k for p in PERSONAL)}, keys
    assert "applications" not in keys and "booking_id" not in keys
    if booking is not None:
        text = json.dumps(body)
        assert booking["citizen"]["phone"] not in text
        assert booking["id"] not in text
        for application in booking["applications"]:
            assert application not in text


# ------------------------------------------------------------------------------ kiosk

def test_walk_ins_take_numbers_per_agency_with_a_printable_qr(floor):
    menu = floor.client.get(f"{Q}/kiosk", headers=floor.kiosk)
    assert menu.status_code == 200, menu.get_json()
    services = {s["code"]: s for s in menu.get_json()["services"]}
    assert services[KK]["agency"]["prefix"] == "DKC"
    assert services[KK]["counter"] == {"code": "loket-2", "name": "Loket 2"}
    left = services[KK]["walk_in_left"]
    assert left > 0 and services[KK]["walk_in_open"] is True

    first, second = floor.walk_in(KK), floor.walk_in(KK)
    other = floor.walk_in(NIB)
    assert first.status_code == second.status_code == other.status_code == 201
    numbers = [r.get_json()["tickets"][0]["number"] for r in (first, second, other)]
    assert numbers == ["DKC-001", "DKC-002", "PTS-001"]
    ticket = first.get_json()["tickets"][0]
    assert ticket["lane"] == "walk_in" and ticket["channel"] == "walk_in"
    assert ticket["status"] == "waiting" and ticket["ahead"] == 0
    assert second.get_json()["tickets"][0]["ahead"] == 1
    assert ticket["qr"].startswith("SDQ1-") and ticket["qr_svg"].startswith("<svg")
    for response in (first, other, menu):
        _no_personal_data(response.get_json())
    after = {s["code"]: s for s in floor.client.get(
        f"{Q}/kiosk", headers=floor.kiosk).get_json()["services"]}
    assert after[KK]["walk_in_left"] < left
    # The QR the visitor keeps tells the number's status, nothing personal.
    status = floor.client.get(f"{Q}/status/{ticket['qr']}")
    assert status.status_code == 200 and status.get_json()["number"] == "DKC-001"
    _no_personal_data(status.get_json())


def test_walk_ins_stop_when_the_walk_in_share_of_the_day_is_used(floor):
    menu = floor.client.get(f"{Q}/kiosk", headers=floor.kiosk).get_json()
    left = next(s for s in menu["services"] if s["code"] == NIB)["walk_in_left"]
    # Loket 1 (dpmptsp): 1 desk x 30 minutes x 40% walk-in = 12 minutes a slot, 14 slots
    # Mon-Thu: 168 minutes; a NIB visit takes 15: 11 walk-ins.
    assert left == 11
    for n in range(left):
        assert floor.walk_in(NIB).status_code == 201
    before = floor.state()
    error = assert_error(floor.walk_in(NIB, headers=EN), 409, "walk_in_full")
    assert "walk-in" in error["message"] and "Satu Pintu" in error["message"]
    assert floor.state() == before
    menu = floor.client.get(f"{Q}/kiosk", headers=floor.kiosk).get_json()
    nib = next(s for s in menu["services"] if s["code"] == NIB)
    assert nib["walk_in_left"] == 0 and nib["walk_in_open"] is False
    # Another agency's share is its own.
    assert floor.walk_in(KK).status_code == 201


def test_the_mpp_takes_no_numbers_on_a_closed_day(floor):
    sunday = floor.day + dt.timedelta(days=6 - floor.day.weekday())
    floor.set_clock("09:00", sunday)
    before = floor.state()
    assert_error(floor.walk_in(KK), 409, "queue_closed")
    assert floor.state() == before


def test_a_booked_visit_checks_in_on_time_and_goes_before_walk_ins(floor):
    walk_in = floor.walk_in(KK).get_json()["tickets"][0]
    booking = floor.booking((KK, NIB))
    floor.set_clock("09:45")
    response = floor.check_in(booking["ticket"].lower().replace("-", " "))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["arrival"] == "on_time" and body["notice"] is None
    kk, nib = body["tickets"]
    assert (kk["number"], nib["number"]) == ("DKC-002", "PTS-001")
    assert kk["lane"] == nib["lane"] == "booked" and kk["channel"] == "online"
    assert kk["counter"]["code"] == "loket-2" and nib["counter"]["code"] == "loket-1"
    assert kk["ahead"] == 0  # before the walk-in who came first
    assert nib["waiting_for"] == "DKC-002" and nib["ahead"] is None
    _no_personal_data(body, booking)

    line = floor.line(floor.dukcapil).get_json()
    assert [t["number"] for t in line["booked"]] == ["DKC-002"]
    assert [t["number"] for t in line["walk_in"]] == [walk_in["number"]]
    assert line["booked"][0]["applications"][0]["id"] == booking["applications"][0]
    # The second errand waits for the first counter: dpmptsp has nobody to call yet.
    assert [t["number"] for t in floor.line(floor.dpmptsp, "loket-1").get_json()["later"]] \
        == ["PTS-001"]
    assert_error(floor.call_next(floor.dpmptsp, "loket-1"), 409, "line_empty")

    called = floor.call_next(floor.dukcapil)
    assert called.status_code == 200, called.get_json()
    assert called.get_json()["number"] == "DKC-002"
    assert called.get_json()["status"] == "called" and called.get_json()["calls"] == 1
    served = floor.act(floor.dukcapil, kk["id"], "serve")
    assert served.status_code == 200 and served.get_json()["status"] == "serving"
    assert [a["id"] for a in served.get_json()["applications"]] == [booking["applications"][0]]
    done = floor.act(floor.dukcapil, kk["id"], "complete")
    assert done.status_code == 200 and done.get_json()["status"] == "done"
    assert floor.call_next(floor.dpmptsp, "loket-1").get_json()["number"] == "PTS-001"
    assert floor.call_next(floor.dukcapil).get_json()["number"] == walk_in["number"]
    with floor.app.app_context():
        linked = db.session.scalars(select(QueueTicketApplication.application_id)).all()
    assert linked == [booking["applications"][0]]


@pytest.mark.parametrize("clock,arrival", [("09:20", "early"), ("10:20", "late")])
def test_an_early_or_late_arrival_is_told_and_joins_the_walk_in_line(floor, clock, arrival):
    booking = floor.booking((KK,))
    floor.set_clock(clock)
    body = floor.check_in(booking["ticket"], headers=EN).get_json()
    assert body["arrival"] == arrival
    assert body["notice"]["code"] == f"arrival_{arrival}"
    assert "10:00" in body["notice"]["message"] and "walk-in line" in body["notice"]["message"]
    assert body["tickets"][0]["lane"] == "walk_in"
    assert body["tickets"][0]["channel"] == "online"


# ------------------------------------------------------------------------------ bad check-ins

def test_bad_check_ins_are_refused_clearly_and_change_nothing(floor, app):
    booking = floor.booking((KK,))
    floor.set_clock("09:55")
    before = floor.state()
    assert_error(floor.check_in("not a ticket"), 400, "ticket_unreadable")
    forged = "AAAA-BBBB-CCCC-DDDD-EEEE"
    error = assert_error(floor.check_in(forged, headers=EN), 404, "ticket_unknown")
    assert "walk-in" in error["message"]
    # Another MPP's kiosk.
    payakumbuh = floor.key("kiosk-key", "payakumbuh")
    error = assert_error(floor.check_in(booking["ticket"], kiosk=payakumbuh, headers=EN), 409,
                         "ticket_other_mpp")
    assert error["details"] == {"mpp": "langsa"} and "Langsa" in error["message"]
    # Far outside the window: another day.
    floor.set_clock("09:55", floor.day - dt.timedelta(days=1))
    error = assert_error(floor.check_in(booking["ticket"], headers=EN), 409, "ticket_not_today")
    assert "not today" in error["message"]
    floor.set_clock("09:55")
    assert floor.state() == before
    # Used: the second scan of the same ticket.
    assert floor.check_in(booking["ticket"]).status_code == 201
    after = floor.state()
    assert_error(floor.check_in(booking["ticket"]), 409, "ticket_checked_in")
    assert floor.state() == after
    # Cancelled.
    other = floor.booking((NIB,), clock="10:30")
    floor.client.post(f"/api/visits/bookings/{other['id']}/cancel",
                      headers=other["citizen"]["headers"])
    assert_error(floor.check_in(other["ticket"]), 409, "ticket_cancelled")
    assert floor.state() == after


def test_devices_need_their_own_key_and_never_read_personal_data(floor, runner):
    booking = floor.booking((KK,))
    floor.set_clock("09:55")
    before = floor.state()
    assert_error(floor.client.post(f"{Q}/kiosk/walk-in", json={"service": KK}), 401,
                 "device_key_invalid")
    assert_error(floor.client.post(f"{Q}/kiosk/walk-in", json={"service": KK},
                                   headers={"X-Device-Key": "sdq_forged"}), 401,
                 "device_key_invalid")
    assert_error(floor.client.post(f"{Q}/kiosk/walk-in", json={"service": KK},
                                   headers=floor.display), 403, "device_key_wrong_kind")
    assert_error(floor.client.get(f"{Q}/display", headers=floor.kiosk), 403,
                 "device_key_wrong_kind")
    # Asking for personal data: unknown fields and parameters are refused, not ignored.
    assert_error(floor.client.post(f"{Q}/kiosk/check-in", headers=floor.kiosk,
                                   json={"ticket": booking["ticket"], "nik": "1"}), 400)
    assert_error(floor.client.get(f"{Q}/display?fields=nik,phone", headers=floor.display), 400)
    assert_error(floor.client.get(f"{Q}/kiosk?include=applications", headers=floor.kiosk), 400)
    # A kiosk key is not an officer: the counter's line is not for it.
    assert_error(floor.client.get(f"{Q}/counters/loket-2/line", headers=floor.kiosk), 401)
    assert floor.state() == before
    # A revoked key stops working.
    with floor.app.app_context():
        from server.visit_queue.models import QueueDevice
        device_id = db.session.scalar(select(QueueDevice.id).where(
            QueueDevice.kind == "kiosk").order_by(QueueDevice.id))
        stored = db.session.scalars(select(QueueDevice.key_hash)).all()
    assert floor.kiosk["X-Device-Key"] not in stored  # hashed at rest
    assert runner.invoke(args=["queue", "revoke-device", str(device_id)]).exit_code == 0
    assert_error(floor.walk_in(KK), 401, "device_key_invalid")


# ------------------------------------------------------------------------------ the counter

def test_call_next_on_an_empty_line_and_at_a_busy_desk(floor):
    before = floor.state()
    error = assert_error(floor.client.post(f"{Q}/counters/loket-2/call-next", json={},
                                           headers={**floor.dukcapil["headers"], **EN}),
                         409, "line_empty")
    assert "Loket 2" in error["message"]
    assert floor.state() == before
    floor.walk_in(KK)
    floor.walk_in(KK)
    first = floor.call_next(floor.dukcapil).get_json()
    before = floor.state()
    error = assert_error(floor.call_next(floor.dukcapil), 409, "desk_busy")
    assert error["details"]["number"] == first["number"]
    assert_error(floor.call_next(floor.dukcapil, desk=3), 400, "desk_unknown")
    assert floor.state() == before
    # The counter's second desk calls the next one.
    assert floor.call_next(floor.dukcapil, desk=2).get_json()["number"] == "DKC-002"


def test_an_officer_of_another_agency_cannot_work_a_counters_line(floor):
    ticket = floor.walk_in(KK).get_json()["tickets"][0]
    before = floor.state()
    for response in (floor.line(floor.imigrasi), floor.call_next(floor.imigrasi),
                     floor.act(floor.imigrasi, ticket["id"], "recall"),
                     floor.act(floor.imigrasi, ticket["id"], "transfer",
                               {"counter": "loket-5"})):
        assert_error(response, 403, "counter_not_in_reach")
    assert_error(floor.line(floor.dukcapil, "loket-99"), 404, "counter_not_found")
    assert_error(floor.act(floor.dukcapil, 999999, "recall"), 404, "queue_ticket_not_found")
    assert floor.state() == before
    # The MPP's supervisor may.
    assert floor.line(floor.supervisor).status_code == 200


def test_recall_then_no_show_after_three_calls(floor):
    floor.walk_in(KK)
    ticket = floor.call_next(floor.dukcapil).get_json()
    before = floor.state()
    error = assert_error(floor.act(floor.dukcapil, ticket["id"], "no-show"), 409,
                         "too_few_calls")
    assert error["details"] == {"calls": 1, "needed": 3}
    assert floor.state() == before
    for calls in (2, 3):
        recalled = floor.act(floor.dukcapil, ticket["id"], "recall").get_json()
        assert recalled["calls"] == calls
    gone = floor.act(floor.dukcapil, ticket["id"], "no-show")
    assert gone.status_code == 200 and gone.get_json()["status"] == "no_show"
    assert_error(floor.act(floor.dukcapil, ticket["id"], "recall"), 409, "ticket_not_called")
    # The desk is free again.
    assert_error(floor.call_next(floor.dukcapil), 409, "line_empty")


def test_transfer_to_another_counter_of_the_agency(floor):
    floor.walk_in(KK)
    ticket = floor.call_next(floor.dukcapil).get_json()
    before = floor.state()
    assert_error(floor.act(floor.dukcapil, ticket["id"], "transfer", {"counter": "loket-1"}),
                 409, "transfer_other_agency")
    assert_error(floor.act(floor.dukcapil, ticket["id"], "transfer", {"counter": "nope"}),
                 404, "counter_not_found")
    assert floor.state() == before
    moved = floor.act(floor.dukcapil, ticket["id"], "transfer", {"counter": "loket-4"})
    assert moved.status_code == 200
    assert moved.get_json()["status"] == "waiting"
    assert moved.get_json()["counter"]["code"] == "loket-4"
    assert moved.get_json()["number"] == ticket["number"]
    assert_error(floor.call_next(floor.dukcapil), 409, "line_empty")
    again = floor.call_next(floor.dukcapil, "loket-4").get_json()
    assert again["number"] == ticket["number"] and again["desk"] == 1


def test_serve_links_a_walk_ins_applications_and_refuses_others(floor, app):
    floor.walk_in(KK)
    ticket = floor.call_next(floor.dukcapil).get_json()
    booking = floor.booking((KK,))  # any dukcapil application will do
    nib = floor.booking((NIB,), clock="10:30")
    before = floor.state()
    assert_error(floor.act(floor.dukcapil, ticket["id"], "serve",
                           {"applications": nib["applications"]}), 404,
                 "application_not_found")
    assert floor.state() == before
    served = floor.act(floor.dukcapil, ticket["id"], "serve",
                       {"applications": booking["applications"]}).get_json()
    assert [a["id"] for a in served["applications"]] == booking["applications"]
    assert floor.act(floor.dukcapil, ticket["id"], "complete").get_json()["status"] == "done"
    assert_error(floor.act(floor.dukcapil, ticket["id"], "complete"), 409, "ticket_not_serving")


# ------------------------------------------------------------------------------ the display

def test_the_display_shows_numbers_only_and_answers_304_while_nothing_moved(floor):
    booking = floor.booking((KK,))
    floor.set_clock("09:58")
    floor.check_in(booking["ticket"])
    first = floor.client.get(f"{Q}/display", headers=floor.display)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.get_json()["serving"] == [] and first.get_json()["calls"] == []
    assert first.get_json()["waiting"] == [{"agency": "dukcapil", "prefix": "DKC", "count": 1}]
    same = floor.client.get(f"{Q}/display", headers={**floor.display, "If-None-Match": etag})
    assert same.status_code == 304 and same.get_data() == b""

    called = floor.call_next(floor.dukcapil).get_json()
    moved = floor.client.get(f"{Q}/display", headers={**floor.display, "If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    body = moved.get_json()
    assert body["serving"][0]["number"] == called["number"] == "DKC-001"
    assert body["serving"][0]["counter"] == {"code": "loket-2", "name": "Loket 2"}
    call = body["calls"][0]
    assert call["spoken_id"] == "Nomor antrian D K C nol nol satu, silakan ke loket dua"
    assert call["recall"] is False
    floor.act(floor.dukcapil, called["id"], "recall")
    body = floor.client.get(f"{Q}/display", headers=floor.display).get_json()
    assert [c["call"] for c in body["calls"]] == [2, 1] and body["calls"][0]["recall"] is True
    _no_personal_data(body, booking)


# ------------------------------------------------------------------------------ the phone

def test_the_citizen_is_told_when_three_are_ahead_and_when_called(floor, app):
    for _ in range(4):
        floor.walk_in(KK)
    booking = floor.booking((KK,), clock="08:00")
    floor.set_clock("09:50")  # late: the walk-in line, behind the four walk-ins
    mine = floor.check_in(booking["ticket"]).get_json()["tickets"][0]
    assert mine["ahead"] == 4

    def notes():
        with app.app_context():
            return [(n.kind, n.data) for n in db.session.scalars(
                select(Notification).where(Notification.citizen_id == booking["citizen"]["id"],
                                           Notification.kind.like("queue_%"))
                .order_by(Notification.version))]

    assert notes() == []
    first = floor.call_next(floor.dukcapil).get_json()
    told = notes()
    assert [k for k, _ in told] == ["queue_near"]
    assert told[0][1]["number"] == mine["number"] and told[0][1]["ahead"] == 3
    floor.act(floor.dukcapil, first["id"], "complete")
    second = floor.call_next(floor.dukcapil).get_json()  # 2 ahead now: told once only
    assert [k for k, _ in notes()] == ["queue_near"]
    floor.act(floor.dukcapil, second["id"], "complete")
    for _ in range(2):
        walk_in = floor.call_next(floor.dukcapil).get_json()
        floor.act(floor.dukcapil, walk_in["id"], "complete")
    assert floor.call_next(floor.dukcapil).get_json()["number"] == mine["number"]
    kinds = notes()
    assert [k for k, _ in kinds] == ["queue_near", "queue_called"]
    assert kinds[1][1]["counter"] == "Loket 2"
    # What the phone shows: numbers and the counter, nothing personal.
    push = compose("queue_called", kinds[1][1], notification_id="n", application_id="a",
                   info=CatalogInfo(), lang="id", now=floor.set_clock("10:00"))
    assert push.payload["title"] == f"Nomor {mine['number']} dipanggil"
    assert push.payload["body"] == "Silakan ke Loket 2 sekarang."
    near = compose("queue_near", kinds[0][1], notification_id="n", application_id="a",
                   info=CatalogInfo(), lang="id", now=floor.set_clock("10:00"))
    assert near.payload["title"] == f"Nomor {mine['number']}: 3 orang lagi"


# ------------------------------------------------------------------------------ measures

def test_measures_per_day_counter_service_and_channel(floor):
    booking = floor.booking((KK,))
    floor.set_clock("09:50")
    floor.walk_in(KK)
    floor.walk_in(KK)
    floor.check_in(booking["ticket"])
    floor.set_clock("10:00")
    booked = floor.call_next(floor.dukcapil).get_json()
    floor.set_clock("10:08")
    floor.act(floor.dukcapil, booked["id"], "complete")
    walk_in = floor.call_next(floor.dukcapil).get_json()
    for _ in range(2):
        floor.act(floor.dukcapil, walk_in["id"], "recall")
    floor.act(floor.dukcapil, walk_in["id"], "no-show")
    query = f"{Q}/measures?from={floor.day.isoformat()}&to={floor.day.isoformat()}"
    assert_error(floor.client.get(query, headers=floor.dukcapil["headers"]), 403)
    response = floor.client.get(query, headers=floor.supervisor["headers"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    rows = {(r["counter"], r["channel"]): r for r in body["rows"]}
    online = rows[("loket-2", "online")]
    assert online["tickets"] == 1 and online["served"] == 1
    assert online["waiting_avg_s"] == 600 and online["service_avg_s"] == 480
    walk = rows[("loket-2", "walk_in")]
    assert walk["tickets"] == 2 and walk["no_shows"] == 1 and walk["served"] == 0
    assert walk["waiting_avg_s"] == 1080  # 09:50 -> 10:08
    totals = body["totals"]
    assert totals["tickets"] == 3 and totals["walk_in_share"] == pytest.approx(0.667)
    assert body["from"] == body["to"] == floor.day.isoformat()
    other = floor.callers.officer("supervisor", "payakumbuh")
    assert_error(floor.client.get(query + "&mpp=langsa", headers=other["headers"]), 403)
    assert_error(floor.client.get(f"{Q}/measures?from=2026-12-09&to=2026-12-01",
                                  headers=floor.supervisor["headers"]), 400, "range_invalid")


def test_a_ktp_errand_goes_to_its_own_counter(floor):
    assert floor.walk_in(KTP).get_json()["tickets"][0]["counter"]["code"] == "loket-4"
    assert_error(floor.call_next(floor.dukcapil), 409, "line_empty")
    assert floor.call_next(floor.dukcapil, "loket-4").get_json()["number"] == "DKC-001"


# ------------------------------------------------------------------------------ data rights

def test_erasure_leaves_only_an_anonymous_number_and_export_lists_the_numbers(floor, app):
    import io
    import zipfile

    from server.visit_queue.models import QueueTicket

    booking = floor.booking((KK,))
    floor.set_clock("09:55")
    number = floor.check_in(booking["ticket"]).get_json()["tickets"][0]["number"]
    called = floor.call_next(floor.dukcapil).get_json()
    floor.act(floor.dukcapil, called["id"], "serve")
    floor.act(floor.dukcapil, called["id"], "complete")
    headers = booking["citizen"]["headers"]
    exported = floor.client.get("/api/me/export", headers=headers)
    assert exported.status_code == 200
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        names = {n.rsplit("/", 1)[-1]: n for n in archive.namelist()}
        saved = json.loads(archive.read(names["visit-queue-numbers.json"]))
    assert [t["number"] for t in saved] == [number]
    erased = floor.client.post("/api/me/erase", headers=headers, json={"confirm": "HAPUS"})
    assert erased.status_code in (200, 204), erased.get_data(as_text=True)
    with app.app_context():
        ticket = db.session.get(QueueTicket, called["id"])
        assert (ticket.citizen_id, ticket.booking_id, ticket.stop_id) == (None, None, None)
        assert ticket.number == number and ticket.status == "done"
        assert db.session.scalars(select(QueueTicketApplication)).all() == []
    # The measures still count the visit.
    query = f"{Q}/measures?from={floor.day.isoformat()}&to={floor.day.isoformat()}"
    totals = floor.client.get(query, headers=floor.supervisor["headers"]).get_json()["totals"]
    assert totals["tickets"] == 1 and totals["served"] == 1


def test_the_number_of_calls_before_a_no_show_is_configurable(floor, app):
    app.config["QUEUE_NO_SHOW_CALLS"] = 2
    floor.walk_in(KK)
    ticket = floor.call_next(floor.dukcapil).get_json()
    assert floor.line(floor.dukcapil).get_json()["no_show_after"] == 2
    error = assert_error(floor.act(floor.dukcapil, ticket["id"], "no-show"), 409,
                         "too_few_calls")
    assert error["details"] == {"calls": 1, "needed": 2}
    floor.act(floor.dukcapil, ticket["id"], "recall")
    assert floor.act(floor.dukcapil, ticket["id"], "no-show").get_json()["status"] == "no_show"
