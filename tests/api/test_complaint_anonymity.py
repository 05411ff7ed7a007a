"""An anonymous complainant cannot be read through ANY officer route: the matrix walks every
path and method of the OpenAPI document, as every kind of officer (the agency's verifier,
another agency's, the MPP's supervisor, another MPP's, an admin), with the anonymous
complaint's id in every path parameter that can take it and the complainant's NIK as a
search, and asserts that no answer (success or refusal) carries the complainant's phone,
name, NIK or citizen id. Then the complaint-specific routes once more for an anonymous
complaint ABOUT an application: they name neither the application nor its reference.

The complainant files nothing else (no application, no upload), so anything of theirs an
officer could see can only have come through the complaint."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import update

from server.accounts.models import Citizen
from server.extensions import db
from tests.api.complaints_world import QUEUE, ComplaintWorld
from tests.api.devices import Device

NAME = "SITI RAHMAWATI ANONIMA"
NIK = "1174015506880007"  # Kota Langsa, a woman born 15 June 1988


@pytest.fixture
def world(app, client, callers):
    return ComplaintWorld(app, client, callers)


def _complainant(world, callers):
    citizen = callers.citizen()
    # Written straight into the record: the complainant has no audited past at all, so
    # anything of theirs an officer reads came through the complaint.
    with world.app.app_context():
        db.session.execute(update(Citizen).where(Citizen.id == citizen["id"]).values(
            nik=NIK, full_name=NAME, birth_date=dt.date(1988, 6, 15), sex="P",
            address="Jl. Rahasia No. 9", email="siti.anonima@example.id",
            verified_keys=["nik", "full_name"]))
        db.session.commit()
    return citizen


def _identity(citizen) -> list[str]:
    phone = citizen["phone"]
    cid = str(citizen["id"])
    return [phone, phone.removeprefix("+"), "0" + phone.removeprefix("+62"), NAME,
            NAME.title(), NIK, cid, cid.replace("-", ""), "siti.anonima@example.id",
            "Jl. Rahasia"]


def _leaks(text: str, identity: list[str]) -> list[str]:
    """The values found whole in `text` (not as a part of a longer word or number: the
    complaint's reference ADU-LGS-2026-000001 is not the application's LGS-2026-000001)."""
    return [value for value in identity
            if re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text, re.IGNORECASE)]


def _openapi_operations(client):
    doc = client.get("/api/openapi.json").get_json()
    for path, item in doc["paths"].items():
        for method in item:
            if method in ("get", "post", "patch", "put", "delete"):
                yield method.upper(), path


def _body(path: str, revision: int, officer_id: int) -> dict:
    action = path.rsplit("/", 1)[-1]
    if action in ("acknowledge", "close"):
        return {"revision": revision}
    if action == "assign":
        return {"revision": revision, "officer_id": officer_id}
    if action == "answer":
        return {"revision": revision, "text": "Terima kasih, sudah kami tindak lanjuti."}
    return {}


def test_no_officer_route_reveals_an_anonymous_complainant(world, callers):
    other = world.rejected()  # someone else's application: the application routes' id
    citizen = _complainant(world, callers)
    phone = Device(world.client, citizen["headers"])
    complaint_id, result = world.file(
        phone, mpp="langsa", agency="imigrasi", anonymous=True, confidential=True,
        text="Petugas loket meminta uang tambahan di luar tarif resmi.")
    assert result["status"] == "applied"
    admin = callers.officer("admin")
    officers = {"verifier": world.imigrasi, "other_agency": world.dukcapil,
                "supervisor": world.supervisor, "other_mpp": world.elsewhere,
                "admin": admin}
    identity = _identity(citizen)
    reader = {"headers": callers.officer_session(admin["id"])["headers"]}  # never walks
    fills = {"complaint_id": complaint_id, "application_id": other["id"],
             "document_id": other["kk"], "officer_id": str(world.imigrasi["id"]),
             "number": "1", "code": "langsa", "mpp": "langsa", "token": "x" * 20,
             "ticket_id": str(uuid.uuid4()), "booking_id": str(uuid.uuid4()),
             "session_id": str(uuid.uuid4()), "subscription_id": str(uuid.uuid4())}
    queries = ["", f"?q={NIK}", f"?target_kind=complaint&target_id={complaint_id}",
               "?limit=500"]
    called = set()
    for method, path in _openapi_operations(world.client):
        url = re.sub(r"\{([^}]+)\}", lambda m: fills.get(m.group(1), "x"), path)
        for who, officer in officers.items():
            for query in (queries if method == "GET" else [""]):
                headers = officer["headers"]
                if path == "/api/auth/logout":  # a session of its own to sign out
                    headers = callers.officer_session(officer["id"])["headers"]
                body = None
                if method != "GET":
                    # The complaint's current revision, for a body that may act on it (read
                    # only for the calls that send a body: a GET never carries it, and half
                    # the walk's requests were this read).
                    revision = world.complaint(reader, complaint_id)["revision"]
                    body = _body(path, revision, world.supervisor["id"])
                response = world.client.open(url + query, method=method, headers=headers,
                                             json=body)
                if response.status_code in (401, 403):
                    continue  # not this officer's route at all
                called.add((method, path))
                leaked = _leaks(response.get_data(as_text=True), identity)
                assert leaked == [], (method, url + query, who, response.status_code, leaked)
    # the walk did reach the complaint routes, the audit feed and the activity feed
    for needed in [("GET", "/api/officer/complaints"),
                   ("GET", "/api/officer/complaints/{complaint_id}"),
                   ("POST", "/api/officer/complaints/{complaint_id}/answer"),
                   ("GET", "/api/officer/complaints/figures"),
                   ("GET", "/api/admin/audit"),
                   ("GET", "/api/officer/applications/{application_id}/activity")]:
        assert needed in called, needed
    # and the complaint itself was handled on the way (the walk answered it)
    assert world.complaint(reader, complaint_id)["status"] in ("answered", "closed")
    # the audit rows of the complaint name no actor
    rows = world.complaint_audit(complaint_id)
    filed = [r for r in rows if r.action == "complaint.filed"]
    assert len(filed) == 1 and filed[0].actor_id is None


def test_an_anonymous_complaint_about_an_application_does_not_name_it(world):
    made = world.rejected()
    complaint_id, _ = world.file(made["phone"], application_id=made["id"], anonymous=True)
    with world.app.app_context():
        from server.applications.models import Application

        reference = db.session.get(Application, made["id"]).reference
    forbidden = [made["id"], reference, str(made["citizen"]["id"]), made["nik"],
                 "BUDI SANTOSO", made["citizen"]["phone"]]
    world.handle(world.imigrasi, complaint_id, "answer", text="Sudah kami periksa.")
    for who in (world.imigrasi, world.supervisor):
        for url in (QUEUE, f"{QUEUE}?status=answered", f"{QUEUE}/{complaint_id}",
                    f"{QUEUE}/figures"):
            response = world.get(who, url)
            if response.status_code == 403:
                continue
            assert _leaks(response.get_data(as_text=True), forbidden) == [], (url,)
    detail = world.complaint(world.imigrasi, complaint_id)
    assert detail["complainant"] is None and detail["anonymous"] is True
    # what the officer does see: the service, the agency and the decision it is about
    assert detail["about"]["decision"] == "revision_requested"
    # the citizen still sees their own complaint with its application
    assert world.space_value(made["phone"], complaint_id)["application_id"] == made["id"]
