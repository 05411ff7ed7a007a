"""Catalog API: a routing table over catalog.operations. Public, cacheable, no personal data."""
from __future__ import annotations

from flask import current_app, jsonify, request

from ..access import allow
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint, db
from . import operations as ops
from .schemas import (
    CatalogVersionSchema, DocumentTypeListSchema, MppDetailSchema, MppListSchema,
    ServiceDetailSchema, ServiceListSchema, ServiceQuerySchema,
)

blp = Blueprint("catalog", __name__, url_prefix="/api",
                description="Katalog layanan MPP / The MPP service catalog")


def cacheable(payload: dict):
    """A public JSON response with a strong ETag of its body; 304 when the client has it."""
    response = jsonify(payload)
    response.add_etag()
    response.headers["Cache-Control"] = (
        f"public, max-age={current_app.config['CATALOG_CACHE_MAX_AGE']}, "
        "stale-while-revalidate=86400")
    return response.make_conditional(request)


@blp.route("/catalog/version")
@allow("public")
@blp.response(200, CatalogVersionSchema)
def catalog_version():
    """Versi katalog / Catalog version: cheap check whether an offline copy is stale."""
    meta = ops.catalog_version(db.session)
    response = jsonify(CatalogVersionSchema().dump(meta))
    response.headers["Cache-Control"] = "no-cache"
    return response


@blp.route("/mpps")
@allow("public")
@blp.response(200, MppListSchema)
def list_mpps():
    """Daftar MPP / List MPPs."""
    return cacheable(MppListSchema().dump({"items": ops.list_mpps(db.session)}))


@blp.route("/mpps/<code:code>")
@allow("public")
@blp.response(200, MppDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such MPP")
def get_mpp(code: str):
    """Satu MPP dengan instansinya / One MPP with its agencies."""
    row = ops.get_mpp(db.session, code)
    if row is None:
        raise ApiError(404, "mpp_not_found", {"code": code}, params={"code": code})
    return cacheable(MppDetailSchema().dump(row))


@blp.route("/services")
@allow("public")
@blp.arguments(ServiceQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ServiceListSchema)
def list_services(mpp=None, agency=None, q=None, limit=100, offset=0):
    """Cari layanan / Search services by MPP, agency and words in either language."""
    if mpp and not ops.mpp_exists(db.session, mpp):
        raise ApiError(404, "mpp_not_found", {"code": mpp}, params={"code": mpp})
    items, total = ops.search_services(db.session, mpp=mpp, agency=agency, q=q,
                                       limit=limit, offset=offset)
    return cacheable(ServiceListSchema().dump(
        {"items": items, "total": total, "limit": limit, "offset": offset}))


@blp.route("/services/<code:code>")
@allow("public")
@blp.response(200, ServiceDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such service")
def get_service(code: str):
    """Standar pelayanan lengkap / A service's full standard and form."""
    service = ops.get_service(db.session, code)
    if service is None:
        raise ApiError(404, "service_not_found", {"code": code}, params={"code": code})
    return cacheable(ServiceDetailSchema().dump(service))


@blp.route("/document-types")
@allow("public")
@blp.response(200, DocumentTypeListSchema)
def list_document_types():
    """Jenis dokumen / Document types and how long a verified one stays valid."""
    return cacheable(DocumentTypeListSchema().dump(
        {"items": ops.list_document_types(db.session)}))
