"""A complaint's steps reach the phone by web push: the push worker's own pass escalates an
overdue complaint (the MPP's supervisors see it marked) and the citizen's subscribed phone
gets the escalation, with the reference and the step only; the filing itself (the citizen's
own step) goes to the inbox, not to push."""
from __future__ import annotations

import datetime as dt
import uuid

from server.db_types import utcnow
from server.extensions import db
from tests.api.devices import Device

from .helpers import no_personal_data, one


def test_the_workers_pass_escalates_and_pushes_it(world):
    citizen = world.citizen()
    world.subscribe(citizen, "phone")
    phone = Device(world.client, citizen["headers"])
    complaint_id = str(uuid.uuid4())
    pushed = phone.push(phone.mutation(
        "complaint.file", complaint_id=complaint_id, category="pengaduan", mpp="langsa",
        text="Petugas loket tidak ada di tempat selama satu jam.", anonymous=True))
    assert pushed.get_json()["results"][0]["status"] == "applied"
    now = utcnow()
    assert world.drain(now=now).get("escalated", 0) == 0  # on time: filed, inbox only
    assert world.deliveries() == []

    later = now + dt.timedelta(days=14)  # past both deadlines, whatever the calendar
    counts = world.drain(now=later)
    assert counts["escalated"] == 1 and counts["delivered"] == 1
    payload = one(world, "phone").payload
    with world.app.app_context():
        from server.complaints.models import Complaint

        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.escalation == "answer_overdue" and complaint.escalated_at is not None
        reference = complaint.reference
    assert payload["title"] == f"Pengaduan {reference}"
    assert "pengawas MPP" in payload["body"]
    assert payload["url"] == f"/#/pengaduan/{complaint_id}"
    assert payload["kind"] == "complaint_escalated"
    assert "Petugas loket" not in str(payload)  # never the complaint's words
    no_personal_data(payload)
    assert world.drain(now=later).get("escalated", 0) == 0  # once
