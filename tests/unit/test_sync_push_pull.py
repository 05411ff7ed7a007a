"""Push applies exactly once and in order; pull sends what changed since the cookie."""
from __future__ import annotations

import pytest

from sync.pull import pull
from tests.sync.factories import KK_CHANGE, PASPOR, PROFILE_BUDI, Harness, filled_paspor, new_id


@pytest.fixture
def h() -> Harness:
    h = Harness()
    h.profile("budi", PROFILE_BUDI)
    return h


def journal_of(h: Harness, client_id: str) -> list[int]:
    return [e.mutation_id for e in h.server.journal() if e.client_id == client_id]


# --------------------------------------------------------------------------------------
# Push

def test_a_resent_batch_is_skipped_and_answered_from_what_was_stored(h) -> None:
    budi = h.device("budi")
    application_id = new_id()
    batch = [budi.mutation("application.create", application_id=application_id,
                           service_id=PASPOR),
             budi.mutation("application.submit", application_id=application_id),  # incomplete
             budi.mutation("application.set_fields", application_id=application_id,
                           fields={"purpose": "studi"})]
    first = h.push(budi, *batch)
    assert [r["status"] for r in first["results"]] == ["applied", "rejected", "applied"]
    assert first["results"][1]["error"]["code"] == "incomplete"
    version = h.version("budi")
    again = h.push(budi, *batch)
    assert again == first
    assert h.version("budi") == version  # nothing was written
    assert journal_of(h, budi.client_id) == [1, 3]


def test_a_rejection_advances_last_mutation_id_and_the_next_one_applies(h) -> None:
    budi = h.device("budi")
    response = h.push(budi, budi.mutation("application.submit", application_id=new_id()),
                      budi.mutation("application.create", application_id=new_id(),
                                    service_id=PASPOR))
    assert response["last_mutation_id"] == 2
    assert [r["status"] for r in response["results"]] == ["rejected", "applied"]


def test_an_empty_push_binds_and_reports_last_mutation_id(h) -> None:
    budi = h.device("budi")
    assert h.push(budi) == {"last_mutation_id": 0, "results": []}
    h.do(budi, "application.create", application_id=new_id(), service_id=PASPOR)
    assert h.push(budi) == {"last_mutation_id": 1, "results": []}


def test_two_clients_of_one_citizen_each_keep_their_own_order(h) -> None:
    phone, laptop = h.device("budi"), h.device("budi")
    application_id = new_id()
    h.do(phone, "application.create", application_id=application_id, service_id=KK_CHANGE)
    h.do(laptop, "application.set_fields", application_id=application_id,
         fields={"details": "dari laptop"})
    h.do(phone, "application.set_fields", application_id=application_id,
         fields={"details": "dari HP"})
    assert h.application(application_id).fields["details"] == "dari HP"  # last by server order
    # the laptop's old mutation replayed late changes nothing
    h.push(laptop, {"id": 1, "name": "application.set_fields",
                    "args": {"application_id": application_id,
                             "fields": {"details": "dari laptop"}}})
    assert h.application(application_id).fields["details"] == "dari HP"


def test_mutations_of_another_citizen_do_not_touch_this_space(h) -> None:
    budi, siti = h.device("budi"), h.device("siti")
    h.do(budi, "application.create", application_id=new_id(), service_id=PASPOR)
    version = h.version("budi")
    h.do(siti, "application.create", application_id=new_id(), service_id=PASPOR)
    assert h.version("budi") == version


# --------------------------------------------------------------------------------------
# Pull

def test_first_pull_is_a_reset_with_the_whole_space(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    response = h.pull(budi)
    assert response["reset"] is True
    assert response["cookie"] == h.version("budi")
    assert response["last_mutation_ids"] == {budi.client_id: 4}
    keys = {op["key"] for op in response["patch"]}
    assert {"profile", f"application/{application_id}"} <= keys
    assert sum(k.startswith("document/") for k in keys) == 2
    assert all(op["op"] == "put" for op in response["patch"])


def test_an_incremental_pull_sends_only_what_changed(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    other = filled_paspor(h, budi)
    h.pull(budi)
    assert h.pull(budi)["patch"] == []
    h.do(budi, "application.set_fields", application_id=application_id,
         fields={"purpose": "studi"})
    response = h.pull(budi)
    assert response["reset"] is False
    assert [op["key"] for op in response["patch"]] == [f"application/{application_id}"]
    assert response["patch"][0]["value"]["fields"]["purpose"] == "studi"
    assert f"application/{other}" in budi.view


def test_a_discarded_draft_is_deleted_from_the_view(h) -> None:
    budi = h.device("budi")
    draft = new_id()
    h.do(budi, "application.create", application_id=draft, service_id=PASPOR)
    h.pull(budi)
    h.do(budi, "application.discard", application_id=draft)
    response = h.pull(budi)
    assert response["patch"] == [{"op": "del", "key": f"application/{draft}"}]
    assert f"application/{draft}" not in budi.view


def test_rejected_results_reach_every_device_of_the_citizen(h) -> None:
    phone, laptop = h.device("budi"), h.device("budi")
    h.pull(laptop)
    h.do(phone, "application.submit", application_id=new_id())
    response = h.pull(laptop)
    key = f"result/{phone.client_id}/1"
    assert [op["key"] for op in response["patch"]] == [key]
    value = response["patch"][0]["value"]
    assert value["status"] == "rejected" and value["error"]["code"] == "application_not_found"
    assert value["name"] == "application.submit"
    assert response["last_mutation_ids"] == {}  # the laptop's group has pushed nothing


def test_a_cookie_older_than_the_horizon_gets_a_reset(h) -> None:
    budi = h.device("budi")
    draft = new_id()
    h.do(budi, "application.create", application_id=draft, service_id=PASPOR)
    h.pull(budi)
    stale = budi.cookie
    h.do(budi, "application.discard", application_id=draft)
    h.server.purge_tombstones("budi", h.version("budi"))
    response = h.pull(budi)
    assert response["reset"] is True
    assert f"application/{draft}" not in budi.view
    assert budi.cookie > stale
    # at the horizon itself an incremental pull is still exact
    assert h.pull(budi)["reset"] is False


def test_a_cookie_from_the_future_gets_a_reset(h) -> None:
    budi = h.device("budi")
    h.do(budi, "application.create", application_id=new_id(), service_id=PASPOR)
    response = h.pull(budi, cookie=h.version("budi") + 10)
    assert response["reset"] is True and response["cookie"] == h.version("budi")


def test_officer_actions_reach_the_next_pull(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    h.do(budi, "application.submit", application_id=application_id)
    h.pull(budi)
    h.officer("start_review", application_id)
    response = h.pull(budi)
    keys = [op["key"] for op in response["patch"]]
    assert f"application/{application_id}" in keys
    notes = [op["value"] for op in response["patch"] if op["key"].startswith("notification/")]
    assert [(n["kind"], n["data"]["state"]) for n in notes] == [("state_changed", "in_review")]
    assert budi.view[f"application/{application_id}"]["state"] == "in_review"


def test_the_cookie_and_rows_come_from_one_snapshot(h) -> None:
    """pull reads inside uow.snapshot(): a write cannot slip between the cookie and the rows."""
    budi = h.device("budi")
    h.do(budi, "application.create", application_id=new_id(), service_id=PASPOR)
    calls = []
    uow = h.uow

    class Watching:
        def __getattr__(self, name):
            calls.append((name, uow._mode))
            return getattr(uow, name)

    pull(Watching(), "budi", {"protocol": 1, "client_group_id": budi.client_group_id,
                              "cookie": None})
    reads = [(name, mode) for name, mode in calls if name != "snapshot"]
    assert reads and all(mode == "read" for _, mode in reads), calls
