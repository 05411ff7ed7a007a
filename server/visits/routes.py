"""Visits API: a routing table over visits.operations. Free slots are public (no personal
data); bookings are the signed-in citizen's own. Each request is one unit of work
(server/transactions.py): a writing one begins as a writer (SQLite: BEGIN IMMEDIATE), the
operations only flush, the request commits once when it succeeds, and a refusal (an
ApiError) rolls everything back."""
from __future__ import annotations

from flask import current_app, jsonify

from ..access import allow, current_principal
from ..db_types import utcnow
from ..errors import ErrorSchema
from ..extensions import Blueprint, db
from . import operations as ops
from .schemas import (
    BookingListSchema, BookingSchema, BookSchema, RescheduleSchema, SlotQuerySchema,
    SlotsSchema,
)

blp = Blueprint("visits", __name__, url_prefix="/api/visits",
                description="Kunjungan / The one visit: free slots, booking, reschedule, cancel")
BEARER = [{"bearerAuth": []}]
BOOKING = "/bookings/<uuid:booking_id>"
NO_STORE = {"Cache-Control": "no-store"}
# Free places change with every booking: never reuse an answer without asking again.
NO_CACHE = {"Cache-Control": "no-cache"}


def _citizen_id():
    return current_principal().citizen_id


def _secret() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def _time_refusals(view):
    view = blp.alt_response(400, schema=ErrorSchema, description=(
        "slot_in_past, slot_outside_window, slot_on_holiday, slot_closed_day, "
        "slot_outside_hours, visit_does_not_fit, or an invalid body"))(view)
    view = blp.alt_response(409, schema=ErrorSchema, description=(
        "slot_full (the last place went to someone else), application_not_ready, "
        "application_already_booked, too_many_bookings, booking_not_open"))(view)
    return view


@blp.route("/slots")
@allow("public")
@blp.arguments(SlotQuerySchema, location="query", as_kwargs=True)
@blp.response(200, SlotsSchema)
@blp.alt_response(404, schema=ErrorSchema,
                  description="mpp_not_found, visits_not_offered, service_not_found")
def free_slots(mpp, service, first=None, last=None):
    """Slot kosong / Free slots: bookable arrival times for a visit with these errands, day
    by day within the booking window, with when they were counted."""
    # Sent as built, not dumped through SlotsSchema (which documents it and which the
    # OpenAPI test checks it against): a month of slots is the booking screen's hot path,
    # and the answer holds no personal data for a schema to keep back.
    response = jsonify(ops.free_slots(db.session, mpp, service, first, last, utcnow()))
    response.headers.update(NO_CACHE)
    return response


@blp.route("/bookings")
@allow("citizen")
@blp.response(200, BookingListSchema)
@blp.doc(security=BEARER)
def list_bookings():
    """Jadwal kunjungan saya / My bookings, latest arrival first."""
    return ops.list_bookings(db.session, _citizen_id()), NO_STORE


@blp.route("/bookings", methods=["POST"])
@allow("citizen")
@blp.arguments(BookSchema)
@blp.response(201, BookingSchema)
@blp.alt_response(404, schema=ErrorSchema,
                  description="application_not_found (missing, or not yours)")
@_time_refusals
@blp.doc(security=BEARER)
def book(data):
    """Pesan kunjungan / Book one visit for one or several of my applications at one MPP:
    one arrival time, the counters in order."""
    return ops.book(db.session, _citizen_id(), data["applications"], data["arrives_at"],
                    utcnow(), _secret()), NO_STORE


@blp.route(BOOKING)
@allow("citizen")
@blp.response(200, BookingSchema)
@blp.alt_response(404, schema=ErrorSchema, description="booking_not_found")
@blp.doc(security=BEARER)
def get_booking(booking_id):
    """Jadwal kunjungan / One of my bookings."""
    return ops.get(db.session, _citizen_id(), str(booking_id)), NO_STORE


@blp.route(f"{BOOKING}/reschedule", methods=["POST"])
@allow("citizen")
@blp.arguments(RescheduleSchema)
@blp.response(200, BookingSchema)
@blp.alt_response(404, schema=ErrorSchema, description="booking_not_found")
@_time_refusals
@blp.doc(security=BEARER)
def reschedule(data, booking_id):
    """Ubah jadwal / Move my booking to another time (the old place is held a while)."""
    return ops.reschedule(db.session, _citizen_id(), str(booking_id), data["arrives_at"],
                          utcnow()), NO_STORE


@blp.route(f"{BOOKING}/cancel", methods=["POST"])
@allow("citizen")
@blp.response(200, BookingSchema)
@blp.alt_response(404, schema=ErrorSchema, description="booking_not_found")
@blp.alt_response(409, schema=ErrorSchema, description="booking_not_open")
@blp.doc(security=BEARER)
def cancel(booking_id):
    """Batalkan / Cancel my booking (its places return to the pool after a short hold)."""
    return ops.cancel(db.session, _citizen_id(), str(booking_id), utcnow()), NO_STORE
