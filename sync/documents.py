"""Document rows through their life: what the upload endpoint (tus) and agency imports call,
inside their own transaction. Each change bumps the owner's space version, so the
`document/<id>` value reaches the next pull.

    register_upload   uploading   (tus creation; document_id is the idempotency key)
    finish_upload     ready | invalid with a reason (after the content checks)
    issue_to_wallet   ready and verified, source "wallet" (issued by an agency, no upload)
"""
from __future__ import annotations

import datetime as dt

from . import reconcile
from .errors import reject
from .model import INVALID, READY, SOURCE_WALLET, UPLOADING, Document
from .space import SpaceWriter
from .states import CITIZEN, SYSTEM
from .store import UnitOfWork


def register_upload(uow: UnitOfWork, citizen_id: str, document_id: str, now: dt.datetime, *,
                    content_type: str, size: int, sha256: str,
                    document_type: str | None = None) -> Document:
    """The document for a new upload; a retried creation returns the same document. A
    document id of another citizen is `document_not_found`."""
    w = SpaceWriter(uow, citizen_id, now, actor=CITIZEN, actor_id=citizen_id)
    existing = uow.get_document(document_id)
    if existing is not None:
        if existing.citizen_id != citizen_id:
            raise reject("document_not_found")
        return existing
    document = Document(id=document_id, citizen_id=citizen_id, status=UPLOADING,
                        created_at=now, document_type=document_type, content_type=content_type,
                        size=size, sha256=sha256)
    w.put_document(document)
    w.journal("document.register", document_id=document_id)
    return document


def finish_upload(uow: UnitOfWork, document_id: str, now: dt.datetime, *, ok: bool,
                  reason: str = "", sha256: str | None = None,
                  size: int | None = None) -> Document:
    """Mark the upload ready, or invalid with a reason (a code the server puts into words,
    server/i18n.py: the citizen reads it). `sha256` and
    `size`: the stored file's, when the server changed it (metadata removed)."""
    found = uow.get_document(document_id)
    if found is None:
        raise reject("document_not_found")
    w = SpaceWriter(uow, found.citizen_id, now, actor=SYSTEM, actor_id="upload")
    document = uow.get_document(document_id)
    assert document is not None  # found just above, in this transaction
    document.status = READY if ok else INVALID
    document.reason = "" if ok else reason
    if sha256 is not None:
        document.sha256 = sha256
    if size is not None:
        document.size = size
    w.put_document(document)
    w.journal("document.finish", document_id=document_id, status=document.status)
    return document


def issue_to_wallet(uow: UnitOfWork, citizen_id: str, document_id: str, now: dt.datetime, *,
                    document_type: str, content_type: str, size: int, sha256: str,
                    issuer_id: str) -> Document:
    """A document an agency issued (e.g. Dukcapil's electronically signed KK): in the wallet
    at once, verified now, expiring after its type's validity_days."""
    w = SpaceWriter(uow, citizen_id, now, actor=SYSTEM, actor_id=issuer_id)
    if uow.get_document(document_id) is not None:
        raise reject("document_not_found")  # ids are never reused
    document = Document(id=document_id, citizen_id=citizen_id, status=READY, created_at=now,
                        document_type=document_type, content_type=content_type, size=size,
                        sha256=sha256, source=SOURCE_WALLET)
    reconcile.enter_wallet(uow, document, now, w.today)
    w.put_document(document)
    w.journal("document.issue", document_id=document_id, document_type=document_type)
    return document
