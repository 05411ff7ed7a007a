"""Walk-in applications at the counter (#18), over HTTP on SQLite and PostgreSQL: an officer
identifies a citizen by a one-time code to their phone (or a note that they have none) and
NIK, fills the form, uploads two photographed documents by tus, submits; the application
goes through review like any other, and the citizen who later signs in with that number
finds it and its verified documents in their synced space. Each bad input the issue names
gets its clear error (id and en) and changes nothing."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.accounts.models import Citizen, OtpChallenge
from server.applications.models import Application, Document
from server.extensions import db
from server.walk_in.models import WalkIn
from tests.api.devices import Device
from tests.api.officer_world import PASPOR, World
from tests.api.walk_in_world import BASE, FORM, NIK, attach_and_submit, photo, start
from tests.helpers import assert_error
from tests.uploads.conftest import OFFSET_STREAM, TUS, b64, sha256

PHONE = "0813 5555 0101"


@pytest.fixture
def world(app, client, callers):
    return World(app, client, callers)


def counts(app) -> dict:
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Citizen, Application, Document, WalkIn)}


def send_code(world, who, otp_log, phone=PHONE):
    response = world.post(who, f"{BASE}/code", {"phone": phone})
    assert response.status_code == 202, response.get_data(True)
    assert response.get_json()["phone"].startswith("+62813")
    return otp_log.codes[-1]


def test_a_walk_in_is_a_normal_application_and_reaches_the_citizen(
        app, client, world, otp_log):
    officer = world.imigrasi
    code = send_code(world, officer, otp_log)
    started = start(world, officer, phone=PHONE, code=code)
    assert started.status_code == 201, started.get_data(True)
    detail = started.get_json()
    app_id = detail["id"]
    assert detail["state"] == "draft"
    assert detail["walk_in"]["identified_by"] == "code"
    assert detail["walk_in"]["phone_masked"].endswith("101")
    values = {f["key"]: f["value"] for f in detail["fields"]}
    assert values["nik"] == NIK and values["birth_date"] == "1990-05-17"
    assert values["sex"] == "P" and values["full_name"] == "SITI AMINAH"

    filled = world.post(officer, f"{BASE}/{app_id}/fields", {"fields": FORM})
    assert filled.status_code == 200, filled.get_data(True)
    submitted = attach_and_submit(world, officer, app_id)
    assert submitted.get_json()["state"] == "submitted"
    assert submitted.get_json()["reference"].startswith("LGS-")
    assert world.get(officer, BASE).get_json()["items"] == []  # in the review queue now

    # From here the review console's own actions, as for any application.
    world.to_ready(app_id)
    with app.app_context():
        ticket = db.session.get(Application, app_id).ticket_code
        mark = db.session.get(WalkIn, app_id)
        assert mark.officer_id == officer["id"] and mark.service_code == PASPOR
    done = world.act(officer, app_id, "complete", code=ticket)
    assert done["state"] == "completed"
    assert [e.target_id for e in world.audit("walk_in.started")] == [app_id]

    # The citizen signs in later on a phone with that number: it is all in their space.
    assert client.post("/api/auth/otp", json={"phone": PHONE}).status_code == 202
    signed = client.post("/api/auth/otp/verify", json={
        "phone": PHONE, "code": otp_log.codes[-1], "device_name": "HP Siti"}).get_json()
    assert signed["new_account"] is False
    phone = Device(client, {"Authorization": f"Bearer {signed['token']}"})
    patch = phone.pull(cookie=None).get_json()["patch"]
    ops = {op["key"]: op.get("value") for op in patch}
    application = ops[f"application/{app_id}"]
    assert application["state"] == "completed" and application["fields"]["nik"] == NIK
    documents = [v for k, v in ops.items() if k.startswith("document/")]
    assert len(documents) == 2
    assert all(d["verified_at"] and d["status"] == "ready" for d in documents)
    assert {d["document_type"] for d in documents} == {"ktp", "kk"}


def test_a_citizen_without_a_phone(app, world):
    before = counts(app)
    started = start(world, world.imigrasi, no_phone=True, note="Tidak punya HP")
    assert started.status_code == 201, started.get_data(True)
    info = started.get_json()["walk_in"]
    assert info == {**info, "identified_by": "no_phone", "phone_masked": None,
                    "note": "Tidak punya HP"}
    after = counts(app)
    assert after["Citizen"] == before["Citizen"] + 1
    assert after["Application"] == before["Application"] + 1
    with app.app_context():
        mark = db.session.get(WalkIn, started.get_json()["id"])
        assert db.session.get(Citizen, mark.citizen_id).phone is None


def test_a_nik_that_disagrees_with_the_birth_date_changes_nothing(app, world, otp_log):
    code = send_code(world, world.imigrasi, otp_log)
    before = counts(app)
    for lang, words in (("id", "Tanggal lahir pada NIK"), ("en", "birth date encoded")):
        refused = start(world, world.imigrasi, phone=PHONE, code=code, birth_date="1990-05-18",
                        lang=lang)
        error = assert_error(refused, 400, "walk_in_identity_invalid")
        nik = error["details"]["fields"]["nik"]
        assert nik["code"] == "nik_birth_date_mismatch"
        assert "Tanggal lahir pada NIK" in nik["message_id"]
        assert "birth date encoded" in nik["message_en"]
        assert ("nothing was saved" in error["message"]) == (lang == "en")
    assert counts(app) == before
    with app.app_context():  # the code was not used up by the refusal
        challenge = db.session.scalar(select(OtpChallenge).order_by(OtpChallenge.id.desc()))
        assert challenge.consumed_at is None and challenge.attempts == 0
    assert start(world, world.imigrasi, phone=PHONE, code=code).status_code == 201


def test_a_wrong_code_changes_nothing_but_counts(app, world, otp_log):
    code = send_code(world, world.imigrasi, otp_log)
    wrong = "000000" if code != "000000" else "111111"
    before = counts(app)
    error = assert_error(start(world, world.imigrasi, phone=PHONE, code=wrong), 400,
                         "otp_invalid")
    assert error["details"]["attempts_left"] == 4
    assert counts(app) == before
    assert_error(start(world, world.imigrasi, phone=PHONE), 400, "walk_in_identity_invalid")
    assert counts(app) == before


def test_a_service_the_agency_does_not_serve_is_refused_and_audited(app, world, otp_log):
    offered = {who: {s["code"] for s in world.get(getattr(world, who), f"{BASE}/services")
                     .get_json()["items"]} for who in ("imigrasi", "dukcapil", "supervisor")}
    assert PASPOR in offered["imigrasi"] and PASPOR in offered["supervisor"]
    assert PASPOR not in offered["dukcapil"] and offered["dukcapil"]
    code = send_code(world, world.dukcapil, otp_log)
    before = counts(app)
    for who in (world.dukcapil, world.elsewhere):
        assert_error(start(world, who, phone=PHONE, code=code), 403,
                     "walk_in_service_out_of_reach")
    assert counts(app) == before
    assert len(world.audit("walk_in.service_denied")) == 2
    assert all(e.outcome == "denied" for e in world.audit("walk_in.service_denied"))
    assert_error(start(world, world.imigrasi, service_id="langsa.no-such", no_phone=True), 404,
                 "service_not_found")


def test_another_agency_cannot_see_or_continue_a_walk_in(app, world):
    started = start(world, world.imigrasi, no_phone=True).get_json()
    app_id = started["id"]
    before = counts(app)
    for who in (world.dukcapil, world.elsewhere):
        assert_error(world.get(who, f"{BASE}/{app_id}"), 404, "application_not_found")
        assert_error(world.post(who, f"{BASE}/{app_id}/fields", {"fields": FORM}), 404,
                     "application_not_found")
        assert_error(world.post(who, f"{BASE}/{app_id}/submit", {}), 404,
                     "application_not_found")
        data = photo("KTP")
        meta = {"document_id": str(uuid.uuid4()), "filename": "f.jpg",
                "content_type": "image/jpeg", "sha256": sha256(data)}
        response = world.client.post(f"{BASE}/{app_id}/uploads", data=data, headers={
            **TUS, **who["headers"], "Upload-Length": str(len(data)),
            "Content-Type": OFFSET_STREAM,
            "Upload-Metadata": ",".join(f"{k} {b64(v)}" for k, v in meta.items())})
        assert_error(response, 404, "application_not_found")
    assert counts(app) == before
    assert len(world.audit("walk_in.denied")) == 8
    # Not yet submitted: listed for the agency (and its MPP's supervisor), no one else.
    listed = {who: [i["id"] for i in world.get(getattr(world, who), BASE).get_json()["items"]]
              for who in ("imigrasi_2", "supervisor", "dukcapil", "elsewhere")}
    assert listed == {"imigrasi_2": [app_id], "supervisor": [app_id], "dukcapil": [],
                      "elsewhere": []}
    # The supervisor of the MPP may continue it; the form's own rules still apply.
    refused = world.post(world.supervisor, f"{BASE}/{app_id}/fields",
                         {"fields": {"passport_type": "kapal-selam"}})
    assert_error(refused, 400, "invalid_field_values")
    assert world.post(world.supervisor, f"{BASE}/{app_id}/fields",
                      {"fields": FORM}).status_code == 200
    incomplete = assert_error(world.post(world.supervisor, f"{BASE}/{app_id}/submit", {}),
                              400, "incomplete")
    assert incomplete["details"]["messages"]["en"]


def test_erasure_removes_the_officers_note(app, client, world, otp_log):
    code = send_code(world, world.imigrasi, otp_log)
    started = start(world, world.imigrasi, phone=PHONE, code=code, note="HP milik anaknya")
    assert started.status_code == 201, started.get_data(True)
    assert client.post("/api/auth/otp", json={"phone": PHONE}).status_code == 202
    token = client.post("/api/auth/otp/verify", json={
        "phone": PHONE, "code": otp_log.codes[-1], "device_name": "HP"}).get_json()["token"]
    assert client.post("/api/me/erase", headers={"Authorization": f"Bearer {token}"},
                       json={"confirm": "HAPUS"}).status_code == 204
    with app.app_context():
        mark = db.session.get(WalkIn, started.get_json()["id"])
        assert mark.note == "" and mark.identified_by == "code"  # still counted



def test_the_form_keeps_the_nik_and_birth_date_in_agreement_after_the_start(app, world):
    """The identity checked at the start cannot be undone through the form (the engine's one
    rule, sync/fields.py): the console saves the whole form, so a birth date changed to
    disagree with the NIK is refused and nothing changes; a birth date sent alone is kept
    (a form may be fixed in any order) but the walk-in cannot be submitted so."""
    started = start(world, world.imigrasi, no_phone=True).get_json()
    app_id = started["id"]
    whole = {f["key"]: f["value"] for f in started["fields"]}
    with app.app_context():
        fields_before = dict(db.session.get(Application, app_id).fields)
    for lang, words in (("id", "Tanggal lahir pada NIK"), ("en", "birth date encoded")):
        refused = world.post(world.imigrasi, f"{BASE}/{app_id}/fields",
                             {"fields": {**whole, **FORM, "birth_date": "1990-05-18"}},
                             lang=lang)
        error = assert_error(refused, 400, "invalid_field_values")
        assert words in str(error["details"]), error
    with app.app_context():
        assert db.session.get(Application, app_id).fields == fields_before

    kept = world.post(world.imigrasi, f"{BASE}/{app_id}/fields",
                      {"fields": {**FORM, "birth_date": "1990-05-18"}})
    assert kept.status_code == 200, kept.get_data(True)
    refused = assert_error(world.post(world.imigrasi, f"{BASE}/{app_id}/submit", {}), 400,
                           "incomplete")
    nik = refused["details"]["invalid_fields"]["nik"]
    assert nik["code"] == "nik_birth_date_mismatch"
    assert "Tanggal lahir pada NIK" in nik["message"] and "birth date" in nik["message_en"]
    assert application_state_of(app, app_id) == "draft"


def application_state_of(app, app_id: str) -> str:
    with app.app_context():
        return db.session.get(Application, app_id).state


def test_a_citizen_who_already_has_the_app_finds_the_walk_in_at_their_next_pull(
        app, client, world, otp_log):
    """The number belongs to an account already (the phone was forgotten at home): the walk-in
    goes into that account's space, and the phone's next pull (from its own cookie) brings
    it; the phone's session is not touched by the officer's code."""
    assert client.post("/api/auth/otp", json={"phone": PHONE}).status_code == 202
    signed = client.post("/api/auth/otp/verify", json={
        "phone": PHONE, "code": otp_log.codes[-1], "device_name": "HP Siti"}).get_json()
    assert signed["new_account"] is True
    phone = Device(client, {"Authorization": f"Bearer {signed['token']}"})
    assert phone.pull(cookie=None).status_code == 200
    citizens = counts(app)["Citizen"]

    code = send_code(world, world.imigrasi, otp_log)
    started = start(world, world.imigrasi, phone=PHONE, code=code)
    assert started.status_code == 201, started.get_data(True)
    app_id = started.get_json()["id"]
    assert counts(app)["Citizen"] == citizens  # the same account, no second one
    with app.app_context():
        assert str(db.session.get(WalkIn, app_id).citizen_id) == signed["citizen"]["id"]
    response = phone.pull()  # the phone's own cookie: only what changed since
    assert response.status_code == 200, response.get_data(True)
    ops = {op["key"]: op.get("value") for op in response.get_json()["patch"]}
    assert ops[f"application/{app_id}"]["state"] == "draft"
    assert client.get("/api/me", headers=phone.headers).status_code == 200  # still signed in
    assert ops[f"application/{app_id}"]["fields"]["nik"] == NIK
