"""Complaints beyond the happy path, on SQLite and PostgreSQL: a photo uploaded through tus
and attached to a complaint is read by the agency's officer under the complaint (never as the
filer's document), a PDF is refused as a photo; the citizen's data export carries their
complaints and erasure cuts the link to them (the complaint stays, anonymous); and the push a
step makes says the reference and the step, never the complaint's words."""
from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from PIL import Image

from server.db_types import utcnow
from server.push.texts import CatalogInfo, compose, event_of
from tests.api.complaints_world import QUEUE, ComplaintWorld
from tests.helpers import assert_error
from tests.media.document_photos import scanned_pdf
from tests.uploads.conftest import Tus


@pytest.fixture
def world(app, client, callers):
    return ComplaintWorld(app, client, callers)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 40)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _uploaded(world, headers, data: bytes, content_type: str, filename: str) -> str:
    document_id = str(uuid.uuid4())
    Tus(world.client, headers).upload(data, document_id=document_id, content_type=content_type,
                                      filename=filename)
    return document_id


def test_a_photo_is_read_under_the_complaint_and_a_pdf_is_refused(world):
    made = world.rejected()
    headers = made["citizen"]["headers"]
    photo = _jpeg()
    document_id = _uploaded(world, headers, photo, "image/jpeg", "loket.jpg")
    complaint_id, result = world.file(made["phone"], application_id=made["id"], anonymous=True,
                                      photos=[document_id])
    assert result["status"] == "applied", result
    detail = world.complaint(world.imigrasi, complaint_id)
    assert detail["photos"] == 1
    response = world.get(world.imigrasi, f"{QUEUE}/{complaint_id}/photos/1")
    assert response.status_code == 200 and response.data == photo
    disposition = response.headers["Content-Disposition"]
    assert detail["reference"].lower() in disposition and document_id not in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    assert_error(world.get(world.imigrasi, f"{QUEUE}/{complaint_id}/photos/2"), 404,
                 "photo_not_found")
    assert_error(world.get(world.dukcapil, f"{QUEUE}/{complaint_id}/photos/1"), 404,
                 "complaint_not_found")
    # the filer's document itself stays theirs: the officer cannot open it as a document
    assert world.get(world.imigrasi, f"/api/documents/{document_id}/file").status_code == 404
    views = [e for e in world.complaint_audit(complaint_id) if e.action == "complaint.photo_view"]
    assert len(views) == 1 and views[0].actor_id == str(world.imigrasi["id"])

    pdf = _uploaded(world, headers, scanned_pdf(pages=1), "application/pdf", "scan.pdf")
    before = world.complaint_tables()
    _, refused = world.file(made["phone"], application_id=made["id"], photos=[pdf])
    assert refused["error"]["code"] == "complaint_photo_not_image"
    assert world.complaint_tables() == before


def test_export_carries_complaints_and_erasure_cuts_the_link(world):
    made = world.rejected()
    headers = made["citizen"]["headers"]
    complaint_id, _ = world.file(made["phone"], application_id=made["id"])
    exported = world.client.get("/api/me/export", headers=headers)
    assert exported.status_code == 200
    import zipfile

    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        import json

        complaints = json.loads(archive.read("complaints.json"))
    assert [c["id"] for c in complaints] == [complaint_id]
    assert complaints[0]["application_id"] == made["id"]

    assert world.complaint(world.imigrasi, complaint_id)["complainant"]["name"]
    erased = world.client.post("/api/me/erase", headers=headers, json={"confirm": "HAPUS"})
    assert erased.status_code in (200, 202, 204), erased.get_data(as_text=True)
    tables = world.complaint_tables()
    assert len(tables["complaint"]) == 1 and tables["filer"] == []
    detail = world.complaint(world.imigrasi, complaint_id)
    assert detail["anonymous"] is True and detail["complainant"] is None
    # the agency can still answer; nobody is told (there is nobody to tell)
    assert world.handle(world.imigrasi, complaint_id, "answer",
                        text="Sudah diperiksa.")["status"] == "answered"


def test_each_officer_step_pushes_the_reference_and_the_step_only():
    data = {"complaint_id": "7b0c3c2e-1f00-4a51-9a8d-2f4a1d9e0b11",
            "reference": "ADU-LGS-2026-000007", "step": "answered", "status": "answered"}
    assert event_of("complaint_update", data) == "complaint_answered"
    for step in ("received", "confirmed", "reopened"):  # the citizen's own: inbox only
        assert event_of("complaint_update", {**data, "step": step}) is None
    for lang, title, words in (("id", "Pengaduan ADU-LGS-2026-000007", "sudah dijawab"),
                               ("en", "Complaint ADU-LGS-2026-000007", "was answered")):
        push = compose("complaint_update", data, notification_id="n1",
                       application_id="", info=CatalogInfo(), lang=lang, now=utcnow())
        assert push.payload["title"] == title and words in push.payload["body"]
        assert push.payload["url"] == f"/#/pengaduan/{data['complaint_id']}"
        assert push.urgency == "high" and push.ttl == 3 * 24 * 3600
    assert dt.timedelta(seconds=push.ttl) == dt.timedelta(days=3)


def test_figures_show_skm_u9_beside_the_complaints_from_five_answers(world, callers):
    from tests.api.devices import Device
    from tests.api.officer_world import PASPOR
    from tests.survey.world import ANSWER, completed, survey

    made = world.rejected()
    world.file(made["phone"], application_id=made["id"])

    def u9():
        figures = world.get(world.supervisor, f"{QUEUE}/figures").get_json()
        [imigrasi] = [a for a in figures["agencies"] if a["agency"]["code"] == "imigrasi"]
        return imigrasi["u9"]

    assert u9() == {"responses": 0, "mean": None}
    for n, score in enumerate([3, 3, 4, 2, 3]):
        citizen = callers.citizen()
        phone = Device(world.client, citizen["headers"])
        answered = survey(phone, completed(world.app, citizen, service=PASPOR),
                          scores={**ANSWER["scores"], "u9": score})
        assert answered["status"] == "applied", answered
        if n == 3:
            assert u9() == {"responses": 4, "mean": None}  # fewer than 5: no figure
    assert u9() == {"responses": 5, "mean": 3.0}
