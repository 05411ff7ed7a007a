"""Cross-cutting API behaviour: the error shape for every status, health, OpenAPI, headers."""
from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

from server.access import allow
from server.extensions import Blueprint
from tests.conftest import make_app, dispose
from tests.helpers import assert_error

import marshmallow as ma


class EchoSchema(ma.Schema):
    name = ma.fields.String(required=True)


@pytest.fixture
def probe_client(app):
    """The app with two routes that exist only in this test: one that reads JSON and one
    that fails, to prove the error machinery every real route relies on."""
    blp = Blueprint("probe", __name__, url_prefix="/api/probe")

    @blp.route("/echo", methods=["POST"])
    @allow("public")
    @blp.arguments(EchoSchema)
    def echo(data):
        return data

    @blp.route("/boom")
    @allow("public")
    def boom():
        raise RuntimeError("secret detail that must not leak")

    app.extensions["flask-smorest"]["apis"][""]["ext_obj"].register_blueprint(blp)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app.test_client()


def test_400_invalid_json(probe_client):
    response = probe_client.post("/api/probe/echo", data="{nope",
                                 headers={"Content-Type": "application/json"})
    assert_error(response, 400)


def test_400_validation_names_the_field(probe_client):
    error = assert_error(probe_client.post("/api/probe/echo", json={"name": 5}), 400,
                         "validation_failed")
    assert "name" in error["details"]["fields"]["json"]


def test_400_unknown_body_field(probe_client):
    error = assert_error(probe_client.post("/api/probe/echo", json={"name": "a", "x": 1}), 400,
                         "unknown_parameter")
    assert "x" in error["message"]


def test_413_body_too_large(probe_client):
    big = '{"name": "' + "a" * (2 * 1024 * 1024) + '"}'
    error = assert_error(probe_client.post("/api/probe/echo", data=big,
                                           headers={"Content-Type": "application/json"}), 413,
                         "payload_too_large")
    assert "1 MB" in error["message"]


def test_415_not_json(probe_client):
    assert_error(probe_client.post("/api/probe/echo", data="name=a",
                                   headers={"Content-Type": "application/x-www-form-urlencoded"}),
                 415, "unsupported_media_type")


def test_500_is_the_error_shape_and_leaks_nothing(probe_client):
    response = probe_client.get("/api/probe/boom", headers={"Accept-Language": "en"})
    error = assert_error(response, 500, "internal_error")
    assert "secret" not in response.get_data(as_text=True)
    assert "Nothing you sent was lost" in error["message"]


def test_a_route_without_an_access_rule_is_refused(app):
    """Deny by default: a view that forgot @allow is a 403, never open."""
    blp = Blueprint("forgotten", __name__, url_prefix="/api/forgotten")

    @blp.route("/")
    def forgotten():
        return {"secret": True}

    app.extensions["flask-smorest"]["apis"][""]["ext_obj"].register_blueprint(blp)
    assert_error(app.test_client().get("/api/forgotten/"), 403, "forbidden")


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_is_gone(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/no/such/dir/db.sqlite", tmp_path / "instance")
    try:
        error = assert_error(app.test_client().get("/healthz"), 503, "service_unavailable")
        assert error["details"] == {"database": "unreachable"}
    finally:
        dispose(app)


def test_openapi_document_is_valid_openapi_3(client):
    spec = client.get("/api/openapi.json").get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    for path in ("/api/mpps", "/api/mpps/{code}", "/api/services", "/api/services/{code}",
                 "/api/catalog/version", "/api/document-types"):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/api/services"]["get"]["parameters"]}
    assert {"mpp", "agency", "q", "limit", "offset"} <= params
    assert "Error" in spec["components"]["schemas"]


def test_docs_page_is_served_from_our_origin(client):
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html  # no inline script
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    asset = client.get("/api/docs/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    assert client.get("/static/api-docs.js").status_code == 200


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


@pytest.mark.parametrize("url", ["/api/mpps", "/api/mpps/tidak-ada", "/healthz",
                                 "/api/openapi.json"])
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "Strict-Transport-Security" not in response.headers  # plain http here


def test_hsts_over_https(client):
    response = client.get("/healthz", base_url="https://mpp.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_errors_are_never_cached(client):
    assert client.get("/api/mpps/tidak-ada").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("body", [
    {"username": "a\u0000b", "password": "x"},
    {"username": "\ud853", "password": "x"},
])
def test_text_no_database_can_store_is_400_not_500(client, body):
    """Found by the schemathesis run on PostgreSQL: a NUL byte reached a query and made a 500."""
    response = client.post("/api/officer/login", data=json.dumps(body),
                           headers={"Content-Type": "application/json"})
    error = assert_error(response, 400, "validation_failed")
    assert "username" in error["details"]["fields"]["json"]


def test_nul_in_a_query_parameter_is_400(client):
    assert_error(client.get("/api/services?q=a%00b"), 400, "validation_failed")
