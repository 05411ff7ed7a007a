"""Reading a document: GET /api/documents/<id>/file and /preview (server/uploads/reading.py).

Who may read: the owner; officers whose agency has a submitted application naming the
document (verifier: their agency; supervisor: their MPP; admin: all). Anyone else gets the
404 of a missing document. Only ready documents are served; invalid ones never give bytes.
"""
from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import select

from server.applications.models import Application
from server.audit.models import AuditEvent
from server.extensions import db
from tests.helpers import assert_error
from tests.uploads.conftest import (
    Tus, document, image_bytes, pdf_bytes, png_header_only, sha256, upload_row,
)
from tests.uploads.helpers import finish, jpeg_with_location

PASPOR = "langsa.imigrasi.paspor-baru"  # MPP Langsa, agency imigrasi


def url(document_id: str, part: str = "file") -> str:
    return f"/api/documents/{document_id}/{part}"


def push(client, headers, *mutations) -> None:
    body = {"protocol": 1, "client_group_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()),
            "mutations": [{"id": i, "name": name, "args": args}
                          for i, (name, args) in enumerate(mutations, start=1)]}
    results = client.post("/api/sync/push", json=body, headers=headers).get_json()["results"]
    assert [r["status"] for r in results] == ["applied"] * len(mutations), results


def attach_ktp(client, headers, app_id: str, document_id: str) -> None:
    push(client, headers, ("application.attach", {"application_id": app_id,
                                                  "requirement_code": "ktp",
                                                  "document_id": document_id}))


def attach_to_application(app, client, headers, document_id: str, state: str = "submitted"):
    """A passport application naming the document as its KTP, through the real sync push.
    Submitting for real needs the whole form and every document; the state is set directly
    instead (the citizen's submit has its own tests in tests/api/test_sync_api.py)."""
    app_id = str(uuid.uuid4())
    push(client, headers, ("application.create", {"application_id": app_id, "service_id": PASPOR}))
    attach_ktp(client, headers, app_id, document_id)
    set_state(app, app_id, state)
    return app_id


def set_state(app, app_id: str, state: str) -> None:
    with app.app_context():
        db.session.get(Application, app_id).state = state
        db.session.commit()


def views(app, document_id: str) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(e.actor_id, e.outcome, e.details.get("part"))
                for e in db.session.scalars(select(AuditEvent).where(
                    AuditEvent.action == "document.view",
                    AuditEvent.target_id == document_id).order_by(AuditEvent.id))]


def assert_served(response, data: bytes, content_type: str, filename: str) -> None:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == f'inline; filename="{filename}"'
    assert response.data == data


def test_the_owner_reads_the_file_and_its_preview(app, client, citizen, tus):
    data = image_bytes("JPEG", size=(1600, 1200))
    doc, row = finish(app, tus, data, "image/jpeg", filename='ktp".html')
    response = client.get(url(doc.id), headers=citizen["headers"])
    assert_served(response, data, "image/jpeg", f"dokumen-{doc.id[:8]}.jpg")
    assert response.headers["ETag"] == f'"{sha256(data)}"'
    assert int(response.headers["Content-Length"]) == len(data)
    again = client.get(url(doc.id), headers={**citizen["headers"],
                                             "If-None-Match": f'"{sha256(data)}"'})
    assert again.status_code == 304 and again.data == b""

    preview = client.get(url(doc.id, "preview"), headers=citizen["headers"])
    assert preview.status_code == 200
    assert preview.headers["Content-Type"] == "image/webp"
    assert preview.headers["Cache-Control"] == "private, no-store"
    assert preview.headers["Content-Disposition"] == (
        f'inline; filename="dokumen-{doc.id[:8]}-pratinjau.webp"')
    image = Image.open(io.BytesIO(preview.data))
    assert image.format == "WEBP" and image.size == (800, 600)
    assert len(preview.data) < len(data) / 4
    assert row.preview_name and row.preview_name != row.storage_name
    assert views(app, doc.id) == []  # the owner's own reads are not officer views


def test_a_jpeg_preview_is_upright_and_carries_no_location(app, client, citizen, tus):
    data = jpeg_with_location()  # 120 x 90, Exif orientation 6 (turned 90 degrees)
    doc, _row = finish(app, tus, data, "image/jpeg")
    preview = client.get(url(doc.id, "preview"), headers=citizen["headers"]).data
    image = Image.open(io.BytesIO(preview))
    assert image.size == (90, 120)  # upright, and never enlarged
    assert b"Exif" not in preview and b"GPS" not in preview and not image.getexif()


def test_a_png_with_transparency_previews_on_white(app, client, citizen, tus):
    clear = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    buffer = io.BytesIO()
    clear.save(buffer, "PNG")
    doc, _row = finish(app, tus, buffer.getvalue(), "image/png")
    preview = client.get(url(doc.id, "preview"), headers=citizen["headers"]).data
    assert Image.open(io.BytesIO(preview)).convert("RGB").getpixel((10, 10)) >= (250, 250, 250)


def test_a_pdf_is_served_and_has_no_preview(app, client, citizen, tus):
    data = pdf_bytes(2)
    doc, row = finish(app, tus, data, "application/pdf")
    assert row.preview_name is None
    assert_served(client.get(url(doc.id), headers=citizen["headers"]), data,
                  "application/pdf", f"dokumen-{doc.id[:8]}.pdf")
    assert_error(client.get(url(doc.id, "preview"), headers=citizen["headers"]), 404,
                 "document_preview_unavailable")


def test_officers_read_what_was_submitted_to_their_agency_and_nothing_else(
        app, client, callers, citizen, tus):
    data = image_bytes("JPEG", size=(400, 300))
    doc, _row = finish(app, tus, data, "image/jpeg")
    imigrasi = callers.officer("verifier", "langsa", "imigrasi")
    dukcapil = callers.officer("verifier", "langsa", "dukcapil")
    imigrasi_elsewhere = callers.officer("verifier", "payakumbuh", "imigrasi")
    supervisor = callers.officer("supervisor", "langsa")
    supervisor_elsewhere = callers.officer("supervisor", "payakumbuh")
    admin = callers.officer("admin")
    stranger = callers.citizen()
    allowed = (imigrasi, supervisor, admin)
    refused = (dukcapil, imigrasi_elsewhere, supervisor_elsewhere)
    missing = assert_error(client.get(url(str(uuid.uuid4())), headers=stranger["headers"]),
                           404, "document_not_found")

    app_id = attach_to_application(app, client, citizen["headers"], doc.id, state="draft")
    # A draft is the citizen's business: no officer sees what it names yet.
    for officer in (*allowed, *refused):
        for part in ("file", "preview"):
            assert_error(client.get(url(doc.id, part), headers=officer["headers"]), 404,
                         "document_not_found")

    set_state(app, app_id, "submitted")
    for officer in allowed:
        assert_served(client.get(url(doc.id), headers=officer["headers"]), data,
                      "image/jpeg", f"ktp-{doc.id[:8]}.jpg")  # the requirement's type now
        assert client.get(url(doc.id, "preview"), headers=officer["headers"]).status_code == 200
    for caller in (*refused, stranger):
        for part in ("file", "preview"):
            response = client.get(url(doc.id, part), headers=caller["headers"])
            # Exactly the answer for a document that does not exist: no existence leak.
            assert assert_error(response, 404, "document_not_found") == missing
            assert data[:64] not in response.data
    assert client.get(url(doc.id)).status_code == 401

    trail = views(app, doc.id)
    for officer in allowed:
        assert (str(officer["id"]), "ok", "file") in trail
        assert (str(officer["id"]), "ok", "preview") in trail
    for officer in refused:
        assert (str(officer["id"]), "denied", "file") in trail
    assert not any(actor == str(stranger["id"]) for actor, _, _ in trail)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "document.view", AuditEvent.outcome == "ok")).first()
        assert event.actor_kind == "officer" and event.details["application_id"] == app_id

    # Still readable once the application is decided (the record of what was checked).
    set_state(app, app_id, "rejected")
    assert client.get(url(doc.id), headers=imigrasi["headers"]).status_code == 200


BAD_FILES = {
    "png-renamed-pdf": (lambda: image_bytes("PNG"), "application/pdf"),
    "jpeg-cut-in-half": (lambda: image_bytes("JPEG", size=(640, 480))[:20_000], "image/jpeg"),
    "html-as-image": (lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>",
                      "image/png"),
    "svg-as-image": (lambda: b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
                     "image/png"),
    "polyglot-png-html": (lambda: image_bytes("PNG", size=(50, 50)) + b"<html></html>",
                          "image/png"),
    "pixel-bomb": (lambda: png_header_only(30000, 30000), "image/png"),
    "pdf-500-pages": (lambda: pdf_bytes(500), "application/pdf"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_an_invalid_document_never_serves_bytes(app, client, citizen, tus, kind):
    make, content_type = BAD_FILES[kind]
    data = make()
    doc, row = finish(app, tus, data, content_type)
    assert doc.status == "invalid"
    for part in ("file", "preview"):
        response = client.get(url(doc.id, part), headers=citizen["headers"])
        error = assert_error(response, 409, "document_invalid")
        assert error["details"] == {"status": "invalid"}
        assert data[:32] not in response.data
    assert row.preview_name is None


def test_a_zero_byte_or_unfinished_upload_serves_nothing(app, client, citizen, tus):
    empty_id = str(uuid.uuid4())
    assert tus.create(b"", document_id=empty_id).status_code == 201
    assert_error(client.get(url(empty_id), headers=citizen["headers"]), 409, "document_invalid")

    data = image_bytes("PNG", size=(80, 80))
    pending_id = str(uuid.uuid4())
    upload = tus.create(data, document_id=pending_id).headers["Location"]
    assert tus.patch(upload, 0, data[:100]).status_code == 204
    for part in ("file", "preview"):
        response = client.get(url(pending_id, part), headers=citizen["headers"])
        assert assert_error(response, 409, "document_not_ready")["details"] == {
            "status": "uploading"}
    assert tus.head(upload).headers["Upload-Offset"] == "100"  # reading changed nothing


def test_another_citizens_document_is_404_and_unchanged(app, client, callers, citizen, tus):
    data = image_bytes("PNG", size=(60, 60))
    doc, row = finish(app, tus, data, "image/png")
    other = Tus(client, callers.citizen()["headers"])
    for part in ("file", "preview"):
        assert_error(client.get(url(doc.id, part), headers=other.auth), 404,
                     "document_not_found")
    assert document(app, doc.id).status == "ready"
    assert upload_row(app, f"/api/uploads/{row.id}").storage_name == row.storage_name
    assert client.get("/api/documents/not-a-uuid/file",
                      headers=citizen["headers"]).status_code == 404


def test_a_replaced_document_stays_readable_to_the_officers_who_reviewed_it(
        app, client, callers, citizen, tus):
    """Issue #14: once the applicant replaces a rejected photo, the officers of the agency
    that rejected it still read it (to compare old and new), each read audited; nobody else
    does, and a photo replaced before any officer looked at it stays the citizen's."""
    old_data, new_data, draft_data = (image_bytes("JPEG", size=(400, 300 + i)) for i in range(3))
    old, _ = finish(app, tus, old_data, "image/jpeg")
    new, _ = finish(app, tus, new_data, "image/jpeg")
    first_try, _ = finish(app, tus, draft_data, "image/jpeg")
    imigrasi = callers.officer("verifier", "langsa", "imigrasi")
    imigrasi_2 = callers.officer("verifier", "langsa", "imigrasi")
    dukcapil = callers.officer("verifier", "langsa", "dukcapil")
    elsewhere = callers.officer("supervisor", "payakumbuh")

    # The draft's first photo is replaced before submitting: never reviewed.
    app_id = attach_to_application(app, client, citizen["headers"], first_try.id, state="draft")
    attach_ktp(client, citizen["headers"], app_id, old.id)
    set_state(app, app_id, "submitted")

    # The officer rejects the photo; the applicant sends a new one in the revision.
    base = f"/api/officer/applications/{app_id}"

    def act(action, **body):
        version = client.get(base, headers=imigrasi["headers"]).get_json()["version"]
        response = client.post(f"{base}/{action}", json={"version": version, **body},
                               headers=imigrasi["headers"])
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    act("start-review")
    act("review", requirement="ktp", decision="reject", note="Foto buram")
    set_state(app, app_id, "revision_requested")
    attach_ktp(client, citizen["headers"], app_id, new.id)
    set_state(app, app_id, "in_review")

    detail = client.get(base, headers=imigrasi["headers"]).get_json()
    ktp = next(r for r in detail["requirements"] if r["code"] == "ktp")
    assert ktp["document"]["id"] == new.id and ktp["review_status"] == "resubmitted"
    assert [(p["id"], p["review_status"], p["officer_note"]) for p in ktp["previous_documents"]] \
        == [(old.id, "rejected", "Foto buram")]  # the unreviewed first try is not there

    # The rejecting officer and a colleague who takes the review over read the old photo.
    for officer in (imigrasi, imigrasi_2):
        assert_served(client.get(url(old.id), headers=officer["headers"]), old_data,
                      "image/jpeg", f"ktp-{old.id[:8]}.jpg")
        assert client.get(url(old.id, "preview"), headers=officer["headers"]).status_code == 200
        assert client.get(url(new.id), headers=officer["headers"]).data == new_data
    # Another agency, another MPP: the 404 of a missing document, and nothing of the bytes.
    for officer in (dukcapil, elsewhere):
        response = client.get(url(old.id), headers=officer["headers"])
        assert_error(response, 404, "document_not_found")
        assert old_data[:64] not in response.data
    # Never reviewed: no officer reads it, although it once sat on the same requirement.
    for officer in (imigrasi, imigrasi_2):
        assert_error(client.get(url(first_try.id), headers=officer["headers"]), 404,
                     "document_not_found")
    # The owner still reads all three; the reads of the old one are in the audit log, with
    # the application they went through.
    for doc, data in ((old, old_data), (first_try, draft_data)):
        assert client.get(url(doc.id), headers=citizen["headers"]).data == data
    trail = views(app, old.id)
    for officer in (imigrasi, imigrasi_2):
        assert (str(officer["id"]), "ok", "file") in trail
    assert (str(dukcapil["id"]), "denied", "file") in trail
    with app.app_context():
        seen = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "document.view", AuditEvent.target_id == old.id,
            AuditEvent.outcome == "ok")).all()
        assert seen and {e.details["application_id"] for e in seen} == {app_id}
