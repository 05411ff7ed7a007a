"""The sync endpoints over HTTP: the contract end to end, and every bad input the issue names."""
from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from server.applications.models import Application, Client, ClientGroup
from server.audit.models import AuditEvent
from server.extensions import db
from sync.protocol import MAX_MUTATIONS_PER_PUSH, MAX_PUSH_BYTES
from tests.api.devices import Device
from tests.helpers import assert_error

PASPOR = "langsa.imigrasi.paspor-baru"


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_push_then_pull_round_trip(app, client, callers):
    a = callers.citizen()
    client.patch("/api/me", headers=a["headers"], json={"birth_place": "Langsa"})
    phone = Device(client, a["headers"])
    app_id = str(uuid.uuid4())
    response = phone.push(phone.mutation("application.create", application_id=app_id,
                                         service_id=PASPOR),
                          phone.mutation("application.set_fields", application_id=app_id,
                                         fields={"full_name": "BUDI SANTOSO"}))
    assert response.status_code == 200
    assert response.get_json() == {"last_mutation_id": 2, "results": [
        {"id": 1, "status": "applied"}, {"id": 2, "status": "applied"}]}
    assert response.headers["Cache-Control"] == "no-store"
    pulled = phone.pull().get_json()
    assert pulled["reset"] is True and pulled["last_mutation_ids"] == {phone.client_id: 2}
    values = {op["key"]: op.get("value") for op in pulled["patch"]}
    application = values[f"application/{app_id}"]
    assert application["state"] == "draft" and application["service_id"] == PASPOR
    assert application["fields"]["full_name"] == "BUDI SANTOSO"
    assert application["fields"]["birth_place"] == "Langsa"  # pre-filled from the record
    assert values["profile"]["values"]["phone"] == a["phone"]
    # nothing new: an empty incremental patch, the same cookie
    again = phone.pull().get_json()
    assert again["reset"] is False and again["patch"] == [] and again["cookie"] == pulled["cookie"]


def test_a_retried_push_applies_nothing_twice(app, client, callers):
    phone = Device(client, callers.citizen()["headers"])
    app_id = str(uuid.uuid4())
    batch = [phone.mutation("application.create", application_id=app_id, service_id=PASPOR)]
    first = phone.push(*batch).get_json()
    second = phone.push(*batch).get_json()
    assert first == second == {"last_mutation_id": 1, "results": [{"id": 1, "status": "applied"}]}
    assert count(app, Application) == 1
    with app.app_context():
        creates = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "sync.application.create"))
    assert creates == 1


def test_a_profile_change_reaches_the_next_pull(client, callers):
    a = callers.citizen()
    phone = Device(client, a["headers"])
    phone.pull()
    assert client.patch("/api/me", headers=a["headers"],
                        json={"full_name": "SITI AMINAH"}).status_code == 200
    patch = phone.pull().get_json()["patch"]
    assert [op["key"] for op in patch] == ["profile"]
    assert patch[0]["value"]["values"]["full_name"] == "SITI AMINAH"


def test_the_state_machine_is_published(client):
    body = client.get("/api/sync/states").get_json()
    names = {s["name"] for s in body["states"]}
    assert names == {"draft", "submitted", "in_review", "revision_requested", "approved",
                     "ready", "completed", "rejected", "withdrawn"}
    editable = {s["name"] for s in body["states"] if s["citizen_editable"]}
    assert editable == {"draft", "revision_requested"}
    assert {"action": "submit", "from": "draft", "to": "submitted",
            "actors": ["citizen"]} in body["transitions"]


# ------------------------------------------------------------------ bad input

def test_malformed_json_is_400_and_nothing_changes(app, client, callers):
    a = callers.citizen()
    response = client.post("/api/sync/push", data="{not json",
                           headers={**a["headers"], "Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")
    assert count(app, ClientGroup) == 0


def test_deeply_nested_json_is_400_not_500(client, callers):
    a = callers.citizen()
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/sync/push", data=body,
                           headers={**a["headers"], "Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")


def test_not_json_is_415(client, callers):
    a = callers.citizen()
    response = client.post("/api/sync/push", data="protocol=1",
                           headers={**a["headers"],
                                    "Content-Type": "application/x-www-form-urlencoded"})
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("protocol", [2, 0, "1", None])
def test_wrong_protocol_says_which_versions_are_spoken(app, client, callers, protocol):
    phone = Device(client, callers.citizen()["headers"])
    response = phone.push(phone.mutation("application.create", application_id=str(uuid.uuid4()),
                                         service_id=PASPOR), protocol=protocol)
    error = assert_error(response, 400)
    assert error["code"] in ("bad_protocol", "invalid_request")
    if error["code"] == "bad_protocol":
        assert error["details"]["supported"] == [1] and "1" in error["message"]
    assert count(app, Application) == 0 and count(app, Client) == 0


def test_wrong_protocol_message_follows_accept_language(client, callers):
    a = callers.citizen()
    body = {"protocol": 7, "client_group_id": str(uuid.uuid4()), "cookie": None}
    error = assert_error(client.post("/api/sync/pull", json=body,
                                     headers={**a["headers"], "Accept-Language": "en"}),
                         400, "bad_protocol")
    assert error["message"].startswith("Sync protocol version 7 is not supported")


@pytest.mark.parametrize("change", [
    {"client_group_id": "not-a-uuid"}, {"client_id": 5}, {"mutations": "all"},
    {"mutations": [{"id": "one", "name": "application.create", "args": {}}]},
])
def test_unreadable_envelopes_are_400(app, client, callers, change):
    phone = Device(client, callers.citizen()["headers"])
    error = assert_error(phone.push(**change), 400, "invalid_request")
    assert error["details"]["problems"]
    assert count(app, Client) == 0


def test_a_batch_over_the_limit_is_413(app, client, callers):
    phone = Device(client, callers.citizen()["headers"])
    mutations = [phone.mutation("application.create", application_id=str(uuid.uuid4()),
                                service_id=PASPOR) for _ in range(MAX_MUTATIONS_PER_PUSH + 1)]
    assert_error(phone.push(*mutations), 413, "batch_too_large")
    assert count(app, Application) == 0


def test_a_gap_is_409_with_the_last_applied_id(app, client, callers):
    phone = Device(client, callers.citizen()["headers"])
    phone.push(phone.mutation("application.create", application_id=str(uuid.uuid4()),
                              service_id=PASPOR))
    phone.next_id = 5
    error = assert_error(phone.push(phone.mutation("application.create",
                                                   application_id=str(uuid.uuid4()),
                                                   service_id=PASPOR)), 409, "mutation_gap")
    assert error["details"]["last_mutation_id"] == 1
    assert count(app, Application) == 1


def test_a_client_group_bound_to_another_citizen_is_403(app, client, callers):
    a, b = callers.citizen(), callers.citizen()
    phone = Device(client, a["headers"])
    phone.push(phone.mutation("application.create", application_id=str(uuid.uuid4()),
                              service_id=PASPOR))
    thief = Device(client, b["headers"])
    thief.group = phone.group
    assert_error(thief.push(thief.mutation("application.create",
                                           application_id=str(uuid.uuid4()),
                                           service_id=PASPOR)), 403, "client_group_forbidden")
    assert_error(thief.pull(), 403, "client_group_forbidden")
    assert count(app, Application) == 1


def test_domain_rejections_are_stored_results_not_failures(app, client, callers):
    phone = Device(client, callers.citizen()["headers"])
    app_id = str(uuid.uuid4())
    response = phone.push(
        phone.mutation("application.create", application_id=app_id, service_id="langsa.tidak-ada"),
        phone.mutation("application.teleport", application_id=app_id),
        phone.mutation("application.create", application_id=app_id, service_id=PASPOR),
        phone.mutation("application.set_fields", application_id=app_id,
                       fields={"nik": 1174011705900001}),
        phone.mutation("application.set_fields", application_id=app_id,
                       fields={"tidak_ada": "x"}),
        phone.mutation("application.submit", application_id=app_id))
    assert response.status_code == 200
    body = response.get_json()
    assert body["last_mutation_id"] == 6
    codes = [r.get("error", {}).get("code") for r in body["results"]]
    assert codes == ["service_not_found", "unknown_mutation", None, "invalid_field_values",
                     "unknown_fields", "incomplete"]
    missing = body["results"][5]["error"]["details"]
    assert "ktp" in {r["code"] for r in missing["missing_requirements"]}
    pulled = {op["key"] for op in phone.pull().get_json()["patch"]}
    assert {f"result/{phone.client_id}/{n}" for n in (1, 2, 4, 5, 6)} <= pulled


def test_another_citizens_application_is_out_of_reach(app, client, callers):
    a, b = callers.citizen(), callers.citizen()
    owner, other = Device(client, a["headers"]), Device(client, b["headers"])
    app_id = str(uuid.uuid4())
    owner.push(owner.mutation("application.create", application_id=app_id, service_id=PASPOR))
    results = other.push(
        other.mutation("application.create", application_id=app_id, service_id=PASPOR),
        other.mutation("application.set_fields", application_id=app_id,
                       fields={"full_name": "PENYUSUP"}),
        other.mutation("application.discard", application_id=app_id)).get_json()["results"]
    assert all(r["status"] == "rejected" for r in results), results
    keys = {op["key"] for op in other.pull().get_json()["patch"]}
    assert f"application/{app_id}" not in keys
    with app.app_context():
        stored = db.session.get(Application, app_id)
        assert stored.fields.get("full_name") != "PENYUSUP" and stored.state == "draft"


@pytest.mark.parametrize("who", ["anonymous", "officer"])
def test_only_citizens_sync(client, callers, who):
    headers = {} if who == "anonymous" else callers.officer("admin")["headers"]
    body = {"protocol": 1, "client_group_id": str(uuid.uuid4()), "cookie": None}
    response = client.post("/api/sync/pull", json=body, headers=headers)
    assert_error(response, 401 if who == "anonymous" else 403)


def test_the_largest_batch_the_engine_takes_passes_the_push_routes_body_limit(app, client,
                                                                              callers):
    """The app's 1 MB body cap would refuse a legal batch (100 mutations of up to 16 KiB of
    args); the push route allows MAX_PUSH_BYTES, and not a byte more."""
    phone = Device(client, callers.citizen()["headers"])
    app_id = str(uuid.uuid4())
    phone.push(phone.mutation("application.create", application_id=app_id, service_id=PASPOR))
    big = [phone.mutation("application.set_fields", application_id=app_id,
                          fields={"full_name": "x" * 15_000})  # too long: a stored rejection
           for _ in range(MAX_MUTATIONS_PER_PUSH)]
    body = {"protocol": 1, "client_group_id": phone.group, "client_id": phone.client_id,
            "mutations": big}
    assert app.config["MAX_CONTENT_LENGTH"] < len(json.dumps(body)) < MAX_PUSH_BYTES
    response = phone.push(*big)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["last_mutation_id"] == MAX_MUTATIONS_PER_PUSH + 1
    assert {r["status"] for r in response.get_json()["results"]} == {"rejected"}

    over = json.dumps({**body, "pad": "x" * MAX_PUSH_BYTES})
    before = count(app, AuditEvent), phone.pull().get_json()["last_mutation_ids"]
    response = client.post("/api/sync/push", data=over,
                           headers={**phone.headers, "Content-Type": "application/json"})
    assert_error(response, 413, "payload_too_large")
    assert (count(app, AuditEvent), phone.pull().get_json()["last_mutation_ids"]) == before


def test_a_body_over_the_cap_is_413(client, callers):
    a = callers.citizen()
    body = json.dumps({"protocol": 1, "pad": "x" * (2 * 1024 * 1024)})
    response = client.post("/api/sync/push", data=body,
                           headers={**a["headers"], "Content-Type": "application/json"})
    assert_error(response, 413, "payload_too_large")
