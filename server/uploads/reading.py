"""Who may read a document's file or preview, as operations with no HTTP in them.

- The citizen who owns the document.
- An officer whose agency has a SUBMITTED application (any state but draft) naming the
  document in one of its requirement rows (`application_requirement.document_id`): a
  verifier for their own agency; a supervisor for every agency of their MPP; an admin for
  every agency of every MPP (README: "admin: everything"; admins answer escalations across
  MPPs, and each of their views is audited like any officer's). A draft is the citizen's
  own business: no officer sees what it references until it is submitted.
- Anyone else gets exactly the answer a missing document gets (404 `document_not_found`),
  so a document id reveals nothing about whether it exists.

Then, for those allowed: only a `ready` document's file is ever served (an invalid one's
bytes were deleted when it was checked; 409 says which state it is in), and only a ready
image has a preview (PDFs: 404 `document_preview_unavailable`, the viewer opens the file).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.model import INVALID, READY
from sync.states import DRAFT

from ..access import Principal
from ..accounts.operations import within_reach
from ..applications.models import Application, ApplicationRequirement, Document
from ..catalog.models import Agency, Service
from ..errors import ApiError
from .models import Upload

FILE, PREVIEW = "file", "preview"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
              "application/pdf": "pdf"}
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Readable:
    document: Document
    upload: Upload
    # For an officer: the application through which they may see it (for the audit log).
    application_id: str | None = None


class NotVisible(ApiError):
    """The 404 of a document the caller may not see (or that does not exist). A subclass,
    so the route can audit an officer's refused attempt; the answer is the plain 404."""

    def __init__(self):
        super().__init__(404, "document_not_found")


def officer_application(session: Session, principal: Principal, document_id: str) -> str | None:
    """The id of a submitted application of the officer's reach that references the
    document, or None."""
    officer = principal.officer
    query = (select(Application.id)
             .join(ApplicationRequirement, ApplicationRequirement.application_id == Application.id)
             .join(Service, Service.code == Application.service_code)
             .join(Agency, Agency.id == Service.agency_id)
             .where(ApplicationRequirement.document_id == document_id,
                    Application.state != DRAFT))
    query = within_reach(query, officer)
    return session.scalar(query.order_by(Application.id).limit(1))


def find_readable(session: Session, principal: Principal, document_id: str,
                  part: str) -> Readable:
    """The document and its finished upload, if `principal` may read `part` of it now."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotVisible()
    application_id = None
    if principal.kind == "citizen":
        if document.citizen_id != principal.citizen.id:
            raise NotVisible()
    elif principal.kind == "officer":
        application_id = officer_application(session, principal, document_id)
        if application_id is None:
            raise NotVisible()
    else:
        raise NotVisible()
    if document.status == INVALID:
        raise ApiError(409, "document_invalid", {"status": document.status})
    if document.status != READY:
        raise ApiError(409, "document_not_ready", {"status": document.status})
    upload = session.scalar(select(Upload).where(
        Upload.document_id == document_id, Upload.completed_at.is_not(None),
        Upload.terminated.is_(False)))
    if upload is None:  # e.g. a wallet document issued by an agency: no file here
        raise ApiError(404, "document_file_not_found")
    if part == PREVIEW and upload.preview_name is None:
        raise ApiError(404, "document_preview_unavailable")
    return Readable(document, upload, application_id)


def download_name(document: Document, part: str) -> str:
    """A server-made ASCII name (`ktp-1a2b3c4d.jpg`): never the client's filename, which
    could carry quotes, paths or text meant to mislead the officer."""
    kind = _UNSAFE.sub("_", document.document_type or "") or "dokumen"
    stem = f"{kind[:40]}-{document.id[:8]}"
    if part == PREVIEW:
        return f"{stem}-pratinjau.webp"
    return f"{stem}.{EXTENSIONS.get(document.content_type, 'bin')}"
