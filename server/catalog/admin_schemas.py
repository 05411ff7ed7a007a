"""marshmallow schemas of catalog administration (server/catalog/admin.py)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

SCOPE = ma.fields.String(required=True, validate=v.Length(min=1, max=60), metadata={
    "description": "'national' or 'mpp:<code>'", "example": "mpp:langsa"})
DATA_DESCRIPTION = ("the scope's data in the data files' shape (docs/catalog-format.md): "
                    "national: {document_types, service_standards, holidays}; an MPP: {mpp}")
MAX_YAML = 2 * 1024 * 1024


class ScopeQuerySchema(ma.Schema):
    scope = SCOPE


class OverviewScopeSchema(ma.Schema):
    scope = ma.fields.String()
    name = ma.fields.String()
    editable = ma.fields.Boolean()


class OverviewMeSchema(ma.Schema):
    national = ma.fields.Boolean()
    mpp = ma.fields.String(allow_none=True)


class OverviewSchema(ma.Schema):
    version = ma.fields.Integer()
    me = ma.fields.Nested(OverviewMeSchema)
    scopes = ma.fields.List(ma.fields.Nested(OverviewScopeSchema))
    open_drafts = ma.fields.Integer()


class CurrentSchema(ma.Schema):
    scope = ma.fields.String()
    version = ma.fields.Integer()
    base_digest = ma.fields.String()
    data = ma.fields.Dict(metadata={"description": DATA_DESCRIPTION})


class DraftSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    scope = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["open", "published", "discarded"]})
    note = ma.fields.String()
    base_version = ma.fields.Integer()
    base_digest = ma.fields.String()
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    published_at = ma.fields.DateTime(allow_none=True)
    published_version = ma.fields.Integer(allow_none=True)


class DraftSchema(DraftSummarySchema):
    data = ma.fields.Dict(metadata={"description": DATA_DESCRIPTION})


class DraftListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DraftSummarySchema))


class DraftCreateSchema(ma.Schema):
    scope = SCOPE
    note = ma.fields.String(load_default="", validate=v.Length(max=200))
    data = ma.fields.Dict(metadata={"description": "optional: else a copy of the published "
                                                   "scope. " + DATA_DESCRIPTION})


class DraftSaveSchema(ma.Schema):
    data = ma.fields.Dict(metadata={"description": DATA_DESCRIPTION})
    note = ma.fields.String(validate=v.Length(max=200))


class ImportSchema(ma.Schema):
    scope = SCOPE
    yaml = ma.fields.String(required=True, validate=v.Length(min=1, max=MAX_YAML), metadata={
        "description": "the file's text, as GET /api/admin/catalog/export gives it"})
    note = ma.fields.String(load_default="", validate=v.Length(max=200))


class CatalogErrorSchema(ma.Schema):
    scope = ma.fields.String(metadata={"description": "the scope the error is in"})
    path = ma.fields.String(metadata={
        "description": "dotted path into that scope's data, list items by index "
                       "(e.g. mpp.agencies.0.services.1.fee); empty: the data as a whole"})
    code = ma.fields.String()
    message = ma.fields.String(metadata={"description": "Bahasa Indonesia"})
    message_en = ma.fields.String()


class CheckSchema(ma.Schema):
    ok = ma.fields.Boolean()
    errors = ma.fields.List(ma.fields.Nested(CatalogErrorSchema))


class PublishSchema(ma.Schema):
    draft = ma.fields.Nested(DraftSummarySchema)
    version = ma.fields.Integer(metadata={"description": "the catalog version now"})
    changed = ma.fields.Boolean()
