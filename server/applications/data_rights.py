"""A citizen's sync space in their data export, and gone on erasure (UU 27/2022).

Registered with accounts' EXPORTERS and ERASERS, so `GET /api/me/export` and
`POST /api/me/erase` cover applications, documents, notifications and stored results
without accounts knowing about them. What stays after erasure: the space row (its version
must never go back for devices that still hold a cookie) and the append-only audit trail,
which names ids, field keys and codes, never personal values.

Stored files go only after the erasure is committed: `erase_space` deletes the rows and
notes the files' names; when the app context ends (after the request's commit, or its
rollback) each noted file is deleted if no upload row names it any more. A commit that
fails leaves the rows, and so every file they point at. A deletion that fails (storage
down) leaves an unreferenced file, which the log names; never a row without its file.

The export is a zip written to a temporary file (accounts' `export_citizen`); stored files
are copied into it chunk by chunk, so no file (nor the zip) is ever held in memory whole.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from flask import Flask, appcontext_tearing_down, g
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from sync import views

from ..accounts.models import Citizen
from ..accounts.operations import ERASERS, EXPORTERS, to_json_bytes
from ..i18n import localise_sync
from . import models as m

log = logging.getLogger(__name__)


def _space(session: Session, citizen: Citizen) -> dict:
    """The citizen's space as the PWA sees it, read in the caller's transaction."""
    from .store import SqlUnitOfWork

    uow = SqlUnitOfWork(session.get_bind())
    with uow.using(session.connection()):
        changes = uow.changes_since(str(citizen.id), 0)
    # The codes in words, as a pull answers them (server/i18n.py).
    said = localise_sync({"patch": [
        *({"key": f"document/{d.id}", "value": views.document_value(d)}
          for d in changes.documents),
        *({"key": f"result/{r.client_id}/{r.mutation_id}", "value": views.result_value(r)}
          for r in changes.results)]})
    return {
        "applications": [views.application_value(a) for a in changes.applications],
        "documents": [op["value"] for op in said["patch"] if op["key"].startswith("document/")],
        "notifications": [views.notification_value(n) for n in changes.notifications],
        "rejected_changes": [op["value"] for op in said["patch"]
                             if op["key"].startswith("result/")],
    }


def export_space(session: Session, citizen: Citizen) -> dict[str, bytes | Iterable[bytes]]:
    from ..uploads.models import Upload
    from ..uploads.storage import storage_for
    from flask import current_app

    files: dict[str, bytes | Iterable[bytes]] = {
        "applications.json": to_json_bytes(_space(session, citizen))}
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
        # The file's chunks, read only as the zip is written (never the whole file at once).
        files[f"documents/{document.id}.{extension}"] = storage.read(upload.storage_name)
    return files


def erase_space(session: Session, citizen: Citizen, now: dt.datetime) -> None:
    from ..uploads.models import Upload

    cid = citizen.id
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
    g.setdefault(PENDING, []).extend(names)


PENDING = "_erased_file_names"


def delete_unreferenced(app: Flask, names: list[str]) -> int:
    """Delete the stored files among `names` that no upload row names (read in a new
    connection, so only what is committed counts); how many were deleted."""
    from ..extensions import db
    from ..uploads.models import Upload
    from ..uploads.storage import storage_for

    with db.engine.connect() as conn:
        referenced = {name for row in conn.execute(
            select(Upload.storage_name, Upload.preview_name).where(or_(
                Upload.storage_name.in_(names), Upload.preview_name.in_(names))))
            for name in row}
    storage, deleted = storage_for(app), 0
    for name in names:
        if name in referenced:
            continue
        try:
            storage.delete(name)
            deleted += 1
        except Exception:  # storage unreachable: the file stays, unreferenced  # noqa: BLE001
            log.exception("erasure: stored file %s could not be deleted", name)
    return deleted


def _after_app_context(app: Flask, **_extra) -> None:
    names = g.pop(PENDING, None)
    if names:
        delete_unreferenced(app, names)


EXPORTERS.append(export_space)
ERASERS.append(erase_space)
# Sent when an app context ends, after the request's commit (or rollback) and teardown.
appcontext_tearing_down.connect(_after_app_context)
