"""Queue API: a routing table over visit_queue.operations.

Three kinds of caller: the MPP's devices (a kiosk, a call display) by their key in the
`X-Device-Key` header, on routes that are public to the access layer (`@allow("public")`)
and checked here by `@device(kind)`; officers at a counter (Bearer, any officer: the counter's
agency must be within their reach, operations.counter_in_reach); supervisors for the
measures. Each request is one unit of work (server/transactions.py): a writing request
begins as a writer, the operations only flush, and a refusal rolls everything back.
"""
from __future__ import annotations

import functools
from datetime import datetime

from flask import current_app, g, request

from ..access import allow, current_principal
from ..db_types import utcnow
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint, db
from ..i18n import translate
from ..transactions import request_work
from . import operations as ops
from .models import DISPLAY, KIOSK
from .schemas import (
    QueueCallNextSchema, QueueCheckInAnswerSchema, QueueCheckInSchema, QueueCounterListSchema,
    QueueDisplaySchema, QueueEmptyQuerySchema, QueueKioskSchema, QueueLineSchema,
    QueueMeasureQuerySchema, QueueMeasuresSchema, QueueMppQuerySchema, QueueOfficerTicketSchema,
    QueueServeSchema, QueueTicketSchema, QueueTransferSchema, QueueWalkInSchema,
)

blp = Blueprint("visit_queue", __name__, url_prefix="/api/queue",
                description="Antrian / The MPP floor: kiosk check-in, queue numbers, the "
                            "counter's line and calls, the call display, measures")
BEARER = [{"bearerAuth": []}]
DEVICE = [{"deviceKey": []}]
DEVICE_HEADER = "X-Device-Key"
NO_STORE = {"Cache-Control": "no-store"}
TICKET = "/tickets/<int(max=2147483647):ticket_id>"
COUNTER = "/counters/<code:code>"


def device(kind: str):
    """The view is for a device of this kind: its key must be valid (401) and of this kind
    (403); the device is `g.queue_device`."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            g.queue_device = ops.device_for(db.session, request.headers.get(DEVICE_HEADER),
                                            kind)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def _device_doc(view):
    view = blp.alt_response(401, schema=ErrorSchema, description="device_key_invalid")(view)
    view = blp.alt_response(403, schema=ErrorSchema, description="device_key_wrong_kind")(view)
    return blp.doc(security=DEVICE)(view)


def _now():
    """The floor's clock: the server's, or in tests a fixed one (config QUEUE_CLOCK, a
    callable, or QUEUE_CLOCK_AT, an ISO instant from the environment of a gunicorn run;
    only honoured by a testing app), so a test runs the floor on an open day whatever day
    the suite runs."""
    if current_app.testing:
        clock = current_app.config.get("QUEUE_CLOCK")
        if clock is not None:
            return clock()
        at = current_app.config.get("QUEUE_CLOCK_AT")
        if at:
            return datetime.fromisoformat(at)
    return utcnow()


def _officer():
    return current_principal().officer


def _no_show_calls() -> int:
    return int(current_app.config.get("QUEUE_NO_SHOW_CALLS", ops.DEFAULT_NO_SHOW_CALLS))


def _with_notice(answer: dict) -> dict:
    notice = answer.get("notice")
    if notice is not None:
        answer["notice"] = {"code": notice["code"],
                            "message": translate(notice["code"], **notice["params"])}
    return answer


# ---------------------------------------------------------------------------- kiosk

@blp.route("/kiosk")
@allow("public")
@device(KIOSK)
@blp.arguments(QueueEmptyQuerySchema, location="query")
@blp.response(200, QueueKioskSchema)
@_device_doc
def kiosk(_query):
    """Kios / Kiosk: the services a walk-in may choose today, with the walk-in places left."""
    return ops.kiosk_menu(db.session, g.queue_device.mpp_id, _now()), NO_STORE


@blp.route("/kiosk/check-in", methods=["POST"])
@allow("public")
@device(KIOSK)
@blp.arguments(QueueCheckInSchema)
@blp.response(201, QueueCheckInAnswerSchema)
@blp.alt_response(400, schema=ErrorSchema, description="ticket_unreadable, or an invalid body")
@blp.alt_response(404, schema=ErrorSchema, description="ticket_unknown (forged or no such)")
@blp.alt_response(409, schema=ErrorSchema, description=(
    "ticket_checked_in, ticket_other_mpp, ticket_cancelled, ticket_not_today"))
@_device_doc
def check_in(data):
    """Lapor kedatangan / Check in with the visit ticket: one queue number per errand. On
    time: the booked lane; early or late: a notice and the walk-in lane."""
    secret = current_app.config["SECRET_KEY"].encode()
    return _with_notice(ops.check_in(db.session, g.queue_device.mpp_id, data["ticket"],
                                     _now(), secret)), NO_STORE


@blp.route("/kiosk/walk-in", methods=["POST"])
@allow("public")
@device(KIOSK)
@blp.arguments(QueueWalkInSchema)
@blp.response(201, QueueCheckInAnswerSchema)
@blp.alt_response(404, schema=ErrorSchema, description="service_not_found")
@blp.alt_response(409, schema=ErrorSchema, description="walk_in_full, queue_closed")
@_device_doc
def walk_in(data):
    """Ambil nomor / A walk-in takes a number for a service (within the walk-in share)."""
    return ops.walk_in(db.session, g.queue_device.mpp_id, data["service"], _now()), NO_STORE


# ---------------------------------------------------------------------------- display

def _not_modified(view):
    """A poll that changed nothing is answered from the device check and one row (the
    floor's version) with 304, before any argument parsing; a request with parameters goes
    on (and is refused by its schema)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        now = _now()
        g.queue_now = now
        g.queue_version = ops.board_version(db.session, g.queue_device.mpp_id)
        g.queue_etag = f"v{g.queue_version}-{ops.today(now).isoformat()}"
        if not request.args and g.queue_etag in request.if_none_match:
            return "", 304, {"ETag": f'"{g.queue_etag}"', "Cache-Control": "no-cache"}
        return view(*args, **kwargs)
    return wrapper


@blp.route("/display")
@allow("public")
@device(DISPLAY)
@_not_modified
@blp.arguments(QueueEmptyQuerySchema, location="query")
@blp.response(200, QueueDisplaySchema)
@blp.alt_response(304, description="Not modified (If-None-Match carried the current ETag)")
@_device_doc
def display(_query):
    """Layar panggilan / Call display: numbers being served per counter and the last calls
    (numbers only). Poll with If-None-Match: 304 while nothing changed."""
    return ops.display(db.session, g.queue_device.mpp_id, g.queue_now, g.queue_version), 200, {
        "ETag": f'"{g.queue_etag}"', "Cache-Control": "no-cache"}


@blp.route("/status/<string:token>")
@allow("public")
@blp.response(200, QueueTicketSchema)
@blp.alt_response(404, schema=ErrorSchema, description="queue_ticket_not_found")
def status(token):
    """Status nomor / A queue number's status, by the QR the visitor keeps (no personal
    data: the number, where, how many ahead)."""
    return ops.status_of(db.session, token, _now()), NO_STORE


# ---------------------------------------------------------------------------- counters

def _counter_doc(view):
    view = blp.alt_response(403, schema=ErrorSchema,
                            description="counter_not_in_reach (another agency's counter)")(view)
    view = blp.alt_response(404, schema=ErrorSchema, description="counter_not_found")(view)
    return blp.doc(security=BEARER)(view)


def _ticket_doc(view):
    view = blp.alt_response(403, schema=ErrorSchema,
                            description="counter_not_in_reach (another agency's ticket)")(view)
    view = blp.alt_response(404, schema=ErrorSchema, description="queue_ticket_not_found")(view)
    return blp.doc(security=BEARER)(view)


@blp.route("/counters")
@allow("officer")
@blp.arguments(QueueMppQuerySchema, location="query")
@blp.response(200, QueueCounterListSchema)
@blp.doc(security=BEARER)
def list_counters(query):
    """Loket / The counters I may work at, with who is at their desks and how many wait."""
    return ops.counters(db.session, _officer(), _now(), query.get("mpp")), NO_STORE


@blp.route(f"{COUNTER}/line")
@allow("officer")
@blp.arguments(QueueMppQuerySchema, location="query")
@blp.response(200, QueueLineSchema)
@_counter_doc
def counter_line(query, code):
    """Antrian loket / The counter's line: at its desks, booked, walk-in, later errands."""
    counter = ops.counter_in_reach(db.session, _officer(), code, query.get("mpp"))
    return ops.line(db.session, counter, _now(), _no_show_calls()), NO_STORE


@blp.route(f"{COUNTER}/call-next", methods=["POST"])
@allow("officer")
@blp.arguments(QueueMppQuerySchema, location="query")
@blp.arguments(QueueCallNextSchema)
@blp.response(200, QueueOfficerTicketSchema)
@blp.alt_response(409, schema=ErrorSchema, description="line_empty, desk_busy")
@blp.alt_response(400, schema=ErrorSchema, description="desk_unknown, or an invalid body")
@_counter_doc
def call_next(query, data, code):
    """Panggil berikutnya / Call the next visitor to my desk (booked lane first)."""
    officer = _officer()
    counter = ops.counter_in_reach(db.session, officer, code, query.get("mpp"))
    return ops.call_next(db.session, request_work(), officer, counter, data["desk"],
                         _now()), NO_STORE


def _ticket(ticket_id):
    return ops.ticket_in_reach(db.session, _officer(), ticket_id)


@blp.route(f"{TICKET}/recall", methods=["POST"])
@allow("officer")
@blp.response(200, QueueOfficerTicketSchema)
@blp.alt_response(409, schema=ErrorSchema, description="ticket_not_called")
@_ticket_doc
def recall(ticket_id):
    """Panggil ulang / Call the number again (shown and said again on the display)."""
    return ops.recall(db.session, request_work(), _officer(), _ticket(ticket_id),
                      _now()), NO_STORE


@blp.route(f"{TICKET}/no-show", methods=["POST"])
@allow("officer")
@blp.response(200, QueueOfficerTicketSchema)
@blp.alt_response(409, schema=ErrorSchema, description="ticket_not_called, too_few_calls")
@_ticket_doc
def no_show(ticket_id):
    """Tidak hadir / Mark as not present, after the set number of calls."""
    return ops.no_show(db.session, _officer(), _ticket(ticket_id), _now(),
                       _no_show_calls()), NO_STORE


@blp.route(f"{TICKET}/transfer", methods=["POST"])
@allow("officer")
@blp.arguments(QueueTransferSchema)
@blp.response(200, QueueOfficerTicketSchema)
@blp.alt_response(409, schema=ErrorSchema,
                  description="ticket_not_active, transfer_other_agency")
@_ticket_doc
def transfer(data, ticket_id):
    """Alihkan / Send the visitor to another counter of the agency (same number)."""
    return ops.transfer(db.session, _officer(), _ticket(ticket_id), data["counter"],
                        _now()), NO_STORE


@blp.route(f"{TICKET}/serve", methods=["POST"])
@allow("officer")
@blp.arguments(QueueServeSchema)
@blp.response(200, QueueOfficerTicketSchema)
@blp.alt_response(409, schema=ErrorSchema, description="ticket_not_called")
@_ticket_doc
def serve(data, ticket_id):
    """Layani / The visitor is at my desk: link the application(s) served."""
    return ops.serve(db.session, _officer(), _ticket(ticket_id), data["applications"],
                     _now()), NO_STORE


@blp.route(f"{TICKET}/complete", methods=["POST"])
@allow("officer")
@blp.response(200, QueueOfficerTicketSchema)
@blp.alt_response(409, schema=ErrorSchema, description="ticket_not_serving")
@_ticket_doc
def complete(ticket_id):
    """Selesai / Done: the visitor leaves the desk."""
    return ops.complete(db.session, _officer(), _ticket(ticket_id), _now()), NO_STORE


# ---------------------------------------------------------------------------- measures

@blp.route("/measures")
@allow("supervisor")
@blp.arguments(QueueMeasureQuerySchema, location="query")
@blp.response(200, QueueMeasuresSchema)
@blp.alt_response(400, schema=ErrorSchema, description="range_invalid")
@blp.doc(security=BEARER)
def measures(query):
    """Ukuran antrian / Queue measures per day, counter, service and channel: waiting time
    (check-in to call), service time (call to done), no-shows, walk-in and booked shares."""
    first, last = query["first"], query["last"]
    if last < first or (last - first).days > 92:
        raise ApiError(400, "range_invalid", {"from": first.isoformat(),
                                              "to": last.isoformat()})
    mpp_id = ops.supervised_mpp(db.session, _officer(), query.get("mpp"))
    return ops.measures(db.session, mpp_id, first, last), NO_STORE
