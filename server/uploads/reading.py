"""Who may read a document's file or preview, as operations with no HTTP in them.

- The citizen who owns the document.
- An officer whose agency has a SUBMITTED application (any state but draft) naming the
  document in one of its requirement rows (`application_requirement.document_id`): a
  verifier for their own agency; a supervisor for every agency of their MPP; an admin for
  every agency of every MPP (README: "admin: everything"; admins answer escalations across
  MPPs, and each of their views is audited like any officer's). A draft is the citizen's
  own business: no officer sees what it references until it is submitted.
- The same officers, for a document an officer REVIEWED on such an application and the
  applicant has since replaced (a superseded version): the reviewer's decision is in the
  audit log (`sync.review_requirement` with its document_id), and the officers who made it,
  or take the review over, compare the old photo with the new one. Replacing a document
  deletes nothing: its row and file stay as long as the application's audit trail does
  (erasure of the citizen's data is what removes them). A document attached and replaced
  before any review (a draft's first try) stays the citizen's alone.
- Anyone else gets exactly the answer a missing document gets (404 `document_not_found`),
  so a document id reveals nothing about whether it exists.

Then, for those allowed: only a `ready` document's file is ever served (an invalid one's
bytes were deleted when it was checked; 409 says which state it is in), and only a ready
image has a preview (PDFs: 404 `document_preview_unavailable`, the viewer opens the file).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import datetime as dt

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from sync.model import INVALID, READY
from sync.states import DRAFT

from ..access import Principal
from ..accounts.operations import within_reach
from ..applications.models import Application, ApplicationRequirement, Document
from ..audit.models import AuditEvent
from ..catalog.models import Agency, Service
from ..errors import ApiError
from .models import Upload

FILE, PREVIEW = "file", "preview"
REVIEWED = "sync.review_requirement"  # the engine's journal of an officer's decision
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


def officer_reviewed_application(session: Session, principal: Principal,
                                 document: Document) -> str | None:
    """The id of a submitted application of the officer's reach on which an officer reviewed
    the document (it may have been replaced since), or None. Looked up through the owner's
    applications (few), then their journal (indexed by application)."""
    query = (select(Application.id)
             .join(AuditEvent, and_(AuditEvent.target_kind == "application",
                                    AuditEvent.target_id == Application.id))
             .join(Service, Service.code == Application.service_code)
             .join(Agency, Agency.id == Service.agency_id)
             .where(Application.citizen_id == document.citizen_id,
                    Application.state != DRAFT, AuditEvent.action == REVIEWED,
                    AuditEvent.details["document_id"].as_string() == document.id))
    query = within_reach(query, principal.officer)
    return session.scalar(query.order_by(Application.id).limit(1))


@dataclass(frozen=True)
class Review:
    """The last decision an officer made on one document of one requirement."""

    requirement_code: str
    document_id: str
    review_status: str
    officer_note: str
    at: dt.datetime


def superseded_reviews(session: Session, application_id: str,
                       current: dict[str, str | None]) -> dict[str, list[Review]]:
    """For each requirement code, the documents officers reviewed on it that it no longer
    holds (`current`: code -> the document it holds now), newest first, each with the last
    decision made on it."""
    rows = session.execute(
        select(AuditEvent.details, AuditEvent.at)
        .where(AuditEvent.target_kind == "application", AuditEvent.target_id == application_id,
               AuditEvent.action == REVIEWED)
        .order_by(AuditEvent.id)).all()
    last: dict[tuple[str, str], Review] = {}
    for details, at in rows:
        code, document_id = details.get("requirement_code"), details.get("document_id")
        if not code or not document_id:
            continue
        last.pop((code, document_id), None)  # re-inserted: the order is the latest decision's
        last[(code, document_id)] = Review(code, document_id, details.get("review_status", ""),
                                           details.get("note") or "", at)
    out: dict[str, list[Review]] = {}
    for review in reversed(last.values()):
        if current.get(review.requirement_code) != review.document_id:
            out.setdefault(review.requirement_code, []).append(review)
    return out


def find_readable(session: Session, principal: Principal, document_id: str,
                  part: str) -> Readable:
    """The document and its finished upload, if `principal` may read `part` of it now."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotVisible()
    application_id = None
    if principal.kind == "citizen":
        if document.citizen_id != principal.citizen_id:
            raise NotVisible()
    elif principal.kind == "officer":
        application_id = (officer_application(session, principal, document_id)
                          or officer_reviewed_application(session, principal, document))
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
