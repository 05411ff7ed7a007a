"""A refused mutation over HTTP: the engine stores a code and its details only, and the server
answers it in words from its catalog (server/i18n.py), in both languages, in the push answer
and in the pull, whatever the request's language (docs/sync-protocol.md, "Push")."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from server.applications.models import MutationResult
from server.extensions import db
from tests.api.devices import Device

PASPOR = "langsa.imigrasi.paspor-baru"

BAD_EMAIL = {"code": "invalid_email", "message": "Alamat email tidak sah.",
             "message_en": "Not a valid email address."}


def test_a_rejection_is_stored_as_a_code_and_answered_in_both_languages(app, client, callers):
    citizen = callers.citizen()
    phone = Device(client, {**citizen["headers"], "Accept-Language": "en"})
    app_id = str(uuid.uuid4())
    pushed = phone.push(
        phone.mutation("application.create", application_id=app_id, service_id=PASPOR),
        phone.mutation("application.set_fields", application_id=app_id,
                       fields={"email": "not-an-email"}),
        phone.mutation("application.set_fields", application_id=str(uuid.uuid4()),
                       fields={"full_name": "BUDI"}))
    assert pushed.status_code == 200, pushed.get_data(as_text=True)
    _, bad_value, missing = pushed.get_json()["results"]
    assert bad_value == {"id": 2, "status": "rejected", "error": {
        "code": "invalid_field_values",
        "message": "Ada isian yang tidak sah. Lihat rinciannya.",
        "message_en": "Some values are not valid. See the details.",
        "details": {"fields": {"email": BAD_EMAIL}}}}
    assert missing["error"]["code"] == "application_not_found"
    assert (missing["error"]["message"], missing["error"]["message_en"]) == (
        "Permohonan tidak ditemukan.", "No such application.")

    # What is stored has no words: a code and its details (a value's problem with params).
    with app.app_context():
        stored = {r.mutation_id: r.error for r in db.session.scalars(
            select(MutationResult).where(MutationResult.client_id == phone.client_id))}
    assert stored[2] == {"code": "invalid_field_values", "details": {
        "fields": {"email": {"code": "invalid_email", "params": {}}}}}
    assert "message" not in stored[3] and stored[3]["code"] == "application_not_found"

    # The pull answers the stored result in the same words.
    pulled = phone.pull(cookie=None).get_json()
    results = {op["key"]: op["value"] for op in pulled["patch"] if op["key"].startswith("result/")}
    assert results[f"result/{phone.client_id}/2"]["error"] == bad_value["error"]
    assert results[f"result/{phone.client_id}/3"]["error"] == missing["error"]


def test_a_result_stored_with_words_before_is_answered_the_same(app, client, callers):
    """Rows stored before the engine kept only codes carry their words: they still pull."""
    citizen = callers.citizen()
    phone = Device(client, citizen["headers"])
    app_id = str(uuid.uuid4())
    phone.push(phone.mutation("application.set_fields", application_id=app_id,
                              fields={"full_name": "BUDI"}))
    old = {"code": "application_not_found", "message": "Permohonan tidak ditemukan.",
           "message_en": "No such application.", "details": {}}
    with app.app_context():
        row = db.session.scalars(select(MutationResult).where(
            MutationResult.client_id == phone.client_id)).one()
        row.error = old
        db.session.commit()
    pulled = phone.pull(cookie=None).get_json()
    [value] = [op["value"] for op in pulled["patch"] if op["key"].startswith("result/")]
    assert value["error"] == old
