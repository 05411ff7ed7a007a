"""A citizen's sync space in their data export, and gone on erasure (UU 27/2022).

Registered with accounts' EXPORTERS and ERASERS, so `GET /api/me/export` and
`POST /api/me/erase` cover applications, documents, notifications and stored results
without accounts knowing about them. What stays after erasure: the space row (its version
must never go back for devices that still hold a cookie) and the append-only audit trail,
which names ids, field keys and codes, never personal values.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync import views

from ..accounts.models import Citizen
from ..accounts.operations import ERASERS, EXPORTERS, to_json_bytes
from . import models as m


def _space(session: Session, citizen: Citizen) -> dict:
    """The citizen's space as the PWA sees it, read in the caller's transaction."""
    from .store import SqlUnitOfWork

    uow = SqlUnitOfWork(session.get_bind())
    with uow.using(session.connection()):
        changes = uow.changes_since(str(citizen.id), 0)
    return {
        "applications": [views.application_value(a) for a in changes.applications],
        "documents": [views.document_value(d) for d in changes.documents],
        "notifications": [views.notification_value(n) for n in changes.notifications],
        "rejected_changes": [views.result_value(r) for r in changes.results],
    }


def export_space(session: Session, citizen: Citizen) -> dict[str, bytes]:
    from ..uploads.models import Upload
    from ..uploads.storage import storage_for
    from flask import current_app

    files: dict[str, bytes] = {"applications.json": to_json_bytes(_space(session, citizen))}
    storage = storage_for(current_app)
    uploads = session.scalars(select(Upload).where(
        Upload.citizen_id == citizen.id, Upload.completed_at.is_not(None),
        Upload.terminated.is_(False)))
    for upload in uploads:
        document = session.get(m.Document, upload.document_id)
        if document is None or document.status != "ready":
            continue  # invalid files were deleted when they were checked
        extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
                     "application/pdf": "pdf"}.get(document.content_type, "bin")
        with storage.open(upload.storage_name) as fh:
            files[f"documents/{document.id}.{extension}"] = fh.read()
    return files


def erase_space(session: Session, citizen: Citizen, now: dt.datetime) -> None:
    from ..uploads.models import Upload
    from ..uploads.storage import storage_for
    from flask import current_app

    cid = citizen.id
    storage = storage_for(current_app)
    names = [name for row in session.execute(
        select(Upload.storage_name, Upload.preview_name).where(Upload.citizen_id == cid))
        for name in row if name is not None]  # the files and the officers' previews
    app_ids = select(m.Application.id).where(m.Application.citizen_id == cid)
    groups = select(m.ClientGroup.id).where(m.ClientGroup.citizen_id == cid)
    clients = select(m.Client.id).where(m.Client.client_group_id.in_(groups))
    for statement in (
        delete(m.ApplicationRequirement).where(m.ApplicationRequirement.application_id.in_(app_ids)),
        delete(m.Discrepancy).where(m.Discrepancy.application_id.in_(app_ids)),
        delete(m.Application).where(m.Application.citizen_id == cid),
        delete(Upload).where(Upload.citizen_id == cid),
        delete(m.Document).where(m.Document.citizen_id == cid),
        delete(m.Notification).where(m.Notification.citizen_id == cid),
        delete(m.MutationResult).where(m.MutationResult.citizen_id == cid),
        delete(m.Tombstone).where(m.Tombstone.citizen_id == cid),
        delete(m.Client).where(m.Client.id.in_(clients)),
        delete(m.ClientGroup).where(m.ClientGroup.citizen_id == cid),
    ):
        session.execute(statement)
    for name in names:
        storage.delete(name)


EXPORTERS.append(export_space)
ERASERS.append(erase_space)
