"""Catalog administration API (#18): a routing table over catalog.drafts and catalog.export.

Every route is for admins (`allow("admin")`: a verifier or supervisor is refused and audited
by server/access.py); which scope an admin may edit (national admin: all; MPP admin: their
MPP) is catalog.drafts' rule, and a refusal of it is audited here as
`catalog.access_refused`. Contract for the console: /tmp/team/catalog-admin-api.md, mirrored
in docs/catalog-format.md ("Editing in the console").
"""
from __future__ import annotations

from flask import Response, request

from ..access import allow, current_principal
from ..audit.operations import record
from ..db_types import utcnow
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint, db
from ..transactions import request_work
from . import drafts as ops
from . import export
from .admin_schemas import (
    CheckSchema, CurrentSchema, DraftCreateSchema, DraftListSchema, DraftSaveSchema,
    DraftSchema, ImportSchema, OverviewSchema, PublishSchema, ScopeQuerySchema,
)

blp = Blueprint("catalog_admin", __name__, url_prefix="/api/admin/catalog",
                description="Administrasi katalog / Catalog administration (drafts, "
                            "publication, YAML export and import)")
BEARER = [{"bearerAuth": []}]
DRAFT_ID = "<int(max=2147483647):draft_id>"


class _Guard:
    """Audit a refusal of scope (kept although the request fails), then let it go on."""

    def __enter__(self):
        return self

    def __exit__(self, kind, err, _tb):
        if isinstance(err, ApiError) and err.code == "catalog_scope_forbidden":
            work = request_work()
            work.write()
            record("catalog.access_refused", target_kind="catalog_scope",
                   target_id=err.details.get("scope"), outcome="denied",
                   details={"method": request.method, "path": request.path})
            work.keep()
        return False


def _officer():
    return current_principal().officer


def _scope(value) -> str:
    return ops.parse_scope(db.session, value)


@blp.route("")
@allow("admin")
@blp.response(200, OverviewSchema)
@blp.doc(security=BEARER)
def overview():
    """Katalog untuk admin / Who you are as catalog admin, the scopes you may edit, the
    catalog version and your open drafts."""
    return ops.overview(db.session, _officer())


@blp.route("/current")
@allow("admin")
@blp.arguments(ScopeQuerySchema, location="query", as_kwargs=True)
@blp.response(200, CurrentSchema)
@blp.alt_response(400, schema=ErrorSchema, description="catalog_scope_invalid")
@blp.alt_response(404, schema=ErrorSchema, description="mpp_not_found")
@blp.doc(security=BEARER)
def current(scope):
    """Katalog terbit satu bagian / One scope of the published catalog, in the data files'
    shape, with the digest a draft starts from. Any admin may read any scope (it is the
    public catalog: an MPP admin picks the national standards its MPP offers); editing is
    what the scope limits."""
    return ops.current(db.session, _scope(scope))


@blp.route("/drafts")
@allow("admin")
@blp.response(200, DraftListSchema)
@blp.doc(security=BEARER)
def list_drafts():
    """Daftar draf / The drafts you may see, newest first (without their data)."""
    return {"items": ops.drafts(db.session, _officer())}


@blp.route("/drafts", methods=["POST"])
@allow("admin")
@blp.arguments(DraftCreateSchema)
@blp.response(201, DraftSchema)
@blp.alt_response(400, schema=ErrorSchema, description="catalog_scope_invalid")
@blp.alt_response(403, schema=ErrorSchema, description="catalog_scope_forbidden (audited)")
@blp.alt_response(404, schema=ErrorSchema, description="mpp_not_found")
@blp.alt_response(422, schema=ErrorSchema, description="catalog_invalid: details.errors")
@blp.doc(security=BEARER)
def create_draft(body):
    """Buat draf / Start a draft of one scope: a copy of the published scope, or the data
    given."""
    with _Guard():
        scope = _scope(body["scope"])
        draft = ops.create_draft(db.session, _officer(), scope, utcnow(), note=body["note"],
                                 data=body.get("data"))
    record("catalog.draft_created", target_kind="catalog_draft", target_id=draft.id,
           details={"scope": scope})
    return draft


@blp.route(f"/drafts/{DRAFT_ID}")
@allow("admin")
@blp.response(200, DraftSchema)
@blp.alt_response(403, schema=ErrorSchema, description="catalog_scope_forbidden (audited)")
@blp.alt_response(404, schema=ErrorSchema, description="catalog_draft_not_found")
@blp.doc(security=BEARER)
def get_draft(draft_id):
    """Satu draf / One draft with its data."""
    with _Guard():
        return ops.get_draft(db.session, _officer(), draft_id)


@blp.route(f"/drafts/{DRAFT_ID}", methods=["PUT"])
@allow("admin")
@blp.arguments(DraftSaveSchema)
@blp.response(200, DraftSchema)
@blp.alt_response(403, schema=ErrorSchema, description="catalog_scope_forbidden (audited)")
@blp.alt_response(404, schema=ErrorSchema, description="catalog_draft_not_found")
@blp.alt_response(409, schema=ErrorSchema, description="catalog_draft_closed")
@blp.alt_response(422, schema=ErrorSchema, description="catalog_invalid (not the scope's keys)")
@blp.doc(security=BEARER)
def save_draft(body, draft_id):
    """Simpan draf / Save a draft's data (the whole scope) or note; the catalog's rules run
    at check and publication."""
    with _Guard():
        draft = ops.get_draft(db.session, _officer(), draft_id, lock=True)
    ops.save_draft(draft, utcnow(), data=body.get("data"), note=body.get("note"))
    return draft


@blp.route(f"/drafts/{DRAFT_ID}", methods=["DELETE"])
@allow("admin")
@blp.response(200, DraftSchema)
@blp.alt_response(403, schema=ErrorSchema, description="catalog_scope_forbidden (audited)")
@blp.alt_response(404, schema=ErrorSchema, description="catalog_draft_not_found")
@blp.alt_response(409, schema=ErrorSchema, description="catalog_draft_closed")
@blp.doc(security=BEARER)
def discard_draft(draft_id):
    """Buang draf / Discard a draft (kept, marked discarded)."""
    with _Guard():
        draft = ops.get_draft(db.session, _officer(), draft_id, lock=True)
    ops.discard(draft, utcnow())
    record("catalog.draft_discarded", target_kind="catalog_draft", target_id=draft.id,
           details={"scope": draft.scope})
    return draft


@blp.route(f"/drafts/{DRAFT_ID}/check", methods=["POST"])
@allow("admin")
@blp.response(200, CheckSchema)
@blp.alt_response(403, schema=ErrorSchema, description="catalog_scope_forbidden (audited)")
@blp.alt_response(404, schema=ErrorSchema, description="catalog_draft_not_found")
@blp.doc(security=BEARER)
def check_draft(draft_id):
    """Periksa draf / The loader's rules on the draft merged with the published catalog:
    each error with the path of its field. Writes nothing."""
    with _Guard():
        draft = ops.get_draft(db.session, _officer(), draft_id)
    errors = ops.check(db.session, draft)
    return {"ok": not errors, "errors": errors}


@blp.route(f"/drafts/{DRAFT_ID}/publish", methods=["POST"])
@allow("admin")
@blp.response(200, PublishSchema)
@blp.alt_response(403, schema=ErrorSchema, description="catalog_scope_forbidden (audited)")
@blp.alt_response(404, schema=ErrorSchema, description="catalog_draft_not_found")
@blp.alt_response(409, schema=ErrorSchema,
                  description="catalog_draft_stale (details: base_version, current_version), "
                              "catalog_draft_closed")
@blp.alt_response(422, schema=ErrorSchema, description="catalog_invalid: details.errors "
                                                       "[{scope, path, code, message, "
                                                       "message_en}]")
@blp.doc(security=BEARER)
def publish_draft(draft_id):
    """Terbitkan draf / Publish a draft: the loader's rules and writing in this request's
    transaction, the catalog version bumped (PWAs see it at their next catalog check)."""
    with _Guard():
        draft, changed, version = ops.publish(db.session, _officer(), draft_id, utcnow())
    record("catalog.published", target_kind="catalog_draft", target_id=draft.id,
           details={"scope": draft.scope, "version": version, "changed": changed})
    return {"draft": draft, "version": version, "changed": changed}


@blp.route("/export")
@allow("admin")
@blp.arguments(ScopeQuerySchema, location="query", as_kwargs=True)
@blp.response(200, {"type": "object"}, content_type="application/yaml",
              description="the scope as one YAML data file (docs/catalog-format.md)")
@blp.alt_response(400, schema=ErrorSchema, description="catalog_scope_invalid")
@blp.alt_response(404, schema=ErrorSchema, description="mpp_not_found")
@blp.doc(security=BEARER)
def export_scope(scope):
    """Unduh YAML / Download one scope as a YAML data file (what `flask catalog export`
    writes; importing it and publishing changes nothing). Any admin, any scope."""
    name, text = export.scope_file(db.session, _scope(scope))
    return Response(text.encode("utf-8"), mimetype="application/yaml", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/import", methods=["POST"])
@allow("admin")
@blp.arguments(ImportSchema)
@blp.response(201, DraftSchema)
@blp.alt_response(400, schema=ErrorSchema, description="catalog_scope_invalid")
@blp.alt_response(403, schema=ErrorSchema, description="catalog_scope_forbidden (audited)")
@blp.alt_response(404, schema=ErrorSchema, description="mpp_not_found")
@blp.alt_response(422, schema=ErrorSchema, description="catalog_invalid: unreadable YAML or "
                                                       "not the scope's keys")
@blp.doc(security=BEARER)
def import_yaml(body):
    """Unggah YAML / Upload a YAML data file of one scope as a new draft (then check and
    publish it as any draft)."""
    with _Guard():
        scope = _scope(body["scope"])
        ops.check_scope(_officer(), scope)
        data = ops.parse_yaml(scope, body["yaml"])
        draft = ops.create_draft(db.session, _officer(), scope, utcnow(), note=body["note"],
                                 data=data)
    record("catalog.draft_imported", target_kind="catalog_draft", target_id=draft.id,
           details={"scope": scope})
    return draft


@blp.route("/services/<code:code>", methods=["DELETE"])
@allow("admin")
@blp.response(204)
@blp.alt_response(403, schema=ErrorSchema, description="catalog_scope_forbidden (audited)")
@blp.alt_response(404, schema=ErrorSchema, description="service_not_found")
@blp.alt_response(409, schema=ErrorSchema,
                  description="catalog_service_in_use (retire it instead), "
                              "catalog_service_active")
@blp.doc(security=BEARER)
def delete_service(code):
    """Hapus layanan / Delete a retired service no application ever used; one in use is
    refused (it stays retired)."""
    with _Guard():
        ops.delete_service(db.session, _officer(), code)
    record("catalog.service_deleted", target_kind="service", target_id=code)
    return ""
