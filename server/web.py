"""What is not the JSON API: the built PWA, the API docs page, /healthz, security headers."""
from __future__ import annotations

import logging
import mimetypes

from flask import Blueprint, Flask, current_app, jsonify, render_template, request, \
    send_from_directory, url_for
from sqlalchemy import text
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter, Rule as WerkzeugRule
from swagger_ui_bundle import swagger_ui_path

from .access import allow
from .errors import ApiError
from .extensions import db
from .json_input import JsonRequest

log = logging.getLogger(__name__)


class CodeConverter(BaseConverter):
    """A catalog code in a URL (`langsa`, `langsa.dukcapil.kk-baru`). Anything else is a 404
    from the router, before it can reach a query."""

    regex = r"[a-z0-9][a-z0-9.\-]{0,119}"


class Rule(WerkzeugRule):
    """werkzeug's Rule, whose two URL builders (url_for) are compiled on their first use
    rather than when the route is added. Compiling them (Python ast, then compile()) was most
    of the cost of building an app (about 0.05 s of CPU for its ~90 routes; every test builds
    one) and most apps build few URLs. Matching is not touched; the builder is werkzeug's own
    (tests/unit/test_url_building.py builds every route both ways and compares)."""

    def _compile_builder(self, append_unknown=True):
        compile_now = super()._compile_builder
        compiled = None

        def build(rule, **values):
            nonlocal compiled
            if compiled is None:  # two threads may both compile it: the same function
                compiled = compile_now(append_unknown).__get__(rule, None)
            return compiled(**values)
        return build

bp = Blueprint("web", __name__)

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Swagger UI sets style attributes from its bundle; only its page relaxes style-src.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'")

IMMUTABLE = "public, max-age=31536000, immutable"


@bp.route("/healthz")
@allow("public")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means the database is not usable
        log.exception("health check: database unreachable")
        raise ApiError(503, "service_unavailable", details={"database": "unreachable"}) from None
    response = jsonify({"status": "ok", "database": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/api/docs")
@allow("public")
def api_docs():
    response = current_app.make_response(render_template(
        "api_docs.html", spec_url=url_for("api-docs.openapi_json")))
    response.headers["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
    return response


@bp.route("/api/docs/swagger-ui/<path:filename>")
@allow("public")
def swagger_ui_asset(filename: str):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


@bp.route("/", defaults={"filename": "index.html"})
@bp.route("/<path:filename>")
@allow("public")
def pwa(filename: str):
    """The built PWA (pwa/dist). Hashed assets are immutable; everything else revalidates."""
    if filename.startswith("api/"):
        raise ApiError(404)
    filename = FLOOR_PAGES.get(filename, filename)
    dist = current_app.config["PWA_DIST_DIR"]
    if not (dist / "index.html").exists():
        raise ApiError(503, "service_unavailable",
                       details={"reason": "the PWA is not built; run `make run` or "
                                          "`make pwa`"})
    response = _send_compressed(dist, filename) or send_from_directory(dist, filename)
    if filename.startswith("assets/"):
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = "no-cache"
    if filename.endswith(".webmanifest"):
        response.mimetype = "application/manifest+json"
    return response


# The MPP floor's own pages (Vite entries of their own, kiosk.html and display.html), at the
# short addresses staff type into the kiosk and the TV.
FLOOR_PAGES = {"kiosk": "kiosk.html", "display": "display.html"}

# Precompressed copies written by the PWA build (pwa/scripts/compress.mjs), best first.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def _send_compressed(dist, filename: str):
    """The .br or .gz copy of a built file when the browser accepts it: the bytes on a weak,
    paid link are a third of the plain file's. None when there is no such copy."""
    accepted = request.accept_encodings
    for encoding, suffix in ENCODINGS:
        if not accepted[encoding]:
            continue
        try:
            response = send_from_directory(dist, filename + suffix)
        except NotFound:
            continue
        response.headers["Content-Encoding"] = encoding
        response.mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response.vary.add("Accept-Encoding")
        return response
    return None


def security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if request.path.startswith("/api/") and "Cache-Control" not in headers:
        # API answers are private unless a route says it may be cached.
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.request_class = JsonRequest  # every get_json() survives a body nested too deeply
    app.register_blueprint(bp)
    app.after_request(security_headers)
