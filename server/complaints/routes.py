"""Complaints API for the officer console: a routing table over complaints.operations.
Which complaints: a verifier their agency's, a supervisor their MPP's (general ones too), an
admin all; another's is a 404 like a missing one, and the attempt is audited. Each answer is
dumped through its schema (schemas.py), which carries no identity of the filer except
`complainant` for a complaint that is not anonymous. Filing, confirming and reopening are the
citizen's sync mutations (complaint.file, complaint.confirm, complaint.reopen)."""
from __future__ import annotations

from ..access import allow, current_principal
from ..audit.operations import record
from ..db_types import utcnow
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint, db
from ..transactions import request_work
from . import operations as ops
from .schemas import (
    ComplaintAnswerSchema, ComplaintAssignSchema, ComplaintFiguresQuerySchema,
    ComplaintFiguresSchema, ComplaintQueueQuerySchema, ComplaintQueueSchema,
    ComplaintRevisionSchema, ComplaintSchema,
)

blp = Blueprint("complaints", __name__, url_prefix="/api/officer/complaints",
                description="Pengaduan / Complaints: queue, acknowledge, assign, answer, close")
BEARER = [{"bearerAuth": []}]
COMPLAINT = "/<uuid:complaint_id>"
NO_STORE = {"Cache-Control": "no-store"}


def _officer():
    return current_principal().officer


def _conn():
    return db.session.connection()


@blp.route("")
@allow("officer")
@blp.arguments(ComplaintQueueQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ComplaintQueueSchema)
@blp.doc(security=BEARER)
def queue(**query):
    """Antrean pengaduan / Complaints queue: escalated first, then the nearest deadline."""
    return ops.queue(_conn(), _officer(), status=query.get("status"),
                     escalated=query.get("escalated"), q=query.get("q"),
                     limit=query["limit"], offset=query["offset"], now=utcnow()), NO_STORE


@blp.route("/figures")
@allow("supervisor")
@blp.arguments(ComplaintFiguresQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ComplaintFiguresSchema)
@blp.doc(security=BEARER)
def figures(first=None, last=None):
    """Angka pengaduan / Per agency: counts, median time to answer, overdue share."""
    if first and last and first > last:
        raise ApiError(400, "complaint_period_invalid")
    return ops.figures(_conn(), _officer(), first=first, last=last, now=utcnow()), NO_STORE


@blp.route(COMPLAINT)
@allow("officer")
@blp.response(200, ComplaintSchema)
@blp.alt_response(404, schema=ErrorSchema, description="complaint_not_found")
@blp.doc(security=BEARER)
def detail(complaint_id):
    """Rincian pengaduan / A complaint with its answers and the actions allowed now."""
    return ops.detail(_conn(), request_work(), _officer(), str(complaint_id), utcnow()), \
        NO_STORE


def _act(action: str, data: dict, complaint_id) -> tuple:
    return ops.act(_conn(), request_work(), _officer(), str(complaint_id), action, data,
                   utcnow()), NO_STORE


def _action_doc(view):
    view = blp.alt_response(404, schema=ErrorSchema, description="complaint_not_found")(view)
    view = blp.alt_response(409, schema=ErrorSchema, description=(
        "complaint_stale, complaint_action_not_allowed"))(view)
    view = blp.alt_response(400, schema=ErrorSchema, description="Invalid body")(view)
    return view


@blp.route(f"{COMPLAINT}/acknowledge", methods=["POST"])
@allow("officer")
@blp.arguments(ComplaintRevisionSchema)
@blp.response(200, ComplaintSchema)
@_action_doc
@blp.doc(security=BEARER)
def acknowledge(data, complaint_id):
    """Verifikasi / Acknowledge (within 3 working days): the citizen is told."""
    return _act("acknowledge", data, complaint_id)


@blp.route(f"{COMPLAINT}/assign", methods=["POST"])
@allow("officer")
@blp.arguments(ComplaintAssignSchema)
@blp.response(200, ComplaintSchema)
@_action_doc
@blp.doc(security=BEARER)
def assign(data, complaint_id):
    """Tugaskan / Assign to an officer of the agency or a supervisor of the MPP."""
    return _act("assign", data, complaint_id)


@blp.route(f"{COMPLAINT}/answer", methods=["POST"])
@allow("officer")
@blp.arguments(ComplaintAnswerSchema)
@blp.response(200, ComplaintSchema)
@_action_doc
@blp.doc(security=BEARER)
def answer(data, complaint_id):
    """Jawab / Answer (within 5 working days): the citizen may confirm or reopen once."""
    return _act("answer", data, complaint_id)


@blp.route(f"{COMPLAINT}/close", methods=["POST"])
@allow("officer")
@blp.arguments(ComplaintRevisionSchema)
@blp.response(200, ComplaintSchema)
@_action_doc
@blp.doc(security=BEARER)
def close(data, complaint_id):
    """Tutup / Close an answered complaint."""
    return _act("close", data, complaint_id)


PHOTO_RESPONSE = {"description": "The photo as uploaded (JPEG, PNG or WebP)",
                  "content": {t: {"schema": {"type": "string", "format": "binary"}}
                              for t in ops.PHOTO_TYPES}}


@blp.route(f"{COMPLAINT}/photos/<int(max=9):number>")
@allow("officer")
@blp.response(200, description=PHOTO_RESPONSE["description"])
@blp.alt_response(404, schema=ErrorSchema, description="complaint_not_found, photo_not_found")
@blp.doc(security=BEARER, responses={"200": PHOTO_RESPONSE})
def photo(complaint_id, number):
    """Foto pengaduan / A complaint's photo (numbered from 1). Served under the complaint,
    never as the filer's document: its name is made here from the reference."""
    from ..uploads.document_routes import _stream

    work = request_work()
    found = ops.photo(_conn(), work, _officer(), str(complaint_id), number)
    reference, upload = found
    work.write()
    record("complaint.photo_view", target_kind="complaint", target_id=str(complaint_id),
           details={"number": number})
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
    return _stream(upload.storage_name, upload.content_type,
                   f"{reference.lower()}-foto-{number}.{extension[upload.content_type]}",
                   upload.length)
