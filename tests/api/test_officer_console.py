"""The officer console API (server/review) over HTTP, on SQLite and PostgreSQL: the queue,
the detail, every action, the visit ticket and the activity feed; and each bad input of
issue #7, showing the clear error and that nothing changed.

Citizens' applications are made the way the PWA makes them (sync push over HTTP); their
documents by the engine functions the upload endpoint calls when a file has arrived.
"""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import update

from server.applications.models import QUEUE_INDEX_STATES, Application
from server.catalog.calendar import holidays_of
from server.catalog.models import CatalogMeta, Service
from server.extensions import db
from server.review import operations as review_ops
from server.review.schemas import (
    ActivityItemSchema,
    DetailSchema,
    DocumentRefSchema,
    ReviewRequirementSchema,
)
from sync import tickets, workdays
from sync.space import WIB
from tests.api.devices import Device
from tests.api.officer_world import BASE, PASPOR, PICKUP, World
from tests.conftest import ROOT
from tests.helpers import assert_error


@pytest.fixture
def world(app, client, callers):
    return World(app, client, callers)


# ------------------------------------------------------------------------------ queue

def _reload_sla(app, days: int) -> None:
    """What a catalog reload that changes the SLA does: the service row, and the catalog's
    version (which `flask catalog load` bumps with any change, and servers key their cached
    service specs by)."""
    with app.app_context():
        db.session.execute(update(Service).where(Service.code == PASPOR).values(sla_days=days))
        db.session.execute(update(CatalogMeta).where(CatalogMeta.id == 1)
                           .values(version=CatalogMeta.version + 1))
        db.session.commit()


def test_the_queue_is_my_agencys_by_sla_risk_then_age(app, world):
    _reload_sla(app, 10)  # a catalog reload shortened the SLA between two submissions
    older = world.submitted()
    _reload_sla(app, 0)
    urgent = world.submitted()
    newest = world.submitted()
    world.act(world.imigrasi, newest["id"], "start-review")

    body = world.get(world.imigrasi, BASE).get_json()
    assert [i["id"] for i in body["items"]] == [urgent["id"], newest["id"], older["id"]]
    assert body["counts"] == {"submitted": 2, "in_review": 1, "revision_requested": 0,
                              "approved": 0, "ready": 0}
    assert body["total"] == 3
    first, last = body["items"][0], body["items"][2]
    # An SLA of 0 is due today on a working day; handed in on a weekend or holiday (WIB),
    # it is due on the next working day, one working day ahead.
    with app.app_context():
        holidays = holidays_of(db.session, "langsa")
    today = dt.datetime.now(WIB).date()
    assert first["working_days_left"] == (0 if workdays.is_working_day(today, holidays) else 1)
    assert first["due_on"] == workdays.due_date(today, 0, holidays).isoformat()
    assert last["working_days_left"] > first["working_days_left"]
    assert first["service"] == {"code": PASPOR, "name_id": "Penerbitan Paspor Biasa Baru",
                                "name_en": first["service"]["name_en"]}
    assert first["applicant"] == {"name": "BUDI SANTOSO",
                                  "nik_masked": urgent["nik"][:4] + "********" +
                                  urgent["nik"][-4:]}
    assert first["reference"].startswith("LGS-") and first["reviewer"] is None
    assert body["items"][1]["reviewer"]["name"] == f"Petugas {world.imigrasi['username']}"
    assert body["items"][1]["state"] == "in_review"

    # filters
    only = world.get(world.imigrasi, BASE, query_string={"state": "in_review"}).get_json()
    assert [i["id"] for i in only["items"]] == [newest["id"]] and only["total"] == 1
    page = world.get(world.imigrasi, BASE, query_string={"limit": 1, "offset": 1}).get_json()
    assert [i["id"] for i in page["items"]] == [newest["id"]] and page["total"] == 3
    other = world.get(world.imigrasi, BASE,
                      query_string={"service": "langsa.imigrasi.paspor-penggantian"}).get_json()
    assert other["items"] == [] and other["total"] == 0

    # who sees what: another agency, another MPP see nothing; the MPP's supervisor all
    assert world.get(world.dukcapil, BASE).get_json()["total"] == 0
    assert world.get(world.elsewhere, BASE).get_json()["total"] == 0
    assert world.get(world.supervisor, BASE).get_json()["total"] == 3


def test_search_by_reference_or_nik(world):
    a, b = world.submitted(), world.submitted()
    reference = world.detail(world.imigrasi, a["id"])["reference"]
    for q in (reference, reference.lower()):
        found = world.get(world.imigrasi, BASE, query_string={"q": q}).get_json()
        assert [i["id"] for i in found["items"]] == [a["id"]], q
    spaced = f"{b['nik'][:4]} {b['nik'][4:8]}-{b['nik'][8:]}"
    found = world.get(world.imigrasi, BASE, query_string={"q": spaced}).get_json()
    assert [i["id"] for i in found["items"]] == [b["id"]]
    assert b["nik"] not in str(found)  # shown masked only
    assert world.get(world.imigrasi, BASE, query_string={"q": "LGS-1999-000001"}
                     ).get_json()["total"] == 0


@pytest.mark.parametrize("query", [{"state": "draft"}, {"limit": 0}, {"limit": 101},
                                   {"offset": -1}, {"sort": "age"}])
def test_bad_queue_parameters_are_400(world, query):
    assert_error(world.get(world.imigrasi, BASE, query_string=query), 400)


# ------------------------------------------------------------------------------ detail

def test_the_detail_has_what_a_review_needs(world):
    made = world.submitted(birth_place="Medan")  # differs from the verified record
    d = world.detail(world.imigrasi, made["id"])
    assert d["state"] == "submitted" and d["allowed_actions"] == ["start_review"]
    assert d["service"]["agency"]["code"] == "imigrasi" and d["service"]["sla_days"] == 4
    fields = {f["key"]: f for f in d["fields"]}
    assert fields["purpose"]["label_id"] and fields["purpose"]["value"] == "wisata"
    assert fields["purpose"]["value_label_id"]  # a choice shows its label
    assert fields["birth_place"]["discrepancy"] == {"record_value": "Langsa",
                                                    "profile_key": "birth_place"}
    assert d["discrepancies"] == [{"field": "birth_place", "profile_key": "birth_place",
                                   "draft_value": "Medan", "record_value": "Langsa"}]
    requirements = {r["code"]: r for r in d["requirements"]}
    assert requirements["ktp"]["document"] == {
        "id": made["ktp"], "status": "ready", "document_type": "ktp",
        "content_type": "image/jpeg", "size": 123_456, "source": "upload",
        "verified_at": None, "expires_on": None}
    assert requirements["akta_kelahiran"]["document"] is None
    assert requirements["akta_kelahiran"]["required"] is False
    assert requirements["kk"]["review_status"] == "pending"
    assert d["reviewer"] is None and d["ticket"] is None and isinstance(d["version"], int)


def test_reasons_per_document_type(world):
    common = world.get(world.imigrasi, "/api/officer/reasons").get_json()["reasons"]
    codes = {r["code"] for r in common}
    assert {"blurry", "expired", "wrong_document", "illegible"} <= codes
    blurry = next(r for r in common if r["code"] == "blurry")
    assert (blurry["label_id"], blurry["label_en"]) == ("Foto buram", "Blurry photo")
    kk = world.get(world.imigrasi, "/api/officer/reasons",
                   query_string={"document_type": "kk"}).get_json()["reasons"]
    assert codes < {r["code"] for r in kk} and "kk_outdated" not in codes


# ------------------------------------------------------------------------------ the loop

def test_review_revision_approval_ticket_and_completion(world):
    made = world.submitted(birth_place="Medan")
    app_id = made["id"]
    opened = world.act(world.imigrasi, app_id, "start-review")
    assert opened["state"] == "in_review"
    # a second officer opening it sees who is reviewing
    seen = world.detail(world.imigrasi_2, app_id)
    assert seen["reviewer"]["name"] == f"Petugas {world.imigrasi['username']}"
    assert seen["reviewer"]["since"] and "review_requirement" in seen["allowed_actions"]

    world.act(world.imigrasi, app_id, "accept-discrepancy", field="birth_place")
    world.act(world.imigrasi, app_id, "review", requirement="ktp", decision="accept")
    d = world.act(world.imigrasi, app_id, "review", requirement="kk", decision="reject",
                  reason="blurry", note="bagian bawah terpotong")
    kk = next(r for r in d["requirements"] if r["code"] == "kk")
    assert (kk["review_status"], kk["officer_note"]) == ("rejected",
                                                         "Foto buram: bagian bawah terpotong")
    world.act(world.imigrasi, app_id, "request-revision", note="Mohon unggah ulang KK")

    # the citizen's next pull: exactly the rejected requirement, and the note
    space = world.pulled(made)
    assert space[f"application/{app_id}"]["state"] == "revision_requested"
    assert space["profile"]["values"]["birth_place"] == "Medan"  # accepted into the record
    notice = next(v for k, v in space.items() if k.startswith("notification/")
                  and v["data"]["state"] == "revision_requested")
    assert notice["data"]["requirements"] == [{"code": "kk",
                                               "note": "Foto buram: bagian bawah terpotong"}]
    assert notice["data"]["note"] == "Mohon unggah ulang KK"

    # the citizen fixes it
    phone = made["phone"]
    new_kk = world.document(made["citizen"]["id"], "kk")
    results = phone.push(
        phone.mutation("application.attach", application_id=app_id, requirement_code="kk",
                       document_id=new_kk),
        phone.mutation("application.submit", application_id=app_id)).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]

    world.act(world.imigrasi_2, app_id, "start-review")
    world.act(world.imigrasi_2, app_id, "review", requirement="kk", decision="accept")
    assert world.act(world.imigrasi_2, app_id, "approve")["state"] == "approved"
    suggestion = world.detail(world.imigrasi_2, app_id)["pickup_suggestion"]
    assert suggestion["counter"] == "Loket 5" and suggestion["bring"]
    visit = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    ready = world.act(world.imigrasi_2, app_id, "mark-ready",
                      pickup={**PICKUP, "visit_date": visit})
    assert ready["state"] == "ready" and ready["ticket"] == {"issued": True, "used": False}
    assert ready["pickup"] == {**PICKUP, "visit_date": visit}

    # the ticket is in the citizen's synced data, with its QR code
    space = world.pulled(made)
    value = space[f"application/{app_id}"]
    assert value["pickup"] == {**PICKUP, "visit_date": visit}
    code = value["ticket"]["code"]
    assert tickets.normalise(code) == code and value["ticket"]["qr_svg"].startswith("<svg")
    notice = next(v for k, v in space.items() if k.startswith("notification/")
                  and v["data"]["state"] == "ready")
    assert notice["data"]["pickup"] == {**PICKUP, "visit_date": visit}

    # at the counter: the scanned (or typed, in any case and spacing) code
    typed = code.replace("-", " ").lower()
    check = world.post(world.imigrasi, "/api/officer/tickets/lookup", {"code": typed})
    assert check.status_code == 200, check.get_data(True)
    check = check.get_json()
    assert check["application"]["id"] == app_id
    assert check["check"]["bring"] == PICKUP["bring"]
    assert check["check"]["applicant"]["name"] == "BUDI SANTOSO"
    done = world.act(world.imigrasi, app_id, "complete", code=typed,
                     version=check["check"]["version"])
    assert done["state"] == "completed" and done["ticket"] == {"issued": True, "used": True}

    space = world.pulled(made)
    assert space[f"application/{app_id}"]["ticket"] is None  # spent
    assert space[f"document/{new_kk}"]["verified_at"]  # accepted documents are in the wallet

    # the activity feed: every step, who and when
    feed = world.get(world.imigrasi, f"{BASE}/{app_id}/activity").get_json()["items"]
    actions = [e["action"] for e in feed]
    assert actions[:2] == ["application.create", "application.set_fields"]
    for expected in ("application.submit", "start_review", "accept_discrepancy",
                     "review_requirement", "request_revision", "application.attach",
                     "approve", "mark_ready", "complete"):
        assert expected in actions, expected
    citizen_entry = feed[1]
    assert citizen_entry["actor"] == {"kind": "citizen", "id": None, "name": "Pemohon"}
    assert citizen_entry["details"]["keys"] == ["birth_place", "passport_type", "purpose"]
    rejected = next(e for e in feed if e["action"] == "review_requirement"
                    and e["details"]["review_status"] == "rejected")
    assert rejected["details"]["reason"] == "blurry"
    assert rejected["details"]["note"] == "Foto buram: bagian bawah terpotong"
    assert rejected["actor"]["name"] == f"Petugas {world.imigrasi['username']}"
    revision = next(e for e in feed if e["action"] == "request_revision")
    assert revision["details"] == {"previous": "in_review", "state": "revision_requested",
                                   "note": "Mohon unggah ulang KK"}
    assert all(e["at"].endswith("Z") for e in feed)
    assert [e["version"] for e in feed] == sorted(e["version"] for e in feed)


def test_reject_the_application_with_a_reason(world):
    made = world.submitted()
    world.act(world.imigrasi, made["id"], "start-review")
    d = world.act(world.imigrasi, made["id"], "reject", note="Bukan warga Kota Langsa")
    assert (d["state"], d["officer_note"]) == ("rejected", "Bukan warga Kota Langsa")
    assert d["allowed_actions"] == []


# ------------------------------------------------------------------------------ bad input

def test_another_agencys_application_is_404_audited_and_untouched(world):
    made = world.submitted()
    before = world.stored(made["id"])
    version = before["version"]
    for who in (world.dukcapil, world.elsewhere):
        assert_error(world.get(who, f"{BASE}/{made['id']}"), 404, "application_not_found")
        assert_error(world.get(who, f"{BASE}/{made['id']}/activity"), 404)
        assert_error(world.post(who, f"{BASE}/{made['id']}/start-review",
                                {"version": version}), 404, "application_not_found")
    # a missing id answers the same
    assert_error(world.get(world.dukcapil, f"{BASE}/{uuid.uuid4()}"), 404,
                 "application_not_found")
    assert world.stored(made["id"]) == before
    denied = world.audit("officer.application_denied")
    mine = [e for e in denied if e.target_id == made["id"]]
    assert len(mine) == 6 and all(e.outcome == "denied" for e in mine)
    assert {e.actor_id for e in mine} == {str(world.dukcapil["id"]),
                                          str(world.elsewhere["id"])}


def test_a_draft_is_not_an_officers_business(world, callers):
    citizen = callers.citizen()
    phone = Device(world.client, citizen["headers"])
    app_id = str(uuid.uuid4())
    phone.push(phone.mutation("application.create", application_id=app_id, service_id=PASPOR))
    assert_error(world.get(world.imigrasi, f"{BASE}/{app_id}"), 404, "application_not_found")


def test_approve_with_a_rejected_requirement_is_409_and_changes_nothing(world):
    made = world.submitted()
    world.act(world.imigrasi, made["id"], "start-review")
    world.act(world.imigrasi, made["id"], "review", requirement="ktp", decision="accept")
    world.act(world.imigrasi, made["id"], "review", requirement="kk", decision="reject",
              reason="expired")
    before = world.stored(made["id"])
    response = world.post(world.imigrasi, f"{BASE}/{made['id']}/approve",
                          {"version": before["version"]}, lang="en")
    error = assert_error(response, 409, "requirements_not_accepted")
    assert error["details"]["requirements"] == ["kk"]
    assert error["message"] == "Some requirements are not accepted yet: kk."
    assert error["details"]["messages"]["id"].startswith("Masih ada persyaratan")
    assert world.stored(made["id"]) == before


def test_ready_before_approved_is_409_and_gives_no_ticket(world):
    made = world.submitted()
    world.act(world.imigrasi, made["id"], "start-review")
    before = world.stored(made["id"])
    error = assert_error(world.post(world.imigrasi, f"{BASE}/{made['id']}/mark-ready",
                                    {"version": before["version"], "pickup": PICKUP}),
                         409, "invalid_transition")
    assert error["details"]["state"] == "in_review" and error["details"]["to"] == "ready"
    assert world.stored(made["id"]) == before and before["ticket"] is None


def test_complete_twice_is_409(world):
    made = world.submitted()
    world.to_ready(made["id"])
    code = world.pulled(made)[f"application/{made['id']}"]["ticket"]["code"]
    world.act(world.imigrasi, made["id"], "complete", code=code)
    before = world.stored(made["id"])
    assert_error(world.post(world.imigrasi, f"{BASE}/{made['id']}/complete",
                            {"version": before["version"], "code": code}),
                 409, "invalid_transition")
    assert world.stored(made["id"]) == before


def test_invalid_and_reused_tickets(world):
    made, other = world.submitted(), world.submitted()
    world.to_ready(made["id"])
    world.to_ready(other["id"])
    code = world.pulled(made)[f"application/{made['id']}"]["ticket"]["code"]
    other_code = world.pulled(other)[f"application/{other['id']}"]["ticket"]["code"]
    lookup = "/api/officer/tickets/lookup"

    # garbage, a well-formed code nobody was given, and a forged one (right shape, the
    # other half of a real code): one answer, each audited
    forged = tickets.group(code.replace("-", "")[:10] + "A" * 10)
    for text in ("hello", "AAAA-AAAA-AAAA-AAAA-AAAA", forged):
        assert_error(world.post(world.imigrasi, lookup, {"code": text}), 404,
                     "ticket_not_found")
    # another agency's officer cannot use a real ticket
    assert_error(world.post(world.dukcapil, lookup, {"code": code}), 404, "ticket_not_found")
    failures = [e for e in world.audit("officer.ticket_lookup") if e.outcome == "denied"]
    assert len(failures) == 4

    # a real code of another application does not complete this one
    before = world.stored(made["id"])
    assert_error(world.post(world.imigrasi, f"{BASE}/{made['id']}/complete",
                            {"version": before["version"], "code": other_code}),
                 409, "ticket_invalid")
    assert world.stored(made["id"]) == before
    assert [e.target_id for e in world.audit("officer.ticket_refused")] == [made["id"]]

    world.act(world.imigrasi, made["id"], "complete", code=code)
    after = world.stored(made["id"])
    error = assert_error(world.post(world.imigrasi, lookup, {"code": code}), 409, "ticket_used")
    assert "sudah dipakai" in error["message"]
    assert world.stored(made["id"]) == after
    assert world.stored(other["id"])["state"] == "ready"


def test_a_reasonless_rejection_is_400_and_changes_nothing(world):
    made = world.submitted()
    world.act(world.imigrasi, made["id"], "start-review")
    before = world.stored(made["id"])
    version = before["version"]
    assert_error(world.post(world.imigrasi, f"{BASE}/{made['id']}/reject",
                            {"version": version, "note": "   "}), 400, "note_required")
    assert_error(world.post(world.imigrasi, f"{BASE}/{made['id']}/reject",
                            {"version": version}), 400, "validation_failed")
    assert_error(world.post(world.imigrasi, f"{BASE}/{made['id']}/review",
                            {"version": version, "requirement": "kk", "decision": "reject"}),
                 400, "note_required")
    error = assert_error(world.post(world.imigrasi, f"{BASE}/{made['id']}/review",
                                    {"version": version, "requirement": "kk",
                                     "decision": "reject", "reason": "kk_outdated_x"}),
                         400, "unknown_reason")
    assert error["details"]["document_type"] == "kk"
    # a reason of another document type is not offered for this one
    assert_error(world.post(world.imigrasi, f"{BASE}/{made['id']}/review",
                            {"version": version, "requirement": "ktp", "decision": "reject",
                             "reason": "kk_outdated"}), 400, "unknown_reason")
    assert world.stored(made["id"]) == before


def test_a_stale_version_is_409_with_the_fresh_detail(world):
    made = world.submitted()
    seen = world.detail(world.imigrasi, made["id"])["version"]
    world.act(world.imigrasi_2, made["id"], "start-review", version=seen)
    world.act(world.imigrasi_2, made["id"], "review", requirement="ktp", decision="accept")
    before = world.stored(made["id"])
    # the first officer saves what they saw before the other's decision
    error = assert_error(world.post(world.imigrasi, f"{BASE}/{made['id']}/review",
                                    {"version": seen, "requirement": "ktp",
                                     "decision": "reject", "reason": "blurry"}),
                         409, "stale")
    fresh = error["details"]["application"]
    assert fresh["version"] == before["version"] == error["details"]["version"]
    assert next(r for r in fresh["requirements"] if r["code"] == "ktp")["review_status"] == \
        "accepted"
    assert world.stored(made["id"]) == before


@pytest.mark.parametrize("body", [
    {"version": "1", "requirement": "ktp", "decision": "accept"},
    {"version": 1, "requirement": "ktp", "decision": "maybe"},
    {"version": 1, "requirement": "ktp", "decision": "accept", "state": "approved"},
    {"requirement": "ktp", "decision": "accept"},
])
def test_bad_action_bodies_are_400_and_change_nothing(world, body):
    made = world.submitted()
    world.act(world.imigrasi, made["id"], "start-review")
    before = world.stored(made["id"])
    assert_error(world.post(world.imigrasi, f"{BASE}/{made['id']}/review", body), 400)
    assert world.stored(made["id"]) == before


def test_pickup_details_are_checked(world):
    made = world.submitted()
    world.to_approved(made["id"])
    before = world.stored(made["id"])
    version = before["version"]
    yesterday = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    for pickup, code in [({**PICKUP, "visit_date": yesterday}, "visit_date_past"),
                         ({**PICKUP, "visit_date": "2026-13-01"}, "validation_failed"),
                         ({"hours": "08.00"}, "validation_failed"),
                         ({**PICKUP, "bring": ["x"] * 21}, "validation_failed")]:
        assert_error(world.post(world.imigrasi, f"{BASE}/{made['id']}/mark-ready",
                                {"version": version, "pickup": pickup}), 400, code)
    assert world.stored(made["id"]) == before


def test_only_officers_use_the_console(world, callers):
    citizen = callers.citizen()
    assert_error(world.client.get(BASE, headers=citizen["headers"]), 403, "forbidden")
    assert_error(world.client.get(BASE), 401, "unauthorized")


# ------------------------------------------------------------------------------ answers

def keys_of(schema) -> set[str]:
    return set(schema().fields)


def test_answers_are_dumped_through_their_schemas(world, monkeypatch):
    """Issue #15: a key operations.py puts in an answer goes out only if the schema lists
    it (the answers carry personal data): the detail, an action's answer and a stale
    refusal's fresh application alike; and no answer is cached."""
    made = world.submitted()
    response = world.get(world.imigrasi, f"{BASE}/{made['id']}")
    assert response.headers["Cache-Control"] == "no-store"
    d = response.get_json()
    assert set(d) == keys_of(DetailSchema)
    for r in d["requirements"]:
        assert set(r) == keys_of(ReviewRequirementSchema)
        assert r["document"] is None or set(r["document"]) == keys_of(DocumentRefSchema)

    describe = review_ops.describe

    def leaky(*args, **kwargs):
        out = describe(*args, **kwargs)
        out["citizen_phone"] = "+6281200000000"
        out["requirements"][0]["storage_name"] = "uploads/secret.jpg"
        out["service"]["agency"]["internal_id"] = 7
        return out

    monkeypatch.setattr(review_ops, "describe", leaky)
    seen = world.detail(world.imigrasi, made["id"])
    acted = world.act(world.imigrasi, made["id"], "start-review", version=seen["version"])
    stale = world.post(world.imigrasi, f"{BASE}/{made['id']}/approve",
                       {"version": seen["version"]})
    fresh = assert_error(stale, 409, "stale")["details"]["application"]
    for answer in (seen, acted, fresh):
        assert "citizen_phone" not in answer
        assert "storage_name" not in answer["requirements"][0]
        assert "internal_id" not in answer["service"]["agency"]
        assert set(answer) == keys_of(DetailSchema)
    activity = world.get(world.imigrasi, f"{BASE}/{made['id']}/activity")
    assert activity.headers["Cache-Control"] == "no-store"
    for item in activity.get_json()["items"]:
        assert set(item) <= keys_of(ActivityItemSchema)
        assert "citizen_id" not in item["details"] and "client_id" not in item["details"]


def test_each_detail_says_where_its_actions_go(world):
    """The console keeps no table of action paths: every detail (and the stale refusal's
    fresh one, and a ticket's application) publishes one path per allowed action, and the
    whole review runs on those paths alone."""
    made = world.submitted()
    d = world.detail(world.imigrasi, made["id"])
    assert set(d["action_paths"]) == set(d["allowed_actions"]) == {"start_review"}

    def follow(detail, action, **body):
        response = world.post(world.imigrasi, detail["action_paths"][action],
                              {"version": detail["version"], **body})
        assert response.status_code == 200, response.get_json()
        out = response.get_json()
        assert set(out["action_paths"]) == set(out["allowed_actions"])
        return out

    d = follow(d, "start_review")
    assert d["action_paths"]["approve"] == f"{BASE}/{made['id']}/approve"
    for code in ("ktp", "kk"):
        d = follow(d, "review_requirement", requirement=code, decision="accept")
    stale = world.post(world.imigrasi, d["action_paths"]["approve"], {"version": d["version"] - 1})
    fresh = assert_error(stale, 409, "stale")["details"]["application"]
    assert fresh["action_paths"] == d["action_paths"]
    d = follow(d, "approve")
    assert set(d["action_paths"]) == {"mark_ready"}
    d = follow(d, "mark_ready", pickup=PICKUP)
    with world.app.app_context():
        code = db.session.get(Application, made["id"]).ticket_code
    found = world.post(world.imigrasi, "/api/officer/tickets/lookup", {"code": code}).get_json()
    assert set(found["application"]["action_paths"]) == {"complete"}
    d = follow(found["application"], "complete", code=code)
    assert d["state"] == "completed" and d["action_paths"] == {}


def test_the_queue_states_are_defined_once_and_published(world):
    """One definition (sync/states.py): the queue's default, its partial index, and what
    /api/sync/states publishes for the console's tabs."""
    published = world.client.get("/api/sync/states").get_json()["states"]
    tabs = [s["name"] for s in published if s["officer_queue"]]
    queue = world.get(world.imigrasi, BASE).get_json()
    assert list(queue["counts"]) == tabs == list(QUEUE_INDEX_STATES)
    assert tabs == list(review_ops.QUEUE_STATES)
    assert "draft" not in tabs and "completed" not in tabs


def test_the_console_names_every_state_and_review_status_in_both_languages():
    """A raw key (`review.status.resubmitted`) on screen is a label missing here."""
    from sync.model import REVIEW_STATUSES
    from sync.states import STATES

    text = (ROOT / "pwa" / "src" / "officer" / "i18n.js").read_text(encoding="utf-8")
    id_part, en_part = text.split("\n  en: {", 1) if "\n  en: {" in text else (None, None)
    assert id_part and en_part, "officer i18n.js: expected the id and en dictionaries"
    for part in (id_part, en_part):
        for status in REVIEW_STATUSES:
            assert f"'review.status.{status}':" in part, status
        for state in STATES:
            if state != "draft":
                assert f"'state.{state}':" in part, state


def test_a_replaced_document_is_shown_beside_its_replacement(world):
    """Issue #14: the detail lists the document the officer rejected next to the new one,
    with the decision and note it had (the file stays readable: see
    tests/uploads/test_reading_documents.py)."""
    made = world.submitted()
    world.act(world.imigrasi, made["id"], "start-review")
    world.act(world.imigrasi, made["id"], "review", requirement="kk", decision="reject",
              note="Halaman belakang tidak ada")
    world.act(world.imigrasi, made["id"], "review", requirement="ktp", decision="accept")
    world.act(world.imigrasi, made["id"], "request-revision", note="")
    phone = made["phone"]
    new_kk = world.document(made["citizen"]["id"], "kk")
    results = phone.push(
        phone.mutation("application.attach", application_id=made["id"], requirement_code="kk",
                       document_id=new_kk),
        phone.mutation("application.submit", application_id=made["id"])).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"], results
    d = world.act(world.imigrasi_2, made["id"], "start-review")
    reqs = {r["code"]: r for r in d["requirements"]}
    assert reqs["kk"]["review_status"] == "resubmitted" and reqs["kk"]["document"]["id"] == new_kk
    [previous] = reqs["kk"]["previous_documents"]
    assert previous["id"] == made["kk"] and previous["review_status"] == "rejected"
    assert previous["officer_note"] == "Halaman belakang tidak ada" and previous["reviewed_at"]
    assert reqs["ktp"]["previous_documents"] == []  # accepted, never replaced
    # Rejected again, replaced again: newest first, each with its own decision.
    world.act(world.imigrasi_2, made["id"], "review", requirement="kk", decision="reject",
              note="Masih buram")
    world.act(world.imigrasi_2, made["id"], "request-revision", note="")
    third = world.document(made["citizen"]["id"], "kk")
    phone.push(phone.mutation("application.attach", application_id=made["id"],
                              requirement_code="kk", document_id=third),
               phone.mutation("application.submit", application_id=made["id"]))
    d = world.act(world.imigrasi, made["id"], "start-review")
    kk = next(r for r in d["requirements"] if r["code"] == "kk")
    assert [(p["id"], p["officer_note"]) for p in kk["previous_documents"]] == [
        (new_kk, "Masih buram"), (made["kk"], "Halaman belakang tidak ada")]
