"""Marshmallow schemas of the complaints API: explicit allow-lists in, and out. An officer's
answer is dumped through ComplaintSchema / ComplaintQueueSchema, which have NO field for the filer's
identity but `complainant`, filled only for a complaint that is not anonymous
(operations.complainant)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from . import models as m
from .operations import MAX_TEXT

MAX_INT = 2**31 - 1
Text = ma.fields.String
Day = ma.fields.String  # ISO date (WIB)
Stamp = ma.fields.String  # ISO timestamp (UTC)


class ComplaintQueueQuerySchema(ma.Schema):
    status = Text(validate=v.OneOf(m.STATUSES),
                  metadata={"description": "One status; default: the open ones (received, "
                                           "acknowledged, reopened)"})
    escalated = ma.fields.Boolean(metadata={"description": "Only escalated ones (true) or "
                                                           "only others (false)"})
    q = Text(validate=v.Length(1, 40), metadata={"description": "A reference (exact)"})
    limit = ma.fields.Integer(load_default=50, validate=v.Range(1, 100))
    offset = ma.fields.Integer(load_default=0, validate=v.Range(0, 100_000))


class ComplaintRevisionSchema(ma.Schema):
    revision = ma.fields.Integer(required=True, strict=True, validate=v.Range(1, MAX_INT),
                                 metadata={"description": "The revision the officer saw; "
                                                          "409 complaint_stale otherwise"})


class ComplaintAssignSchema(ComplaintRevisionSchema):
    officer_id = ma.fields.Integer(required=True, strict=True, validate=v.Range(1, MAX_INT))


class ComplaintAnswerSchema(ComplaintRevisionSchema):
    text = Text(required=True, validate=v.Length(max=MAX_TEXT + 1000),
                metadata={"description": f"The answer for the citizen (1-{MAX_TEXT} "
                                         "characters after trimming)"})


class ComplaintFiguresQuerySchema(ma.Schema):
    first = ma.fields.Date(metadata={"description": "Filed on or after (WIB)"})
    last = ma.fields.Date(metadata={"description": "Filed on or before (WIB)"})


class ComplaintAgencyRefSchema(ma.Schema):
    code = Text()
    name = Text()


class ComplaintOfficerRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = Text(allow_none=True)


class ComplaintAboutServiceSchema(ma.Schema):
    code = Text()
    name_id = Text()
    name_en = Text()


class ComplaintRejectedRequirementSchema(ma.Schema):
    code = Text()
    title_id = Text()
    title_en = Text()
    note = Text()


class ComplaintAboutSchema(ma.Schema):
    service = ma.fields.Nested(ComplaintAboutServiceSchema)
    agency = Text()
    counter = Text()
    decision = Text()
    reason = Text()
    rejected_requirements = ma.fields.List(ma.fields.Nested(ComplaintRejectedRequirementSchema))
    submitted_on = Day(allow_none=True)
    decided_on = Day(allow_none=True)


class ComplaintSummarySchema(ma.Schema):
    id = Text()
    reference = Text()
    status = Text()
    category = Text()
    anonymous = ma.fields.Boolean()
    confidential = ma.fields.Boolean()
    agency = ma.fields.Nested(ComplaintAgencyRefSchema, allow_none=True)
    service_code = Text(allow_none=True)
    about = ma.fields.Nested(ComplaintAboutSchema, allow_none=True)
    filed_at = Stamp()
    ack_due_on = Day()
    answer_due_on = Day()
    overdue = Text(allow_none=True, metadata={"description": "ack_overdue, answer_overdue"})
    escalated = Text(allow_none=True)
    escalated_at = Stamp(allow_none=True)
    assignee = ma.fields.Nested(ComplaintOfficerRefSchema, allow_none=True)
    revision = ma.fields.Integer()


class ComplaintQueueItemSchema(ComplaintSummarySchema):
    excerpt = Text()


class ComplaintQueueSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ComplaintQueueItemSchema))
    counts = ma.fields.Dict(keys=Text(), values=ma.fields.Integer())
    total = ma.fields.Integer()
    limit = ma.fields.Integer()
    offset = ma.fields.Integer()


class ComplaintAnswerOutSchema(ma.Schema):
    text = Text()
    at = Stamp()
    officer = ma.fields.Nested(ComplaintOfficerRefSchema)


class ComplainantSchema(ma.Schema):
    name = Text(allow_none=True)
    phone = Text(allow_none=True)
    nik_masked = Text(allow_none=True)
    application_reference = Text(allow_none=True)


class ComplaintAssignableSchema(ma.Schema):
    id = ma.fields.Integer()
    name = Text()
    role = Text()


class ComplaintSchema(ComplaintSummarySchema):
    text = Text()
    photos = ma.fields.Integer(metadata={"description": "How many photos (GET .../photos/<n>)"})
    acknowledged_at = Stamp(allow_none=True)
    answered_at = Stamp(allow_none=True)
    closed_at = Stamp(allow_none=True)
    reopened_at = Stamp(allow_none=True)
    reopen_reason = Text(allow_none=True)
    answers = ma.fields.List(ma.fields.Nested(ComplaintAnswerOutSchema))
    complainant = ma.fields.Nested(ComplainantSchema, allow_none=True, metadata={
        "description": "Who filed it; always null for an anonymous complaint"})
    actions = ma.fields.List(Text())
    assignable = ma.fields.List(ma.fields.Nested(ComplaintAssignableSchema))


class ComplaintU9Schema(ma.Schema):
    responses = ma.fields.Integer()
    mean = ma.fields.Float(allow_none=True, metadata={
        "description": "SKM element U9 (complaint handling), 1-4; null under 5 answers"})


class ComplaintAgencyFiguresSchema(ma.Schema):
    agency = ma.fields.Nested(ComplaintAgencyRefSchema, allow_none=True)
    total = ma.fields.Integer()
    by_status = ma.fields.Dict(keys=Text(), values=ma.fields.Integer())
    by_category = ma.fields.Dict(keys=Text(), values=ma.fields.Integer())
    answered = ma.fields.Integer()
    median_hours_to_answer = ma.fields.Float(allow_none=True)
    median_working_days_to_answer = ma.fields.Float(allow_none=True)
    overdue = ma.fields.Integer()
    overdue_share = ma.fields.Float()
    escalated = ma.fields.Integer()
    u9 = ma.fields.Nested(ComplaintU9Schema)


class ComplaintFiguresSchema(ma.Schema):
    first = Day(allow_none=True)
    last = Day(allow_none=True)
    agencies = ma.fields.List(ma.fields.Nested(ComplaintAgencyFiguresSchema))
