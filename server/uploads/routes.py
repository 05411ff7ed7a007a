"""tus 1.0 at /api/uploads: a routing table over operations.py (docs: sync-protocol.md,
"Uploads: tus 1.0 at /api/uploads").

A plain Flask blueprint, not flask-smorest: tus is a protocol of headers and raw bodies
that OpenAPI cannot describe usefully, and fuzzing it from a made-up schema would only test
the schema. Every view is citizen-only; another citizen's upload URL is a 404.
"""
from __future__ import annotations

import email.utils
import re

from flask import Blueprint, current_app, request

from ..access import allow, current_principal
from ..db_types import utcnow
from ..errors import ApiError
from ..applications.routes import unit_of_work
from ..transactions import own_transactions, request_work
from . import operations as ops
from .storage import read_chunks, storage_for

bp = Blueprint("uploads", __name__, url_prefix="/api/uploads")

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,creation-with-upload,checksum,termination,expiration"
OFFSET_STREAM = "application/offset+octet-stream"
ASCII_NUMBER = re.compile(r"[0-9]{1,18}")


@bp.after_request
def tus_headers(response):
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers.setdefault("Cache-Control", "no-store")
    if response.status_code == 460:
        response.status = "460 Checksum Mismatch"
    return response


def _require_tus() -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise ApiError(412, "tus_version_unsupported", {"supported": [TUS_VERSION]},
                       headers={"Tus-Version": TUS_VERSION})


def _citizen_id():
    return str(current_principal().citizen_id)


def _int_header(name: str, required: bool = True) -> int | None:
    raw = request.headers.get(name)
    if raw is None and not required:
        return None
    # ASCII digits only: str.isdigit() also takes "²" or "٣", which int() then refuses.
    if raw is None or not ASCII_NUMBER.fullmatch(raw):
        raise ApiError(400, "upload_header_invalid", {"header": name}, params={"header": name})
    return int(raw)


def _body_chunks():
    """The request body, streamed in 64 KB chunks (never read whole into memory)."""
    request.max_content_length = current_app.config["UPLOAD_MAX_BYTES"]
    return read_chunks(request.stream)


def _check_slots() -> ops.CheckSlots:
    """The app's limit on content checks running at once (operations.CheckSlots)."""
    slots = current_app.extensions.get("upload_check_slots")
    if slots is None:
        config = current_app.config
        slots = current_app.extensions.setdefault("upload_check_slots", ops.CheckSlots(
            per_process=int(config.get("UPLOAD_CHECKS_PER_PROCESS", 1)),
            per_citizen=int(config.get("UPLOAD_CHECKS_PER_CITIZEN", 1)),
            wait=float(config.get("UPLOAD_CHECK_WAIT_SECONDS", 20))))
    return slots


def _has_body() -> bool:
    return bool(request.content_length) or request.headers.get(
        "Transfer-Encoding", "").lower() == "chunked"


def _upload_headers(row, status: int = 204, *, length: bool = False) -> tuple:
    headers = {"Upload-Offset": str(row.offset)}
    if length:
        headers["Upload-Length"] = str(row.length)
    if row.completed_at is None:
        headers["Upload-Expires"] = email.utils.format_datetime(row.expires_at,
                                                                usegmt=True)
    return "", status, headers


def _uow():
    request_work().release()  # the engine runs its own transactions (server/transactions.py)
    return unit_of_work()


@bp.route("", methods=["OPTIONS"], provide_automatic_options=False)
@allow("citizen")
def uploads_options():
    """What this tus server supports."""
    return "", 204, {
        "Tus-Version": TUS_VERSION,
        "Tus-Extension": TUS_EXTENSIONS,
        "Tus-Checksum-Algorithm": ",".join(sorted(ops.CHECKSUM_ALGORITHMS)),
        "Tus-Max-Size": str(current_app.config["UPLOAD_MAX_BYTES"]),
    }


@bp.route("", methods=["POST"])
@allow("citizen")
@own_transactions  # authenticate in a read: no write lock for it
def uploads_create():
    """Creation (and creation-with-upload): 201 with Location; a retry with the same
    document_id returns the same upload."""
    _require_tus()
    if request.headers.get("Upload-Defer-Length") is not None:
        raise ApiError(400, "upload_header_invalid", {"header": "Upload-Defer-Length"},
                       params={"header": "Upload-Defer-Length"})
    length = _int_header("Upload-Length")
    declared = ops.declared_from(ops.parse_metadata(request.headers.get("Upload-Metadata")))
    with_body = _has_body()
    if with_body and request.mimetype != OFFSET_STREAM:
        raise ApiError(415, "upload_content_type")
    checksum = ops.parse_checksum(request.headers.get("Upload-Checksum"))
    citizen_id = _citizen_id()
    uow, storage, now = _uow(), storage_for(current_app), utcnow()
    row, created = ops.create_upload(uow, storage, citizen_id, length=length,
                                     declared=declared, now=now,
                                     limits=ops.Limits.from_config(current_app.config))
    location = f"{bp.url_prefix}/{row.id}"
    if created and with_body:
        try:
            row = ops.append(uow, storage, row.id, citizen_id, offset=0,
                             body_length=request.content_length, chunks=_body_chunks(),
                             checksum=checksum, now=utcnow(),
                             checks=_check_slots()).row
        except ApiError as err:
            err.headers["Location"] = location  # the upload exists: the client may resume
            raise
    _, _, headers = _upload_headers(row)
    headers["Location"] = location
    return "", 201, headers


@bp.route("/<upload_id>", methods=["HEAD"])
@allow("citizen")
def upload_head(upload_id: str):
    """Where an upload stands: Upload-Offset and Upload-Length."""
    _require_tus()
    row = ops.get_upload(_uow(), upload_id, _citizen_id(), utcnow())
    return _upload_headers(row, 200, length=True)


@bp.route("/<upload_id>", methods=["PATCH"])
@allow("citizen")
@own_transactions  # authenticate in a read: no write lock for it
def upload_patch(upload_id: str):
    """Append bytes at Upload-Offset; 204 with the new offset."""
    _require_tus()
    if request.mimetype != OFFSET_STREAM:
        raise ApiError(415, "upload_content_type")
    offset = _int_header("Upload-Offset")
    checksum = ops.parse_checksum(request.headers.get("Upload-Checksum"))
    result = ops.append(_uow(), storage_for(current_app), upload_id, _citizen_id(),
                        offset=offset, body_length=request.content_length,
                        chunks=_body_chunks(), checksum=checksum, now=utcnow(),
                        checks=_check_slots())
    return _upload_headers(result.row)


@bp.route("/<upload_id>", methods=["DELETE"])
@allow("citizen")
@own_transactions  # authenticate in a read: no write lock for it
def upload_delete(upload_id: str):
    """Termination: the partial file is deleted; later requests get 410."""
    _require_tus()
    ops.terminate(_uow(), storage_for(current_app), upload_id, _citizen_id(), utcnow())
    return "", 204
