"""Marshmallow schemas of the officer console API: what each action accepts (explicit
allow-lists; any other key is a 400 naming it) and what it answers: the views return data
and flask-smorest dumps it through these, so a key not listed here never leaves the server
(the answers carry personal data) and the OpenAPI document is what is sent. Action rules
(which state allows what, that a rejection needs a reason) are not here: they live in
sync/officer.py and come back as its refusal codes."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from sync import states
from sync.model import REVIEW_STATUSES

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


# ---- answers: every officer answer is dumped through these (an allow-list of fields) ------

class Answer(ma.Schema):
    """An answer is a dict made by operations.py: a key it lacks is missing, never an
    attribute of dict (`keys`, `items` are journal detail names)."""

    def get_attribute(self, obj, attr, default):
        return obj.get(attr, default)


def Nullable(*args, **kwargs):  # noqa: N802 (a field factory)
    return Text(*args, allow_none=True, **kwargs)


class ServiceRefSchema(Answer):
    code = Text()
    name_id = Text()
    name_en = Text()


class OfficeAgencySchema(Answer):
    code = Text()
    name = Text(metadata={"description": "The agency's name, shown instead of its code"})
    counter = Nullable()


class MppRefSchema(Answer):
    code = Text()
    name = Text()


class DetailServiceSchema(ServiceRefSchema):
    sla_days = ma.fields.Integer()
    agency = ma.fields.Nested(OfficeAgencySchema)
    mpp = ma.fields.Nested(MppRefSchema)


class ApplicantSchema(Answer):
    name = Nullable()
    nik_masked = Nullable(metadata={"description": "Only ever masked: 1174********0001"})


class ReviewerSchema(Answer):
    id = Text()
    name = Nullable()
    since = Nullable()


class QueueItemSchema(Answer):
    id = Text()
    reference = Nullable()
    service = ma.fields.Nested(ServiceRefSchema)
    state = Text(metadata={"enum": list(states.STATES)})
    submitted_at = Nullable()
    due_on = Nullable()
    working_days_left = ma.fields.Integer(allow_none=True)
    applicant = ma.fields.Nested(ApplicantSchema)
    reviewer = ma.fields.Nested(ReviewerSchema, allow_none=True)
    version = ma.fields.Integer()


class QueueSchema(Answer):
    items = ma.fields.List(ma.fields.Nested(QueueItemSchema))
    total = ma.fields.Integer()
    limit = ma.fields.Integer()
    offset = ma.fields.Integer()
    counts = ma.fields.Dict(keys=Text(validate=v.OneOf(VISIBLE_STATES)),
                            values=ma.fields.Integer(),
                            metadata={"description": "Applications per state"})


class FieldDiscrepancySchema(Answer):
    record_value = ma.fields.Raw(allow_none=True)
    profile_key = Text()


class ReviewFieldSchema(Answer):
    key = Text()
    type = Nullable()
    label_id = Text()
    label_en = Text()
    required = ma.fields.Boolean()
    profile_key = Nullable()
    value = ma.fields.Raw(allow_none=True, metadata={"description": "As the applicant typed it"})
    value_label_id = Nullable()
    value_label_en = Nullable()
    discrepancy = ma.fields.Nested(FieldDiscrepancySchema, allow_none=True)


class DocumentRefSchema(Answer):
    id = Text()
    status = Text()
    document_type = Nullable()
    content_type = Text()
    size = ma.fields.Integer()
    source = Text()
    verified_at = Nullable()
    expires_on = Nullable()


class PreviousDocumentSchema(DocumentRefSchema):
    """A document this requirement had before the applicant replaced it, as it was reviewed."""

    review_status = Text(metadata={"enum": list(REVIEW_STATUSES)})
    officer_note = Text()
    reviewed_at = Text()


class ReviewRequirementSchema(Answer):
    code = Text()
    title_id = Text()
    title_en = Text()
    required = ma.fields.Boolean()
    document_type = Nullable()
    document_type_name_id = Nullable()
    document_type_name_en = Nullable()
    review_status = Text(metadata={"enum": list(REVIEW_STATUSES)})
    officer_note = Text()
    document = ma.fields.Nested(DocumentRefSchema, allow_none=True)
    previous_documents = ma.fields.List(
        ma.fields.Nested(PreviousDocumentSchema), dump_default=list,
        metadata={"description": "Documents reviewed on this requirement before the applicant "
                                 "replaced them, newest first (still readable by officers)"})
    nik_check = ma.fields.Dict(allow_none=True, dump_default=None, metadata={
        "description": "On an identity document (KTP, KK, akta): the NIK read off the scan "
                       "against the form (server/document_checks/results.py): result match, "
                       "mismatch, unreadable, pending or unavailable; advice only. Null on "
                       "any other requirement."})


class DiscrepancyItemSchema(Answer):
    field = Text()
    profile_key = Text()
    draft_value = ma.fields.Raw(allow_none=True)
    record_value = ma.fields.Raw(allow_none=True)


class PickupOutSchema(Answer):
    counter = Text()
    hours = Text()
    bring = ma.fields.List(Text())
    visit_date = Nullable()


class TicketStateSchema(Answer):
    issued = ma.fields.Boolean()
    used = ma.fields.Boolean()


class DetailSchema(Answer):
    """An application as the console shows it."""

    id = Text()
    reference = Nullable()
    state = Text(metadata={"enum": list(states.STATES)})
    version = ma.fields.Integer()
    service = ma.fields.Nested(DetailServiceSchema)
    created_at = Text()
    updated_at = Text()
    submitted_at = Nullable()
    due_on = Nullable()
    working_days_left = ma.fields.Integer(allow_none=True)
    applicant = ma.fields.Nested(ApplicantSchema)
    fields = ma.fields.List(ma.fields.Nested(ReviewFieldSchema))
    requirements = ma.fields.List(ma.fields.Nested(ReviewRequirementSchema))
    discrepancies = ma.fields.List(ma.fields.Nested(DiscrepancyItemSchema))
    officer_note = Text()
    reviewer = ma.fields.Nested(ReviewerSchema, allow_none=True)
    pickup = ma.fields.Nested(PickupOutSchema, allow_none=True)
    ticket = ma.fields.Nested(TicketStateSchema, allow_none=True,
                              metadata={"description": "Whether a ticket was given and used "
                                                       "(its code is the applicant's)"})
    allowed_actions = ma.fields.List(Text(), metadata={
        "description": "The actions the state machine allows now (sync/officer.py)"})
    action_paths = ma.fields.Dict(keys=Text(), values=Text(), metadata={
        "description": "Where to POST each allowed action (action -> path)"})
    pickup_suggestion = ma.fields.Nested(PickupOutSchema, allow_none=True)


class TicketCheckItemSchema(Answer):
    reference = Nullable()
    applicant = ma.fields.Nested(ApplicantSchema)
    bring = ma.fields.List(Text())
    version = ma.fields.Integer()


class TicketCheckSchema(Answer):
    application = ma.fields.Nested(DetailSchema)
    check = ma.fields.Nested(TicketCheckItemSchema)


class ReasonSchema(Answer):
    code = Text()
    label_id = Text()
    label_en = Text()


class ReasonListSchema(Answer):
    document_type = Nullable()
    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema))


class ActorSchema(Answer):
    kind = Text()
    id = Nullable()
    name = Nullable()


class ActivityDetailsSchema(Answer):
    """What the engine journals with each action (sync/*.py `journal(...)`); an action
    carries only some of these."""

    previous = Text()
    state = Text()
    note = Text()
    requirement_code = Text()
    document_id = Text()
    review_status = Text()
    reason = Text()
    field = Text()
    keys = ma.fields.List(Text())
    service_id = Text()
    visit_date = Text()


class ActivityItemSchema(Answer):
    at = Text()
    action = Text()
    actor = ma.fields.Nested(ActorSchema)
    version = ma.fields.Integer(allow_none=True)
    details = ma.fields.Nested(ActivityDetailsSchema)


class ActivitySchema(Answer):
    items = ma.fields.List(ma.fields.Nested(ActivityItemSchema))
