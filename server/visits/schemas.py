"""Marshmallow schemas of the visits API: what each route accepts (explicit allow-lists; any
other key is a 400 naming it) and what it answers (the views return data and flask-smorest
dumps it through these, so the OpenAPI document is what is sent)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from .models import BOOKING_STATUSES
from .operations import MAX_APPLICATIONS

Text = ma.fields.String


def _nullable(field: ma.fields.Field) -> ma.fields.Field:
    field.allow_none = True
    return field


ARRIVES_AT = {"description": "The arrival time, with its offset: a day's `date` and one of "
                             "its `free` minutes from GET /api/visits/slots (2026-12-14 and "
                             "510 are 2026-12-14T08:30:00+07:00)"}


class SlotQuerySchema(ma.Schema):
    mpp = Text(required=True, validate=v.Length(1, 40), metadata={"description": "MPP code"})
    service = ma.fields.List(
        Text(validate=v.Length(1, 120)), required=True,
        validate=v.Length(1, MAX_APPLICATIONS),
        metadata={"description": "Service codes of the errands, in the order of the visit "
                                 "(repeat the parameter: ?service=a&service=b)"})
    first = ma.fields.Date(data_key="from", metadata={
        "description": "First day (default: the first day of the booking window)"})
    last = ma.fields.Date(data_key="to", metadata={
        "description": "Last day (default: the last day of the window; 31 days at most)"})


class SlotDaySchema(ma.Schema):
    date = Text(required=True)
    closed = _nullable(Text(metadata={"description": "holiday, closed (weekday), or null"}))
    holiday_id = _nullable(Text())
    holiday_en = _nullable(Text())
    times = ma.fields.List(ma.fields.Integer(), required=True, metadata={
        "description": "Arrival times the whole visit fits from (slot starts), in minutes "
                       "after the MPP's local midnight (WIB): 510 is 08:30+07:00. Full ones "
                       "included"})
    free = ma.fields.List(ma.fields.Integer(), required=True, metadata={
        "description": "Those of `times` still bookable: every errand has a place and the "
                       "time is still ahead"})
    places = ma.fields.List(ma.fields.List(ma.fields.Integer()), required=True, metadata={
        "description": "Per errand (in the order of `services`), aligned with `times`: "
                       "visits of that service still bookable in its slot, at the counter "
                       "with the most room"})
    counter = ma.fields.List(ma.fields.List(_nullable(ma.fields.Integer())), required=True,
                             metadata={"description": "Per errand, aligned with `times`: "
                                       "that counter, an index into `counters` (null if no "
                                       "counter serves the errand)"})


class WindowSchema(ma.Schema):
    first_day = Text(required=True)
    last_day = Text(required=True)


class SlotsSchema(ma.Schema):
    mpp = Text(required=True)
    computed_at = Text(required=True, metadata={
        "description": "When these places were counted: a copy kept offline is only as "
                       "good as this"})
    slot_minutes = ma.fields.Integer(required=True)
    window = ma.fields.Nested(WindowSchema, required=True)
    services = ma.fields.List(Text(), required=True)
    minutes = ma.fields.List(ma.fields.Integer(), required=True, metadata={
        "description": "Each errand's minutes at its counter, in the order of `services`: "
                       "errand k starts sum(minutes[:k]) after the arrival time"})
    counters = ma.fields.List(Text(), required=True, metadata={
        "description": "Names of the counters the days' `counter` indexes point to"})
    days = ma.fields.List(ma.fields.Nested(SlotDaySchema), required=True, metadata={
        "description": "One entry per day, compact (a month is some 10 KB, not 70): per day "
                       "the arrival times and per errand lists aligned with them"})


class BookSchema(ma.Schema):
    applications = ma.fields.List(
        Text(validate=v.Length(1, 36)), required=True, validate=v.Length(1, MAX_APPLICATIONS),
        metadata={"description": "Application ids, in the order of the counters to visit"})
    arrives_at = ma.fields.AwareDateTime(required=True, metadata=ARRIVES_AT)


class RescheduleSchema(ma.Schema):
    arrives_at = ma.fields.AwareDateTime(required=True, metadata=ARRIVES_AT)


class NamedSchema(ma.Schema):
    code = Text(required=True)
    name = Text(required=True)


class MppSchema(NamedSchema):
    address = Text(required=True)


class ServiceSchema(ma.Schema):
    code = Text(required=True)
    name_id = Text(required=True)
    name_en = Text(required=True)


class StopSchema(ma.Schema):
    position = ma.fields.Integer(required=True)
    application_id = Text(required=True)
    reference = _nullable(Text())
    service = ma.fields.Nested(ServiceSchema, required=True)
    counter = ma.fields.Nested(NamedSchema, required=True)
    starts_at = Text(required=True)
    minutes = ma.fields.Integer(required=True)


class BookingSchema(ma.Schema):
    id = Text(required=True)
    status = Text(required=True, validate=v.OneOf(BOOKING_STATUSES))
    mpp = ma.fields.Nested(MppSchema, required=True)
    arrives_at = Text(required=True)
    ticket = Text(required=True, metadata={
        "description": "The visit ticket's code (shown as a QR at the kiosk)"})
    stops = ma.fields.List(ma.fields.Nested(StopSchema), required=True)
    created_at = Text(required=True)
    updated_at = Text(required=True)
    cancelled_at = _nullable(Text())


class BookingListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(BookingSchema), required=True)
