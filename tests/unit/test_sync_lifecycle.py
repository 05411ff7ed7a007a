"""An application's life: the citizen's mutations and the officer's actions."""
from __future__ import annotations

import datetime as dt

import pytest

from sync import officer, tickets
from sync.errors import Rejection
from sync.model import ServiceSpec
from tests.sync import catalog
from tests.sync.factories import (
    INACTIVE, KK_CHANGE, PASPOR, PROFILE_BUDI, Harness, filled_paspor, new_id,
)


@pytest.fixture
def h() -> Harness:
    h = Harness()
    h.profile("budi", PROFILE_BUDI)
    return h


def refused(h: Harness, action: str, *args, code: str, **kwargs) -> Rejection:
    before = h.dump()
    with pytest.raises(Rejection) as info:
        h.officer(action, *args, **kwargs)
    assert info.value.code == code, info.value
    assert h.dump() == before
    return info.value


def submitted(h: Harness, device) -> str:
    application_id = filled_paspor(h, device)
    assert h.do(device, "application.submit", application_id=application_id)["status"] == \
        "applied"
    return application_id


# --------------------------------------------------------------------------------------
# create

def test_creating_the_same_application_again_is_a_no_op(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    before = h.application(application_id)
    assert h.do(budi, "application.create", application_id=application_id,
                service_id=PASPOR)["status"] == "applied"
    after = h.application(application_id)
    assert after.fields == before.fields and after.requirements == before.requirements
    # the same id for another service is not a retry
    assert h.do(budi, "application.create", application_id=application_id,
                service_id=KK_CHANGE)["error"]["code"] == "application_id_unavailable"


def test_unknown_and_closed_services(h) -> None:
    budi = h.device("budi")
    assert h.do(budi, "application.create", application_id=new_id(),
                service_id="langsa.tidak.ada")["error"]["code"] == "service_not_found"
    h.server.add_service(ServiceSpec(INACTIVE, "LGS", active=False))
    assert h.do(budi, "application.create", application_id=new_id(),
                service_id=INACTIVE)["error"]["code"] == "service_unavailable"


def test_a_draft_has_a_row_per_requirement(h) -> None:
    budi = h.device("budi")
    application_id = new_id()
    h.do(budi, "application.create", application_id=application_id, service_id=PASPOR)
    a = h.application(application_id)
    assert a.state == "draft" and a.reference is None
    assert set(a.requirements) == {r.code for r in catalog.service(PASPOR).requirements}
    assert all(r.review_status == "pending" and r.document_id is None
               for r in a.requirements.values())


# --------------------------------------------------------------------------------------
# set_fields, detach

def test_clearing_a_field_and_detaching(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    h.do(budi, "application.set_fields", application_id=application_id,
         fields={"purpose": None, "email": ""})
    fields = h.application(application_id).fields
    assert "purpose" not in fields and "email" not in fields
    h.do(budi, "application.detach", application_id=application_id, requirement_code="ktp")
    assert h.application(application_id).requirements["ktp"].document_id is None
    error = h.do(budi, "application.submit", application_id=application_id)["error"]
    assert error["code"] == "incomplete"
    assert error["details"]["missing_fields"] == ["purpose", "email"]
    assert error["details"]["missing_requirements"] == [{"code": "ktp",
                                                         "reason": "no_document"}]


# --------------------------------------------------------------------------------------
# submit and the reference number

def test_submit_gives_a_reference_per_mpp_and_year(h) -> None:
    budi = h.device("budi")
    first, second = submitted(h, budi), submitted(h, budi)
    assert h.application(first).reference == "LGS-2026-000001"
    assert h.application(second).reference == "LGS-2026-000002"
    assert h.application(first).submitted_at == h.now
    h.now = dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)  # 1 January 2027, 00:30 WIB
    assert h.application(submitted(h, budi)).reference == "LGS-2027-000001"


def test_a_failed_submit_takes_no_number(h) -> None:
    budi = h.device("budi")
    draft = new_id()
    h.do(budi, "application.create", application_id=draft, service_id=PASPOR)
    assert h.do(budi, "application.submit", application_id=draft)["status"] == "rejected"
    assert h.application(submitted(h, budi)).reference == "LGS-2026-000001"


def test_a_resubmission_keeps_its_reference(h) -> None:
    budi = h.device("budi")
    application_id = submitted(h, budi)
    h.officer("start_review", application_id)
    h.officer("request_revision", application_id, "Lengkapi alamat")
    a = h.application(application_id)
    assert (a.state, a.officer_note) == ("revision_requested", "Lengkapi alamat")
    h.do(budi, "application.set_fields", application_id=application_id,
         fields={"address": "Jl. Ahmad Yani No. 5, Gampong Jawa, Langsa"})
    assert h.do(budi, "application.submit", application_id=application_id)["status"] == \
        "applied"
    a = h.application(application_id)
    assert (a.state, a.reference) == ("submitted", "LGS-2026-000001")


def test_submitting_twice_is_an_invalid_transition(h) -> None:
    budi = h.device("budi")
    application_id = submitted(h, budi)
    error = h.do(budi, "application.submit", application_id=application_id)["error"]
    assert (error["code"], error["details"]) == ("invalid_transition",
                                                 {"state": "submitted", "to": "submitted"})


# --------------------------------------------------------------------------------------
# withdraw and discard

def test_withdraw_while_waiting_or_in_review_but_not_once_approved(h) -> None:
    budi = h.device("budi")
    waiting = submitted(h, budi)
    assert h.do(budi, "application.withdraw", application_id=waiting)["status"] == "applied"
    assert h.application(waiting).state == "withdrawn"
    approved = submitted(h, budi)
    h.officer("start_review", approved)
    for code in ("ktp", "kk"):
        h.officer("review_requirement", approved, code, True, "")
    h.officer("approve", approved)
    assert h.do(budi, "application.withdraw", application_id=approved)["error"]["code"] == \
        "invalid_transition"
    draft = new_id()
    h.do(budi, "application.create", application_id=draft, service_id=PASPOR)
    assert h.do(budi, "application.withdraw", application_id=draft)["error"]["code"] == \
        "invalid_transition"


def test_only_a_draft_never_submitted_can_be_discarded(h) -> None:
    budi = h.device("budi")
    draft = new_id()
    h.do(budi, "application.create", application_id=draft, service_id=PASPOR)
    assert h.do(budi, "application.discard", application_id=draft)["status"] == "applied"
    assert h.application(draft) is None
    with h.uow.snapshot():
        tombstones = h.uow.changes_since("budi", 0).tombstones
    assert [t.key for t in tombstones] == [f"application/{draft}"]
    assert h.do(budi, "application.discard", application_id=draft)["error"]["code"] == \
        "application_not_found"
    sent = submitted(h, budi)
    h.do(budi, "application.withdraw", application_id=sent)
    error = h.do(budi, "application.discard", application_id=sent)["error"]
    assert error["code"] == "not_discardable"


# --------------------------------------------------------------------------------------
# officers

def test_the_whole_way_to_completed(h) -> None:
    budi = h.device("budi")
    application_id = submitted(h, budi)
    h.officer("start_review", application_id)
    for code in ("ktp", "kk"):
        h.officer("review_requirement", application_id, code, True, "")
    h.officer("approve", application_id)
    code = tickets.new_code(b"test-secret", application_id)
    pickup = {"counter": "Loket 5", "hours": "Senin-Jumat 08.00-16.00",
              "bring": ["KTP-el asli"], "visit_date": None}
    h.officer("mark_ready", application_id, pickup=pickup, ticket_code=code)
    ready = h.space("budi")[f"application/{application_id}"]
    assert ready["pickup"] == pickup
    assert ready["ticket"]["code"] == code and ready["ticket"]["qr_svg"].startswith("<svg")
    refused(h, "complete", application_id, ticket_code=None, code="ticket_invalid")
    refused(h, "complete", application_id,
            ticket_code=tickets.new_code(b"test-secret", application_id),
            code="ticket_invalid")
    h.officer("complete", application_id, ticket_code=code)
    assert h.application(application_id).state == "completed"
    assert h.space("budi")[f"application/{application_id}"]["ticket"] is None
    refused(h, "complete", application_id, ticket_code=code, code="invalid_transition")
    notifications = sorted((v["data"]["previous"], v["data"]["state"])
                           for k, v in h.space("budi").items()
                           if k.startswith("notification/"))
    assert notifications == sorted([("submitted", "in_review"), ("in_review", "approved"),
                                    ("approved", "ready"), ("ready", "completed")])
    actions = [e.action for e in h.server.journal() if e.actor == "officer"]
    assert actions == ["start_review", "review_requirement", "review_requirement", "approve",
                       "mark_ready", "complete"]


def test_officers_follow_the_state_machine(h) -> None:
    budi = h.device("budi")
    application_id = submitted(h, budi)
    refused(h, "approve", application_id, code="not_in_review")
    refused(h, "mark_ready", application_id, ticket_code="T", code="invalid_transition")
    refused(h, "complete", application_id, code="invalid_transition")
    refused(h, "review_requirement", application_id, "ktp", True, "", code="not_in_review")
    refused(h, "start_review", new_id(), code="application_not_found")
    draft = new_id()
    h.do(budi, "application.create", application_id=draft, service_id=PASPOR)
    refused(h, "start_review", draft, code="invalid_transition")


def test_approval_needs_every_document_accepted(h) -> None:
    budi = h.device("budi")
    application_id = submitted(h, budi)
    h.officer("start_review", application_id)
    h.officer("review_requirement", application_id, "ktp", True, "")
    error = refused(h, "approve", application_id, code="requirements_not_accepted")
    assert error.details == {"requirements": ["kk"]}


def test_rejections_need_a_reason(h) -> None:
    budi = h.device("budi")
    application_id = submitted(h, budi)
    h.officer("start_review", application_id)
    refused(h, "review_requirement", application_id, "kk", False, "  ", code="note_required")
    refused(h, "review_requirement", application_id, "akta_kelahiran", True, "",
            code="requirement_has_no_document")
    refused(h, "request_revision", application_id, "", code="nothing_to_revise")
    refused(h, "reject_application", application_id, "", code="note_required")
    h.officer("reject_application", application_id, "Data tidak sesuai")
    a = h.application(application_id)
    assert (a.state, a.officer_note) == ("rejected", "Data tidak sesuai")


def test_the_system_rejects_a_revision_left_too_long(h) -> None:
    budi = h.device("budi")
    application_id = submitted(h, budi)
    h.officer("start_review", application_id)
    h.officer("request_revision", application_id, "Perbaiki")
    refused(h, "complete", application_id, code="invalid_transition")
    with h.uow.transaction():
        officer.expire_revision(h.uow, application_id, h.now)
    assert h.application(application_id).state == "rejected"
    assert h.do(budi, "application.submit", application_id=application_id)["error"]["code"] == \
        "invalid_transition"
