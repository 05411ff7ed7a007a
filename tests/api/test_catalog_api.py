"""The catalog API over the demo catalog, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from tests.helpers import assert_error

LANGSA_AGENCY_KINDS = {
    "imigrasi", "bea-cukai", "dukcapil", "bpkd", "disnaker", "pdam", "bank-aceh",
    "bpjs-kesehatan", "bpjs-ketenagakerjaan", "dpmptsp",
}


def test_lists_the_demo_mpps(client):
    response = client.get("/api/mpps")
    assert response.status_code == 200
    mpps = {m["code"]: m for m in response.get_json()["items"]}
    assert {"payakumbuh", "langsa"} <= set(mpps)
    assert mpps["langsa"]["agency_count"] == 10
    assert mpps["langsa"]["service_count"] >= 15
    assert mpps["langsa"]["ref_prefix"] == "LGS"
    preparing = [m for m in mpps.values() if m["status"] == "preparing"]
    assert preparing and preparing[0]["province"] == "Bengkulu"


def test_an_mpp_with_its_agencies(client):
    body = client.get("/api/mpps/langsa").get_json()
    assert body["name"].endswith("Langsa")
    assert {a["kind"] for a in body["agencies"]} == LANGSA_AGENCY_KINDS
    assert sum(a["service_count"] for a in body["agencies"]) == body["service_count"]


def test_services_filtered_by_mpp_and_agency(client):
    items = client.get("/api/services?mpp=langsa&limit=500").get_json()["items"]
    assert len(items) >= 15
    assert {s["mpp"] for s in items} == {"langsa"}
    assert all(s["code"].startswith("langsa.") for s in items)
    dukcapil = client.get("/api/services?mpp=langsa&agency=dukcapil").get_json()
    assert dukcapil["total"] >= 3
    assert {s["agency"]["kind"] for s in dukcapil["items"]} == {"dukcapil"}


@pytest.mark.parametrize("words", ["paspor", "passport", "PASPOR baru", "new passport"])
def test_search_by_words_in_either_language(client, words):
    body = client.get("/api/services", query_string={"mpp": "langsa", "q": words}).get_json()
    codes = [s["code"] for s in body["items"]]
    assert "langsa.imigrasi.paspor-baru" in codes, codes
    # Services named by the words come first; others only mention them (in a requirement).
    kinds = [s["agency"]["kind"] for s in body["items"]]
    assert kinds[0] == "imigrasi", codes
    assert kinds == sorted(kinds, key=lambda kind: kind != "imigrasi"), codes


def test_search_that_matches_nothing_is_an_empty_list(client):
    body = client.get("/api/services?q=zzzxqy").get_json()
    assert body == {"items": [], "total": 0, "limit": 100, "offset": 0}


def test_search_treats_like_wildcards_as_text(client):
    assert client.get("/api/services?q=%25").get_json()["total"] == 0
    assert client.get("/api/services?q=_").get_json()["total"] == 0


def test_paging(client):
    everything = client.get("/api/services?limit=500").get_json()
    page = client.get("/api/services?limit=5&offset=5").get_json()
    assert page["total"] == everything["total"]
    assert [s["code"] for s in page["items"]] == [s["code"] for s in everything["items"][5:10]]


def test_a_service_full_standard(client):
    body = client.get("/api/services/langsa.imigrasi.paspor-baru").get_json()
    assert body["agency"]["kind"] == "imigrasi"
    assert body["sla_days"] >= 1 and body["fee"] > 0
    assert body["procedure"] and {"id", "en"} <= set(body["procedure"][0])
    assert body["requirements"] and all(r["document_type"] for r in body["requirements"])
    assert any(r["document_type"] == "ktp" for r in body["requirements"])
    assert body["fields"] and all({"key", "type", "required"} <= set(f) for f in body["fields"])
    assert any(f["profile_key"] == "nik" for f in body["fields"])
    for field in body["fields"]:
        if field["type"] == "choice":
            assert field["validation"]["choices"]


def test_document_types(client):
    items = client.get("/api/document-types").get_json()["items"]
    codes = {d["code"]: d for d in items}
    assert {"ktp", "kk", "akta_kelahiran", "pas_foto"} <= set(codes)
    assert codes["pas_foto"]["validity_days"] is not None


def test_catalog_responses_are_cacheable_with_etags(client):
    first = client.get("/api/services?mpp=langsa")
    assert first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/api/services?mpp=langsa",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/services?mpp=payakumbuh")
    assert other.headers["ETag"] != first.headers["ETag"]


def test_catalog_version_is_cheap_and_not_cached(client):
    response = client.get("/api/catalog/version")
    body = response.get_json()
    assert response.headers["Cache-Control"] == "no-cache"
    assert body["version"] >= 1 and len(body["hash"]) == 64


@pytest.mark.parametrize("url,code", [
    ("/api/mpps/tidak-ada", "mpp_not_found"),
    ("/api/services/langsa.tidak.ada", "service_not_found"),
    ("/api/services?mpp=tidak-ada", "mpp_not_found"),
    ("/api/services/%00%ff", "not_found"),
    ("/api/services/LANGSA", "not_found"),
    ("/api/mpps/" + "x" * 500, "not_found"),
    ("/api/tidak-ada", "not_found"),
])
def test_unknown_things_are_404_in_the_error_shape(client, url, code):
    assert_error(client.get(url), 404, code)


@pytest.mark.parametrize("query,field", [
    ("bogus=1", "bogus"),
    ("mpp=langsa&mpp_code=langsa", "mpp_code"),
])
def test_unknown_query_parameters_are_400(client, query, field):
    error = assert_error(client.get(f"/api/services?{query}"), 400, "unknown_parameter")
    assert field in error["message"]
    assert field in error["details"]["fields"]["query"]


@pytest.mark.parametrize("query", ["limit=abc", "limit=0", "limit=100000", "offset=-1", "q=",
                                   "offset=4538871674453693038592",
                                   "mpp=%00", "mpp=Langsa%20Kota", "q=paspor%00"])
def test_malformed_query_values_are_400(client, query):
    error = assert_error(client.get(f"/api/services?{query}"), 400, "validation_failed")
    assert error["details"]["fields"]["query"]


def test_405_names_the_allowed_methods(client):
    response = client.post("/api/mpps", json={})
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_messages_follow_accept_language(client):
    id_ = assert_error(client.get("/api/mpps/x"), 404)["message"]
    en = assert_error(client.get("/api/mpps/x", headers={"Accept-Language": "en-US,en;q=0.9"}),
                      404)["message"]
    assert "tidak ditemukan" in id_
    assert en == "No MPP with code 'x'."
    fallback = assert_error(client.get("/api/mpps/x", headers={"Accept-Language": "fr"}), 404)
    assert fallback["message"] == id_


def test_a_service_publishes_every_rule_its_form_is_checked_against(client):
    """The phone checks a form with what the service publishes (issue #14): the defaults the
    server applies are there too, not only what the catalog file spells out."""
    body = client.get("/api/services/langsa.dukcapil.kk-baru").get_json()
    fields = {f["key"]: f for f in body["fields"]}
    assert fields["full_name"]["validation"]["max_length"] == 100  # the catalog's own
    assert fields["address"]["validation"]["max_length"] == 500  # the address default
    assert fields["old_kk_number"]["validation"]["pattern"] == "^[0-9]{16}$"
    assert fields["member_count"]["validation"] == {"min": 1, "max": 20}
    assert [c["value"] for c in fields["reason"]["validation"]["choices"]] == [
        "keluarga-baru", "pisah-kk"]
    ktp = client.get("/api/services/langsa.dukcapil.ktp-el-baru").get_json()
    dates = [f for f in ktp["fields"] if f["type"] == "date"]
    assert dates and all(f["validation"]["min_date"] == "1900-01-01"
                         and f["validation"]["max_date"] == "2100-12-31" for f in dates)
