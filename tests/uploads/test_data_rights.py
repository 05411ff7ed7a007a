"""Export carries the citizen's applications and uploaded files; erasure removes them."""
from __future__ import annotations

import io
import json
import uuid
import zipfile

from sqlalchemy import func, select

from server.applications.models import Application, Client, ClientGroup, Document
from server.audit.models import AuditEvent
from server.extensions import db
from server.uploads.models import Upload
from tests.uploads.conftest import image_bytes, stored_files
from tests.uploads.helpers import finish

PASPOR = "langsa.imigrasi.paspor-baru"


def push_application(client, headers) -> str:
    app_id = str(uuid.uuid4())
    body = {"protocol": 1, "client_group_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()),
            "mutations": [
                {"id": 1, "name": "application.create",
                 "args": {"application_id": app_id, "service_id": PASPOR}},
                {"id": 2, "name": "application.set_fields",
                 "args": {"application_id": app_id, "fields": {"full_name": "CUT MEUTIA"}}}]}
    assert client.post("/api/sync/push", json=body, headers=headers).status_code == 200
    return app_id


def test_export_holds_applications_and_the_files_byte_for_byte(app, client, citizen, tus):
    data = image_bytes("PNG")
    doc, _row = finish(app, tus, data, "image/png")
    app_id = push_application(client, citizen["headers"])
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/me/export",
                                                    headers=citizen["headers"]).data))
    space = json.loads(archive.read("applications.json"))
    assert [a["id"] for a in space["applications"]] == [app_id]
    assert space["applications"][0]["fields"]["full_name"] == "CUT MEUTIA"
    assert [d["id"] for d in space["documents"]] == [doc.id]
    assert archive.read(f"documents/{doc.id}.png") == data


def test_erasure_removes_applications_documents_and_files(app, client, citizen, tus, callers):
    other = callers.citizen()
    finish(app, tus, image_bytes("PNG"), "image/png")
    app_id = push_application(client, citizen["headers"])
    kept_id = push_application(client, other["headers"])
    assert len(stored_files(app)) == 2  # the file and its preview
    response = client.post("/api/me/erase", headers=citizen["headers"], json={"confirm": "HAPUS"})
    assert response.status_code == 204
    assert stored_files(app) == []
    with app.app_context():
        def count(model, *where):
            return db.session.scalar(select(func.count()).select_from(model).where(*where))

        cid = citizen["id"]
        assert count(Application, Application.citizen_id == cid) == 0
        assert count(Document, Document.citizen_id == cid) == 0
        assert count(Upload, Upload.citizen_id == cid) == 0
        assert count(ClientGroup, ClientGroup.citizen_id == cid) == 0
        assert db.session.get(Application, kept_id) is not None  # nobody else's data
        assert count(Client) == 1
        trail = db.session.scalars(select(AuditEvent).where(
            AuditEvent.target_id == app_id)).all()
        assert trail and "CUT MEUTIA" not in json.dumps([e.details for e in trail])
