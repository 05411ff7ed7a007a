"""Sign-in, sessions, profile, data rights and officers: the happy paths and every bad input."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import threading
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from server.accounts import operations as ops
from server.accounts.models import (
    Citizen, DeviceSession, LoginFailure, Officer, OtpChallenge, utcnow,
)
from server.audit.models import AuditEvent
from server.extensions import db
from tests.api.conftest import PASSWORD
from tests.api.devices import Device
from tests.helpers import assert_error

PHONE = "0812 3456 7890"
NORMALISED = "+6281234567890"


def sign_in(client, otp_log, phone=PHONE):
    assert client.post("/api/auth/otp", json={"phone": phone}).status_code == 202
    response = client.post("/api/auth/otp/verify",
                           json={"phone": phone, "code": otp_log.codes[-1], "device_name": "HP"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


# --------------------------------------------------------------------------- sign-in codes

def test_sign_in_with_a_code_creates_the_account_once(app, client, otp_log):
    sent = client.post("/api/auth/otp", json={"phone": PHONE})
    assert sent.status_code == 202
    assert sent.get_json() == {"phone": "+62812*****890", "expires_in": 300, "resend_in": 60}
    assert otp_log.lines[-1].startswith("OTP for +62812*****890: ")  # masked in the log
    body = client.post("/api/auth/otp/verify", json={
        "phone": "+62 812-3456-7890", "code": otp_log.codes[-1], "device_name": "Redmi"}).get_json()
    assert body["new_account"] is True and body["token"].startswith("sd_")
    assert body["citizen"]["phone"] == NORMALISED and body["session"]["current"] is True
    me = client.get("/api/me", headers=bearer(body["token"]))
    assert me.status_code == 200 and me.get_json()["phone"] == NORMALISED
    assert me.headers["Cache-Control"] == "no-store"
    with app.app_context():
        stored = db.session.scalar(select(OtpChallenge.code_hash))
        assert otp_log.codes[-1] not in stored and len(stored) == 64  # hashed, not the code
    app.config["OTP_RESEND_SECONDS"] = 0
    again = sign_in(client, otp_log)
    assert again["new_account"] is False and again["citizen"]["id"] == body["citizen"]["id"]
    assert count(app, Citizen) == 1


@pytest.mark.parametrize("phone", ["12345", "021 555 1234", "+1 202 555 0100", "", "08abc"])
def test_malformed_phone_numbers_are_400_and_send_nothing(app, client, otp_log, phone):
    error = assert_error(client.post("/api/auth/otp", json={"phone": phone}), 400)
    assert error["code"] in ("invalid_phone", "validation_failed")
    assert otp_log.codes == [] and count(app, OtpChallenge) == 0


def test_wrong_code_counts_and_five_wrong_codes_kill_it(app, client, otp_log):
    client.post("/api/auth/otp", json={"phone": PHONE})
    right = otp_log.codes[-1]
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        error = assert_error(client.post("/api/auth/otp/verify",
                                         json={"phone": PHONE, "code": wrong}), 400, "otp_invalid")
        assert error["details"] == {"attempts_left": left}
    assert_error(client.post("/api/auth/otp/verify", json={"phone": PHONE, "code": wrong}),
                 429, "otp_too_many_attempts")
    # Even the right code no longer works: brute force gains nothing.
    assert_error(client.post("/api/auth/otp/verify", json={"phone": PHONE, "code": right}), 400,
                 "otp_used")
    assert count(app, Citizen) == 0 and count(app, DeviceSession) == 0


def test_expired_code(app, client, otp_log):
    client.post("/api/auth/otp", json={"phone": PHONE})
    with app.app_context():
        challenge = db.session.scalar(select(OtpChallenge))
        challenge.expires_at = challenge.created_at - dt.timedelta(seconds=1)
        db.session.commit()
    assert_error(client.post("/api/auth/otp/verify",
                             json={"phone": PHONE, "code": otp_log.codes[-1]}), 400, "otp_expired")
    assert count(app, Citizen) == 0


def test_reused_code(app, client, otp_log):
    sign_in(client, otp_log)
    assert_error(client.post("/api/auth/otp/verify",
                             json={"phone": PHONE, "code": otp_log.codes[-1]}), 400, "otp_used")
    assert count(app, DeviceSession) == 1


def test_a_new_code_replaces_the_old_one(app, client, otp_log):
    app.config["OTP_RESEND_SECONDS"] = 0
    client.post("/api/auth/otp", json={"phone": PHONE})
    old = otp_log.codes[-1]
    client.post("/api/auth/otp", json={"phone": PHONE})
    new = otp_log.codes[-1]
    if old != new:
        assert_error(client.post("/api/auth/otp/verify", json={"phone": PHONE, "code": old}),
                     400, "otp_invalid")
    assert client.post("/api/auth/otp/verify",
                       json={"phone": PHONE, "code": new}).status_code == 200
    with app.app_context():  # the old challenge was closed when the new one was sent
        assert db.session.scalar(select(func.count()).select_from(OtpChallenge).where(
            OtpChallenge.consumed_at.is_(None))) == 0


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", 123456])
def test_malformed_codes(client, otp_log, code):
    client.post("/api/auth/otp", json={"phone": PHONE})
    error = assert_error(client.post("/api/auth/otp/verify", json={"phone": PHONE, "code": code}),
                         400)
    assert error["code"] in ("otp_format", "validation_failed")


def test_asking_again_too_soon_says_how_long_to_wait(app, client, otp_log):
    client.post("/api/auth/otp", json={"phone": PHONE})
    response = client.post("/api/auth/otp", json={"phone": "+6281234567890"},
                           headers={"Accept-Language": "en"})
    error = assert_error(response, 429, "otp_resend_wait")
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 61 and error["details"]["retry_after"] == wait
    assert f"Wait {wait} seconds" in error["message"]
    assert len(otp_log.codes) == 1 and count(app, OtpChallenge) == 1


def test_rate_limit_per_number_counts_every_spelling(app, client, otp_log):
    app.config.update(OTP_RESEND_SECONDS=0, OTP_LIMIT_PER_PHONE="2 per hour")
    assert client.post("/api/auth/otp", json={"phone": "0812 3456 7890"}).status_code == 202
    assert client.post("/api/auth/otp", json={"phone": "+62 812 3456 7890"}).status_code == 202
    response = client.post("/api/auth/otp", json={"phone": "6281234567890"})
    error = assert_error(response, 429, "too_many_requests")
    assert int(response.headers["Retry-After"]) > 0 and "detik" in error["message"]
    assert len(otp_log.codes) == 2
    # another number still gets its code
    assert client.post("/api/auth/otp", json={"phone": "0813 1111 2222"}).status_code == 202


def test_rate_limit_per_ip_on_verify(app, client, otp_log):
    app.config["OTP_VERIFY_LIMIT_PER_IP"] = "3 per minute"
    for _ in range(3):
        client.post("/api/auth/otp/verify", json={"phone": PHONE, "code": "123456"})
    assert_error(client.post("/api/auth/otp/verify", json={"phone": "0813 1111 2222",
                                                          "code": "123456"}),
                 429, "too_many_requests")


def test_profile_saves_are_rate_limited_per_citizen(app, client, callers):
    """PATCH /api/me cannot be turned into a write flood: over the limit a citizen gets 429,
    the record keeps the last save that was let through, and another citizen is not
    affected."""
    app.config["PROFILE_LIMIT_PER_CITIZEN"] = "3 per minute"
    a, b = callers.citizen(), callers.citizen()
    for n in range(3):
        assert client.patch("/api/me", headers=a["headers"],
                            json={"full_name": f"Nama {n}"}).status_code == 200
    assert_error(client.patch("/api/me", headers=a["headers"], json={"full_name": "Banjir"}),
                 429, "too_many_requests")
    assert client.get("/api/me", headers=a["headers"]).get_json()["full_name"] == "Nama 2"
    assert client.patch("/api/me", headers=b["headers"],
                        json={"full_name": "Warga Lain"}).status_code == 200


class Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.received.append((dict(self.headers), body))
        self.send_response(Gateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    Gateway.received, Gateway.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()


def test_webhook_channel_posts_a_signed_message(app, client, gateway):
    app.config.update(OTP_CHANNEL="webhook", OTP_WEBHOOK_URL=gateway, OTP_WEBHOOK_SECRET="rahasia")
    assert client.post("/api/auth/otp", json={"phone": PHONE}).status_code == 202
    headers, body = Gateway.received[0]
    expected = hmac.new(b"rahasia", body, hashlib.sha256).hexdigest()
    assert headers["X-Sekali-Datang-Signature"] == f"sha256={expected}"
    message = json.loads(body)
    assert message["to"] == NORMALISED and message["code"] in message["message"]
    verified = client.post("/api/auth/otp/verify", json={"phone": PHONE, "code": message["code"]})
    assert verified.status_code == 200


def test_webhook_gateway_down_is_a_clear_503(app, client, gateway):
    Gateway.status = 500
    app.config.update(OTP_CHANNEL="webhook", OTP_WEBHOOK_URL=gateway, OTP_WEBHOOK_SECRET="x")
    assert_error(client.post("/api/auth/otp", json={"phone": PHONE}), 503, "otp_delivery_failed")
    assert count(app, OtpChallenge) == 0  # rolled back: asking again is not "too soon"


# --------------------------------------------------------------------------- tokens

@pytest.mark.parametrize("header,code", [
    ("Bearer sd_forgedforgedforgedforgedforgedforged00", "invalid_token"),
    ("Bearer not-even-our-format", "invalid_token"),
    ("Basic dXNlcjpwYXNz", "unauthorized"),
    ("Bearer ", "unauthorized"),
])
def test_forged_tokens_are_401(client, header, code):
    assert_error(client.get("/api/me", headers={"Authorization": header}), 401, code)


def test_expired_and_revoked_tokens_are_401(app, client, callers):
    a, b = callers.citizen(), callers.citizen()
    with app.app_context():
        utc = dt.timezone.utc
        db.session.get(DeviceSession, a["session_id"]).expires_at = dt.datetime(2000, 1, 1,
                                                                                tzinfo=utc)
        db.session.get(DeviceSession, b["session_id"]).revoked_at = dt.datetime(2020, 1, 1,
                                                                                tzinfo=utc)
        db.session.commit()
    assert_error(client.get("/api/me", headers=a["headers"]), 401, "session_expired")
    assert_error(client.get("/api/me", headers=b["headers"]), 401, "session_revoked")


def test_sessions_slide_while_the_phone_keeps_coming_back(app, client, callers):
    a = callers.citizen()
    with app.app_context():
        device = db.session.get(DeviceSession, a["session_id"])
        device.last_seen_at -= dt.timedelta(days=60)
        device.expires_at -= dt.timedelta(days=60)  # 30 days left
        db.session.commit()
    assert client.get("/api/me", headers=a["headers"]).status_code == 200
    with app.app_context():
        device = db.session.get(DeviceSession, a["session_id"])
        assert device.expires_at - device.last_seen_at == dt.timedelta(days=90)


@pytest.mark.parametrize("push", [False, True])
def test_sessions_slide_on_the_sync_routes_too(app, client, callers, push):
    """The sync routes run the engine's own transactions (server/transactions.py): the
    slide written while authenticating is committed before the engine starts, and the
    push or pull itself still works."""
    a = callers.citizen()
    with app.app_context():
        device = db.session.get(DeviceSession, a["session_id"])
        device.last_seen_at -= dt.timedelta(days=60)
        device.expires_at -= dt.timedelta(days=60)
        db.session.commit()
    phone = Device(client, a["headers"])
    if push:
        answer = phone.push(phone.mutation("application.create",
                                           application_id=str(uuid.uuid4()),
                                           service_id="langsa.imigrasi.paspor-baru"))
    else:
        answer = phone.pull(cookie=None)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    with app.app_context():
        device = db.session.get(DeviceSession, a["session_id"])
        assert device.expires_at - device.last_seen_at == dt.timedelta(days=90)
        assert dt.timedelta(0) <= utcnow() - device.last_seen_at < dt.timedelta(minutes=5)


def test_a_stale_token_does_not_block_public_pages(client):
    response = client.get("/api/mpps", headers={"Authorization": "Bearer sd_stale"})
    assert response.status_code == 200


def test_devices_list_revoke_and_logout(app, client, otp_log):
    first = sign_in(client, otp_log)
    app.config["OTP_RESEND_SECONDS"] = 0
    second = sign_in(client, otp_log)
    items = client.get("/api/me/devices", headers=bearer(first["token"])).get_json()["items"]
    assert len(items) == 2 and sum(i["current"] for i in items) == 1
    assert client.delete(f"/api/me/devices/{second['session']['id']}",
                         headers=bearer(first["token"])).status_code == 204
    assert_error(client.get("/api/me", headers=bearer(second["token"])), 401, "session_revoked")
    assert client.post("/api/auth/logout", headers=bearer(first["token"])).status_code == 204
    assert_error(client.get("/api/me", headers=bearer(first["token"])), 401, "session_revoked")


def test_another_citizens_device_is_not_found_and_stays(app, client, callers):
    a, b = callers.citizen(), callers.citizen()
    assert_error(client.delete(f"/api/me/devices/{b['session_id']}", headers=a["headers"]), 404,
                 "session_not_found")
    assert client.get("/api/me", headers=b["headers"]).status_code == 200


def test_a_citizen_token_on_officer_routes_is_403_and_audited(app, client, callers):
    a = callers.citizen()
    for url in ("/api/officer/me", "/api/admin/officers", "/api/admin/audit"):
        assert_error(client.get(url, headers=a["headers"]), 403, "forbidden")
    with app.app_context():
        denied = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "access.denied")).all()
        assert len(denied) == 3 and {e.actor_id for e in denied} == {str(a["id"])}


# --------------------------------------------------------------------------- profile

def test_profile_update_with_a_consistent_nik(client, callers):
    a = callers.citizen()
    body = client.patch("/api/me", headers=a["headers"], json={
        "nik": "1174014508900001", "birth_date": "1990-08-05", "sex": "P",
        "full_name": "Cut Nyak Dhien", "kk_number": "1174010101200003", "language": "en"})
    assert body.status_code == 200, body.get_json()
    assert body.get_json()["nik"] == "1174014508900001" and body.get_json()["language"] == "en"


@pytest.mark.parametrize("changes,field,code", [
    ({"nik": "1174010508900001", "birth_date": "1990-08-05", "sex": "P"}, "nik",
     "nik_sex_mismatch"),
    ({"nik": "1174014508900001", "birth_date": "1991-08-05", "sex": "P"}, "nik",
     "nik_birth_date_mismatch"),
    ({"nik": "0074014508900001"}, "nik", "nik_region"),
    ({"nik": "1174013208900001"}, "nik", "nik_birth_date"),
    ({"kk_number": "0000000000000000"}, "kk_number", "kk_region"),
])
def test_inconsistent_profile_is_400_and_nothing_changes(app, client, callers, changes, field,
                                                         code):
    a = callers.citizen()
    error = assert_error(client.patch("/api/me", headers=a["headers"], json=changes), 400,
                         "profile_invalid")
    assert error["details"]["fields"][field]["code"] == code
    me = client.get("/api/me", headers=a["headers"]).get_json()
    assert me["nik"] is None and me["birth_date"] is None and me["kk_number"] is None


@pytest.mark.parametrize("changes", [{"nik": "12345"}, {"sex": "X"}, {"phone": "0812"},
                                     {"birth_date": "kemarin"}, {"verified_keys": ["nik"]}])
def test_malformed_or_forbidden_profile_keys_are_400(client, callers, changes):
    a = callers.citizen()
    assert_error(client.patch("/api/me", headers=a["headers"], json=changes), 400)


def test_verified_profile_keys_cannot_be_changed_by_the_citizen(app, client, callers):
    a = callers.citizen()
    with app.app_context():
        citizen = db.session.get(Citizen, a["id"])
        citizen.full_name, citizen.verified_keys = "Teuku Umar", ["full_name"]
        db.session.commit()
    error = assert_error(client.patch("/api/me", headers=a["headers"],
                                      json={"full_name": "Teuku Umar Johan"}), 400,
                         "profile_invalid")
    assert error["details"]["fields"]["full_name"]["code"] == "field_verified"
    assert client.get("/api/me", headers=a["headers"]).get_json()["full_name"] == "Teuku Umar"


# --------------------------------------------------------------------------- data rights

def test_export_is_a_zip_of_what_is_held(client, callers):
    a = callers.citizen()
    client.patch("/api/me", headers=a["headers"], json={"full_name": "Cut Meutia"})
    response = client.get("/api/me/export", headers=a["headers"])
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    profile = json.loads(archive.read("profile.json"))
    assert profile["full_name"] == "Cut Meutia" and profile["phone"] == a["phone"]
    assert {"devices.json", "access-log.json", "README.txt"} <= set(archive.namelist())


def test_erasure_needs_confirmation(client, callers):
    a = callers.citizen()
    assert_error(client.post("/api/me/erase", headers=a["headers"], json={"confirm": "ya"}), 400,
                 "erase_not_confirmed")
    assert client.get("/api/me", headers=a["headers"]).status_code == 200


def test_erasure_removes_personal_data_and_keeps_an_anonymous_trail(app, client, callers):
    a = callers.citizen()
    client.patch("/api/me", headers=a["headers"], json={"full_name": "Cut Meutia",
                                                        "nik": "1174014508900001"})
    assert client.post("/api/me/erase", headers=a["headers"],
                       json={"confirm": "HAPUS"}).status_code == 204
    assert_error(client.get("/api/me", headers=a["headers"]), 401)
    with app.app_context():
        citizen = db.session.get(Citizen, a["id"])
        assert citizen.erased_at is not None
        assert (citizen.phone, citizen.nik, citizen.full_name) == (None, None, None)
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.target_id == str(a["id"]))).all()
        assert "citizen.erased" in {e.action for e in events}
        dumped = json.dumps([e.details for e in events])
        assert a["phone"] not in dumped and "1174014508900001" not in dumped


def test_the_audit_log_is_append_only_in_the_database(app, callers):
    callers.citizen()
    with app.app_context():
        db.session.execute(sa.text(
            "INSERT INTO audit_event (at, actor_kind, action, outcome, details) "
            "VALUES (CURRENT_TIMESTAMP, 'system', 'test.event', 'ok', '{}')"))
        db.session.commit()
        for statement in ("UPDATE audit_event SET action = 'changed'", "DELETE FROM audit_event"):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                db.session.execute(sa.text(statement))
            db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 1


# --------------------------------------------------------------------------- officers

def test_cli_creates_an_officer_who_can_sign_in(app, runner, client):
    result = runner.invoke(args=["accounts", "create-officer", "--username", "rina.dukcapil",
                                 "--full-name", "Rina", "--role", "verifier", "--mpp", "langsa",
                                 "--agency", "dukcapil", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    body = client.post("/api/officer/login", json={"username": "rina.dukcapil",
                                                   "password": PASSWORD}).get_json()
    me = client.get("/api/officer/me", headers=bearer(body["token"])).get_json()
    assert me == {"id": me["id"], "username": "rina.dukcapil", "full_name": "Rina",
                  "role": "verifier", "mpp": "langsa", "agency": "dukcapil",
                  "agency_name": "Dinas Kependudukan dan Pencatatan Sipil Kota Langsa",
                  "disabled": False, "counter": None,
                  # a password set at the CLI is the officer's own: no change is asked
                  "must_change_password": False}
    with app.app_context():
        stored = db.session.scalar(select(Officer.password_hash))
        assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize("args,message", [
    (["--role", "verifier", "--mpp", "langsa"], "verifier: mpp and agency"),
    (["--role", "verifier", "--mpp", "langsa", "--agency", "tidak-ada"], "no agency"),
    (["--role", "supervisor", "--mpp", "tidak-ada"], "no MPP"),
    # An admin with an MPP is that MPP's admin (below); with an agency, nothing.
    (["--role", "admin", "--mpp", "langsa", "--agency", "dukcapil"], "admin: an mpp"),
    (["--role", "admin", "--agency", "dukcapil"], "admin: an mpp"),
    (["--role", "admin", "--mpp", "tidak-ada"], "no MPP"),
])
def test_cli_refuses_a_wrong_scope(app, runner, args, message):
    result = runner.invoke(args=["accounts", "create-officer", "--username", "salah",
                                 "--full-name", "Salah", "--password", PASSWORD, *args])
    assert result.exit_code == 1 and message in result.output
    assert count(app, Officer) == 0


def test_cli_creates_an_mpps_admin_and_a_national_admin(app, runner):
    for username, args in (("admin.langsa", ["--mpp", "langsa"]), ("admin.pusat", [])):
        result = runner.invoke(args=["accounts", "create-officer", "--username", username,
                                     "--full-name", "Admin", "--password", PASSWORD,
                                     "--role", "admin", *args])
        assert result.exit_code == 0, result.output
    with app.app_context():
        rows = {o.username: (o.role, o.mpp.code if o.mpp else None, o.agency_id)
                for o in db.session.scalars(select(Officer))}
    assert rows == {"admin.langsa": ("admin", "langsa", None),
                    "admin.pusat": ("admin", None, None)}


def test_cli_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["accounts", "create-officer", "--username", "pendek",
                                 "--full-name", "P", "--role", "admin", "--password", "123"])
    assert result.exit_code == 1 and count(app, Officer) == 0


def test_lockout_after_repeated_failures(app, client, callers):
    officer = callers.officer("admin")
    for _ in range(5):
        assert_error(client.post("/api/officer/login", json={
            "username": officer["username"], "password": "salah-salah-salah"}), 401,
                     "invalid_credentials")
    response = client.post("/api/officer/login", json={"username": officer["username"],
                                                       "password": PASSWORD})
    assert_error(response, 429, "account_locked")
    assert int(response.headers["Retry-After"]) > 0
    with app.app_context():
        locks = db.session.execute(select(LoginFailure.source, LoginFailure.locked_until).where(
            LoginFailure.username == officer["username"])).all()
        assert [source for source, until in locks if until is not None] == ["127.0.0.1"]
        failures = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "officer.login_failed"))
        assert failures == 6


def test_a_lockout_holds_for_the_guessing_source_only(app, client, callers):
    """Five wrong passwords from one address lock that address out; the officer at the
    counter (another address) still signs in, and that resets the counts."""
    officer = callers.officer("admin")
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(5):
        assert_error(client.post("/api/officer/login", environ_base=attacker, json={
            "username": officer["username"], "password": "salah-salah-salah"}), 401,
                     "invalid_credentials")
    assert_error(client.post("/api/officer/login", environ_base=attacker, json={
        "username": officer["username"], "password": PASSWORD}), 429, "account_locked")
    counter = client.post("/api/officer/login", environ_base={"REMOTE_ADDR": "10.1.1.20"},
                          json={"username": officer["username"], "password": PASSWORD})
    assert counter.status_code == 200, counter.get_json()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_many_sources_together_lock_the_username_everywhere(app, client, callers, monkeypatch):
    """The slower threshold from every source: guessing spread over addresses also ends."""
    monkeypatch.setattr(ops, "GLOBAL_FAILURES", 6)
    officer = callers.officer("admin")
    for n in range(6):
        assert_error(client.post("/api/officer/login", environ_base={
            "REMOTE_ADDR": f"198.51.100.{n}"}, json={"username": officer["username"],
                                                    "password": "salah-salah-salah"}),
                     401, "invalid_credentials")
    assert_error(client.post("/api/officer/login", environ_base={"REMOTE_ADDR": "10.1.1.20"},
                             json={"username": officer["username"], "password": PASSWORD}),
                 429, "account_locked")


def test_an_unknown_username_is_locked_like_a_known_one(client, callers):
    """Same answers in the same order for a real and an invented username: the lockout
    does not tell which usernames exist."""
    officer = callers.officer("admin")
    answers = {}
    for username in (officer["username"], "tidak-ada-orangnya"):
        answers[username] = [
            (r.status_code, r.get_json()["error"]["code"])
            for r in (client.post("/api/officer/login", json={
                "username": username, "password": "salah-salah-salah"}) for _ in range(6))]
    real, invented = answers.values()
    assert real == invented == [(401, "invalid_credentials")] * 5 + [(429, "account_locked")]


def test_admin_reset_and_scope_change_end_the_officers_sessions(app, client, callers):
    admin = callers.officer("admin")
    verifier = callers.officer("verifier", "langsa", "dukcapil")
    second = callers.officer_session(verifier["id"])
    for changes in ({"password": "kata-sandi-baru-456"}, {"agency": "imigrasi"},
                    {"role": "supervisor", "agency": None}):
        fresh = callers.officer_session(verifier["id"])
        assert client.get("/api/officer/me", headers=fresh["headers"]).status_code == 200
        changed = client.patch(f"/api/admin/officers/{verifier['id']}",
                               headers=admin["headers"], json=changes)
        assert changed.status_code == 200, changed.get_json()
        for session in (verifier, second, fresh):
            assert_error(client.get("/api/officer/me", headers=session["headers"]), 401,
                         "session_revoked")
    # A change of name only leaves sessions alone; so does a refused change.
    kept = callers.officer_session(verifier["id"])
    assert client.patch(f"/api/admin/officers/{verifier['id']}", headers=admin["headers"],
                        json={"full_name": "Rina Baru"}).status_code == 200
    assert_error(client.patch(f"/api/admin/officers/{verifier['id']}", headers=admin["headers"],
                              json={"password": "pendek"}), 400, "password_too_short")
    assert client.get("/api/officer/me", headers=kept["headers"]).status_code == 200
    assert client.get("/api/officer/me", headers=admin["headers"]).status_code == 200


def test_unknown_username_answers_like_a_wrong_password(client):
    assert_error(client.post("/api/officer/login", json={"username": "siapa",
                                                         "password": "apa-saja-1234"}),
                 401, "invalid_credentials")


def test_disabled_officer_cannot_sign_in_or_use_a_session(app, client, callers):
    admin, verifier = callers.officer("admin"), callers.officer("verifier", "langsa", "dukcapil")
    changed = client.patch(f"/api/admin/officers/{verifier['id']}", headers=admin["headers"],
                           json={"disabled": True})
    assert changed.status_code == 200 and changed.get_json()["disabled"] is True
    assert_error(client.get("/api/officer/me", headers=verifier["headers"]), 401,
                 "account_disabled")
    # The right password gets the answer a wrong one gets: it is not confirmed.
    for password in (PASSWORD, "salah-salah-salah"):
        assert_error(client.post("/api/officer/login", json={"username": verifier["username"],
                                                             "password": password}),
                     401, "invalid_credentials")


def test_admin_creates_officers_and_others_cannot(app, client, callers):
    admin = callers.officer("admin")
    supervisor = callers.officer("supervisor", "langsa")
    verifier = callers.officer("verifier", "langsa", "dukcapil")
    new = {"username": "budi.imigrasi", "password": PASSWORD, "full_name": "Budi",
           "role": "verifier", "mpp": "langsa", "agency": "imigrasi"}
    for caller in (supervisor, verifier):
        assert_error(client.post("/api/admin/officers", headers=caller["headers"], json=new), 403)
    assert count(app, Officer) == 3
    created = client.post("/api/admin/officers", headers=admin["headers"], json=new)
    assert created.status_code == 201 and created.get_json()["agency"] == "imigrasi"
    assert_error(client.post("/api/admin/officers", headers=admin["headers"], json=new), 409,
                 "username_taken")
    assert_error(client.patch("/api/admin/officers/999999", headers=admin["headers"],
                              json={"disabled": True}), 404, "officer_not_found")
    # an id no database integer can hold is a plain 404, not a 500 (found by schemathesis)
    assert_error(client.patch("/api/admin/officers/99999999999999999999", headers=admin["headers"],
                              json={"disabled": True}), 404, "not_found")
    audit = client.get("/api/admin/audit?action=x", headers=admin["headers"])
    assert_error(audit, 400, "unknown_parameter")
    officer_id = created.get_json()["id"]
    events = client.get(f"/api/admin/audit?target_kind=officer&target_id={officer_id}",
                        headers=admin["headers"]).get_json()["items"]
    assert [e["action"] for e in events] == ["officer.created"]


def test_citizen_token_cli(app, runner, client):
    result = runner.invoke(args=["accounts", "citizen-token", "0812-9999-8888"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert client.get("/api/me", headers=bearer(token)).get_json()["phone"] == "+6281299998888"
    bad = runner.invoke(args=["accounts", "citizen-token", "12"])
    assert bad.exit_code == 1


def test_logs_never_carry_a_nik_or_phone_in_clear():
    from server.logging_setup import mask_personal_data

    text = mask_personal_data("NIK 1174014508900001 phone 081234567890 and +6281234567890")
    assert "1174014508900001" not in text and "081234567890" not in text
    assert "+6281234567890" not in text and "1174********0001" in text
