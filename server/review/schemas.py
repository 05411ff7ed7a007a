"""Marshmallow schemas of the officer console API: what each action accepts (explicit
allow-lists; any other key is a 400 naming it) and, for the OpenAPI document, what it
answers. Action rules (which state allows what, that a rejection needs a reason) are not
here: they live in sync/officer.py and come back as its refusal codes."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from sync import states

from .operations import VISIBLE_STATES

MAX_INT = 2**31 - 1
Text = ma.fields.String


class QueueQuerySchema(ma.Schema):
    state = Text(validate=v.OneOf(VISIBLE_STATES),
                 metadata={"description": "One state; default: every state of the queue "
                                          "(submitted, in_review, revision_requested, approved, "
                                          "ready)"})
    service = Text(validate=v.Length(1, 120), metadata={"description": "A service code"})
    q = Text(validate=v.Length(1, 100),
             metadata={"description": "A reference number (exact, any case) or a 16-digit NIK"})
    limit = ma.fields.Integer(load_default=50, validate=v.Range(1, 100))
    offset = ma.fields.Integer(load_default=0, validate=v.Range(0, 100_000))


class ReasonQuerySchema(ma.Schema):
    document_type = Text(validate=v.Length(1, 40))


class VersionSchema(ma.Schema):
    version = ma.fields.Integer(required=True, strict=True, validate=v.Range(0, MAX_INT),
                                metadata={"description": "The application version the officer "
                                                         "saw; 409 stale if it changed since"})


class ReviewSchema(VersionSchema):
    requirement = Text(required=True, validate=v.Length(1, 60))
    decision = Text(required=True, validate=v.OneOf(["accept", "reject"]))
    reason = Text(allow_none=True, validate=v.Length(1, 40),
                  metadata={"description": "A code from GET /api/officer/reasons"})
    note = Text(load_default="", validate=v.Length(max=1000))


class NoteSchema(VersionSchema):
    note = Text(load_default="", validate=v.Length(max=2000))


class RejectSchema(VersionSchema):
    note = Text(required=True, validate=v.Length(max=2000),
                metadata={"description": "Why, for the applicant (required, not blank)"})


class PickupSchema(ma.Schema):
    counter = Text(required=True, validate=v.Length(1, 100))
    hours = Text(required=True, validate=v.Length(1, 200))
    bring = ma.fields.List(Text(validate=v.Length(1, 200)), load_default=list,
                           validate=v.Length(max=20),
                           metadata={"description": "Originals the applicant brings"})
    visit_date = ma.fields.Date(allow_none=True, load_default=None,
                                metadata={"description": "YYYY-MM-DD, today or later"})


class ReadySchema(VersionSchema):
    pickup = ma.fields.Nested(PickupSchema, required=True)


class DiscrepancySchema(VersionSchema):
    field = Text(required=True, validate=v.Length(1, 60))


class CompleteSchema(VersionSchema):
    code = Text(required=True, validate=v.Length(1, 100),
                metadata={"description": "The ticket code, scanned or typed"})


class TicketLookupSchema(ma.Schema):
    code = Text(required=True, validate=v.Length(1, 100))


# ---- responses (documentation; the views return these shapes as JSON) -------------------

def _nullable(field):
    field.allow_none = True
    return field


class ServiceRefSchema(ma.Schema):
    code = Text()
    name_id = Text()
    name_en = Text()


class ApplicantSchema(ma.Schema):
    name = _nullable(Text())
    nik_masked = _nullable(Text())


class ReviewerSchema(ma.Schema):
    id = Text()
    name = _nullable(Text())
    since = _nullable(Text())


class QueueItemSchema(ma.Schema):
    id = Text()
    reference = _nullable(Text())
    service = ma.fields.Nested(ServiceRefSchema)
    state = Text(metadata={"enum": list(states.STATES)})
    submitted_at = _nullable(Text())
    due_on = _nullable(Text())
    working_days_left = _nullable(ma.fields.Integer())
    applicant = ma.fields.Nested(ApplicantSchema)
    reviewer = ma.fields.Nested(ReviewerSchema, allow_none=True)
    version = ma.fields.Integer()


class QueueSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(QueueItemSchema))
    total = ma.fields.Integer()
    limit = ma.fields.Integer()
    offset = ma.fields.Integer()
    counts = ma.fields.Dict(keys=Text(), values=ma.fields.Integer())


class DetailSchema(ma.Schema):
    """An application as the console shows it (see docs in README / the report)."""

    id = Text()
    reference = _nullable(Text())
    state = Text()
    version = ma.fields.Integer()
    service = ma.fields.Dict()
    created_at = Text()
    updated_at = Text()
    submitted_at = _nullable(Text())
    due_on = _nullable(Text())
    working_days_left = _nullable(ma.fields.Integer())
    applicant = ma.fields.Nested(ApplicantSchema)
    fields = ma.fields.List(ma.fields.Dict())
    requirements = ma.fields.List(ma.fields.Dict())
    discrepancies = ma.fields.List(ma.fields.Dict())
    officer_note = Text()
    reviewer = ma.fields.Nested(ReviewerSchema, allow_none=True)
    pickup = _nullable(ma.fields.Dict())
    ticket = _nullable(ma.fields.Dict())
    allowed_actions = ma.fields.List(Text())
    pickup_suggestion = _nullable(ma.fields.Dict())


class TicketCheckSchema(ma.Schema):
    application = ma.fields.Nested(DetailSchema)
    check = ma.fields.Dict()


class ReasonSchema(ma.Schema):
    code = Text()
    label_id = Text()
    label_en = Text()


class ReasonListSchema(ma.Schema):
    document_type = _nullable(Text())
    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema))


class ActivityItemSchema(ma.Schema):
    at = Text()
    action = Text()
    actor = ma.fields.Dict()
    version = _nullable(ma.fields.Integer())
    details = ma.fields.Dict()


class ActivitySchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ActivityItemSchema))
