"""Officer console API: a routing table over review.operations (who may call: any officer;
which applications: their agency's, see operations.py).

The views return data; flask-smorest dumps it through the @blp.response schema
(schemas.py), so what an officer receives is exactly what the OpenAPI document lists. Each
detail also says where to POST each of its allowed actions (`action_paths`, from this
routing table), so the console keeps no copy of the paths."""
from __future__ import annotations

import functools

from flask import current_app, url_for

from ..access import allow, current_principal
from ..db_types import utcnow
from ..transactions import request_work as unit_of_work  # the request's unit of work
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint
from . import operations as ops
from . import reasons
from .schemas import (
    ActivitySchema, CompleteSchema, DetailSchema, DiscrepancySchema, NoteSchema,
    QueueQuerySchema, QueueSchema, ReadySchema, ReasonListSchema, ReasonQuerySchema,
    RejectSchema, ReviewSchema, TicketCheckSchema, TicketLookupSchema, VersionSchema,
)

blp = Blueprint("review", __name__, url_prefix="/api/officer",
                description="Konsol petugas / Officer console: queue, review, visit tickets")
BEARER = [{"bearerAuth": []}]
APPLICATION = "/applications/<uuid:application_id>"
# Personal data: never kept by a shared or a browser cache.
NO_STORE = {"Cache-Control": "no-store"}

# The action a detail lists in allowed_actions -> the endpoint that runs it (filled by
# @_action below): the one place an action's path is known.
ACTION_ENDPOINTS: dict[str, str] = {}


def _officer():
    return current_principal().officer


def _secret() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def _with_paths(detail: dict) -> dict:
    detail["action_paths"] = {
        action: url_for(ACTION_ENDPOINTS[action], application_id=detail["id"])
        for action in detail.get("allowed_actions", ()) if action in ACTION_ENDPOINTS}
    return detail


def _answer(body):
    """A detail-bearing answer, dumped by the view's schema, never cached."""
    if "allowed_actions" in body:
        _with_paths(body)
    elif isinstance(body.get("application"), dict):
        _with_paths(body["application"])
    return body, NO_STORE


def _action(name: str):
    """Register the view as the one that runs `name`; a stale refusal's fresh application
    (details.application) goes out through DetailSchema too, with its paths."""
    def register(view):
        ACTION_ENDPOINTS[name] = f"{blp.name}.{view.__name__}"

        @functools.wraps(view)
        def run(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except ApiError as error:
                fresh = (error.details or {}).get("application")
                if isinstance(fresh, dict):
                    error.details["application"] = DetailSchema().dump(_with_paths(fresh))
                raise
        return run
    return register


def _action_doc(view):
    """The refusals every action shares, in the OpenAPI document."""
    view = blp.alt_response(404, schema=ErrorSchema,
                            description="No such application in your agency")(view)
    view = blp.alt_response(409, schema=ErrorSchema, description=(
        "stale (details.application: the fresh detail), or a refusal of the state machine "
        "(invalid_transition, not_in_review, requirements_not_accepted, ...)"))(view)
    view = blp.alt_response(400, schema=ErrorSchema, description="Invalid body")(view)
    return view


@blp.route("/applications")
@allow("officer")
@blp.arguments(QueueQuerySchema, location="query", as_kwargs=True)
@blp.response(200, QueueSchema)
@blp.doc(security=BEARER)
def queue(**query):
    """Antrean / Queue: my agency's applications by SLA risk (working days left), then age."""
    return _answer(ops.queue(_officer(), now=utcnow(), state=query.get("state"),
                             service=query.get("service"), q=query.get("q"),
                             limit=query["limit"], offset=query["offset"]))


@blp.route(APPLICATION)
@allow("officer")
@blp.response(200, DetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such application in your agency")
@blp.doc(security=BEARER)
def application_detail(application_id):
    """Rincian permohonan / An application: form, documents, discrepancies, next actions."""
    return _answer(ops.detail(unit_of_work(), _officer(), str(application_id), utcnow()))


@blp.route(f"{APPLICATION}/activity")
@allow("officer")
@blp.response(200, ActivitySchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such application in your agency")
@blp.doc(security=BEARER)
def application_activity(application_id):
    """Riwayat / Activity: every change, review decision and note, with who and when."""
    return _answer(ops.activity(unit_of_work(), _officer(), str(application_id)))


def _simple(action: str):
    def run(data, application_id):
        return _answer(ops.act(unit_of_work(), _officer(), str(application_id), action,
                               data.pop("version"), utcnow(), **data))
    return run


@blp.route(f"{APPLICATION}/start-review", methods=["POST"])
@allow("officer")
@blp.arguments(VersionSchema)
@blp.response(200, DetailSchema)
@_action_doc
@blp.doc(security=BEARER)
@_action("start_review")
def start_review(data, application_id):
    """Mulai verifikasi / Start the review (others see who is reviewing)."""
    return _simple("start_review")(data, application_id)


@blp.route(f"{APPLICATION}/review", methods=["POST"])
@allow("officer")
@blp.arguments(ReviewSchema)
@blp.response(200, DetailSchema)
@_action_doc
@blp.doc(security=BEARER)
@_action("review_requirement")
def review_requirement(data, application_id):
    """Periksa persyaratan / Accept or reject one requirement's document (reject: a reason
    code from /api/officer/reasons and/or a note)."""
    return _answer(ops.review(unit_of_work(), _officer(), str(application_id), data,
                              utcnow()))


@blp.route(f"{APPLICATION}/request-revision", methods=["POST"])
@allow("officer")
@blp.arguments(NoteSchema)
@blp.response(200, DetailSchema)
@_action_doc
@blp.doc(security=BEARER)
@_action("request_revision")
def request_revision(data, application_id):
    """Minta perbaikan / Send back to the applicant with the rejected requirements."""
    return _simple("request_revision")(data, application_id)


@blp.route(f"{APPLICATION}/approve", methods=["POST"])
@allow("officer")
@blp.arguments(VersionSchema)
@blp.response(200, DetailSchema)
@_action_doc
@blp.doc(security=BEARER)
@_action("approve")
def approve(data, application_id):
    """Setujui / Approve (every required requirement accepted)."""
    return _simple("approve")(data, application_id)


@blp.route(f"{APPLICATION}/reject", methods=["POST"])
@allow("officer")
@blp.arguments(RejectSchema)
@blp.response(200, DetailSchema)
@_action_doc
@blp.doc(security=BEARER)
@_action("reject")
def reject(data, application_id):
    """Tolak permohonan / Reject the application, with the reason."""
    return _answer(ops.act(unit_of_work(), _officer(), str(application_id),
                           "reject_application", data["version"], utcnow(),
                           note=data["note"]))


@blp.route(f"{APPLICATION}/mark-ready", methods=["POST"])
@allow("officer")
@blp.arguments(ReadySchema)
@blp.response(200, DetailSchema)
@_action_doc
@blp.doc(security=BEARER)
@_action("mark_ready")
def mark_ready(data, application_id):
    """Siap diambil / Ready for pickup: pickup details, and the citizen gets a QR ticket."""
    return _answer(ops.mark_ready(unit_of_work(), _officer(), str(application_id), data,
                                  utcnow(), _secret()))


@blp.route(f"{APPLICATION}/accept-discrepancy", methods=["POST"])
@allow("officer")
@blp.arguments(DiscrepancySchema)
@blp.response(200, DetailSchema)
@_action_doc
@blp.doc(security=BEARER)
@_action("accept_discrepancy")
def accept_discrepancy(data, application_id):
    """Terima perubahan data / Accept the form's value into the applicant's record."""
    return _answer(ops.act(unit_of_work(), _officer(), str(application_id),
                           "accept_discrepancy", data["version"], utcnow(),
                           field_key=data["field"]))


@blp.route(f"{APPLICATION}/complete", methods=["POST"])
@allow("officer")
@blp.arguments(CompleteSchema)
@blp.response(200, DetailSchema)
@_action_doc
@blp.doc(security=BEARER)
@_action("complete")
def complete(data, application_id):
    """Selesai / Hand over at the counter with the applicant's ticket code (used up)."""
    return _answer(ops.complete(unit_of_work(), _officer(), str(application_id), data,
                                utcnow()))


@blp.route("/tickets/lookup", methods=["POST"])
@allow("officer")
@blp.arguments(TicketLookupSchema)
@blp.response(200, TicketCheckSchema)
@blp.alt_response(404, schema=ErrorSchema, description="ticket_not_found")
@blp.alt_response(409, schema=ErrorSchema, description="ticket_used")
@blp.doc(security=BEARER)
def lookup_ticket(data):
    """Periksa tiket / What a scanned or typed ticket is for, and what to check."""
    return _answer(ops.lookup_ticket(unit_of_work(), _officer(), data["code"], _secret(),
                                     utcnow()))


@blp.route("/reasons")
@allow("officer")
@blp.arguments(ReasonQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ReasonListSchema)
@blp.doc(security=BEARER)
def reason_templates(document_type=None):
    """Alasan penolakan / Rejection reasons offered for a document type."""
    return _answer({"document_type": document_type,
                    "reasons": [r.as_dict() for r in reasons.for_document_type(document_type)]})
