"""What the walk-in routes accept (explicit allow-lists: any other key is a 400) and answer
(the review console's DetailSchema, plus how the citizen was identified)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from ..review.schemas import DetailSchema

Text = ma.fields.String


class CodeRequestSchema(ma.Schema):
    phone = Text(required=True, validate=v.Length(1, 40),
                 metadata={"description": "The citizen's mobile number (08..., +62...)"})


class CodeSentSchema(ma.Schema):
    phone = Text(metadata={"description": "The number, masked"})
    expires_in = ma.fields.Integer()
    resend_in = ma.fields.Integer()


class ServiceItemSchema(ma.Schema):
    code = Text()
    name_id = Text()
    name_en = Text()


class ServiceListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ServiceItemSchema))


class StartSchema(ma.Schema):
    service_id = Text(required=True, validate=v.Length(3, 120))
    phone = Text(allow_none=True, load_default=None, validate=v.Length(1, 40))
    code = Text(allow_none=True, load_default=None, validate=v.Length(1, 12),
                metadata={"description": "The one-time code sent to the phone"})
    no_phone = ma.fields.Boolean(load_default=False, metadata={
        "description": "The citizen has no phone (then phone and code are not used)"})
    note = Text(load_default="", validate=v.Length(max=500))
    nik = Text(required=True, validate=v.Length(1, 20))
    full_name = Text(allow_none=True, load_default=None, validate=v.Length(1, 200))
    birth_date = ma.fields.Date(required=True)
    sex = Text(allow_none=True, load_default=None, validate=v.OneOf(["L", "P"]))

    @ma.validates_schema
    def _phone_or_none(self, data, **kwargs):
        if not data.get("no_phone") and not data.get("phone"):
            raise ma.ValidationError("A phone number, or no_phone.", "phone")


class FieldsSchema(ma.Schema):
    fields = ma.fields.Dict(keys=Text(), values=ma.fields.Raw(allow_none=True), required=True)


class AttachSchema(ma.Schema):
    requirement_code = Text(required=True, validate=v.Length(1, 60))
    document_id = Text(required=True, validate=v.Length(36, 36))


class WalkInInfoSchema(ma.Schema):
    identified_by = Text(metadata={"enum": ["code", "no_phone"]})
    note = Text()
    phone_masked = Text(allow_none=True)
    officer_id = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()


class WalkInDetailSchema(DetailSchema):
    walk_in = ma.fields.Nested(WalkInInfoSchema)


class InProgressItemSchema(ma.Schema):
    id = Text()
    service = ma.fields.Nested(ServiceItemSchema)
    identified_by = Text(metadata={"enum": ["code", "no_phone"]})
    created_at = ma.fields.AwareDateTime()
    nik_masked = Text(allow_none=True)


class InProgressSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InProgressItemSchema))

