"""Export carries the citizen's applications and uploaded files; erasure removes them."""
from __future__ import annotations

import io
import json
import logging
import uuid
import zipfile

from sqlalchemy import func, select

from server.applications.models import Application, Client, ClientGroup, Document
from server.audit.models import AuditEvent
from server.extensions import db
from server.uploads.models import Upload
from tests.uploads.conftest import image_bytes, stored, stored_files
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


def test_erasure_leaves_no_sign_in_codes_or_device_names(app, client, caplog, callers):
    """The codes sent to the number (linkable to the citizen through the sign-in audit
    times) and the names the citizen gave their devices go with the rest."""
    from server.accounts.models import Citizen, DeviceSession, OtpChallenge

    caplog.set_level(logging.INFO, logger="sekali_datang.otp")
    phone, other_phone = "081377665544", "081377665500"
    assert client.post("/api/auth/otp", json={"phone": phone}).status_code == 202
    code = caplog.records[-1].getMessage().rsplit(" ", 1)[-1]
    signed_in = client.post("/api/auth/otp/verify", json={
        "phone": phone, "code": code, "device_name": "HP Budi Santoso"}).get_json()
    assert client.post("/api/auth/otp", json={"phone": other_phone}).status_code == 202
    headers = {"Authorization": f"Bearer {signed_in['token']}"}
    with app.app_context():
        citizen = db.session.get(Citizen, uuid.UUID(signed_in["citizen"]["id"]))
        full_phone = citizen.phone
        assert db.session.scalar(select(func.count()).select_from(OtpChallenge).where(
            OtpChallenge.phone == full_phone)) == 1
    assert client.post("/api/me/erase", headers=headers,
                       json={"confirm": "HAPUS"}).status_code == 204
    with app.app_context():
        phones = db.session.scalars(select(OtpChallenge.phone)).all()
        assert full_phone not in phones and len(phones) == 1  # another number's code stays
        names = db.session.scalars(select(DeviceSession.device_name).where(
            DeviceSession.citizen_id == uuid.UUID(signed_in["citizen"]["id"]))).all()
        assert names == [""]
        assert "Budi" not in " ".join(db.session.scalars(select(DeviceSession.device_name)))


def test_a_failed_erasure_commit_deletes_no_file_and_keeps_every_row(app, client, citizen,
                                                                      tus):
    """Files go only after the commit: were they deleted first and the commit failed, the
    rows would point at files that no longer exist."""
    from sqlalchemy import event

    data = image_bytes("PNG")
    doc, row = finish(app, tus, data, "image/png")
    app_id = push_application(client, citizen["headers"])
    files = stored_files(app)
    assert len(files) == 2  # the file and its preview
    erasing = []

    def note_erasure(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("DELETE FROM UPLOAD"):
            erasing.append(statement)

    def refuse_commit(conn):
        if erasing:  # as a database refusing a COMMIT: the transaction ends, undone
            conn.connection.dbapi_connection.rollback()
            raise RuntimeError("commit refused by the test")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note_erasure)
    event.listen(engine, "commit", refuse_commit)
    try:
        try:
            status = client.post("/api/me/erase", headers=citizen["headers"],
                                 json={"confirm": "HAPUS"}).status_code
        except RuntimeError as err:  # raised from the request's closing commit
            assert "refused by the test" in str(err)
            status = 500
    finally:
        event.remove(engine, "commit", refuse_commit)
        event.remove(engine, "before_cursor_execute", note_erasure)
    assert erasing and status == 500  # the erasure ran; its commit failed
    assert stored_files(app) == files
    assert stored(app, row).read_bytes() == data
    with app.app_context():
        assert db.session.get(Upload, row.id) is not None
        assert db.session.get(Document, doc.id) is not None
        assert db.session.get(Application, app_id) is not None
    # Done again with a commit that works, everything goes.
    assert client.post("/api/me/erase", headers=citizen["headers"],
                       json={"confirm": "HAPUS"}).status_code == 204
    assert stored_files(app) == []


def test_a_large_export_streams_through_a_file(app, client, citizen, tus):
    """The zip is written to a temporary file and each stored file copied in by chunks:
    memory stays far below the export's size (it held the whole zip two or three times)."""
    import hashlib
    import tempfile
    import tracemalloc

    from server.accounts.operations import EXPORTERS

    data = image_bytes("PNG")
    doc, _row = finish(app, tus, data, "image/png")
    size, chunk = 32 * 1024 * 1024, 64 * 1024
    expected = hashlib.sha256()

    def big(_session, _citizen):  # incompressible, like photos
        def chunks():
            for i in range(size // chunk):
                piece = hashlib.shake_256(b"%d" % i).digest(chunk)
                expected.update(piece)
                yield piece
        return {"big.bin": chunks()}

    EXPORTERS.append(big)
    tracemalloc.start()
    try:
        with tempfile.TemporaryFile() as out:
            response = client.get("/api/me/export", headers=citizen["headers"], buffered=False)
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "no-store"
            for piece in response.response:
                out.write(piece)
            response.close()
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            out.seek(0)
            archive = zipfile.ZipFile(out)
            got = hashlib.sha256()
            with archive.open("big.bin") as entry:
                for piece in iter(lambda: entry.read(chunk), b""):
                    got.update(piece)
            assert got.hexdigest() == expected.hexdigest()
            assert archive.read(f"documents/{doc.id}.png") == data
    finally:
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        EXPORTERS.remove(big)
    # The zip held in memory two or three times was over 3x the size; S3's client takes a
    # few MB of its own.
    assert peak < size // 2, f"peak {peak / 2**20:.1f} MB for a {size / 2**20:.0f} MB export"
