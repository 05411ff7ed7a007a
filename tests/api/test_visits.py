"""The one visit over HTTP: free slots, booking one visit for several applications,
reschedule and cancel, and every bad input refused in the citizen's language with nothing
changed (on SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select, update

from server.catalog.models import Holiday, Mpp
from server.extensions import db
from server.visits.models import VisitBooking, VisitSlot, VisitStop
from sync import states
from tests.api.visits_data import (
    KK, KTP, NIB, PASPOR, at, make_application, today_wib, working_day,
)
from tests.api.devices import Device
from tests.helpers import assert_error

SLOTS = "/api/visits/slots"
BOOKINGS = "/api/visits/bookings"
EN = {"Accept-Language": "en"}


class Visits:
    def __init__(self, app, client, callers):
        self.app, self.client, self.callers = app, client, callers

    def citizen(self):
        return self.callers.citizen()

    def application(self, citizen, service=NIB, state=states.READY) -> str:
        with self.app.app_context():
            return make_application(citizen["id"], service, state)

    def day(self, **kwargs) -> dt.date:
        with self.app.app_context():
            return working_day(**kwargs)

    def book(self, citizen, applications, arrives_at, headers=None):
        return self.client.post(BOOKINGS, json={"applications": applications,
                                                "arrives_at": arrives_at},
                                headers={**citizen["headers"], **(headers or {})})

    def slots(self, *services, day=None, **query):
        params = {"mpp": "langsa", "service": list(services), **query}
        if day is not None:
            params.update({"from": day.isoformat(), "to": day.isoformat()})
        return self.client.get(SLOTS, query_string=params)

    def state(self):
        """What a refusal must leave as it was: bookings, stops, slot rows, minutes taken."""
        with self.app.app_context():
            return (db.session.scalar(select(func.count()).select_from(VisitBooking)),
                    db.session.scalar(select(func.count()).select_from(VisitStop)),
                    db.session.scalar(select(func.count()).select_from(VisitSlot)),
                    db.session.scalar(select(func.coalesce(func.sum(VisitSlot.taken_online),
                                                           0))))


@pytest.fixture
def visits(app, client, callers):
    return Visits(app, client, callers)


def slot_days(body) -> list[dict]:
    """The compact answer (per day the arrival minutes, per errand lists aligned with them)
    read back into one object per arrival time, as the PWA's slotDays reads it."""
    out = []
    for entry in body["days"]:
        slots = []
        for i, minute in enumerate(entry["times"]):
            stops, at_minute = [], minute
            for k, service in enumerate(body["services"]):
                counter = entry["counter"][k][i]
                stops.append({"service": service,
                              "starts_at": f"{entry['date']}T{at_minute // 60:02d}:"
                                           f"{at_minute % 60:02d}:00+07:00",
                              "counter": None if counter is None else body["counters"][counter],
                              "places": entry["places"][k][i]})
                at_minute += body["minutes"][k]
            slots.append({"arrives_at": stops[0]["starts_at"],
                          "free": minute in entry["free"], "stops": stops})
        out.append({**{k: entry[k] for k in ("date", "closed", "holiday_id", "holiday_en")},
                    "slots": slots})
    return out


def _slot(body, day: dt.date, clock: str) -> dict:
    wanted = at(day, clock)
    entry = next(d for d in slot_days(body) if d["date"] == day.isoformat())
    return next(s for s in entry["slots"] if s["arrives_at"] == wanted)


# ------------------------------------------------------------------------------ free slots

def test_free_slots_cover_the_window_say_when_they_were_counted_and_skip_closed_days(visits):
    day = visits.day()
    response = visits.slots(NIB)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_json()
    today = today_wib()
    assert body["window"] == {"first_day": (today + dt.timedelta(days=1)).isoformat(),
                              "last_day": (today + dt.timedelta(days=30)).isoformat()}
    assert [d["date"] for d in body["days"]][0] == body["window"]["first_day"]
    assert len(body["days"]) == 30 and body["slot_minutes"] == 30
    computed = dt.datetime.fromisoformat(body["computed_at"])
    assert abs((computed - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 60
    # Compact: minutes after the MPP's midnight, per errand lists aligned with them.
    raw = next(d for d in body["days"] if d["date"] == day.isoformat())
    assert body["services"] == [NIB] and body["minutes"] == [15]
    assert raw["times"][:3] == [480, 510, 540] and raw["free"] == raw["times"]
    assert len(raw["places"][0]) == len(raw["counter"][0]) == len(raw["times"])
    assert body["counters"][raw["counter"][0][0]] == "Loket 1"
    monday_to_thursday = next(d for d in slot_days(body) if d["date"] == day.isoformat())
    starts = [s["arrives_at"][11:16] for s in monday_to_thursday["slots"]]
    assert starts == ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
                      "13:00", "13:30", "14:00", "14:30", "15:00", "15:30"]
    first = monday_to_thursday["slots"][0]
    assert first["free"] is True
    assert first["stops"] == [{"service": NIB, "starts_at": at(day, "08:00"),
                               "counter": "Loket 1", "places": 1}]
    for entry in slot_days(body):
        weekday = dt.date.fromisoformat(entry["date"]).weekday()
        if weekday >= 5:
            assert entry["closed"] == "closed" and entry["slots"] == []
        if entry["closed"] == "holiday":
            assert entry["holiday_id"] and entry["holiday_en"] and entry["slots"] == []


def test_a_local_holiday_closes_the_day_in_the_slot_list(app, visits):
    day = visits.day()
    with app.app_context():
        langsa = db.session.scalar(select(Mpp.id).where(Mpp.code == "langsa"))
        db.session.add(Holiday(mpp_id=langsa, day=day, kind="local", name_id="Libur Uji",
                               name_en="Test Closure"))
        db.session.commit()
    entry = visits.slots(NIB, day=day).get_json()["days"]
    assert entry == [{"date": day.isoformat(), "closed": "holiday", "holiday_id": "Libur Uji",
                      "holiday_en": "Test Closure", "times": [], "free": [],
                      "places": [[]], "counter": [[]]}]


def test_slots_of_several_errands_follow_each_other_and_stop_before_the_break(visits):
    day = visits.day()
    body = visits.slots(PASPOR, KK, day=day).get_json()
    starts = [s["arrives_at"][11:16] for s in slot_days(body)[0]["slots"]]
    # A 30-minute passport errand then a KK errand: arriving at 11:30 would end in the break.
    assert "11:30" not in starts and "11:00" in starts and "15:30" not in starts
    slot = _slot(body, day, "11:00")
    assert [(s["service"], s["starts_at"][11:16]) for s in slot["stops"]] == [
        (PASPOR, "11:00"), (KK, "11:30")]


@pytest.mark.parametrize("query, status, code", [
    ({"mpp": "atlantis", "service": [NIB]}, 404, "mpp_not_found"),
    ({"mpp": "bengkulu-selatan", "service": ["bengkulu-selatan.dpmptsp.nib"]}, 404,
     "visits_not_offered"),
    ({"mpp": "langsa", "service": ["payakumbuh.polres.skck"]}, 404, "service_not_found"),
    ({"mpp": "langsa"}, 400, "validation_failed"),
    ({"mpp": "langsa", "service": [NIB] * 6}, 400, "validation_failed"),
    ({"mpp": "langsa", "service": [NIB], "from": "besok"}, 400, "validation_failed"),
])
def test_bad_slot_queries(visits, query, status, code):
    assert_error(visits.client.get(SLOTS, query_string=query), status, code)


# ------------------------------------------------------------------------------ booking

def test_one_visit_for_two_applications_gives_one_arrival_and_the_counters_in_order(visits):
    citizen = visits.citizen()
    nib, kk = visits.application(citizen, NIB), visits.application(citizen, KK)
    day = visits.day()
    response = visits.book(citizen, [nib, kk], at(day, "08:00"))
    assert response.status_code == 201, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    booking = response.get_json()
    assert booking["status"] == "booked" and booking["arrives_at"] == at(day, "08:00")
    assert booking["mpp"]["code"] == "langsa"
    assert len(booking["ticket"]) == 24 and booking["cancelled_at"] is None
    assert [(s["application_id"], s["service"]["code"], s["counter"]["name"],
             s["starts_at"], s["minutes"]) for s in booking["stops"]] == [
        (nib, NIB, "Loket 1", at(day, "08:00"), 15),
        (kk, KK, "Loket 2", at(day, "08:15"), 10)]
    assert booking["stops"][0]["reference"].startswith("LGS-")

    mine = visits.client.get(BOOKINGS, headers=citizen["headers"]).get_json()["items"]
    assert [b["id"] for b in mine] == [booking["id"]]
    one = visits.client.get(f"{BOOKINGS}/{booking['id']}", headers=citizen["headers"])
    assert one.get_json() == booking
    # The places are gone from the list: the one NIB place, one of the three KK places.
    slot = _slot(visits.slots(NIB, KK, day=day).get_json(), day, "08:00")
    assert slot["free"] is False
    assert [s["places"] for s in slot["stops"]] == [0, 2]


def test_the_last_place_goes_to_one_citizen_and_the_next_is_told_the_slot_is_full(visits):
    first, second = visits.citizen(), visits.citizen()
    day = visits.day()
    taken = visits.book(first, [visits.application(first)], at(day, "09:00"))
    assert taken.status_code == 201
    application = visits.application(second)
    before = visits.state()
    error = assert_error(visits.book(second, [application], at(day, "09:00")), 409,
                         "slot_full")
    assert error["message"].startswith("Slot ") and "penuh" in error["message"]
    assert error["details"]["service"] == NIB
    english = assert_error(visits.book(second, [application], at(day, "09:00"), EN), 409)
    assert "is full" in english["message"]
    assert visits.state() == before
    assert visits.book(second, [application], at(day, "09:30")).status_code == 201


def _bad_times():
    """(name, arrival(day, today), code, a word of the Indonesian message)"""
    return [
        ("past", lambda day, today: at(today - dt.timedelta(days=1), "08:00"),
         "slot_in_past", "lewat"),
        ("today (the window opens tomorrow)",
         lambda day, today: (dt.datetime.now(dt.timezone.utc)
                             + dt.timedelta(minutes=5)).isoformat(),
         "slot_outside_window", "sampai"),
        ("beyond the window", lambda day, today: at(today + dt.timedelta(days=31), "08:00"),
         "slot_outside_window", "sampai"),
        ("before opening", lambda day, today: at(day, "07:30"), "slot_outside_hours",
         "jam layanan"),
        ("in the break", lambda day, today: at(day, "12:00"), "slot_outside_hours",
         "jam layanan"),
        ("not a slot start", lambda day, today: at(day, "08:10"), "slot_outside_hours",
         "jam layanan"),
        ("at closing", lambda day, today: at(day, "16:00"), "slot_outside_hours",
         "jam layanan"),
    ]


@pytest.mark.parametrize("name, arrival, code, word", _bad_times(),
                         ids=[t[0] for t in _bad_times()])
def test_a_time_that_is_not_a_bookable_slot_is_refused_and_nothing_changes(
        visits, name, arrival, code, word):
    citizen = visits.citizen()
    application = visits.application(citizen)
    when = arrival(visits.day(), today_wib())
    before = visits.state()
    error = assert_error(visits.book(citizen, [application], when), 400, code)
    assert word in error["message"], error
    english = assert_error(visits.book(citizen, [application], when, EN), 400, code)
    assert english["message"] != error["message"]
    assert visits.state() == before


def test_a_holiday_and_a_closed_weekday_are_refused_with_the_reason(app, visits):
    citizen = visits.citizen()
    application = visits.application(citizen)
    day = visits.day()
    with app.app_context():
        db.session.add(Holiday(mpp_id=None, day=day, kind="national",
                               name_id="Hari Libur Uji", name_en="Test Holiday"))
        db.session.commit()
    saturday = visits.day(weekdays=(5,))
    before = visits.state()
    error = assert_error(visits.book(citizen, [application], at(day, "08:00")), 400,
                         "slot_on_holiday")
    assert "Hari Libur Uji" in error["message"] and error["details"]["holiday_en"]
    assert "closed" in assert_error(
        visits.book(citizen, [application], at(day, "08:00"), EN), 400)["message"]
    assert_error(visits.book(citizen, [application], at(saturday, "08:00")), 400,
                 "slot_closed_day")
    assert visits.state() == before


def test_errands_that_would_run_into_the_break_are_refused(visits):
    citizen = visits.citizen()
    paspor, kk = visits.application(citizen, PASPOR), visits.application(citizen, KK)
    before = visits.state()
    assert_error(visits.book(citizen, [paspor, kk], at(visits.day(), "11:30")), 400,
                 "visit_does_not_fit")
    assert visits.state() == before


def test_a_second_booking_for_the_same_application_is_refused(visits):
    citizen = visits.citizen()
    application = visits.application(citizen)
    day = visits.day()
    assert visits.book(citizen, [application], at(day, "08:00")).status_code == 201
    before = visits.state()
    error = assert_error(visits.book(citizen, [application], at(day, "10:00")), 409,
                         "application_already_booked")
    assert "sudah punya jadwal" in error["message"]
    assert visits.state() == before
    # Listed twice in one request: refused as such.
    other = visits.application(citizen, KK)
    assert_error(visits.book(citizen, [other, other], at(day, "10:00")), 400,
                 "duplicate_applications")
    assert visits.state() == before


def test_more_open_bookings_than_allowed_are_refused(visits):
    citizen = visits.citizen()
    day = visits.day()
    for clock in ("08:00", "09:00", "10:00"):  # langsa: max_open_bookings 3
        response = visits.book(citizen, [visits.application(citizen)], at(day, clock))
        assert response.status_code == 201, response.get_json()
    fourth = visits.application(citizen)
    before = visits.state()
    error = assert_error(visits.book(citizen, [fourth], at(day, "11:00")), 409,
                         "too_many_bookings")
    assert error["details"] == {"open": 3, "limit": 3}
    assert "batas 3" in error["message"]
    assert visits.state() == before


def test_another_citizens_application_or_booking_is_a_404_like_a_missing_one(visits):
    owner, other = visits.citizen(), visits.citizen()
    application = visits.application(owner)
    day = visits.day()
    before = visits.state()
    assert_error(visits.book(other, [application], at(day, "08:00")), 404,
                 "application_not_found")
    assert visits.state() == before
    booking = visits.book(owner, [application], at(day, "08:00")).get_json()
    before = visits.state()
    url = f"{BOOKINGS}/{booking['id']}"
    assert_error(visits.client.get(url, headers=other["headers"]), 404, "booking_not_found")
    assert_error(visits.client.post(f"{url}/cancel", headers=other["headers"]), 404,
                 "booking_not_found")
    assert_error(visits.client.post(f"{url}/reschedule", json={"arrives_at": at(day, "09:00")},
                                    headers=other["headers"]), 404, "booking_not_found")
    assert visits.client.get(BOOKINGS, headers=other["headers"]).get_json() == {"items": []}
    assert visits.state() == before


@pytest.mark.parametrize("service, state, ok", [
    (NIB, states.READY, True),
    (NIB, states.APPROVED, False),  # its product is not ready yet
    (KTP, states.APPROVED, True),   # biometrics: as soon as the requirements are accepted
    (KTP, states.IN_REVIEW, False),
    (KTP, states.COMPLETED, False),
])
def test_when_an_application_may_be_booked(visits, service, state, ok):
    citizen = visits.citizen()
    application = visits.application(citizen, service, state)
    response = visits.book(citizen, [application], at(visits.day(), "13:00"))
    if ok:
        assert response.status_code == 201, response.get_json()
    else:
        error = assert_error(response, 409, "application_not_ready")
        assert error["details"]["state"] == state


def test_one_visit_is_at_one_mpp(visits):
    citizen = visits.citizen()
    here = visits.application(citizen, NIB)
    there = visits.application(citizen, "payakumbuh.dpmptsp.nib")
    before = visits.state()
    assert_error(visits.book(citizen, [here, there], at(visits.day(), "08:00")), 400,
                 "applications_in_different_mpps")
    assert visits.state() == before


@pytest.mark.parametrize("body", [
    {"applications": [], "arrives_at": "2026-12-14T08:00:00+07:00"},
    {"applications": ["x"], "arrives_at": "2026-12-14T08:00:00"},  # no offset
    {"applications": ["x"]},
    {"applications": ["x"], "arrives_at": "2026-12-14T08:00:00+07:00", "counter": "loket-1"},
])
def test_a_malformed_booking_is_a_400(visits, body):
    citizen = visits.citizen()
    response = visits.client.post(BOOKINGS, json=body, headers=citizen["headers"])
    assert assert_error(response, 400)["code"] in ("validation_failed", "unknown_parameter")


# ------------------------------------------------------------------------------ change

def _release_holds_now(app):
    """What the passing of cancel_hold_minutes does: the holds end."""
    with app.app_context():
        db.session.execute(update(VisitStop).where(VisitStop.hold_until.is_not(None))
                           .values(hold_until=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)))
        db.session.commit()


def test_a_cancelled_place_is_held_a_while_then_returns_to_the_pool(app, visits):
    owner, other = visits.citizen(), visits.citizen()
    application = visits.application(owner)
    day = visits.day()
    booking = visits.book(owner, [application], at(day, "08:00")).get_json()
    response = visits.client.post(f"{BOOKINGS}/{booking['id']}/cancel",
                                  headers=owner["headers"])
    assert response.status_code == 200
    cancelled = response.get_json()
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"]
    assert [s["application_id"] for s in cancelled["stops"]] == [application]
    # Held: nobody (the owner included) can take it at once, so it cannot be handed over.
    waiting = visits.application(other)
    assert _slot(visits.slots(NIB, day=day).get_json(), day, "08:00")["free"] is False
    assert_error(visits.book(other, [waiting], at(day, "08:00")), 409, "slot_full")
    assert_error(visits.client.post(f"{BOOKINGS}/{booking['id']}/cancel",
                                    headers=owner["headers"]), 409, "booking_not_open")
    _release_holds_now(app)
    assert _slot(visits.slots(NIB, day=day).get_json(), day, "08:00")["free"] is True
    assert visits.book(other, [waiting], at(day, "08:00")).status_code == 201
    with app.app_context():  # given back once, then taken once: 15 of 15 minutes
        assert db.session.scalar(select(func.sum(VisitSlot.taken_online))) == 15
    # The cancelled application may be booked again (another time).
    assert visits.book(owner, [application], at(day, "09:00")).status_code == 201


def test_reschedule_moves_the_errands_and_holds_the_old_place(app, visits):
    citizen, other = visits.citizen(), visits.citizen()
    nib, kk = visits.application(citizen, NIB), visits.application(citizen, KK)
    day = visits.day()
    booking = visits.book(citizen, [nib, kk], at(day, "08:00")).get_json()
    url = f"{BOOKINGS}/{booking['id']}/reschedule"
    moved = visits.client.post(url, json={"arrives_at": at(day, "13:30")},
                               headers=citizen["headers"])
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert body["id"] == booking["id"] and body["ticket"] == booking["ticket"]
    assert [(s["application_id"], s["starts_at"]) for s in body["stops"]] == [
        (nib, at(day, "13:30")), (kk, at(day, "13:45"))]
    assert_error(visits.book(other, [visits.application(other)], at(day, "08:00")), 409,
                 "slot_full")
    # A bad new time changes nothing, the booking keeps its time.
    before = visits.state()
    assert_error(visits.client.post(url, json={"arrives_at": at(day, "12:00")},
                                    headers=citizen["headers"]), 400, "slot_outside_hours")
    assert visits.state() == before
    again = visits.client.get(f"{BOOKINGS}/{booking['id']}", headers=citizen["headers"])
    assert again.get_json()["arrives_at"] == at(day, "13:30")


# ------------------------------------------------------------------------------ data rights

def test_erasure_removes_the_bookings_and_gives_their_places_back(app, visits):
    owner, other = visits.citizen(), visits.citizen()
    day = visits.day()
    booking = visits.book(owner, [visits.application(owner)], at(day, "08:00")).get_json()
    exported = visits.client.get("/api/me/export", headers=owner["headers"])
    assert exported.status_code == 200
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        names = {n.rsplit("/", 1)[-1]: n for n in archive.namelist()}
        saved = json.loads(archive.read(names["visit-bookings.json"]))
    assert [b["id"] for b in saved] == [booking["id"]]
    erased = visits.client.post("/api/me/erase", headers=owner["headers"],
                                json={"confirm": "HAPUS"})
    assert erased.status_code in (200, 204), erased.get_data(as_text=True)
    assert visits.state()[:2] == (0, 0)  # no booking, no stop
    assert visits.book(other, [visits.application(other)], at(day, "08:00")).status_code == 201


# ------------------------------------------------------------------------------ sync

def test_the_booking_and_its_ticket_reach_the_citizens_synced_space(visits):
    citizen = visits.citizen()
    phone = Device(visits.client, citizen["headers"])
    application = visits.application(citizen)
    day = visits.day()
    booking = visits.book(citizen, [application], at(day, "08:00")).get_json()
    whole = {p["key"]: p["value"] for p in phone.pull().get_json()["patch"]}
    value = whole[f"visit/{booking['id']}"]
    assert {k: v for k, v in value.items() if k != "ticket_qr_svg"} == booking
    assert value["ticket_qr_svg"].startswith("<svg")

    url = f"{BOOKINGS}/{booking['id']}"
    moved = visits.client.post(f"{url}/reschedule", json={"arrives_at": at(day, "09:00")},
                               headers=citizen["headers"]).get_json()
    patch = phone.pull().get_json()["patch"]
    assert [(p["key"], p["value"]["arrives_at"]) for p in patch] == [
        (f"visit/{booking['id']}", moved["arrives_at"])]  # only what changed

    cancelled = visits.client.post(f"{url}/cancel", headers=citizen["headers"]).get_json()
    patch = phone.pull().get_json()["patch"]
    assert [(p["key"], p["value"]["status"], p["value"]["ticket_qr_svg"]) for p in patch] == [
        (f"visit/{booking['id']}", "cancelled", None)]
    assert patch[0]["value"]["cancelled_at"] == cancelled["cancelled_at"]
    # A refused change reaches no pull: the space version did not move.
    assert_error(visits.client.post(f"{url}/cancel", headers=citizen["headers"]), 409,
                 "booking_not_open")
    assert phone.pull().get_json()["patch"] == []
