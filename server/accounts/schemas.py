"""marshmallow schemas for sign-in, the profile, devices and officers."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from ..fields import UtcDateTime

from .models import OFFICER_ROLES


class OtpRequestSchema(ma.Schema):
    phone = ma.fields.String(required=True, validate=v.Length(min=1, max=32),
                             metadata={"example": "0812 3456 7890"})


class OtpSentSchema(ma.Schema):
    phone = ma.fields.String(metadata={"description": "masked"})
    expires_in = ma.fields.Integer()
    resend_in = ma.fields.Integer()


class OtpVerifySchema(ma.Schema):
    phone = ma.fields.String(required=True, validate=v.Length(min=1, max=32))
    code = ma.fields.String(required=True, validate=v.Length(min=1, max=12))
    device_name = ma.fields.String(load_default="", validate=v.Length(max=120))


class ProfileSchema(ma.Schema):
    id = ma.fields.UUID()
    phone = ma.fields.String(allow_none=True)
    nik = ma.fields.String(allow_none=True)
    full_name = ma.fields.String(allow_none=True)
    birth_place = ma.fields.String(allow_none=True)
    birth_date = ma.fields.Date(allow_none=True)
    sex = ma.fields.String(allow_none=True)
    address = ma.fields.String(allow_none=True)
    kk_number = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    verified_keys = ma.fields.List(ma.fields.String())
    language = ma.fields.String()
    created_at = UtcDateTime()


class ProfilePatchSchema(ma.Schema):
    nik = ma.fields.String(allow_none=True, validate=v.Length(equal=16))
    full_name = ma.fields.String(allow_none=True, validate=v.Length(min=1, max=200))
    birth_place = ma.fields.String(allow_none=True, validate=v.Length(min=1, max=120))
    birth_date = ma.fields.Date(allow_none=True)
    sex = ma.fields.String(allow_none=True, validate=v.OneOf(["L", "P"]))
    address = ma.fields.String(allow_none=True, validate=v.Length(min=1, max=500))
    kk_number = ma.fields.String(allow_none=True, validate=v.Length(equal=16))
    email = ma.fields.Email(allow_none=True)
    language = ma.fields.String(validate=v.OneOf(["id", "en"]))


class DeviceSchema(ma.Schema):
    id = ma.fields.UUID()
    device_name = ma.fields.String()
    created_at = UtcDateTime()
    last_seen_at = UtcDateTime()
    expires_at = UtcDateTime()
    current = ma.fields.Boolean()


class DeviceListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DeviceSchema))


class SignedInSchema(ma.Schema):
    token = ma.fields.String(metadata={"description": "send as Authorization: Bearer <token>"})
    session = ma.fields.Nested(DeviceSchema)
    citizen = ma.fields.Nested(ProfileSchema)
    new_account = ma.fields.Boolean()


class EraseSchema(ma.Schema):
    confirm = ma.fields.String(required=True, metadata={"description": 'must be "HAPUS"'})


class OfficerSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    full_name = ma.fields.String()
    role = ma.fields.String(metadata={"enum": list(OFFICER_ROLES)})
    mpp = ma.fields.Function(lambda o: o.mpp.code if o.mpp else None)
    agency = ma.fields.Function(lambda o: o.agency.code if o.agency else None)
    agency_name = ma.fields.Function(lambda o: o.agency.name if o.agency else None,
                                     metadata={"description": "For people; `agency` is the code"})
    disabled = ma.fields.Boolean()
    counter = ma.fields.Function(lambda o: o.counter.code if o.counter else None,
                                 metadata={"type": "string", "nullable": True})
    must_change_password = ma.fields.Boolean(
        metadata={"description": "set a new password (POST /api/officer/password) first"})


class OfficerListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OfficerSchema))


class OfficerLoginSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=v.Length(min=1, max=60))
    password = ma.fields.String(required=True, validate=v.Length(min=1, max=256))
    device_name = ma.fields.String(load_default="", validate=v.Length(max=120))


class OfficerSignedInSchema(ma.Schema):
    token = ma.fields.String()
    officer = ma.fields.Nested(OfficerSchema)
    expires_at = UtcDateTime()


USERNAME = v.Regexp(r"^[a-z0-9._-]{3,60}$", error="3-60 lower-case letters, digits, . _ -")


class OfficerCreateSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=USERNAME)
    password = ma.fields.String(required=True, validate=v.Length(min=1, max=256))
    full_name = ma.fields.String(required=True, validate=v.Length(min=1, max=200))
    role = ma.fields.String(required=True, validate=v.OneOf(OFFICER_ROLES))
    mpp = ma.fields.String(load_default=None, allow_none=True)
    agency = ma.fields.String(load_default=None, allow_none=True)


class OfficerPatchSchema(ma.Schema):
    password = ma.fields.String(validate=v.Length(min=1, max=256))
    full_name = ma.fields.String(validate=v.Length(min=1, max=200))
    role = ma.fields.String(validate=v.OneOf(OFFICER_ROLES))
    mpp = ma.fields.String(allow_none=True)
    agency = ma.fields.String(allow_none=True)
    disabled = ma.fields.Boolean()


class AuditQuerySchema(ma.Schema):
    target_kind = ma.fields.String(validate=v.Length(min=1, max=40))
    target_id = ma.fields.String(validate=v.Length(min=1, max=64))
    actor_id = ma.fields.String(validate=v.Length(min=1, max=64))
    limit = ma.fields.Integer(load_default=100, validate=v.Range(min=1, max=500))


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    at = UtcDateTime()
    actor_kind = ma.fields.String()
    actor_id = ma.fields.String(allow_none=True)
    session_id = ma.fields.String(allow_none=True)
    ip = ma.fields.String(allow_none=True)
    action = ma.fields.String()
    target_kind = ma.fields.String(allow_none=True)
    target_id = ma.fields.String(allow_none=True)
    outcome = ma.fields.String()
    details = ma.fields.Dict()


class AuditListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AuditEventSchema))
