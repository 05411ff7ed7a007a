"""Walk-in applications: a routing table over walk_in.operations (any officer; which
services and walk-ins: their agency's, see operations.py).

The documents' photos go up by tus like the PWA's (same operations, same checks, same
limits), at /api/officer/walk-in/<id>/uploads, into the citizen's space: a plain Flask
blueprint, as server/uploads/routes.py says why."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint as FlaskBlueprint
from flask import current_app, request

from ..access import allow, current_principal
from ..accounts import operations as accounts
from ..accounts.delivery import channel_from_config
from ..db_types import utcnow
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint, limiter
from ..i18n import translate
from ..transactions import request_work
from ..review import operations as review
from ..uploads import operations as uploads
from ..uploads import routes as tus
from ..uploads.storage import storage_for
from . import operations as ops
from .schemas import (
    AttachSchema, CodeRequestSchema, CodeSentSchema, FieldsSchema, InProgressSchema,
    ServiceListSchema, StartSchema, WalkInDetailSchema,
)

blp = Blueprint("walk_in", __name__, url_prefix="/api/officer/walk-in",
                description="Permohonan di loket / Walk-in applications at the counter")
BEARER = [{"bearerAuth": []}]
WALK_IN = "/<uuid:application_id>"
NO_STORE = {"Cache-Control": "no-store"}


def _officer():
    return current_principal().officer


def _detail(application_id: str):
    body = ops.detail(request_work(), _officer(), application_id, utcnow())
    body["action_paths"] = {}  # a submitted walk-in continues in the review screen
    return body, NO_STORE


@blp.route("/code", methods=["POST"])
@allow("officer")
@limiter.limit(lambda: current_app.config["OTP_LIMIT_PER_PHONE"],
               key_func=lambda: "walk-in:" + str(current_principal().actor_id))
@blp.arguments(CodeRequestSchema)
@blp.response(202, CodeSentSchema)
@blp.alt_response(429, schema=ErrorSchema, description="Asked too often; see Retry-After")
@blp.doc(security=BEARER)
def send_code(data):
    """Kirim kode ke HP warga / Send a one-time code to the citizen's phone."""
    phone = accounts.parse_phone(data["phone"])
    config = current_app.config
    ops.send_code(_officer(), phone, now=utcnow(), secret=config["SECRET_KEY"],
                  channel=channel_from_config(config),
                  ttl=dt.timedelta(seconds=config["OTP_TTL_SECONDS"]),
                  resend_after=dt.timedelta(seconds=config["OTP_RESEND_SECONDS"]),
                  message=lambda code: translate("walk_in_code_sent", "id", code=code,
                                                 minutes=config["OTP_TTL_SECONDS"] // 60))
    return {"phone": accounts.masked(phone), "expires_in": config["OTP_TTL_SECONDS"],
            "resend_in": config["OTP_RESEND_SECONDS"]}


@blp.route("/services")
@allow("officer")
@blp.response(200, ServiceListSchema)
@blp.doc(security=BEARER)
def services():
    """Layanan yang dapat saya mulai / The services I may start a walk-in for (my reach)."""
    scope = review.services_in_scope(_officer())
    items = sorted((info.summary() for info in scope.values()), key=lambda s: s["name_id"])
    return {"items": items}


@blp.route("")
@allow("officer")
@blp.response(200, InProgressSchema)
@blp.doc(security=BEARER)
def in_progress():
    """Belum diajukan / Walk-ins not yet submitted, in my reach, newest first."""
    return {"items": ops.in_progress(_officer())}, NO_STORE


@blp.route("", methods=["POST"])
@allow("officer")
@blp.arguments(StartSchema)
@blp.response(201, WalkInDetailSchema)
@blp.alt_response(400, schema=ErrorSchema,
                  description="NIK disagrees with the birth date; wrong code")
@blp.alt_response(403, schema=ErrorSchema, description="Another agency's service")
@blp.doc(security=BEARER)
def start(data):
    """Mulai permohonan di loket / Start a walk-in application for a citizen."""
    application_id = ops.start(request_work(), _officer(), data, utcnow(),
                               current_app.config["SECRET_KEY"])
    return _detail(application_id)


@blp.route(WALK_IN)
@allow("officer")
@blp.response(200, WalkInDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such walk-in in your agency")
@blp.doc(security=BEARER)
def walk_in_detail(application_id):
    """Permohonan di loket / A walk-in application."""
    return _detail(str(application_id))


@blp.route(f"{WALK_IN}/fields", methods=["POST"])
@allow("officer")
@blp.arguments(FieldsSchema)
@blp.response(200, WalkInDetailSchema)
@blp.doc(security=BEARER)
def set_fields(data, application_id):
    """Isi formulir / Fill form fields (the engine's application.set_fields)."""
    ops.set_fields(request_work(), _officer(), str(application_id), data["fields"], utcnow())
    return _detail(str(application_id))


@blp.route(f"{WALK_IN}/attach", methods=["POST"])
@allow("officer")
@blp.arguments(AttachSchema)
@blp.response(200, WalkInDetailSchema)
@blp.doc(security=BEARER)
def attach(data, application_id):
    """Lampirkan dokumen / Attach an uploaded document (application.attach)."""
    ops.attach(request_work(), _officer(), str(application_id), data["requirement_code"],
               data["document_id"], utcnow())
    return _detail(str(application_id))


@blp.route(f"{WALK_IN}/submit", methods=["POST"])
@allow("officer")
@blp.response(200, WalkInDetailSchema)
@blp.doc(security=BEARER)
def submit(application_id):
    """Ajukan / Submit (application.submit): from here it is in the review queue."""
    ops.submit(request_work(), _officer(), str(application_id), utcnow())
    return _detail(str(application_id))


# ------------------------------------------------------------------------------ tus

tus_bp = FlaskBlueprint("walk_in_uploads", __name__,
                        url_prefix="/api/officer/walk-in/<uuid:application_id>/uploads")
tus_bp.after_request(tus.tus_headers)


def _owner(application_id) -> str:
    """The walk-in's citizen, checked in the request's own transaction (a refusal is
    audited), which then ends: the upload runs the engine's transactions."""
    citizen_id = ops.upload_owner(request_work(), _officer(), str(application_id))
    request_work().release()
    return citizen_id


@tus_bp.route("", methods=["POST"])
@allow("officer")
def upload_create(application_id):
    """tus creation (with upload) of a photographed document, in the citizen's space."""
    tus._require_tus()
    if request.headers.get("Upload-Defer-Length") is not None:
        raise ApiError(400, "upload_header_invalid", {"header": "Upload-Defer-Length"},
                       params={"header": "Upload-Defer-Length"})
    length = tus._int_header("Upload-Length")
    declared = uploads.declared_from(uploads.parse_metadata(
        request.headers.get("Upload-Metadata")))
    checksum = uploads.parse_checksum(request.headers.get("Upload-Checksum"))
    with_body = tus._has_body()
    if with_body and request.mimetype != tus.OFFSET_STREAM:
        raise ApiError(415, "upload_content_type")
    citizen_id = _owner(application_id)
    uow, storage = tus.unit_of_work(), storage_for(current_app)
    row, created = uploads.create_upload(uow, storage, citizen_id, length=length,
                                         declared=declared, now=utcnow(),
                                         limits=uploads.Limits.from_config(current_app.config))
    location = f"{request.path}/{row.id}"
    if created and with_body:
        row = uploads.append(uow, storage, row.id, citizen_id, offset=0,
                             body_length=request.content_length, chunks=tus._body_chunks(),
                             checksum=checksum, now=utcnow(), checks=tus._check_slots()).row
    _, _, headers = tus._upload_headers(row)
    headers["Location"] = location
    return "", 201, headers


@tus_bp.route("/<upload_id>", methods=["HEAD"])
@allow("officer")
def upload_head(application_id, upload_id: str):
    """Where an upload stands."""
    tus._require_tus()
    citizen_id = _owner(application_id)
    row = uploads.get_upload(tus.unit_of_work(), upload_id, citizen_id, utcnow())
    return tus._upload_headers(row, 200, length=True)


@tus_bp.route("/<upload_id>", methods=["PATCH"])
@allow("officer")
def upload_patch(application_id, upload_id: str):
    """Append bytes at Upload-Offset."""
    tus._require_tus()
    if request.mimetype != tus.OFFSET_STREAM:
        raise ApiError(415, "upload_content_type")
    offset = tus._int_header("Upload-Offset")
    checksum = uploads.parse_checksum(request.headers.get("Upload-Checksum"))
    citizen_id = _owner(application_id)
    result = uploads.append(tus.unit_of_work(), storage_for(current_app), upload_id,
                            citizen_id, offset=offset, body_length=request.content_length,
                            chunks=tus._body_chunks(), checksum=checksum, now=utcnow(),
                            checks=tus._check_slots())
    return tus._upload_headers(result.row)
