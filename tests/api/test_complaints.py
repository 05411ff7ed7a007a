"""Complaints end to end over HTTP, on SQLite and PostgreSQL: filed through the sync push
(exactly once, with a reference), handled in the officer console API (acknowledge, assign,
answer, close), confirmed or reopened once by the citizen, escalated when overdue, counted
for the supervisor; and each bad input the issue names refused with a clear error and
nothing changed."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from server.applications.store import SqlUnitOfWork
from server.complaints.cli import escalate_in
from server.db_types import utcnow
from server.extensions import db
from tests.api.complaints_world import QUEUE, ComplaintWorld
from tests.api.devices import Device
from tests.helpers import assert_error


@pytest.fixture
def world(app, client, callers):
    return ComplaintWorld(app, client, callers)


def test_a_complaint_about_a_rejected_requirement_is_filed_handled_and_answered(world):
    made = world.rejected()
    complaint_id, result = world.file(made["phone"], application_id=made["id"])
    assert result == {"id": result["id"], "status": "applied"}

    # the phone's space: the reference, the prefilled application, the deadlines
    mine = world.space_value(made["phone"], complaint_id)
    assert re.fullmatch(r"ADU-LGS-\d{4}-\d{6}", mine["reference"])
    assert mine["status"] == "received" and mine["application_id"] == made["id"]
    about = mine["about"]
    assert about["agency"] and about["decision"] == "revision_requested"
    assert about["reason"] == "Mohon unggah ulang KK"
    assert [r["code"] for r in about["rejected_requirements"]] == ["kk"]
    assert about["rejected_requirements"][0]["note"] == "Foto buram: bagian bawah terpotong"
    assert mine["ack_due_on"] < mine["answer_due_on"]

    # the agency's queue has it; another agency's does not; the supervisor's does
    queue = world.get(world.imigrasi, QUEUE).get_json()
    assert [i["id"] for i in queue["items"]] == [complaint_id]
    assert queue["counts"]["received"] == 1
    assert world.get(world.dukcapil, QUEUE).get_json()["items"] == []
    assert [i["id"] for i in world.get(world.supervisor, QUEUE).get_json()["items"]] == \
        [complaint_id]
    assert world.get(world.elsewhere, QUEUE).get_json()["items"] == []

    detail = world.complaint(world.imigrasi, complaint_id)
    assert detail["complainant"]["name"] == "BUDI SANTOSO"  # not anonymous: shown
    assert detail["actions"] == ["acknowledge", "assign", "answer"] or \
        detail["actions"] == ["acknowledge"]
    assert detail["actions"][0] == "acknowledge"

    world.handle(world.imigrasi, complaint_id, "acknowledge")
    assert world.space_value(made["phone"], complaint_id)["status"] == "acknowledged"
    world.handle(world.imigrasi, complaint_id, "assign", officer_id=world.imigrasi_2["id"])
    answered = world.handle(world.imigrasi_2, complaint_id, "answer",
                            text="KK Anda terpotong di bagian bawah; unggah ulang utuh.")
    assert answered["status"] == "answered"
    assert answered["answers"][0]["officer"]["id"] == world.imigrasi_2["id"]

    # the citizen sees the answer, with a notification per step, and confirms it
    mine = world.space_value(made["phone"], complaint_id)
    assert mine["answers"][0]["text"].startswith("KK Anda terpotong")
    assert mine["may_confirm"] and mine["may_reopen"]
    patch = made["phone"].pull(cookie=None).get_json()["patch"]
    steps = [op["value"]["data"]["step"] for op in patch
             if op["key"].startswith("notification/") and op["value"]["kind"] ==
             "complaint_update"]
    assert sorted(steps) == sorted(["received", "acknowledged", "assigned", "answered"])
    assert world.citizen_step(made["phone"], "complaint.confirm",
                              complaint_id=complaint_id)["status"] == "applied"
    assert world.space_value(made["phone"], complaint_id)["status"] == "closed"

    # every step in the audit log
    actions = [e.action for e in world.complaint_audit(complaint_id)]
    assert actions == ["complaint.filed", "complaint.acknowledge", "complaint.assign",
                       "complaint.answer", "complaint.confirmed"]


def test_a_general_complaint_goes_to_the_mpps_supervisors_only(world, callers):
    citizen = callers.citizen()
    phone = Device(world.client, citizen["headers"])
    complaint_id, result = world.file(phone, mpp="langsa", category="aspirasi",
                                      text="Mohon tambah kursi di ruang tunggu.")
    assert result["status"] == "applied"
    assert world.get(world.imigrasi, QUEUE).get_json()["items"] == []
    assert [i["id"] for i in world.get(world.supervisor, QUEUE).get_json()["items"]] == \
        [complaint_id]
    # the verifier cannot reach it: 404 like a missing one, audited
    assert_error(world.get(world.imigrasi, f"{QUEUE}/{complaint_id}"), 404,
                 "complaint_not_found")
    assert world.complaint_audit(complaint_id)[-1].outcome == "denied"


def test_filing_is_exactly_once(world):
    made = world.rejected()
    phone = made["phone"]
    complaint_id = str(uuid.uuid4())
    mutation = phone.mutation("complaint.file", complaint_id=complaint_id,
                              category="pengaduan", text="Pelayanan lambat.",
                              application_id=made["id"])
    first = phone.push(mutation).get_json()
    again = phone.push(mutation).get_json()  # the same outbox retries: already applied
    assert first["results"] == again["results"] == [{"id": mutation["id"],
                                                     "status": "applied"}]
    # another outbox of the same citizen with the same complaint id: a no-op
    other = Device(world.client, made["citizen"]["headers"])
    assert world.file(other, complaint_id=complaint_id, application_id=made["id"])[1][
        "status"] == "applied"
    assert len(world.complaint_tables()["complaint"]) == 1
    assert len(world.complaint_audit(complaint_id)) == 1


def test_reopen_once_then_refused(world):
    made = world.rejected()
    complaint_id, _ = world.file(made["phone"], application_id=made["id"])
    world.handle(world.imigrasi, complaint_id, "answer", text="Sudah kami periksa.")
    assert world.citizen_step(made["phone"], "complaint.reopen", complaint_id=complaint_id,
                              reason="Belum menjawab pertanyaan saya.")["status"] == "applied"
    mine = world.space_value(made["phone"], complaint_id)
    assert mine["status"] == "reopened" and not mine["may_reopen"]
    assert world.complaint(world.imigrasi, complaint_id)["reopen_reason"] == \
        "Belum menjawab pertanyaan saya."
    world.handle(world.imigrasi, complaint_id, "answer", text="Jawaban kedua.")
    before = world.complaint_tables()
    refused = world.citizen_step(made["phone"], "complaint.reopen", complaint_id=complaint_id,
                                 reason="Lagi.")
    assert refused["status"] == "rejected"
    assert refused["error"]["code"] == "complaint_reopened_already"
    assert refused["error"]["message"].startswith("Pengaduan hanya dapat dibuka kembali")
    assert world.complaint_tables() == before


# ------------------------------------------------------------------------------ bad input

def _refused(world, phone, code, **args):
    before = world.complaint_tables()
    _, result = world.file(phone, **args)
    assert result["status"] == "rejected", result
    assert result["error"]["code"] == code
    assert result["error"]["message"] and result["error"]["message_en"]
    assert world.complaint_tables() == before  # nothing changed, no number taken
    return result


def test_a_complaint_about_another_citizens_application_is_refused(world, callers):
    made = world.rejected()
    stranger = Device(world.client, callers.citizen()["headers"])
    _refused(world, stranger, "application_not_found", application_id=made["id"])


def test_an_empty_complaint_is_refused(world):
    made = world.rejected()
    error = _refused(world, made["phone"], "complaint_empty", application_id=made["id"],
                     text="   \n ")
    assert error["error"]["message"] == "Tuliskan isi laporan Anda."


def test_an_oversized_complaint_is_refused(world):
    made = world.rejected()
    error = _refused(world, made["phone"], "complaint_too_long", application_id=made["id"],
                     text="a" * 4001)
    assert error["error"]["details"] == {"limit": 4000, "length": 4001}
    # and the limit itself is fine
    assert world.file(made["phone"], application_id=made["id"],
                      text="a" * 4000)[1]["status"] == "applied"


def test_a_complaint_with_no_place_or_a_draft_or_unknown_photo_is_refused(world, callers):
    made = world.rejected()
    _refused(world, made["phone"], "complaint_place_required")
    _refused(world, made["phone"], "complaint_mpp_not_found", mpp="atlantis")
    _refused(world, made["phone"], "complaint_agency_not_found", mpp="langsa",
             agency="nasa")
    _refused(world, made["phone"], "document_not_found", mpp="langsa",
             photos=[str(uuid.uuid4())])
    _refused(world, made["phone"], "invalid_args", mpp="langsa", category="gosip")


def test_an_officer_of_another_agency_cannot_answer(world):
    made = world.rejected()
    complaint_id, _ = world.file(made["phone"], application_id=made["id"])
    before = world.complaint_tables()
    revision = world.complaint(world.imigrasi, complaint_id)["revision"]
    for who in (world.dukcapil, world.elsewhere):
        response = world.post(who, f"{QUEUE}/{complaint_id}/answer",
                              {"revision": revision, "text": "Bukan urusan saya."})
        error = assert_error(response, 404, "complaint_not_found")
        assert error["message"] == "Pengaduan tidak ditemukan."
    assert world.complaint_tables() == before
    denied = [e for e in world.complaint_audit(complaint_id) if e.outcome == "denied"]
    assert len(denied) == 2 and denied[0].details == {"action": "answer"}


def test_officer_refusals_change_nothing(world):
    made = world.rejected()
    complaint_id, _ = world.file(made["phone"], application_id=made["id"])
    url = f"{QUEUE}/{complaint_id}"
    before = world.complaint_tables()
    assert_error(world.post(world.imigrasi, f"{url}/answer", {"revision": 1, "text": "  "}),
                 400, "complaint_answer_empty")
    assert_error(world.post(world.imigrasi, f"{url}/answer", {"revision": 99, "text": "x"}),
                 409, "complaint_stale")
    assert_error(world.post(world.imigrasi, f"{url}/close", {"revision": 1}), 409,
                 "complaint_action_not_allowed")
    assert_error(world.post(world.imigrasi, f"{url}/assign",
                            {"revision": 1, "officer_id": world.dukcapil["id"]}),
                 400, "complaint_assignee_invalid")
    # the citizen cannot confirm what was not answered
    refused = world.citizen_step(made["phone"], "complaint.confirm", complaint_id=complaint_id)
    assert refused["error"]["code"] == "complaint_not_answered"
    assert world.complaint_tables() == before


# ------------------------------------------------------------------------------ deadlines

def test_overdue_complaints_escalate_once_and_are_marked(world, app, runner):
    made = world.rejected()
    complaint_id, _ = world.file(made["phone"], application_id=made["id"])
    mine = world.space_value(made["phone"], complaint_id)
    ack_due = dt.date.fromisoformat(mine["ack_due_on"])
    answer_due = dt.date.fromisoformat(mine["answer_due_on"])
    with app.app_context():
        uow = SqlUnitOfWork(db.engine)
        on_time = dt.datetime.combine(ack_due, dt.time(10), dt.timezone.utc)
        assert escalate_in(uow, on_time) == 0  # the due day itself is not late
        late = on_time + dt.timedelta(days=1)
        assert escalate_in(uow, late) == 1
        assert escalate_in(uow, late) == 0  # idempotent
        after_answer_due = dt.datetime.combine(answer_due + dt.timedelta(days=1), dt.time(10),
                                               dt.timezone.utc)
        assert escalate_in(uow, after_answer_due) == 1  # the second deadline: once more
        assert escalate_in(uow, after_answer_due) == 0
    queue = world.get(world.supervisor, f"{QUEUE}?escalated=true").get_json()
    assert [i["id"] for i in queue["items"]] == [complaint_id]
    assert queue["items"][0]["escalated"] == "answer_overdue"
    assert world.space_value(made["phone"], complaint_id)["escalated"] is True
    assert [e.action for e in world.complaint_audit(complaint_id)].count(
        "complaint.escalated") == 2
    # the command says what it did (nothing more is overdue today)
    result = runner.invoke(args=["complaints", "escalate"])
    assert result.exit_code == 0 and "complaint(s) escalated" in result.output


def test_figures_per_agency_for_supervisors(world):
    made = world.rejected()
    first, _ = world.file(made["phone"], application_id=made["id"])
    world.file(made["phone"], application_id=made["id"], category="informasi")
    world.handle(world.imigrasi, first, "answer", text="Sudah dijawab.")
    figures = world.get(world.supervisor, f"{QUEUE}/figures").get_json()
    [imigrasi] = [a for a in figures["agencies"] if a["agency"]["code"] == "imigrasi"]
    assert imigrasi["total"] == 2 and imigrasi["answered"] == 1
    assert imigrasi["by_category"] == {"pengaduan": 1, "aspirasi": 0, "informasi": 1}
    assert imigrasi["median_hours_to_answer"] is not None
    assert imigrasi["median_working_days_to_answer"] == 0
    assert imigrasi["overdue"] == 0 and imigrasi["overdue_share"] == 0
    assert_error(world.get(world.imigrasi, f"{QUEUE}/figures"), 403, "forbidden")
    today = utcnow().date()
    assert_error(world.get(world.supervisor, f"{QUEUE}/figures?first={today}&last="
                           f"{today - dt.timedelta(days=1)}"), 400, "complaint_period_invalid")


def test_dev_seed_files_complaints_through_the_live_path(world, app, runner):
    result = runner.invoke(args=["dev", "seed", "--applications", "40", "--citizens", "6",
                                 "--complaints", "12", "--quiet"])
    assert result.exit_code == 0, result.output
    match = re.search(r"Complaints: (\d+) filed, (\d+) answered, (\d+) escalated", result.output)
    assert match, result.output
    filed, answered, _escalated = map(int, match.groups())
    tables = world.complaint_tables()
    assert filed == 12 and len(tables["complaint"]) == len(tables["filer"]) == 12
    assert len(tables["answer"]) == answered
    with app.app_context():
        from sqlalchemy import select

        from server.audit.models import AuditEvent
        from server.complaints.models import Complaint

        anonymous = {c.id for c in db.session.scalars(select(Complaint).where(
            Complaint.anonymous.is_(True)))}
        filed_rows = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "complaint.filed")).all()
        assert len(filed_rows) == 12
        assert all((e.actor_id is None) == (e.target_id in anonymous) for e in filed_rows)
    # running it again adds more, numbered on
    again = runner.invoke(args=["dev", "seed", "--applications", "0", "--complaints", "3",
                                "--seed", "2", "--quiet"])
    assert again.exit_code == 0, again.output
    assert len(world.complaint_tables()["complaint"]) == 15
