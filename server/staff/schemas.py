"""marshmallow schemas of staff administration and the audit log browser."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from ..accounts.models import OFFICER_ROLES
from ..accounts.schemas import USERNAME, AuditEventSchema, OfficerSchema


class StaffListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OfficerSchema))
    roles = ma.fields.List(ma.fields.String(), metadata={"description": "roles you may give"})
    mpps = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "MPPs in reach with their agencies and each agency's counters"})


class StaffCreateSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=USERNAME)
    full_name = ma.fields.String(required=True, validate=v.Length(min=1, max=200))
    role = ma.fields.String(required=True, validate=v.OneOf(OFFICER_ROLES))
    mpp = ma.fields.String(load_default=None, allow_none=True, validate=v.Length(max=40),
                           metadata={"description": "admins only; a supervisor's own MPP"})
    agency = ma.fields.String(load_default=None, allow_none=True, validate=v.Length(max=40))
    counter = ma.fields.String(load_default=None, allow_none=True, validate=v.Length(max=40))


class StaffPatchSchema(ma.Schema):
    full_name = ma.fields.String(validate=v.Length(min=1, max=200))
    role = ma.fields.String(validate=v.OneOf(OFFICER_ROLES))
    mpp = ma.fields.String(allow_none=True, validate=v.Length(max=40))
    agency = ma.fields.String(allow_none=True, validate=v.Length(max=40))
    counter = ma.fields.String(allow_none=True, validate=v.Length(max=40))
    disabled = ma.fields.Boolean()


class TemporaryPasswordSchema(ma.Schema):
    officer = ma.fields.Nested(OfficerSchema)
    temporary_password = ma.fields.String(metadata={
        "description": "shown once; the officer sets a new one at their next sign-in"})


class PasswordChangeSchema(ma.Schema):
    current_password = ma.fields.String(required=True, validate=v.Length(min=1, max=256))
    new_password = ma.fields.String(required=True, validate=v.Length(min=1, max=256))


class StaffAuditQuerySchema(ma.Schema):
    action = ma.fields.String(validate=v.Length(min=1, max=60),
                              metadata={"description": "prefix, e.g. officer. or sync."})
    actor_id = ma.fields.String(validate=v.Length(min=1, max=64))
    target_kind = ma.fields.String(validate=v.Length(min=1, max=40))
    target_id = ma.fields.String(validate=v.Length(min=1, max=64))
    outcome = ma.fields.String(validate=v.OneOf(["ok", "denied", "failed"]))
    first = ma.fields.Date(metadata={"description": "from this day (WIB)"})
    last = ma.fields.Date(metadata={"description": "to this day (WIB), inclusive"})
    before = ma.fields.Integer(validate=v.Range(min=1, max=2 ** 62),
                               metadata={"description": "next page: events older than this id"})
    limit = ma.fields.Integer(load_default=50, validate=v.Range(min=1, max=200))


class StaffAuditEventSchema(AuditEventSchema):
    """An audit event as the staff browser lists it: the accounts' event with the actor's
    name beside their id, and without the session id."""

    actor_name = ma.fields.String(allow_none=True)

    class Meta:
        exclude = ("session_id",)


class StaffAuditListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(StaffAuditEventSchema))
    next_before = ma.fields.Integer(allow_none=True)
