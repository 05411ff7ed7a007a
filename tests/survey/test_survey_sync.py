"""`survey.submit` through the sync engine on the memory unit of work (sync/domains.py):
applied once, in order, in its mutation's transaction; every refusal changes nothing."""
from __future__ import annotations

import pytest

from server.survey import mutations
from tests.sync.factories import PROFILE_BUDI, Harness, filled_paspor, new_id
from sync import tickets

mutations.register()

ANSWER = {"scores": {f"u{i}": 3 for i in range(1, 10)}, "age_band": "30_39", "sex": "p",
          "education": "s1", "occupation": "swasta", "suggestion": "Antrian lebih cepat"}


@pytest.fixture
def h() -> Harness:
    h = Harness()
    h.profile("budi", PROFILE_BUDI)
    return h


def completed(h: Harness, device) -> str:
    application_id = filled_paspor(h, device)
    assert h.do(device, "application.submit", application_id=application_id)["status"] == \
        "applied"
    h.officer("start_review", application_id)
    for code in ("ktp", "kk"):
        h.officer("review_requirement", application_id, code, True, "")
    h.officer("approve", application_id)
    code = tickets.new_code(b"test-secret", application_id)
    h.officer("mark_ready", application_id, pickup={"counter": "Loket 5"}, ticket_code=code)
    h.officer("complete", application_id, ticket_code=code)
    return application_id


def port_rows(h: Harness):
    with h.uow.snapshot():
        port = h.uow.port("survey")
        return port.responses(), port.daily()


def refused(h: Harness, device, code: str, **args):
    before = h.dump()
    result = h.do(device, "survey.submit", **args)
    assert result["status"] == "rejected" and result["error"]["code"] == code, result
    after = h.dump()
    # Only the stored rejection, the client's counter and the space version moved.
    for key in ("tables", "journal", "references"):
        assert after[key] == before[key], key
    return result


def test_a_completed_application_is_answered_once_and_pulled(h) -> None:
    budi = h.device("budi")
    application_id = completed(h, budi)
    result = h.do(budi, "survey.submit", application_id=application_id, **ANSWER)
    assert result["status"] == "applied"
    responses, daily = port_rows(h)
    assert len(responses) == 1 and responses[0].scores == ANSWER["scores"]
    assert not hasattr(responses[0], "citizen_id") and not hasattr(responses[0], "application_id")
    assert daily[0].responses == 1 and daily[0].sums["u1"] == 3
    h.pull(budi, cookie=None)
    assert budi.view[f"survey/{application_id}"]["application_id"] == application_id
    # the same mutation again (a retry): answered from the stored outcome, nothing added
    retry = h.push(budi, {"id": budi.next_id - 1, "name": "survey.submit",
                          "args": {"application_id": application_id, **ANSWER}})
    assert retry["results"][0]["status"] == "applied"
    assert len(port_rows(h)[0]) == 1
    # a second survey (a new mutation) is refused, and changes nothing
    refused(h, budi, "survey_already_answered", application_id=application_id, **ANSWER)


def test_refusals_change_nothing(h) -> None:
    budi = h.device("budi")
    draft = filled_paspor(h, budi)
    refused(h, budi, "survey_not_open", application_id=draft, **ANSWER)
    refused(h, budi, "application_not_found", application_id=new_id(), **ANSWER)
    h.profile("siti", {})
    siti = h.device("siti")
    done = completed(h, budi)
    refused(h, siti, "application_not_found", application_id=done, **ANSWER)
    bad = dict(ANSWER, scores={**ANSWER["scores"], "u4": 5})
    refused(h, budi, "invalid_args", application_id=done, **bad)
    bad = dict(ANSWER, scores={**ANSWER["scores"], "u4": 0})
    refused(h, budi, "invalid_args", application_id=done, **bad)
    missing = dict(ANSWER, scores={k: 3 for k in list(ANSWER["scores"])[:8]})
    result = refused(h, budi, "invalid_args", application_id=done, **missing)
    assert "u9" in str(result["error"]["details"])
    assert port_rows(h) == ([], [])
