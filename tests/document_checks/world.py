"""A citizen's passport application whose KTP is a real tus upload, and the NIK check worker
on the app's engine and storage: for the document check tests and the migration rows."""
from __future__ import annotations

import datetime as dt
import uuid

from server.applications.store import SqlUnitOfWork
from server.document_checks.worker import DocumentCheckWorker
from server.extensions import db
from server.uploads.storage import storage_for
from sync import documents, reconcile
from tests.api.devices import Device
from tests.api.officer_world import PASPOR
from tests.uploads.conftest import Tus, sha256

NIK = "1174011705900001"  # Kota Langsa, a man born 17 May 1990


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def submitted(app, client, callers, data: bytes, content_type: str = "image/jpeg",
              nik: str = NIK) -> dict:
    """A citizen (verified record: `nik`, born 17 May 1990, a man) uploads `data` over tus as
    the KTP of a passport application and submits it."""
    citizen = callers.citizen()
    record = {"nik": nik, "full_name": "BUDI SANTOSO", "birth_place": "Langsa",
              "birth_date": "1990-05-17", "sex": "L", "address": "Jl. Ahmad Yani No. 5",
              "email": "budi@example.id"}
    with app.app_context():
        uow = SqlUnitOfWork(db.engine)
        with uow.transaction():
            reconcile.update_profile(uow, str(citizen["id"]), record, set(record), now(),
                                     actor="system", actor_id="dukcapil")
    document_id = str(uuid.uuid4())
    extension = "pdf" if content_type == "application/pdf" else "jpg"
    Tus(client, citizen["headers"]).upload(data, document_id=document_id,
                                           content_type=content_type, digest=sha256(data),
                                           filename=f"ktp.{extension}")
    # The KK: a document sent earlier with no upload row (not a KTP: not checked here).
    kk = str(uuid.uuid4())
    with app.app_context():
        uow = SqlUnitOfWork(db.engine)
        with uow.transaction():
            documents.register_upload(uow, str(citizen["id"]), kk, now(),
                                      content_type="image/jpeg", size=1000, sha256="0" * 64)
        with uow.transaction():
            documents.finish_upload(uow, kk, now(), ok=True)
    phone = Device(client, citizen["headers"])
    app_id = str(uuid.uuid4())
    results = phone.push(
        phone.mutation("application.create", application_id=app_id, service_id=PASPOR),
        phone.mutation("application.set_fields", application_id=app_id,
                       fields={"passport_type": "elektronik", "purpose": "wisata"}),
        phone.mutation("application.attach", application_id=app_id, requirement_code="ktp",
                       document_id=document_id),
        phone.mutation("application.attach", application_id=app_id, requirement_code="kk",
                       document_id=kk),
        phone.mutation("application.submit", application_id=app_id)).get_json()["results"]
    assert all(r["status"] == "applied" for r in results), results
    return {"citizen": citizen, "phone": phone, "id": app_id, "document": document_id}


def worker(app, **kwargs) -> DocumentCheckWorker:
    with app.app_context():
        return DocumentCheckWorker(db.engine, storage_for(app), **kwargs)


def drain(app, **kwargs) -> dict:
    with app.app_context():
        return worker(app, **kwargs).drain()
