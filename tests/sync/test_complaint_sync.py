"""complaint.file / .confirm / .reopen through the sync engine on the memory unit of work
(sync/domains.py; server/complaints/mutations.py's memory port, the reference of the SQL
one): filed once, in order, pulled as complaint/<id>; the filer kept apart from the complaint;
every refusal changes nothing. (The officer's side is SQL only: tests/api/test_complaints.py.)
"""
from __future__ import annotations

import dataclasses

import pytest

from server.complaints import mutations
from tests.sync.factories import PROFILE_BUDI, Harness, filled_paspor, new_id

mutations.register()


@pytest.fixture
def h() -> Harness:
    h = Harness()
    h.profile("budi", PROFILE_BUDI)
    return h


def submitted(h: Harness, device) -> str:
    application_id = filled_paspor(h, device)
    assert h.do(device, "application.submit", application_id=application_id)["status"] == \
        "applied"
    return application_id


def port(h: Harness):
    with h.uow.snapshot():
        p = h.uow.port("complaint")
        return ({c.id: c for c in p._complaints.rows()}, {f.complaint_id: f for f in
                                                           p._filers.rows()},
                p.audit_log.rows())


def refused(h: Harness, device, name: str, code: str, **args):
    before = h.dump()
    result = h.do(device, name, **args)
    assert result["status"] == "rejected" and result["error"]["code"] == code, result
    after = h.dump()
    for key in ("tables", "journal", "references"):
        assert after[key] == before[key], key
    return result


def test_filed_once_pulled_and_kept_apart_from_the_filer(h) -> None:
    budi = h.device("budi")
    application_id = submitted(h, budi)
    complaint_id = new_id()
    args = {"complaint_id": complaint_id, "category": "pengaduan",
            "text": "  Loket tutup sebelum jam pelayanan berakhir.  ", "anonymous": True,
            "application_id": application_id}
    assert h.do(budi, "complaint.file", **args)["status"] == "applied"
    complaints, filers, audit = port(h)
    complaint = complaints[complaint_id]
    assert complaint.text == "Loket tutup sebelum jam pelayanan berakhir."
    assert complaint.reference.startswith("ADU-") and complaint.reference.endswith("-000001")
    # what officers read has no citizen and no application in it
    names = {f.name for f in dataclasses.fields(complaint)}
    assert not names & {"citizen_id", "application_id"}
    assert filers[complaint_id].citizen_id == "budi"
    assert audit[0]["actor_id"] is None  # anonymous: the audit names no one
    h.pull(budi, cookie=None)
    pulled = budi.view[f"complaint/{complaint_id}"]
    assert pulled["application_id"] == application_id and pulled["status"] == "received"
    # a retry of the same mutation: its stored outcome, nothing added
    retry = h.push(budi, {"id": budi.next_id - 1, "name": "complaint.file", "args": args})
    assert retry["results"][0]["status"] == "applied"
    # another outbox of the same citizen filing the same id: a no-op
    other = h.device("budi")
    assert h.do(other, "complaint.file", **args)["status"] == "applied"
    assert len(port(h)[0]) == 1
    # and the id is nobody else's
    h.profile("siti", {})
    refused(h, h.device("siti"), "complaint.file", "complaint_id_unavailable",
            **{**args, "application_id": None, "mpp": "langsa"})


def test_refusals_change_nothing(h) -> None:
    budi = h.device("budi")
    application_id = submitted(h, budi)
    draft = filled_paspor(h, budi)
    base = {"complaint_id": new_id(), "category": "pengaduan", "text": "Lambat."}
    refused(h, budi, "complaint.file", "complaint_empty", **{**base, "text": "   ",
                                                             "application_id": application_id})
    refused(h, budi, "complaint.file", "complaint_too_long",
            **{**base, "text": "x" * 4001, "application_id": application_id})
    refused(h, budi, "complaint.file", "complaint_about_draft",
            **{**base, "application_id": draft})
    refused(h, budi, "complaint.file", "complaint_place_required", **base)
    refused(h, budi, "complaint.file", "complaint_mpp_not_found", **{**base, "mpp": "mars"})
    h.profile("siti", {})
    refused(h, h.device("siti"), "complaint.file", "application_not_found",
            **{**base, "application_id": application_id})
    refused(h, budi, "complaint.confirm", "complaint_not_found", complaint_id=new_id())
    assert h.do(budi, "complaint.file", **{**base, "mpp": "langsa"})["status"] == "applied"
    refused(h, budi, "complaint.confirm", "complaint_not_answered",
            complaint_id=base["complaint_id"])
    refused(h, budi, "complaint.reopen", "complaint_not_answered",
            complaint_id=base["complaint_id"], reason="Belum dijawab.")
    assert port(h)[0][base["complaint_id"]].status == "received"
