"""Bad input to push and pull: each is a clear error (nothing applied) or a stored rejected
result (nothing but the result and the advanced last_mutation_id)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sync.errors import SyncError
from sync.protocol import (
    MAX_ARGS_BYTES, MAX_MUTATIONS_PER_PUSH, MUTATION_ARGS, SUPPORTED_PROTOCOLS, parse_pull,
    parse_push,
)
from sync.mutators import MUTATORS
from sync.pull import pull
from sync.push import push
from tests.sync.factories import PASPOR, PROFILE_BUDI, Harness, filled_paspor, new_id
from server.i18n import localise_rejection, translate


@pytest.fixture
def h() -> Harness:
    h = Harness()
    h.profile("budi", PROFILE_BUDI)
    return h


def refused(h: Harness, citizen: str, body, status: int, code: str) -> SyncError:
    """push(body) raises SyncError(status, code) and changes nothing at all."""
    before = h.dump()
    with pytest.raises(SyncError) as info:
        push(h.uow, citizen, body, h.now)
    assert (info.value.status, info.value.code) == (status, code), info.value.details
    assert h.dump() == before
    json.dumps(info.value.details)  # the server sends the details as they are
    return info.value


def create(application_id: str, mutation_id: int = 1) -> dict:
    return {"id": mutation_id, "name": "application.create",
            "args": {"application_id": application_id, "service_id": PASPOR}}


def test_every_mutation_has_an_argument_schema() -> None:
    assert set(MUTATION_ARGS) == set(MUTATORS)


# --------------------------------------------------------------------------------------
# Refused requests: 400, 403, 413

@pytest.mark.parametrize("version", [2, 0, "1", 1.0, True, None])
def test_wrong_protocol_version_says_which_are_spoken(h, version) -> None:
    budi = h.device("budi")
    body = {**h.body(budi, create(new_id())), "protocol": version}
    if version is None:
        del body["protocol"]
    error = refused(h, "budi", body, 400, "bad_protocol")
    assert error.details["supported"] == list(SUPPORTED_PROTOCOLS) == [1]
    for lang in ("en", "id"):
        assert "1" in translate(error.code, lang, **error.params)


@pytest.mark.parametrize("body", [None, [], "push", 1])
def test_a_body_that_is_not_an_object(h, body) -> None:
    refused(h, "budi", body, 400, "invalid_request")


@pytest.mark.parametrize("change, path", [
    ({"client_id": "not-a-uuid"}, "client_id"),
    ({"client_group_id": 12}, "client_group_id"),
    ({"client_group_id": "{12345678-1234-1234-1234-123456789abc}"}, "client_group_id"),
    ({"client_id": "12345678-1234-1234-1234-123456789abc\n"}, "client_id"),
    ({"mutations": {"id": 1}}, "mutations"),
    ({"extra": True}, "extra"),
])
def test_bad_request_fields_are_named(h, change, path) -> None:
    budi = h.device("budi")
    error = refused(h, "budi", {**h.body(budi, create(new_id())), **change}, 400,
                    "invalid_request")
    assert path in [p["path"] for p in error.details["problems"]]


@pytest.mark.parametrize("envelope, path", [
    ("not an object", "mutations[1]"),
    ({"id": 0, "name": "application.submit", "args": {}}, "mutations[1].id"),
    ({"id": "2", "name": "application.submit", "args": {}}, "mutations[1].id"),
    ({"id": True, "name": "application.submit", "args": {}}, "mutations[1].id"),
    ({"id": 2**53, "name": "application.submit", "args": {}}, "mutations[1].id"),
    ({"id": 2, "name": 5, "args": {}}, "mutations[1].name"),
    ({"id": 2, "name": "", "args": {}}, "mutations[1].name"),
    ({"id": 2, "name": "application.submit\x00", "args": {}}, "mutations[1].name"),
    ({"id": 2, "name": "Application Submit", "args": {}}, "mutations[1].name"),
    ({"id": 2, "args": {}}, "mutations[1].name"),
    ({"id": 2, "name": "application.submit", "args": {}, "client_time": [1]},
     "mutations[1].client_time"),
    ({"id": 2, "name": "application.submit", "args": {}, "priority": 1},
     "mutations[1].priority"),
])
def test_an_unreadable_envelope_refuses_the_whole_batch(h, envelope, path) -> None:
    """Even the readable first mutation is not applied."""
    budi = h.device("budi")
    error = refused(h, "budi", h.body(budi, create(new_id()), envelope), 400, "invalid_request")
    assert [p["path"] for p in error.details["problems"]] == [path]


def test_more_mutations_than_the_limit(h) -> None:
    budi = h.device("budi")
    application_id = new_id()
    batch = [create(application_id, i) for i in range(1, MAX_MUTATIONS_PER_PUSH + 2)]
    error = refused(h, "budi", h.body(budi, *batch), 413, "batch_too_large")
    assert error.details == {"count": MAX_MUTATIONS_PER_PUSH + 1,
                             "max_mutations": MAX_MUTATIONS_PER_PUSH}
    # exactly at the limit is fine
    assert len(h.push(budi, *batch[:MAX_MUTATIONS_PER_PUSH])["results"]) == \
        MAX_MUTATIONS_PER_PUSH


def test_a_client_group_of_another_citizen_is_forbidden(h) -> None:
    budi = h.device("budi")
    assert h.do(budi, "application.create", application_id=new_id(),
                service_id=PASPOR)["status"] == "applied"
    intruder = h.device("siti")
    intruder.client_group_id = budi.client_group_id
    refused(h, "siti", h.body(intruder, create(new_id())), 403, "client_group_forbidden")
    # and pulling with it
    with pytest.raises(SyncError) as info:
        pull(h.uow, "siti", {"protocol": 1, "client_group_id": budi.client_group_id,
                             "cookie": None})
    assert (info.value.status, info.value.code) == (403, "client_group_forbidden")


def test_a_client_moved_to_another_group_is_forbidden(h) -> None:
    budi = h.device("budi")
    h.push(budi)
    moved = h.device("budi")
    moved.client_id = budi.client_id
    refused(h, "budi", h.body(moved, create(new_id())), 403, "client_group_forbidden")


def test_a_gap_stops_the_batch_with_409_and_keeps_what_came_before(h) -> None:
    budi = h.device("budi")
    first, later = new_id(), new_id()
    with pytest.raises(SyncError) as info:
        h.push(budi, create(first, 1), create(later, 3))
    assert (info.value.status, info.value.code) == (409, "mutation_gap")
    assert info.value.details["last_mutation_id"] == 1
    assert h.application(first) is not None and h.application(later) is None
    # resending from last + 1 works
    response = h.push(budi, {"id": 2, "name": "application.submit",
                             "args": {"application_id": first}}, create(later, 3))
    assert response["last_mutation_id"] == 3


def test_pull_bad_input() -> None:
    group = new_id()
    for body, code in [
        ({"protocol": 2, "client_group_id": group, "cookie": None}, "bad_protocol"),
        ({"protocol": 1, "client_group_id": group}, "invalid_request"),
        ({"protocol": 1, "client_group_id": group, "cookie": -1}, "invalid_request"),
        ({"protocol": 1, "client_group_id": group, "cookie": "5"}, "invalid_request"),
        ({"protocol": 1, "client_group_id": group, "cookie": True}, "invalid_request"),
        ({"protocol": 1, "client_group_id": "x", "cookie": None}, "invalid_request"),
        ({"protocol": 1, "client_group_id": group, "cookie": None, "client_id": group},
         "invalid_request"),
    ]:
        with pytest.raises(SyncError) as info:
            parse_pull(body)
        assert (info.value.status, info.value.code) == (400, code), body
    assert parse_pull({"protocol": 1, "client_group_id": group.upper(), "cookie": 7}
                      ).client_group_id == group


def test_ids_are_canonical_lower_case() -> None:
    group, client, app = new_id(), new_id(), new_id()
    request = parse_push({"protocol": 1, "client_group_id": group.upper(),
                          "client_id": client.upper(),
                          "mutations": [create(app.upper())]})
    assert (request.client_group_id, request.client_id) == (group, client)
    assert request.mutations[0].args["application_id"] == app


# --------------------------------------------------------------------------------------
# Stored rejections: the envelope was readable, the mutation was not acceptable.

def rejected_only(h: Harness, device, mutation: dict) -> dict:
    """Push one mutation; it is rejected, its result stored, and nothing else changes
    but the client's last_mutation_id and the result row."""
    applications_before = {a.id: a for a in _applications(h, device.citizen_id)}
    journal_before = len(h.server.journal())
    response = h.push(device, mutation)
    result = response["results"][0]
    assert result["status"] == "rejected", result
    assert response["last_mutation_id"] == mutation["id"]
    assert {a.id: a for a in _applications(h, device.citizen_id)} == applications_before
    assert len(h.server.journal()) == journal_before
    with h.uow.snapshot():
        stored = h.uow.get_result(device.client_id, mutation["id"])
    assert stored.error == result["error"]
    # a replay returns the stored result, and the pull carries it
    assert h.push(device, mutation)["results"] == [result]
    space = h.space(device.citizen_id)
    assert space[f"result/{device.client_id}/{mutation['id']}"]["error"] == result["error"]
    return result["error"]


def _applications(h: Harness, citizen: str):
    with h.uow.snapshot():
        return h.uow.applications_of(citizen)


def test_an_unknown_mutation_is_a_stored_rejection_so_the_outbox_moves_on(h) -> None:
    budi = h.device("budi")
    error = rejected_only(h, budi, budi.mutation("application.teleport", application_id=new_id()))
    assert error["code"] == "unknown_mutation"
    assert "application.teleport" in localise_rejection(error)["message_en"]
    assert h.do(budi, "application.create", application_id=new_id(),
                service_id=PASPOR)["status"] == "applied"


@pytest.mark.parametrize("name, args, bad_key", [
    ("application.create", {"application_id": "nope", "service_id": PASPOR}, "application_id"),
    ("application.create", {"service_id": PASPOR}, "application_id"),
    ("application.create", {"application_id": "$app", "service_id": "Paspor!"}, "service_id"),
    ("application.create", {"application_id": "$app", "service_id": PASPOR, "state": "approved"},
     "state"),
    ("application.set_fields", {"application_id": "$app", "fields": ["nik"]}, "fields"),
    ("application.set_fields", {"application_id": "$app", "fields": {}}, "fields"),
    ("application.set_fields", {"application_id": "$app", "fields": {"x" * 61: 1}}, "fields"),
    ("application.attach", {"application_id": "$app", "requirement_code": "ktp"}, "document_id"),
    ("application.attach", {"application_id": "$app", "requirement_code": "KTP!",
                            "document_id": "$app"}, "requirement_code"),
    ("application.submit", {"application_id": "$app", "reference": "LGS-2026-000001"},
     "reference"),
    ("application.submit", {"application_id": 5}, "application_id"),
])
def test_bad_argument_shapes_are_stored_as_invalid_args(h, name, args, bad_key) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    args = {k: (application_id if v == "$app" else v) for k, v in args.items()}
    error = rejected_only(h, budi, budi.mutation(name, **args))
    assert error["code"] == "invalid_args"
    assert bad_key in error["details"]["errors"]


@pytest.mark.parametrize("fields", [
    {"full_name": "BUDI\x00SANTOSO"},
    {"full_name": "BUDI \ud800"},          # a lone surrogate, as json.loads makes of "\ud800"
    {"full_name": ["ok", {"deep": "\x00"}]},
    {"full_name": [[[[[[[[[["too deep"]]]]]]]]]]},
])
def test_text_no_database_can_store_and_deep_nesting_are_invalid_args(h, fields) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    error = rejected_only(h, budi, budi.mutation("application.set_fields",
                                                 application_id=application_id,
                                                 fields=fields))
    assert error["code"] == "invalid_args"
    json.dumps(error).encode("utf-8")  # the stored result itself is storable


def test_field_keys_must_look_like_keys(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    error = rejected_only(h, budi, budi.mutation("application.set_fields",
                                                 application_id=application_id,
                                                 fields={"Full Name": "Budi"}))
    assert error["code"] == "invalid_args"


def test_args_that_are_not_an_object(h) -> None:
    budi = h.device("budi")
    mutation = {"id": 1, "name": "application.submit", "args": ["x"]}
    assert rejected_only(h, budi, mutation)["code"] == "invalid_args"
    budi.next_id = 2
    assert rejected_only(h, budi, {"id": 2, "name": "application.submit"})["code"] == \
        "invalid_args"


def test_arguments_over_the_size_limit(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    huge = {"full_name": "x" * MAX_ARGS_BYTES}
    error = rejected_only(h, budi, budi.mutation("application.set_fields",
                                                 application_id=application_id, fields=huge))
    assert error["code"] == "args_too_large"


def test_values_of_the_wrong_type_and_unknown_fields(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    error = rejected_only(h, budi, budi.mutation(
        "application.set_fields", application_id=application_id,
        fields={"birth_date": 19900517, "purpose": "wisata"}))
    assert error["code"] == "invalid_field_values"
    assert error["details"]["fields"]["birth_date"]["code"] == "wrong_type"
    error = rejected_only(h, budi, budi.mutation(
        "application.set_fields", application_id=application_id,
        fields={"purpose": "wisata", "review_status": "accepted"}))
    assert (error["code"], error["details"]) == ("unknown_fields", {"keys": ["review_status"]})


def test_another_citizens_application_looks_like_none_at_all(h) -> None:
    budi, siti = h.device("budi"), h.device("siti")
    application_id = filled_paspor(h, budi)
    document = h.document("siti", "ktp")
    for name, args in [
        ("application.set_fields", {"fields": {"purpose": "studi"}}),
        ("application.attach", {"requirement_code": "ktp", "document_id": document}),
        ("application.detach", {"requirement_code": "ktp"}),
        ("application.submit", {}),
        ("application.withdraw", {}),
        ("application.discard", {}),
    ]:
        error = rejected_only(h, siti, siti.mutation(name, application_id=application_id,
                                                     **args))
        nobody = rejected_only(h, siti, siti.mutation(name, application_id=new_id(), **args))
        assert error == {**nobody, "details": error["details"]}
        assert error["code"] == "application_not_found"


def test_another_citizens_document_looks_like_none_at_all(h) -> None:
    budi = h.device("budi")
    application_id = filled_paspor(h, budi)
    sitis = h.document("siti", "ktp")
    error = rejected_only(h, budi, budi.mutation(
        "application.attach", application_id=application_id, requirement_code="ktp",
        document_id=sitis))
    nobody = rejected_only(h, budi, budi.mutation(
        "application.attach", application_id=application_id, requirement_code="ktp",
        document_id=new_id()))
    assert error == nobody and error["code"] == "document_not_found"


def test_creating_with_another_citizens_id_says_nothing_about_it(h) -> None:
    budi, siti = h.device("budi"), h.device("siti")
    application_id = filled_paspor(h, budi)
    error = rejected_only(h, siti, siti.mutation("application.create",
                                                 application_id=application_id,
                                                 service_id=PASPOR))
    assert error["code"] == "application_id_unavailable"
    assert "budi" not in json.dumps(error)
    assert h.application(application_id).citizen_id == "budi"


def test_the_engine_imports_no_web_or_database_framework() -> None:
    """sync/ stays plain Python: the server wraps it, never the other way round."""
    code = ("import importlib, pkgutil, sys, sync\n"
            "for m in pkgutil.iter_modules(sync.__path__):\n"
            "    importlib.import_module('sync.' + m.name)\n"
            "print(sorted({n.split('.')[0] for n in sys.modules}))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2],
                            capture_output=True, text=True, check=True).stdout
    assert "'sync'" in loaded and "'marshmallow'" in loaded
    for banned in ("flask", "flask_sqlalchemy", "sqlalchemy", "server", "werkzeug"):
        assert f"'{banned}'" not in loaded, banned
