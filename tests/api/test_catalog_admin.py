"""Catalog administration API (#18): drafts of one scope, published through the loader's own
rules with errors next to the field, the catalog version bumped for the PWAs, YAML download
and upload that round-trip, and each bad input refused with nothing changed (access
refusals audited). Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import threading

import pytest
import yaml
from sqlalchemy import func, select

from server.applications.models import Application
from server.audit.models import AuditEvent
from server.catalog import drafts as ops
from server.catalog import loader
from server.catalog.loader import CatalogError, load_documents, validate_documents
from server.catalog.messages import describe
from server.catalog.models import (
    CatalogDraft, CatalogMeta, DocumentType, Service, ServiceStandard,
)
from server.extensions import db
from tests.api.officer_world import PASPOR, World
from tests.api.visits_data import make_application
from tests.helpers import assert_error

API = "/api/admin/catalog"
KK = "langsa.dukcapil.kk-baru"


def admin(app, callers, mpp: str | None = None) -> dict:
    """A national admin, or (mpp given) an MPP admin: role admin with that MPP."""
    return callers.officer("admin", mpp)


def version(app) -> int:
    with app.app_context():
        return db.session.get(CatalogMeta, 1).version


def draft(client, who, scope, **body):
    response = client.post(f"{API}/drafts", headers=who["headers"],
                           json={"scope": scope, **body})
    assert response.status_code == 201, response.get_data(True)
    return response.get_json()


def save(client, who, made, data):
    response = client.put(f"{API}/drafts/{made['id']}", headers=who["headers"],
                          json={"data": data})
    assert response.status_code == 200, response.get_data(True)
    return response.get_json()


def publish(client, who, made):
    return client.post(f"{API}/drafts/{made['id']}/publish", headers=who["headers"])


def standard(data, code) -> tuple[int, dict]:
    for i, std in enumerate(data["service_standards"]):
        if std["code"] == code:
            return i, std
    raise KeyError(code)


def offering(data, agency, code) -> tuple[int, int, dict]:
    for a, entry in enumerate(data["mpp"]["agencies"]):
        if entry["code"] == agency:
            for s, offer in enumerate(entry["services"]):
                if offer["standard"] == code:
                    return a, s, offer
    raise KeyError(code)


def audit(app, action) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# ---------------------------------------------------------------------------------------
# Editing and publishing

def test_national_admin_edits_a_requirement_and_the_pwa_sees_it(app, client, callers):
    national = admin(app, callers)
    seen = client.get(f"{API}", headers=national["headers"]).get_json()
    assert seen["me"] == {"national": True, "mpp": None}
    assert [s["scope"] for s in seen["scopes"]][:2] == ["national", "mpp:bengkulu-selatan"]
    before = client.get("/api/catalog/version").get_json()["version"]

    made = draft(client, national, "national", note="KK: akta kelahiran")
    data = made["data"]
    i, std = standard(data, "dukcapil.kk-baru")
    std["requirements"][0]["title_id"] = "KTP-el pemohon (asli)"
    std["sla_days"] = 2
    save(client, national, made, data)
    assert client.post(f"{API}/drafts/{made['id']}/check",
                       headers=national["headers"]).get_json() == {"ok": True, "errors": []}
    published = publish(client, national, made)
    assert published.status_code == 200, published.get_data(True)
    body = published.get_json()
    assert body["changed"] and body["version"] == before + 1
    assert body["draft"]["status"] == "published" and body["draft"]["published_version"] \
        == before + 1

    # The PWA's next catalog check sees a new version, and the service its new standard.
    assert client.get("/api/catalog/version").get_json()["version"] == before + 1
    service = client.get(f"/api/services/{KK}").get_json()
    assert service["requirements"][0]["title_id"] == "KTP-el pemohon (asli)"
    assert service["sla_days"] == 2
    assert [e.details["scope"] for e in audit(app, "catalog.published")] == ["national"]


def test_mpp_admin_sets_an_offering_its_counters_and_hours(app, client, callers):
    langsa = admin(app, callers, "langsa")
    seen = client.get(f"{API}", headers=langsa["headers"]).get_json()
    assert seen["me"] == {"national": False, "mpp": "langsa"}
    assert [s["scope"] for s in seen["scopes"] if s["editable"]] == ["mpp:langsa"]
    assert {s["scope"] for s in seen["scopes"]} == {"national", "mpp:langsa",
                                                    "mpp:payakumbuh", "mpp:bengkulu-selatan"}
    made = draft(client, langsa, "mpp:langsa")
    data = made["data"]
    a, s, offer = offering(data, "dukcapil", "dukcapil.kk-baru")
    offer["fee"] = 10000
    data["mpp"]["visits"]["hours"][0]["close"] = "15:00"
    data["mpp"]["holidays"].append({"date": "2027-06-01", "name_id": "Hari Jadi Kota",
                                    "name_en": "City anniversary"})
    save(client, langsa, made, data)
    assert publish(client, langsa, made).status_code == 200
    assert client.get(f"/api/services/{KK}").get_json()["fee"] == 10000
    current = client.get(f"{API}/current", query_string={"scope": "mpp:langsa"},
                         headers=langsa["headers"]).get_json()
    assert current["data"] == data  # what was published is what is read back


def test_publishing_what_the_loader_refuses_says_where_and_changes_nothing(app, client,
                                                                          callers):
    national = admin(app, callers)
    made = draft(client, national, "national")
    data = made["data"]
    i, std = standard(data, "dukcapil.kk-baru")
    std["requirements"][1]["document_type"] = "ktpp"
    std["fields"][0]["type"] = "colour"
    del std["product_id"]
    save(client, national, made, data)
    before = version(app)

    checked = client.post(f"{API}/drafts/{made['id']}/check", headers=national["headers"])
    assert checked.get_json()["ok"] is False
    refused = publish(client, national, made)
    error = assert_error(refused, 422, "catalog_invalid")
    assert error["message"].startswith("Katalog tidak diterbitkan")
    found = {(e["scope"], e["path"]): e for e in error["details"]["errors"]}
    where = f"service_standards.{i}"
    # First the shapes (the loader would drop the whole document, and every MPP citing
    # its standards would fail too: not where the mistake is).
    assert set(found) == {("national", f"{where}.fields.0.type"),
                          ("national", f"{where}.product_id")}
    assert found[("national", f"{where}.product_id")]["message"] == "Wajib diisi."
    assert found[("national", f"{where}.product_id")]["message_en"] == "Required."
    assert found[("national", f"{where}.fields.0.type")]["code"] == "one_of"
    assert checked.get_json()["errors"] == error["details"]["errors"]
    # Then the cross-references.
    std["fields"][0]["type"] = "text"
    std["product_id"] = "Kartu Keluarga"
    save(client, national, made, data)
    error = assert_error(publish(client, national, made), 422, "catalog_invalid")
    assert [(e["scope"], e["path"], e["code"]) for e in error["details"]["errors"]] == [
        ("national", f"{where}.requirements.1.document_type", "unknown_document_type")]
    unknown = error["details"]["errors"][0]
    assert unknown["message"] == "Jenis dokumen 'ktpp' tidak dikenal."
    assert unknown["message_en"] == "Unknown document type 'ktpp'."
    # Nothing changed: version, service, draft still open.
    assert version(app) == before
    assert client.get(f"/api/services/{KK}").get_json()["requirements"][1][
        "document_type"] != "ktpp"
    assert client.get(f"{API}/drafts/{made['id']}",
                      headers=national["headers"]).get_json()["status"] == "open"


def test_a_national_change_that_breaks_an_mpp_names_the_mpp_field(app, client, callers):
    """A standard taken away while an MPP offers it: refused, the error in the MPP's data."""
    national = admin(app, callers)
    made = draft(client, national, "national")
    data = made["data"]
    i, _std = standard(data, "pdam.balik-nama")
    del data["service_standards"][i]
    save(client, national, made, data)
    error = assert_error(publish(client, national, made), 422, "catalog_invalid")
    langsa = [e for e in error["details"]["errors"] if e["scope"] == "mpp:langsa"]
    assert langsa and langsa[0]["code"] == "unknown_standard"
    with app.app_context():
        assert db.session.get(ServiceStandard, "pdam.balik-nama") is not None


def test_a_draft_must_be_its_scopes_shape(app, client, callers):
    langsa = admin(app, callers, "langsa")
    made = draft(client, langsa, "mpp:langsa")
    wrong = client.put(f"{API}/drafts/{made['id']}", headers=langsa["headers"],
                       json={"data": {"mpp": {**made["data"]["mpp"], "code": "payakumbuh"}}})
    error = assert_error(wrong, 422, "catalog_invalid")
    assert error["details"]["errors"][0]["path"] == "mpp.code"
    wrong = client.put(f"{API}/drafts/{made['id']}", headers=langsa["headers"],
                       json={"data": {"document_types": []}})
    assert assert_error(wrong, 422, "catalog_invalid")["details"]["errors"][0]["code"] == \
        "scope_keys"
    assert_error(client.post(f"{API}/drafts", headers=langsa["headers"],
                             json={"scope": "langsa"}), 400, "catalog_scope_invalid")
    assert_error(client.get(f"{API}/drafts/999999", headers=langsa["headers"]), 404,
                 "catalog_draft_not_found")


# ---------------------------------------------------------------------------------------
# Who may

def test_verifier_and_supervisor_are_refused_every_admin_route_and_audited(app, client,
                                                                          callers):
    verifier = callers.officer("verifier", "langsa", "dukcapil")
    supervisor = callers.officer("supervisor", "langsa")
    for who in (verifier, supervisor):
        for method, path in (("GET", API), ("GET", f"{API}/drafts"),
                             ("POST", f"{API}/drafts"), ("GET", f"{API}/export"),
                             ("DELETE", f"{API}/services/{KK}")):
            response = client.open(path, method=method, headers=who["headers"],
                                   json={"scope": "mpp:langsa"} if method == "POST" else None)
            assert_error(response, 403, "forbidden")
    denied = [e for e in audit(app, "access.denied") if e.target_id.startswith("catalog_admin")]
    assert len(denied) == 10
    with app.app_context():
        assert db.session.scalar(select(func.count(CatalogDraft.id))) == 0


def test_an_mpp_admin_cannot_touch_another_mpp_or_the_national_standards(app, client,
                                                                        callers):
    langsa = admin(app, callers, "langsa")
    national = admin(app, callers)
    theirs = draft(client, national, "mpp:payakumbuh")
    attempts = [
        client.post(f"{API}/drafts", headers=langsa["headers"], json={"scope": "national"}),
        client.post(f"{API}/drafts", headers=langsa["headers"],
                    json={"scope": "mpp:payakumbuh"}),
        client.put(f"{API}/drafts/{theirs['id']}", headers=langsa["headers"],
                   json={"note": "mine now"}),
        publish(client, langsa, theirs),
        client.delete(f"{API}/services/payakumbuh.dukcapil.kk-baru",
                      headers=langsa["headers"]),
        client.post(f"{API}/import", headers=langsa["headers"],
                    json={"scope": "national", "yaml": "document_types: []"}),
    ]
    for response in attempts:
        assert_error(response, 403, "catalog_scope_forbidden")
    refused = audit(app, "catalog.access_refused")
    assert len(refused) == len(attempts)
    assert {e.outcome for e in refused} == {"denied"}
    assert {e.target_id for e in refused} == {"national", "mpp:payakumbuh"}
    # Reading the published catalog is not editing it (it is public): the national
    # standards to offer, another MPP's file as an example.
    for scope in ("national", "mpp:payakumbuh"):
        for route in ("current", "export"):
            assert client.get(f"{API}/{route}", headers=langsa["headers"],
                              query_string={"scope": scope}).status_code == 200
    assert len(audit(app, "catalog.access_refused")) == len(attempts)
    # Nothing changed: their draft as it was, no draft of langsa's admin.
    again = client.get(f"{API}/drafts/{theirs['id']}", headers=national["headers"]).get_json()
    assert again["note"] == "" and again["status"] == "open"
    assert client.get(f"{API}/drafts", headers=langsa["headers"]).get_json()["items"] == []


# ---------------------------------------------------------------------------------------
# No lost update

def test_the_second_of_two_drafts_of_one_scope_is_refused_as_stale(app, client, callers):
    langsa = admin(app, callers, "langsa")
    first, second = draft(client, langsa, "mpp:langsa"), draft(client, langsa, "mpp:langsa")
    for made, fee in ((first, 1000), (second, 2000)):
        _a, _s, offer = offering(made["data"], "dukcapil", "dukcapil.kk-baru")
        offer["fee"] = fee
        save(client, langsa, made, made["data"])
    assert publish(client, langsa, first).status_code == 200
    published = version(app)
    error = assert_error(publish(client, langsa, second), 409, "catalog_draft_stale")
    assert error["details"] == {"base_version": second["base_version"],
                                "current_version": published}
    assert client.get(f"/api/services/{KK}").get_json()["fee"] == 1000
    assert version(app) == published
    assert_error(publish(client, langsa, first), 409, "catalog_draft_closed")
    # A draft of another scope is not stale because of it.
    national = admin(app, callers)
    made = draft(client, national, "mpp:payakumbuh")
    assert publish(client, national, made).status_code == 200


def test_concurrent_publications_of_one_scope_lose_no_update(app, callers):
    """Two admins press publish at the same moment: one wins, the other is refused stale."""
    langsa = admin(app, callers, "langsa")
    client = app.test_client()
    made = [draft(client, langsa, "mpp:langsa") for _ in range(2)]
    for d, fee in zip(made, (1000, 2000)):
        _a, _s, offer = offering(d["data"], "dukcapil", "dukcapil.kk-baru")
        offer["fee"] = fee
        save(client, langsa, d, d["data"])
    start = threading.Barrier(2)
    answers = {}

    def press(d):
        own = app.test_client()
        start.wait()
        answers[d["id"]] = publish(own, langsa, d)

    threads = [threading.Thread(target=press, args=(d,)) for d in made]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in answers.values())
    assert statuses == [200, 409], [r.get_data(True) for r in answers.values()]
    winner = next(d for d in made if answers[d["id"]].status_code == 200)
    _a, _s, offer = offering(winner["data"], "dukcapil", "dukcapil.kk-baru")
    assert client.get(f"/api/services/{KK}").get_json()["fee"] == offer["fee"]


# ---------------------------------------------------------------------------------------
# Deleting: refused when in use; retire instead

def test_a_document_type_in_use_cannot_be_deleted_an_unused_one_can(app, client, callers):
    national = admin(app, callers)
    world = World(app, client, callers)
    world.submitted()  # a citizen's KTP and KK documents
    made = draft(client, national, "national")
    data = made["data"]
    data["document_types"] = [d for d in data["document_types"] if d["code"] != "ktp"]
    save(client, national, made, data)
    error = assert_error(publish(client, national, made), 422, "catalog_invalid")
    codes = {(e["path"], e["code"]) for e in error["details"]["errors"]}
    assert ("document_types", "document_type_in_use") in codes
    assert any(c == "unknown_document_type" for _p, c in codes)  # requirements still ask
    with app.app_context():
        assert db.session.get(DocumentType, "ktp") is not None

    made = draft(client, national, "national")
    data = made["data"]
    data["document_types"].append({"code": "dokumen_uji_baru", "name_id": "Dokumen Uji",
                                   "name_en": "Test document", "validity_days": 90})
    save(client, national, made, data)
    assert publish(client, national, made).status_code == 200
    assert "dokumen_uji_baru" in {d["code"] for d in client.get("/api/document-types")
                             .get_json()["items"]}
    made = draft(client, national, "national")
    data = made["data"]
    data["document_types"] = [d for d in data["document_types"] if d["code"] != "dokumen_uji_baru"]
    save(client, national, made, data)
    before = version(app)
    assert publish(client, national, made).get_json()["version"] == before + 1
    with app.app_context():
        assert db.session.get(DocumentType, "dokumen_uji_baru") is None


def test_a_service_in_use_is_retired_not_deleted(app, client, callers):
    national = admin(app, callers)
    world = World(app, client, callers)
    made_app = world.submitted()
    path = f"{API}/services/{PASPOR}"
    error = assert_error(client.delete(path, headers=national["headers"]), 409,
                         "catalog_service_in_use")
    assert error["details"] == {"code": PASPOR, "applications": 1, "queue_tickets": 0,
                                "complaints": 0}
    unused = "langsa.imigrasi.paspor-penggantian"
    assert_error(client.delete(f"{API}/services/{unused}", headers=national["headers"]), 409,
                 "catalog_service_active")
    assert_error(client.delete(f"{API}/services/langsa.nothing", headers=national["headers"]),
                 404, "service_not_found")

    # Retire both: take them out of the MPP's offerings (and out of its counters) and publish.
    made = draft(client, national, "mpp:langsa")
    data = made["data"]
    for agency in data["mpp"]["agencies"]:
        if agency["code"] == "imigrasi":
            agency["services"] = [o for o in agency["services"]
                                  if o["standard"] == "imigrasi.paspor-baru"]
    for counter in data["mpp"]["visits"]["counters"]:
        if "services" in counter:
            counter["services"] = [s for s in counter["services"]
                                   if s != "imigrasi.paspor-penggantian"]
    save(client, national, made, data)
    assert publish(client, national, made).status_code == 200
    assert client.get(f"/api/services/{unused}").get_json()["code"] == unused
    with app.app_context():
        assert db.session.scalar(select(Service.active).where(Service.code == unused)) \
            is False
    assert client.delete(f"{API}/services/{unused}", headers=national["headers"]) \
        .status_code == 204
    assert_error(client.get(f"/api/services/{unused}"), 404, "service_not_found")
    # The one in use stays, and its application with it.
    assert_error(client.delete(path, headers=national["headers"]), 409,
                 "catalog_service_in_use")
    with app.app_context():
        assert db.session.get(Application, made_app["id"]).service_code == PASPOR


# ---------------------------------------------------------------------------------------
# Submitted applications keep their standard

def test_a_submitted_application_keeps_the_standard_it_was_made_under(app, client, callers):
    national = admin(app, callers)
    world = World(app, client, callers)
    old = world.submitted()
    made = draft(client, national, "national")
    data = made["data"]
    _i, std = standard(data, "imigrasi.paspor-baru")
    before = {r["code"]: r["title_id"] for r in std["requirements"]}
    old_sla = std["sla_days"]
    std["sla_days"] = old_sla + 2
    std["requirements"][0]["title_id"] = "KTP-el asli"
    std["requirements"] = std["requirements"] + [
        {**std["requirements"][1], "code": "akta_tambahan", "document_type": "akta_kelahiran",
         "title_id": "Akta kelahiran", "title_en": "Birth certificate", "required": False}]
    save(client, national, made, data)
    assert publish(client, national, made).status_code == 200
    # the officer reads the old application against its own standard: titles, SLA, due day
    # (an action after the publication leaves the due day where it was)
    old_due = world.detail(world.imigrasi, old["id"])["due_on"]
    world.act(world.imigrasi, old["id"], "start-review")
    shown = world.detail(world.imigrasi, old["id"])
    assert shown["service"]["sla_days"] == old_sla and shown["due_on"] == old_due
    assert {r["code"]: r["title_id"] for r in shown["requirements"]} == before
    with app.app_context():
        assert db.session.get(Application, old["id"]).due_on.isoformat() == old_due
    new = world.submitted()
    shown_new = world.detail(world.imigrasi, new["id"])
    assert shown_new["service"]["sla_days"] == old_sla + 2
    assert [r["code"] for r in shown_new["requirements"]] == [*before, "akta_tambahan"]

    with app.app_context():
        kept = ops.application_standard(db.session, db.session.get(Application, old["id"]))
        now = ops.application_standard(db.session, db.session.get(Application, new["id"]))
    assert kept["sla_days"] == old_sla
    assert {r["code"]: r["title_id"] for r in kept["requirements"]} == before
    assert now["sla_days"] == old_sla + 2
    assert [r["code"] for r in now["requirements"]] == [*before, "akta_tambahan"]
    assert now["requirements"][0]["title_id"] == "KTP-el asli"


def test_a_load_keeps_the_version_too(app, tmp_path):
    """`flask catalog load` writes the same versions as a publication (one writer)."""
    with app.app_context():
        citizen_app = make_application(_citizen(), KK)
        application = db.session.get(Application, citizen_app)
        before = ops.application_standard(db.session, application)
        from server.catalog.export import national_data, scope_data

        docs = [("national", national_data(db.session))]
        _i, std = standard(docs[0][1], "dukcapil.kk-baru")
        std["name_id"] = "KK Baru (diubah)"
        docs += [(f"mpp:{c}", scope_data(db.session, f"mpp:{c}"))
                 for c in ("langsa", "payakumbuh", "bengkulu-selatan")]
        load_documents(docs, db.session)
        db.session.commit()
        assert ops.application_standard(db.session, application) == before
        assert db.session.scalar(select(Service.name_id).where(Service.code == KK)) == \
            "KK Baru (diubah)"


def _citizen():
    from server.accounts.models import Citizen
    from server.db_types import utcnow

    citizen = Citizen(phone="+6281377770000", created_at=utcnow())
    db.session.add(citizen)
    db.session.flush()
    return citizen.id


# ---------------------------------------------------------------------------------------
# YAML download and upload

@pytest.mark.parametrize("scope", ["mpp:langsa", "national"])
def test_download_upload_publish_download_gives_the_same_bytes(app, client, callers, scope):
    national = admin(app, callers)
    first = client.get(f"{API}/export", query_string={"scope": scope},
                       headers=national["headers"])
    assert first.status_code == 200 and first.mimetype == "application/yaml"
    assert "attachment" in first.headers["Content-Disposition"]
    uploaded = client.post(f"{API}/import", headers=national["headers"],
                           json={"scope": scope, "yaml": first.get_data(True)})
    assert uploaded.status_code == 201, uploaded.get_data(True)
    before = version(app)
    published = publish(client, national, uploaded.get_json())
    assert published.status_code == 200 and published.get_json()["changed"] is False
    assert version(app) == before
    again = client.get(f"{API}/export", query_string={"scope": scope},
                       headers=national["headers"])
    assert again.get_data() == first.get_data()


def test_an_uploaded_file_with_an_error_names_it(app, client, callers):
    langsa = admin(app, callers, "langsa")
    text = client.get(f"{API}/export", query_string={"scope": "mpp:langsa"},
                      headers=langsa["headers"]).get_data(True)
    data = yaml.safe_load(text)
    data["mpp"]["visits"]["counters"][0]["share"]["online"] = 99
    uploaded = client.post(f"{API}/import", headers=langsa["headers"],
                           json={"scope": "mpp:langsa", "yaml": yaml.safe_dump(data)})
    made = uploaded.get_json()
    error = assert_error(publish(client, langsa, made), 422, "catalog_invalid")
    assert [(e["path"], e["code"]) for e in error["details"]["errors"]] == [
        ("mpp.visits.counters.0.share", "share_sum")]
    broken = client.post(f"{API}/import", headers=langsa["headers"],
                         json={"scope": "mpp:langsa", "yaml": "mpp: [unclosed"})
    assert assert_error(broken, 422, "catalog_invalid")["details"]["errors"][0]["code"] == \
        "invalid_yaml"


# ---------------------------------------------------------------------------------------
# Every loader message has words in both languages

BROKEN = [
    {"document_types": [{"code": "A", "name_id": "", "name_en": "x", "validity_days": "1",
                         "extra": 1}]},
    {"document_types": [{"code": "a", "name_id": "a", "name_en": "a", "validity_days": None},
                        {"code": "a", "name_id": "a", "name_en": "a", "validity_days": None}]},
    {"service_standards": [{
        "code": "x.y", "agency_kind": "z", "name_id": "n", "name_en": "n",
        "description_id": "d", "description_en": "d", "procedure": [{"id": "a", "en": "a"}],
        "sla_days": 400, "fee": -1, "product_id": "p", "product_en": "p",
        "delivery": "fax", "visit_minutes": 2, "fields": [
            {"key": "a", "type": "choice", "label_id": "a", "label_en": "a"},
            {"key": "a", "type": "text", "label_id": "a", "label_en": "a", "pattern": "(",
             "choices": [{"value": "v", "label_id": "v", "label_en": "v"},
                         {"value": "v", "label_id": "v", "label_en": "v"}]}],
        "requirements": [
            {"code": "r", "document_type": "nope", "title_id": "t", "title_en": "t",
             "formats": ["pdf", "pdf"]},
            {"code": "r", "document_type": "nope", "title_id": "t", "title_en": "t"}]}]},
    {"service_standards": [{"code": "BAD", "agency_kind": "k_k"}]},
    {"service_standards": [{
        "code": "x." + "y" * 90, "agency_kind": "x", "name_id": None, "name_en": 5,
        "description_id": "d", "description_en": "d", "procedure": "step",
        "sla_days": 1, "fee": 0, "product_id": "p", "product_en": "p", "delivery": "pickup",
        "fields": ["a"], "requirements": [{"code": "r", "document_type": "ktp",
                                           "title_id": "t", "title_en": "t",
                                           "required": "maybe"}]}]},
    {"service_standards": [{
        "code": "dukcapil.uji", "agency_kind": "imigrasi", "name_id": "n", "name_en": "n",
        "description_id": "d", "description_en": "d", "procedure": [{"id": "a", "en": "a"}],
        "sla_days": 1, "fee": 0, "product_id": "p", "product_en": "p", "delivery": "pickup",
        "fields": [
            {"key": "a", "type": "choice", "label_id": "a", "label_en": "a"},
            {"key": "a", "type": "text", "label_id": "a", "label_en": "a", "pattern": "(",
             "choices": [{"value": "v", "label_id": "v", "label_en": "v"},
                         {"value": "v", "label_id": "v", "label_en": "v"}]}],
        "requirements": [
            {"code": "r", "document_type": "nope", "title_id": "t", "title_en": "t",
             "formats": ["pdf", "pdf"]},
            {"code": "r", "document_type": "ktp", "title_id": "t", "title_en": "t"}]}]},
    {"mpp": {"code": "m", "name": "M", "city": "c", "province": "p", "status": "open",
             "ref_prefix": "x", "opened_on": "2019-02-30", "agencies": [], "visits": {
                 "hours": [{"days": ["mon"], "open": 800, "close": "25:00"}],
                 "counters": []}}},
    {"holidays": [{"date": "2026-01-01", "kind": "national", "name_id": "a", "name_en": "a"},
                  {"date": "2026-01-01", "kind": "national", "name_id": "a", "name_en": "a"}]},
    {},
    [],
]


def _mpp(**visits):
    return {"mpp": {
        "code": "m2", "name": "M", "city": "c", "province": "p", "status": "open",
        "ref_prefix": "LGS", "agencies": [
            {"code": "a", "kind": "dukcapil", "name": "A", "services": [
                {"standard": "dukcapil.kk-baru"}, {"standard": "dukcapil.kk-baru"},
                {"standard": "imigrasi.paspor-baru"}, {"standard": "no.such"}]},
            {"code": "a", "kind": "dukcapil", "name": "A"}],
        "holidays": [{"date": "2026-01-02", "name_id": "a", "name_en": "a"},
                     {"date": "2026-01-02", "name_id": "a", "name_en": "a"}],
        "visits": {
            "slot_minutes": 5, "booking_window": {"min_days": 5, "max_days": 1},
            "hours": [{"days": ["mon", "mon"], "open": "08:00", "close": "07:00",
                       "breaks": [{"start": "09:00", "end": "08:30"}]},
                      {"days": ["tue"], "open": "08:00", "close": "16:00",
                       "breaks": [{"start": "09:00", "end": "11:00"},
                                  {"start": "10:00", "end": "12:00"}]}],
            "counters": [
                {"code": "l", "name": "L", "agency": "zz", "share": {
                    "online": 10, "walk_in": 10, "assisted": 10}},
                {"code": "l", "name": "L", "agency": "a", "services": ["dukcapil.kk-perubahan"],
                 "share": {"online": 100, "walk_in": 0, "assisted": 0}},
                {"code": "l2", "name": "L", "agency": "a", "services": ["dukcapil.kk-baru"],
                 "share": {"online": 100, "walk_in": 0, "assisted": 0}}]}}}


def _short_visits():
    """A visit longer than any counter's online minutes in one slot."""
    return {"mpp": {
        "code": "m4", "name": "M", "city": "c", "province": "p", "status": "open",
        "ref_prefix": "ZZZ", "agencies": [{"code": "a", "kind": "dukcapil", "name": "A",
                                           "services": [{"standard": "dukcapil.kk-baru"}]}],
        "visits": {"hours": [{"days": ["mon"], "open": "08:00", "close": "12:00"}],
                   "counters": [{"code": "l", "name": "L", "agency": "a", "share": {
                       "online": 10, "walk_in": 90, "assisted": 0}}]}}}


def test_every_loader_error_has_a_code_with_words_in_both_languages(app, tmp_path):
    from server.catalog.messages import localise
    from server.i18n import MESSAGES

    with app.app_context():
        errors: list[CatalogError] = []
        for i, doc in enumerate(BROKEN):
            errors += validate_documents([(f"doc{i}", doc)], db.session)[1]
        national = ops.export.national_data(db.session)
        errors += validate_documents([("n", national), ("m", _mpp()),
                                      ("m3", {"mpp": {**_mpp()["mpp"], "code": "m3"}}),
                                      ("n2", {"document_types": national["document_types"]})],
                                     db.session)[1]
        errors += validate_documents([("n", national), ("m4", _short_visits())],
                                     db.session)[1]
        (tmp_path / "bad.yaml").write_text("mpp: [unclosed")
        (tmp_path / "bad.json").write_text("{")
        (tmp_path / "folder.yaml").mkdir()
        for name in ("no-such-file.yaml", "bad.yaml", "bad.json", "folder.yaml"):
            errors += loader.read_file(tmp_path / name)[1]
        (tmp_path / "empty").mkdir()
        with pytest.raises(loader.CatalogLoadError) as no_files:
            loader.load_catalog([tmp_path / "empty"], db.session)
        errors += no_files.value.errors
    codes = {describe(e)[0] for e in errors}
    assert "invalid" not in codes, [e for e in errors if describe(e)[0] == "invalid"]
    from server.catalog.messages import PATTERNS
    missing = sorted({code for _p, code in PATTERNS} - codes)
    assert not missing, " ".join(missing)
    for error in errors:
        said = localise(error)
        assert f"catalog.{said['code']}" in MESSAGES
        assert "?" not in said["message"] + said["message_en"], (error, said)


# ---------------------------------------------------------------------------------------
# Generated requests as an admin (tests/api/test_openapi_fuzz.py calls these routes as a
# citizen and a verifier, who are refused at the door)

def test_generated_requests_as_an_admin_find_no_server_error(app, client, callers):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error, response_schema_conformance

    national = admin(app, callers)
    draft(client, national, "mpp:langsa")
    draft(client, national, "national")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(API):
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=national["headers"],
                                   checks=[not_a_server_error, response_schema_conformance])

        run()
        tested.append(f"{operation.method.upper()} {operation.path}")
    assert len(tested) == 12, tested


def test_a_service_with_only_a_walk_in_ticket_is_in_use_too(app, client, callers):
    """A walk-in's errand at the kiosk (a queue ticket, no application) cites the service."""
    from tests.api.queue_floor import FloorWorld

    floor = FloorWorld(app, client, callers, app.test_cli_runner())
    assert floor.walk_in(KK).status_code == 201
    national = admin(app, callers)
    made = draft(client, national, "mpp:langsa")
    data = made["data"]
    for agency in data["mpp"]["agencies"]:
        agency["services"] = [o for o in agency["services"] if o["standard"] != "dukcapil.kk-baru"]
    for counter in data["mpp"]["visits"]["counters"]:
        if "services" in counter:
            counter["services"] = [s for s in counter["services"] if s != "dukcapil.kk-baru"]
    save(client, national, made, data)
    assert publish(client, national, made).status_code == 200
    error = assert_error(client.delete(f"{API}/services/{KK}", headers=national["headers"]),
                         409, "catalog_service_in_use")
    assert error["details"]["queue_tickets"] == 1
    with app.app_context():
        assert db.session.scalar(select(Service.active).where(Service.code == KK)) is False
