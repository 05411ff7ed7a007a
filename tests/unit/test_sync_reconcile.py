"""Reconciling drafts with the MPP record, and the wallet (sync-protocol.md, "Reconciling a
draft with the MPP record")."""
from __future__ import annotations

import datetime as dt

import pytest

from sync import documents
from sync.errors import Rejection
from server.i18n import localise_rejection
from tests.sync.factories import (
    KK_CHANGE, NIK_BUDI, PASPOR, PROFILE_BUDI, Harness, filled_paspor, new_id,
)


@pytest.fixture
def h() -> Harness:
    h = Harness()
    h.profile("budi", PROFILE_BUDI)
    return h


def in_review(h: Harness, device) -> str:
    application_id = filled_paspor(h, device)
    assert h.do(device, "application.submit", application_id=application_id)["status"] == \
        "applied"
    h.officer("start_review", application_id)
    return application_id


def attach(h, device, application_id, code, document_id) -> dict:
    return h.do(device, "application.attach", application_id=application_id,
                requirement_code=code, document_id=document_id)


# --------------------------------------------------------------------------------------
# Pre-fill and discrepancies

def test_a_new_draft_is_prefilled_from_the_profile(h) -> None:
    budi = h.device("budi")
    application_id = new_id()
    h.do(budi, "application.create", application_id=application_id, service_id=PASPOR)
    fields = h.application(application_id).fields
    assert fields == {k: PROFILE_BUDI[k] for k in (
        "nik", "full_name", "birth_place", "birth_date", "sex", "address", "phone", "email")}
    assert h.application(application_id).discrepancies == {}


def test_a_record_value_that_does_not_fit_the_form_is_not_prefilled(h) -> None:
    h.profile("budi", {"full_name": "X" * 150})  # the passport form allows 100
    budi = h.device("budi")
    application_id = new_id()
    h.do(budi, "application.create", application_id=application_id, service_id=PASPOR)
    assert "full_name" not in h.application(application_id).fields
    assert h.application(application_id).fields["nik"] == NIK_BUDI


def test_no_profile_no_prefill(h) -> None:
    siti = h.device("siti")
    application_id = new_id()
    h.do(siti, "application.create", application_id=application_id, service_id=PASPOR)
    assert h.application(application_id).fields == {}


def test_a_value_differing_from_a_verified_record_is_kept_and_flagged(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    h.do(budi, "application.set_fields", application_id=application_id,
         fields={"address": "Jl. Cut Nyak Dhien No. 9, Langsa"})
    a = h.application(application_id)
    assert a.fields["address"] == "Jl. Cut Nyak Dhien No. 9, Langsa"
    d = a.discrepancies["address"]
    assert (d.draft_value, d.record_value) == ("Jl. Cut Nyak Dhien No. 9, Langsa",
                                               PROFILE_BUDI["address"])
    with h.uow.snapshot():
        assert h.uow.get_profile("budi").values["address"] == PROFILE_BUDI["address"]
    budi_view = h.space("budi")[f"application/{application_id}"]
    assert budi_view["discrepancies"] == [{
        "field": "address", "profile_key": "address",
        "draft_value": "Jl. Cut Nyak Dhien No. 9, Langsa",
        "record_value": PROFILE_BUDI["address"]}]


def test_an_equal_or_empty_value_clears_the_discrepancy(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    h.do(budi, "application.set_fields", application_id=application_id,
         fields={"full_name": "BUDI SANTOSA", "phone": "0811 1111 2222"})
    assert set(h.application(application_id).discrepancies) == {"full_name", "phone"}
    # the same name in other case and spacing, the same phone written another way
    h.do(budi, "application.set_fields", application_id=application_id,
         fields={"full_name": "Budi  Santoso", "phone": "0812-3456-7890"})
    assert h.application(application_id).discrepancies == {}
    h.do(budi, "application.set_fields", application_id=application_id,
         fields={"full_name": "BUDI SANTOSA"})
    h.do(budi, "application.set_fields", application_id=application_id,
         fields={"full_name": ""})
    assert h.application(application_id).discrepancies == {}


def test_an_unverified_record_value_is_no_reason_to_flag(h) -> None:
    h.profile("budi", {"address": "Langsa"}, verified={"nik"})
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    h.do(budi, "application.set_fields", application_id=application_id,
         fields={"address": "Jl. Lain, Langsa"})
    assert h.application(application_id).discrepancies == {}


def test_an_officer_accepting_the_change_writes_the_record(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    other = new_id()
    h.do(budi, "application.create", application_id=other, service_id=KK_CHANGE)
    new_phone = "+6281111222233"
    for target in (application_id, other):
        h.do(budi, "application.set_fields", application_id=target,
             fields={"phone": new_phone})
        assert "phone" in h.application(target).discrepancies
    h.do(budi, "application.submit", application_id=application_id)
    h.officer("start_review", application_id)
    h.officer("accept_discrepancy", application_id, "phone")
    with h.uow.snapshot():
        profile = h.uow.get_profile("budi")
    assert profile.values["phone"] == new_phone and "phone" in profile.verified
    assert h.application(application_id).discrepancies == {}
    assert h.application(other).discrepancies == {}  # reconciled with the new record
    assert h.space("budi")["profile"]["values"]["phone"] == new_phone


def test_a_changed_record_refreshes_open_drafts(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    h.profile("budi", {"email": "budi.baru@example.id"}, verified=set(PROFILE_BUDI))
    d = h.application(application_id).discrepancies["email"]
    assert (d.draft_value, d.record_value) == ("budi@example.id", "budi.baru@example.id")


def test_accepting_a_discrepancy_needs_one(h) -> None:
    budi = h.device("budi")
    application_id = in_review(h, budi)
    with pytest.raises(Rejection) as info:
        h.officer("accept_discrepancy", application_id, "phone")
    assert info.value.code == "discrepancy_not_found"


# --------------------------------------------------------------------------------------
# Documents and the wallet

def test_only_a_finished_upload_can_be_attached(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    uploading = h.document("budi", "ktp", finished=False)
    assert attach(h, budi, application_id, "ktp", uploading)["error"]["code"] == \
        "document_not_ready"
    broken = h.document("budi", "ktp", ok=False)
    error = attach(h, budi, application_id, "ktp", broken)["error"]
    assert error["code"] == "document_invalid"
    assert "not a picture" in localise_rejection(error)["message_en"]
    with h.uow.transaction():
        documents.finish_upload(h.uow, uploading, h.now, ok=True)
    assert attach(h, budi, application_id, "ktp", uploading)["status"] == "applied"


def test_the_document_must_be_of_the_requirements_type_and_format(h) -> None:
    budi = h.device("budi")
    application_id = new_id()
    assert h.do(budi, "application.create", application_id=application_id,
                service_id="payakumbuh.polres.skck")["status"] == "applied"
    kk = h.document("budi", "kk")
    error = attach(h, budi, application_id, "ktp", kk)["error"]
    assert (error["code"], error["details"]) == ("document_type_mismatch",
                                                 {"expected": "ktp", "actual": "kk"})
    pdf_photo = h.document("budi", "pas_foto", content_type="application/pdf")
    error = attach(h, budi, application_id, "pas_foto", pdf_photo)["error"]
    assert error["code"] == "document_format_not_allowed"
    assert error["details"]["allowed"] == ["jpeg", "png", "webp"]
    assert attach(h, budi, application_id, "nonexistent", kk)["error"]["code"] == \
        "requirement_not_found"


def test_an_untyped_upload_takes_the_type_of_its_first_requirement(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    untyped = h.document("budi", None)
    assert attach(h, budi, application_id, "ktp", untyped)["status"] == "applied"
    assert h.get_document(untyped).document_type == "ktp"
    assert attach(h, budi, application_id, "kk", untyped)["error"]["code"] == \
        "document_type_mismatch"


def test_an_accepted_upload_enters_the_wallet_with_its_types_expiry(h) -> None:
    budi = h.device("budi")
    application_id = in_review(h, budi)
    a = h.application(application_id)
    ktp, kk = a.requirements["ktp"].document_id, a.requirements["kk"].document_id
    h.officer("review_requirement", application_id, "ktp", True, "")
    h.officer("review_requirement", application_id, "kk", True, "")
    ktp_doc, kk_doc = h.get_document(ktp), h.get_document(kk)
    assert ktp_doc.verified_at == h.now and ktp_doc.expires_on is None  # KTP-el: for life
    assert kk_doc.verified_at == h.now
    assert kk_doc.expires_on == dt.date(2026, 3, 2) + dt.timedelta(days=365)
    value = h.space("budi")[f"document/{kk}"]
    assert (value["verified_at"], value["expires_on"]) == ("2026-03-02T03:00:00.000Z",
                                                           "2027-03-02")


def test_a_verified_wallet_document_is_reused_by_reference_until_it_expires(h) -> None:
    budi = h.device("budi")
    first = in_review(h, budi)
    kk = h.application(first).requirements["kk"].document_id
    h.officer("review_requirement", first, "kk", True, "")
    # a later application reuses the verified KK: no upload
    later = new_id()
    h.do(budi, "application.create", application_id=later, service_id=KK_CHANGE)
    assert attach(h, budi, later, "kk", kk)["status"] == "applied"
    # a year on, it has expired
    h.now += dt.timedelta(days=365)
    third = new_id()
    h.do(budi, "application.create", application_id=third, service_id=KK_CHANGE)
    error = attach(h, budi, third, "kk", kk)["error"]
    assert (error["code"], error["details"]) == ("document_expired",
                                                 {"expires_on": "2027-03-02"})
    # and the draft that holds it cannot be submitted with it
    h.do(budi, "application.set_fields", application_id=later, fields={
        "kk_number": "1174010101100003", "change_type": "perubahan-data", "details": "Alamat"})
    h.do(budi, "application.attach", application_id=later, requirement_code="ktp",
         document_id=h.document("budi", "ktp"))
    error = h.do(budi, "application.submit", application_id=later)["error"]
    assert error["details"]["missing_requirements"] == [{"code": "kk",
                                                         "reason": "document_expired"}]


def test_a_wallet_document_issued_by_an_agency_is_verified_at_once(h) -> None:
    budi = h.device("budi")
    issued = h.wallet_document("budi", "kk")
    doc = h.get_document(issued)
    assert doc.source == "wallet" and doc.verified_at == h.now
    assert doc.expires_on == dt.date(2027, 3, 2)
    application_id = new_id()
    h.do(budi, "application.create", application_id=application_id, service_id=KK_CHANGE)
    assert attach(h, budi, application_id, "kk", issued)["status"] == "applied"


def test_a_new_document_on_a_rejected_requirement_marks_it_resubmitted(h) -> None:
    budi = h.device("budi")
    application_id = in_review(h, budi)
    rejected_doc = h.application(application_id).requirements["ktp"].document_id
    h.officer("review_requirement", application_id, "ktp", False, "Foto KTP buram")
    h.officer("review_requirement", application_id, "kk", True, "")
    h.officer("request_revision", application_id, "")
    row = h.application(application_id).requirements["ktp"]
    assert (row.review_status, row.officer_note) == ("rejected", "Foto KTP buram")
    # the same document again is refused; so is a resubmit without a new one
    assert attach(h, budi, application_id, "ktp", rejected_doc)["error"]["code"] == \
        "document_already_rejected"
    error = h.do(budi, "application.submit", application_id=application_id)["error"]
    assert error["details"]["missing_requirements"] == [{"code": "ktp",
                                                         "reason": "document_rejected"}]
    new_doc = h.document("budi", "ktp")
    assert attach(h, budi, application_id, "ktp", new_doc)["status"] == "applied"
    row = h.application(application_id).requirements["ktp"]
    assert (row.review_status, row.document_id) == ("resubmitted", new_doc)
    assert row.officer_note == "Foto KTP buram"  # the officer's, untouched
    assert h.application(application_id).requirements["kk"].review_status == "accepted"
    assert h.do(budi, "application.submit", application_id=application_id)["status"] == \
        "applied"
    a = h.application(application_id)
    assert a.state == "submitted" and a.requirements["ktp"].review_status == "resubmitted"


def test_officer_owned_fields_are_never_writable_by_a_citizen(h) -> None:
    budi = h.device("budi")
    application_id = in_review(h, budi)
    h.officer("review_requirement", application_id, "ktp", False, "Buram")
    h.officer("request_revision", application_id, "Perbaiki KTP")
    before = h.application(application_id)
    for fields in ({"officer_note": "ok"}, {"state": "approved"}, {"reference": "X"},
                   {"review_status": "accepted"}):
        error = h.do(budi, "application.set_fields", application_id=application_id,
                     fields=fields)["error"]
        assert error["code"] == "unknown_fields"
    for extra in ({"state": "approved"}, {"review_status": "accepted"},
                  {"officer_note": "beres"}):
        error = h.do(budi, "application.submit", application_id=application_id,
                     **extra)["error"]
        assert error["code"] == "invalid_args"
    assert h.application(application_id) == before


def test_citizens_cannot_edit_while_officers_review(h) -> None:
    budi = h.device("budi")
    application_id = in_review(h, budi)
    doc = h.document("budi", "ktp")
    for name, args in [
        ("application.set_fields", {"fields": {"purpose": "studi"}}),
        ("application.attach", {"requirement_code": "ktp", "document_id": doc}),
        ("application.detach", {"requirement_code": "ktp"}),
    ]:
        error = h.do(budi, name, application_id=application_id, **args)["error"]
        assert (error["code"], error["details"]) == ("application_locked",
                                                     {"state": "in_review"})
