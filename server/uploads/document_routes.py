"""Reading a document: a routing table over reading.py (who may read what).

The bytes are streamed from storage (local disk or S3), never from a static folder, with
the type the content checks recorded, `nosniff`, `Cache-Control: private, no-store` (no
shared cache and no browser cache keeps an identity document) and a server-made filename.
Every officer's view, and every refused attempt of an officer, is written to the audit log.
"""
from __future__ import annotations

import itertools
import logging
import uuid

from flask import Response, current_app, request

from ..access import allow, current_principal
from ..audit.operations import record
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint, db
from ..transactions import request_work
from . import reading
from .previews import PREVIEW_TYPE
from .storage import StorageError, storage_for

log = logging.getLogger(__name__)
BEARER = [{"bearerAuth": []}]

blp = Blueprint("documents", __name__, url_prefix="/api/documents",
                description="Berkas dokumen / Reading an uploaded document's file")

FILE_RESPONSE = {
    "description": "The file, as stored (JPEG, PNG, WebP or PDF)",
    "content": {t: {"schema": {"type": "string", "format": "binary"}}
                for t in reading.EXTENSIONS},
}
PREVIEW_RESPONSE = {
    "description": "A WebP preview, long edge at most 800 px",
    "content": {PREVIEW_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}


def _read(document_id: uuid.UUID, part: str) -> reading.Readable:
    principal = current_principal()
    try:
        found = reading.find_readable(db.session, principal, str(document_id), part)
    except reading.NotVisible:
        if principal.kind == "officer":
            _audit_view(document_id, outcome="denied", details={"part": part})
        raise
    if principal.kind == "officer":
        _audit_view(document_id, outcome="ok",
                    details={"part": part, "application_id": found.application_id})
    return found


def _audit_view(document_id: uuid.UUID, *, outcome: str, details: dict) -> None:
    """The officer's view in a write of its own (request_work().write(): the read above
    ends first; on SQLite a transaction that has read cannot start writing once another
    write committed meanwhile), kept even when the view is refused."""
    work = request_work()
    work.write()
    record("document.view", target_kind="document", target_id=document_id,
           outcome=outcome, details=details)
    work.keep()


def _stream(name: str, content_type: str, filename: str, length: int | None,
            etag: str | None = None) -> Response:
    chunks = storage_for(current_app).read(name)
    try:
        # The first chunk is read before any header goes out, so a file missing from
        # storage is a clean error, not a 200 that breaks off.
        first = next(chunks, b"")
    except (FileNotFoundError, StorageError):
        log.exception("document file %s missing from storage", name)
        raise ApiError(404, "document_file_not_found") from None
    response = Response(itertools.chain([first], chunks), status=200,
                        content_type=content_type, direct_passthrough=True)
    response.call_on_close(chunks.close)
    if length is not None:
        response.content_length = length
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if etag:
        response.set_etag(etag)
    return response


@blp.route("/<uuid:document_id>/file")
@allow("citizen", "officer")
@blp.response(200, description=FILE_RESPONSE["description"])
@blp.alt_response(404, schema=ErrorSchema,
                  description="No such document, or not yours to see, or no file")
@blp.alt_response(409, schema=ErrorSchema, description="Not ready, or invalid")
@blp.doc(security=BEARER, responses={"200": FILE_RESPONSE})
def document_file(document_id: uuid.UUID):
    """Berkas dokumen / The document's file (its owner, or officers it was submitted to)."""
    found = _read(document_id, reading.FILE)
    document = found.document
    if document.sha256 and document.sha256 in request.if_none_match:
        response = Response(status=304)
        response.set_etag(document.sha256)
        response.headers["Cache-Control"] = "private, no-store"
        return response
    return _stream(found.upload.storage_name, document.content_type,
                   reading.download_name(document, reading.FILE), document.size,
                   etag=document.sha256 or None)


@blp.route("/<uuid:document_id>/preview")
@allow("citizen", "officer")
@blp.response(200, description=PREVIEW_RESPONSE["description"])
@blp.alt_response(404, schema=ErrorSchema,
                  description="No such document, or not yours to see, or no preview (PDF)")
@blp.alt_response(409, schema=ErrorSchema, description="Not ready, or invalid")
@blp.doc(security=BEARER, responses={"200": PREVIEW_RESPONSE})
def document_preview(document_id: uuid.UUID):
    """Pratinjau dokumen / A small WebP preview of an image document."""
    found = _read(document_id, reading.PREVIEW)
    name = found.upload.preview_name
    return _stream(name, PREVIEW_TYPE, reading.download_name(found.document, reading.PREVIEW),
                   storage_for(current_app).size(name))
