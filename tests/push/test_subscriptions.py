"""The push API: the public key, subscribing a device, and every bad input refused with a
clear error and nothing stored."""
from __future__ import annotations

import base64
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from server.extensions import db
from server.push import keys as vapid_keys
from server.push.models import PushSubscription
from tests.helpers import assert_error


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_the_public_key_is_the_servers_vapid_key(app, client):
    response = client.get("/api/push/key")
    assert response.status_code == 200
    key = response.get_json()["public_key"]
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4
    with app.app_context():
        private = vapid_keys.current(app).vapid.private_key
    mine = private.public_key().public_bytes(serialization.Encoding.X962,
                                             serialization.PublicFormat.UncompressedPoint)
    assert raw == mine
    # Made once into instance/ and kept: the next start reads the same key.
    assert (app.config["INSTANCE_DIR"] / "vapid_private_key.pem").stat().st_mode & 0o777 == 0o600
    app.extensions.pop("push_keys")
    assert client.get("/api/push/key").get_json()["public_key"] == key


def test_a_citizen_subscribes_this_device(world, app):
    citizen = world.citizen(language="en")
    body = world.receiver.subscription("phone")
    response = world.client.post("/api/push/subscriptions", json=body,
                                 headers=citizen["headers"])
    assert response.status_code == 201
    data = response.get_json()
    assert data["language"] == "en"  # the citizen's, when the body does not say
    with app.app_context():
        stored = db.session.get(PushSubscription, uuid.UUID(data["id"]))
        assert str(stored.citizen_id) == citizen["id"]
        assert stored.session_id == citizen["session_id"]
        assert stored.endpoint == body["endpoint"]
    # The same subscription again (the PWA re-sends it at start): still one row.
    again = world.client.post("/api/push/subscriptions", json={**body, "language": "id"},
                              headers=citizen["headers"])
    assert again.status_code == 201 and again.get_json()["id"] == data["id"]
    assert again.get_json()["language"] == "id"
    assert len(world.subscriptions()) == 1


def test_a_renewed_subscription_replaces_the_old_one_of_that_device(world):
    citizen = world.citizen()
    first = world.subscribe(citizen, "old-endpoint")
    second = world.subscribe(citizen, "new-endpoint")
    assert world.subscriptions() == [uuid.UUID(second)] != [uuid.UUID(first)]


GOOD = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc",
        "keys": {"p256dh": b64(ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)),
                 "auth": b64(bytes(16))}}


def _with(endpoint=None, p256dh=None, auth=None):
    return {"endpoint": endpoint or GOOD["endpoint"],
            "keys": {"p256dh": p256dh or GOOD["keys"]["p256dh"],
                     "auth": auth or GOOD["keys"]["auth"]}}


NOT_ON_CURVE = b64(b"\x04" + bytes(64))


@pytest.mark.parametrize("body, code, field", [
    (_with(p256dh=b64(b"\x04" + bytes(31))), "push_subscription_invalid", "keys.p256dh"),
    (_with(p256dh=b64(b"\x02" + bytes(64))), "push_subscription_invalid", "keys.p256dh"),
    (_with(p256dh=NOT_ON_CURVE), "push_subscription_invalid", "keys.p256dh"),
    (_with(p256dh="not base64!"), "push_subscription_invalid", "keys.p256dh"),
    (_with(auth=b64(bytes(15))), "push_subscription_invalid", "keys.auth"),
    (_with(auth=b64(bytes(32))), "push_subscription_invalid", "keys.auth"),
    (_with(endpoint="not a url"), "push_endpoint_not_allowed", "endpoint"),
    (_with(endpoint="ftp://fcm.googleapis.com/x"), "push_endpoint_not_allowed", "endpoint"),
    (_with(endpoint="http://fcm.googleapis.com/fcm/send/abc"), "push_endpoint_not_allowed",
     "endpoint"),
    (_with(endpoint="https://evil.example.com/x"), "push_endpoint_not_allowed", "endpoint"),
    (_with(endpoint="https://10.0.0.5/x"), "push_endpoint_not_allowed", "endpoint"),
    (_with(endpoint="https://user:pw@fcm.googleapis.com/x"), "push_endpoint_not_allowed",
     "endpoint"),
    (_with(endpoint="https://fcm.googleapis.com/" + "x" * 1100), "push_endpoint_not_allowed",
     "endpoint"),
    (_with(endpoint="http://10.0.0.1:8000/push"), "push_endpoint_not_allowed", "endpoint"),
])
def test_bad_subscriptions_are_refused_and_nothing_is_stored(world, body, code, field):
    citizen = world.citizen()
    response = world.client.post("/api/push/subscriptions", json=body,
                                 headers={**citizen["headers"], "Accept-Language": "en"})
    error = assert_error(response, 400, code)
    assert field in error["details"]["fields"], error
    assert world.subscriptions() == []


@pytest.mark.parametrize("body", [
    {"endpoint": GOOD["endpoint"]},  # no keys
    {"endpoint": GOOD["endpoint"], "keys": {"p256dh": GOOD["keys"]["p256dh"]}},  # no auth
    {**GOOD, "keys": "x"},
    {**GOOD, "language": "fr"},
    {**GOOD, "extra": 1},
    {"keys": GOOD["keys"]},
])
def test_malformed_bodies_are_400(world, body):
    citizen = world.citizen()
    response = world.client.post("/api/push/subscriptions", json=body, headers=citizen["headers"])
    assert_error(response, 400)
    assert world.subscriptions() == []


def test_plain_http_to_this_machine_needs_the_insecure_flag(world, app):
    citizen = world.citizen()
    body = world.receiver.subscription("local")
    app.config["PUSH_ALLOW_INSECURE"] = False
    response = world.client.post("/api/push/subscriptions", json=body, headers=citizen["headers"])
    error = assert_error(response, 400, "push_endpoint_not_allowed")
    assert "https" in error["message"]
    assert world.subscriptions() == []
    app.config["PUSH_ALLOW_INSECURE"] = True
    assert world.client.post("/api/push/subscriptions", json=body,
                             headers=citizen["headers"]).status_code == 201


def test_a_subscription_made_with_an_old_key_is_409_with_the_new_key(world, client):
    citizen = world.citizen()
    current = client.get("/api/push/key").get_json()["public_key"]
    stale = b64(ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    body = {**world.receiver.subscription("p"), "application_server_key": stale}
    error = assert_error(client.post("/api/push/subscriptions", json=body,
                                     headers=citizen["headers"]), 409, "push_key_changed")
    assert error["details"]["public_key"] == current
    assert world.subscriptions() == []
    body["application_server_key"] = current
    assert client.post("/api/push/subscriptions", json=body,
                       headers=citizen["headers"]).status_code == 201


def test_only_citizens_subscribe(world, client):
    assert_error(client.post("/api/push/subscriptions", json=GOOD), 401)


def test_deleting_my_subscription_and_not_anothers(world, client):
    alice, bob = world.citizen(), world.citizen()
    alice_sub = world.subscribe(alice, "alice")
    bob_sub = world.subscribe(bob, "bob")
    # Bob cannot learn that Alice's id exists, nor remove it.
    assert_error(client.delete(f"/api/push/subscriptions/{alice_sub}", headers=bob["headers"]),
                 404, "push_subscription_not_found")
    assert_error(client.delete(f"/api/push/subscriptions/{uuid.uuid4()}",
                               headers=bob["headers"]), 404, "push_subscription_not_found")
    assert sorted(world.subscriptions()) == sorted([uuid.UUID(alice_sub), uuid.UUID(bob_sub)])
    assert client.delete(f"/api/push/subscriptions/{alice_sub}",
                         headers=alice["headers"]).status_code == 204
    assert world.subscriptions() == [uuid.UUID(bob_sub)]


def test_sign_out_and_device_removal_remove_that_devices_subscription(world, client):
    citizen = world.citizen()
    other_device = world.device(citizen)
    third_device = world.device(citizen)
    world.subscribe(citizen, "first")
    second = world.subscribe(other_device, "second")
    third = world.subscribe(third_device, "third")
    assert client.post("/api/auth/logout", headers=citizen["headers"]).status_code == 204
    assert sorted(world.subscriptions()) == sorted([uuid.UUID(second), uuid.UUID(third)])
    response = client.delete(f"/api/me/devices/{other_device['session_id']}",
                             headers=third_device["headers"])
    assert response.status_code == 204
    assert world.subscriptions() == [uuid.UUID(third)]


def test_an_endpoint_taken_over_by_another_citizen_moves_to_them(world, client):
    """One browser, signed out of Alice and into Bob without the sign-out reaching us."""
    alice, bob = world.citizen(), world.citizen()
    body = world.receiver.subscription("shared")
    first = client.post("/api/push/subscriptions", json=body, headers=alice["headers"])
    second = client.post("/api/push/subscriptions", json=body, headers=bob["headers"])
    assert second.status_code == 201 and second.get_json()["id"] != first.get_json()["id"]
    with world.app.app_context():
        rows = db.session.scalars(db.select(PushSubscription)).all()
        assert [str(r.citizen_id) for r in rows] == [bob["id"]]


def test_erasure_removes_subscriptions_and_export_lists_them(world, client):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    export = client.get("/api/me/export", headers=citizen["headers"])
    import io
    import json
    import zipfile

    listed = json.loads(zipfile.ZipFile(io.BytesIO(export.data)).read("push-subscriptions.json"))
    assert [s["push_service"] for s in listed] == ["127.0.0.1"]
    assert "keys" not in listed[0] and "endpoint" not in listed[0]
    response = client.post("/api/me/erase", json={"confirm": "HAPUS"}, headers=citizen["headers"])
    assert response.status_code == 204
    assert world.subscriptions() == []


# ---- only the push services' own hosts, on 443; redirects never followed ---------------

@pytest.mark.parametrize("endpoint, reason", [
    ("https://fcm.googleapis.com:22/fcm/send/abc", "port 443 only"),
    ("https://fcm.googleapis.com:8443/fcm/send/abc", "port 443 only"),
    ("https://storage.googleapis.com/bucket/x", "not a known push service"),
    ("https://evil.fcm.googleapis.com/fcm/send/abc", "not a known push service"),
    ("https://googleapis.com/fcm/send/abc", "not a known push service"),
    ("https://push.services.mozilla.com/wpush/v2/abc", "not a known push service"),
    ("https://api.push.apple.com/3/device/abc", "not a known push service"),
    ("https://a.b.notify.windows.com/w/?token=abc", "not a known push service"),
    ("https://notify.windows.com/w/?token=abc", "not a known push service"),
    ("https://fcm.googleapis.com.evil.example/fcm/send/abc", "not a known push service"),
])
def test_only_push_services_on_port_443(world, endpoint, reason):
    citizen = world.citizen()
    response = world.client.post("/api/push/subscriptions", json=_with(endpoint=endpoint),
                                 headers={**citizen["headers"], "Accept-Language": "en"})
    error = assert_error(response, 400, "push_endpoint_not_allowed")
    assert error["details"]["fields"]["endpoint"] == [reason]
    assert world.subscriptions() == []


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/abc",
    "https://fcm.googleapis.com:443/fcm/send/abc",
    "https://updates.push.services.mozilla.com/wpush/v2/abc",
    "https://web.push.apple.com/QGx-abc",
    "https://wns2-par02p.notify.windows.com/w/?token=abc",
])
def test_the_real_push_services_are_accepted(world, endpoint):
    citizen = world.citizen()
    response = world.client.post("/api/push/subscriptions", json=_with(endpoint=endpoint),
                                 headers=citizen["headers"])
    assert response.status_code == 201, response.get_json()
    assert len(world.subscriptions()) == 1


def test_the_worker_never_follows_a_redirect(world):
    """A push service that answers 307 elsewhere: the message is not sent there."""
    from sync import states

    citizen = world.citizen()
    world.subscribe(citizen, "moved")
    world.receiver.subscription("elsewhere")
    world.receiver.answer("moved", ("status", 307, {
        "Location": f"{world.receiver.origin}/push/elsewhere"}))
    app_id = world.application(citizen, states.APPROVED)
    world.mark_ready(app_id)
    world.drain()
    assert world.receiver.attempts["moved"] == 1
    assert world.receiver.attempts["elsewhere"] == 0 and world.receiver.messages() == []
    [delivery] = world.deliveries()
    assert delivery["status"] == "permanent-failure" and delivery["last_status_code"] == 307
