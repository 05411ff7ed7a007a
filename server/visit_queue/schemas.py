"""Marshmallow schemas of the queue API: explicit allow-lists in (any other key or query
parameter is a 400 naming it: a kiosk or display asking for `nik` gets that), and what each
route answers (the views return data and flask-smorest dumps it through these, so a kiosk or
display answer cannot carry a field its schema does not list)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from .models import CHANNELS, LANES, TICKET_STATUSES

Text = ma.fields.String
Int = ma.fields.Integer


def _nullable(field: ma.fields.Field) -> ma.fields.Field:
    field.allow_none = True
    return field


class QueueCodeNameSchema(ma.Schema):
    code = Text(required=True)
    name = Text(required=True)


class QueueServiceSchema(ma.Schema):
    code = Text(required=True)
    name_id = Text(required=True)
    name_en = Text(required=True)


class QueueTicketSchema(ma.Schema):
    """A queue number as the kiosk, the display's visitor and the QR's status show it."""

    id = Int(required=True)
    number = Text(required=True, metadata={"description": "e.g. DKC-017"})
    prefix = Text(required=True)
    seq = Int(required=True)
    day = Text(required=True)
    status = Text(required=True, validate=v.OneOf(TICKET_STATUSES))
    lane = Text(required=True, validate=v.OneOf(LANES), metadata={
        "description": "booked (checked in within the window: called first) or walk_in"})
    channel = Text(required=True, validate=v.OneOf(CHANNELS))
    service = ma.fields.Nested(QueueServiceSchema, required=True)
    agency = ma.fields.Nested(QueueCodeNameSchema, required=True)
    counter = _nullable(ma.fields.Nested(QueueCodeNameSchema))
    desk = _nullable(Int())
    calls = Int(required=True)
    ahead = _nullable(Int(metadata={"description": "People before this one in its line"}))
    waiting_for = _nullable(Text(metadata={
        "description": "A later errand of a visit: the number to be finished first"}))
    checked_in_at = Text(required=True)
    called_at = _nullable(Text())
    served_at = _nullable(Text())
    done_at = _nullable(Text())
    qr = Text(required=True, metadata={"description": "The QR payload the visitor keeps"})


class QueuePrintedTicketSchema(QueueTicketSchema):
    qr_svg = Text(required=True, metadata={"description": "The QR as SVG, for printing"})


class QueueLinkedApplicationSchema(ma.Schema):
    id = Text(required=True)
    reference = _nullable(Text())


class QueueOfficerTicketSchema(QueueTicketSchema):
    applications = ma.fields.List(ma.fields.Nested(QueueLinkedApplicationSchema), required=True)
    booking_id = _nullable(Text())


class QueueNoticeSchema(ma.Schema):
    code = Text(required=True)
    message = Text(required=True)


class QueueCheckInAnswerSchema(ma.Schema):
    arrival = Text(required=True, validate=v.OneOf(("on_time", "early", "late", "walk_in")))
    notice = _nullable(ma.fields.Nested(QueueNoticeSchema))
    tickets = ma.fields.List(ma.fields.Nested(QueuePrintedTicketSchema), required=True)


class QueueCheckInSchema(ma.Schema):
    ticket = Text(required=True, validate=v.Length(1, 100), metadata={
        "description": "The visit ticket's code, from its QR or typed (spaces, dashes and "
                       "case are ignored)"})


class QueueWalkInSchema(ma.Schema):
    service = Text(required=True, validate=v.Length(1, 120), metadata={
        "description": "A service code from GET /api/queue/kiosk"})


class QueueKioskAgencySchema(QueueCodeNameSchema):
    prefix = Text(required=True)


class QueueKioskServiceSchema(QueueServiceSchema):
    agency = ma.fields.Nested(QueueKioskAgencySchema, required=True)
    counter = ma.fields.Nested(QueueCodeNameSchema, required=True)
    walk_in_open = ma.fields.Boolean(required=True)
    walk_in_left = Int(required=True, metadata={
        "description": "Walk-in visits of this service still possible today"})


class QueueKioskSchema(ma.Schema):
    mpp = ma.fields.Nested(QueueCodeNameSchema, required=True)
    day = Text(required=True)
    open = ma.fields.Boolean(required=True)
    services = ma.fields.List(ma.fields.Nested(QueueKioskServiceSchema), required=True)


class QueueServingSchema(ma.Schema):
    counter = ma.fields.Nested(QueueCodeNameSchema, required=True)
    desk = Int(required=True)
    number = Text(required=True)
    status = Text(required=True)
    called_at = _nullable(Text())


class QueueCallSchema(ma.Schema):
    number = Text(required=True)
    counter = ma.fields.Nested(QueueCodeNameSchema, required=True)
    desk = Int(required=True)
    at = Text(required=True)
    call = Int(required=True)
    recall = ma.fields.Boolean(required=True)
    spoken_id = Text(required=True, metadata={
        "description": "What the display says aloud (Bahasa Indonesia speech synthesis)"})


class QueueWaitingCountSchema(ma.Schema):
    agency = Text(required=True)
    prefix = Text(required=True)
    count = Int(required=True)


class QueueDisplaySchema(ma.Schema):
    mpp = ma.fields.Nested(QueueCodeNameSchema, required=True)
    day = Text(required=True)
    version = Int(required=True, metadata={"description": "Also the ETag: \"v<version>\""})
    generated_at = Text(required=True)
    serving = ma.fields.List(ma.fields.Nested(QueueServingSchema), required=True)
    calls = ma.fields.List(ma.fields.Nested(QueueCallSchema), required=True)
    waiting = ma.fields.List(ma.fields.Nested(QueueWaitingCountSchema), required=True)


class QueueEmptyQuerySchema(ma.Schema):
    """No query parameters: any is refused (a display asking for more gets a 400)."""


class QueueMppQuerySchema(ma.Schema):
    mpp = Text(validate=v.Length(1, 40), metadata={"description": "MPP code (admins)"})


class QueueCounterRefSchema(QueueCodeNameSchema):
    desks = Int(required=True)
    agency = ma.fields.Nested(QueueCodeNameSchema, required=True)


class QueueCounterItemSchema(QueueCounterRefSchema):
    services = ma.fields.List(Text(), required=True)
    current = ma.fields.List(ma.fields.Nested(QueueOfficerTicketSchema), required=True)
    waiting = Int(required=True)


class QueueCounterListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(QueueCounterItemSchema), required=True)


class QueueLineSchema(ma.Schema):
    counter = ma.fields.Nested(QueueCounterRefSchema, required=True)
    current = ma.fields.List(ma.fields.Nested(QueueOfficerTicketSchema), required=True)
    booked = ma.fields.List(ma.fields.Nested(QueueOfficerTicketSchema), required=True)
    walk_in = ma.fields.List(ma.fields.Nested(QueueOfficerTicketSchema), required=True)
    later = ma.fields.List(ma.fields.Nested(QueueOfficerTicketSchema), required=True)
    no_show_after = Int(required=True)


class QueueCallNextSchema(ma.Schema):
    desk = Int(load_default=1, validate=v.Range(1, 50))


class QueueTransferSchema(ma.Schema):
    counter = Text(required=True, validate=v.Length(1, 40))


class QueueServeSchema(ma.Schema):
    applications = ma.fields.List(Text(validate=v.Length(1, 36)), load_default=list,
                                  validate=v.Length(0, 10))


class QueueMeasureQuerySchema(QueueMppQuerySchema):
    first = ma.fields.Date(data_key="from", required=True)
    last = ma.fields.Date(data_key="to", required=True)


class QueueMeasureRowSchema(ma.Schema):
    day = Text(required=True)
    counter = _nullable(Text())
    service = Text(required=True)
    channel = Text(required=True)
    tickets = Int(required=True)
    served = Int(required=True)
    no_shows = Int(required=True)
    waiting_avg_s = _nullable(ma.fields.Float())
    waiting_p90_s = _nullable(ma.fields.Float())
    service_avg_s = _nullable(ma.fields.Float())


class QueueMeasureTotalsSchema(ma.Schema):
    tickets = Int(required=True)
    served = Int(required=True)
    no_shows = Int(required=True)
    walk_in_share = _nullable(ma.fields.Float())
    booked_share = _nullable(ma.fields.Float())
    waiting_avg_s = _nullable(ma.fields.Float())
    service_avg_s = _nullable(ma.fields.Float())


class QueueMeasuresSchema(ma.Schema):
    mpp = Text(required=True)
    first = Text(data_key="from", required=True)
    last = Text(data_key="to", required=True)
    rows = ma.fields.List(ma.fields.Nested(QueueMeasureRowSchema), required=True)
    totals = ma.fields.Nested(QueueMeasureTotalsSchema, required=True)
