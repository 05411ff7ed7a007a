"""Schemathesis against our own /api/openapi.json: generated requests to every operation,
bounded in examples, find no 5xx and no response that breaks the documented schema, called
as a citizen and as an officer. Generated ids find nothing (404s), so the officer's run then
walks a real application through the whole console (queue, detail, activity, reasons, every
action, the ticket) and checks each 200 against its operation's schema.

The operations are driven from Hypothesis directly (schemathesis' pytest plugin does not run
under pytest 9 here), one Hypothesis run per operation; the cases it generated are sent
again, unchanged, to the other databases and callers (`_GENERATED`).
"""
from __future__ import annotations

import copy
import hashlib
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from requests.structures import CaseInsensitiveDict
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core import NotSet
from schemathesis.generation.case import Case

from server.applications.models import Application
from server.extensions import db
from tests.api.officer_world import BASE, PICKUP, World

EXAMPLES_PER_OPERATION = 20
# Erasing the fuzzing citizen would turn every later case into a 401; it has its own tests.
SKIP = {("POST", "/api/me/erase")}


# The cases of each operation as Hypothesis generated them (per OpenAPI document), once per
# test process, and sent again, in the same order, to every later (database, caller) run.
# With derandomize and no failure Hypothesis generates exactly these cases in every run of
# a process (checked: the four runs' 1,905 cases were identical); generating them was half
# of each run's time. A run whose document differs, or an operation whose run failed (and
# was shrunk), generates its own.
_GENERATED: dict[tuple[str, str, str], list[dict]] = {}


def _copy(value):
    return value if isinstance(value, NotSet) else copy.deepcopy(value)  # NOT_SET stays itself


def _data(case: Case) -> dict:
    """What a case sends, copied as generated (a call must not change what later runs send)."""
    return {"method": case.method, "path": case.path,
            "path_parameters": _copy(case.path_parameters),
            "headers": None if case.headers is None else _copy(dict(case.headers)),
            "cookies": _copy(case.cookies), "query": _copy(case.query),
            "body": _copy(case.body), "media_type": case.media_type,
            "multipart_content_types": _copy(case.multipart_content_types),
            "meta": _copy(case._meta)}


def _case(operation, data: dict) -> Case:
    """The generated case again, for this run's operation (its schema calls this run's app)."""
    copied = {name: _copy(value) for name, value in data.items()}
    if copied["headers"] is not None:
        copied["headers"] = CaseInsensitiveDict(copied["headers"])
    return Case(operation=operation, **copied)


def _recording(generated: list[dict]):
    def record(case: Case) -> Case:
        generated.append(_data(case))
        return case
    return record


def fuzz(app, headers) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    document = hashlib.sha256(json.dumps(schema.raw_schema, sort_keys=True).encode()).hexdigest()
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        key = (document, operation.method.upper(), operation.path)
        if key in _GENERATED:  # the cases this process generated for it, sent again
            for data in _GENERATED[key]:
                _case(operation, data).call_and_validate(
                    headers=headers, checks=[not_a_server_error, response_schema_conformance])
            tested.append(f"{operation.method.upper()} {operation.path}")
            continue
        generated: list[dict] = []

        # (`run` unchanged: its source is the derandomized seed; the map only records)
        @given(case=operation.as_strategy().map(_recording(generated)))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  derandomize=True,  # the same cases on every CI run: a failure reproduces
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=headers,
                                   checks=[not_a_server_error, response_schema_conformance])

        run()
        _GENERATED[key] = generated
        tested.append(f"{operation.method.upper()} {operation.path}")
    return tested


@pytest.mark.parametrize("caller", ["citizen", "officer"])
def test_no_server_errors_and_responses_match_the_schema(app, client, callers, caller):
    app.config.update(OTP_RESEND_SECONDS=0, OTP_LIMIT_PER_PHONE="10000 per hour",
                      OTP_LIMIT_PER_IP="10000 per hour",
                      OTP_VERIFY_LIMIT_PER_PHONE="10000 per hour",
                      OTP_VERIFY_LIMIT_PER_IP="10000 per hour",
                      OFFICER_LOGIN_LIMIT_PER_IP="10000 per hour")
    if caller == "officer":
        world = World(app, client, callers)
        world.submitted()  # the queue has something to list
        headers = world.imigrasi["headers"]
    else:
        headers = callers.citizen()["headers"]
    tested = fuzz(app, headers)
    assert len(tested) >= 20, tested


def test_every_officer_answer_matches_its_schema(app, client, callers):
    """A real application through the console: each 200 validated against the OpenAPI
    operation it came from (a field the schema lists with another type, a null where it
    allows none: a failure)."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    world = World(app, client, callers)
    officer = world.imigrasi
    checked: set[str] = set()

    def check(method: str, template: str, response):
        assert response.status_code == 200, response.get_data(True)
        schema[template][method].validate_response(response)
        checked.add(f"{method} {template}")
        return response.get_json()

    made = world.submitted(birth_place="Medan")  # a discrepancy to accept
    app_id = made["id"]
    one = BASE + "/{application_id}"
    check("GET", BASE, world.get(officer, BASE))
    check("GET", BASE, world.get(officer, BASE + "?state=submitted&q=" + made["nik"]))
    check("GET", "/api/officer/reasons",
          world.get(officer, "/api/officer/reasons?document_type=kk"))

    def act(template: str, action: str, detail: dict, **body):
        response = world.post(officer, detail["action_paths"][action],
                              {"version": detail["version"], **body})
        return check("POST", one + template, response)

    d = check("GET", one, world.get(officer, f"{BASE}/{app_id}"))
    d = act("/start-review", "start_review", d)
    d = act("/review", "review_requirement", d, requirement="kk", decision="reject",
            reason="blurry", note="Ulangi")
    d = act("/accept-discrepancy", "accept_discrepancy", d, field="birth_place")
    d = act("/review", "review_requirement", d, requirement="ktp", decision="accept")
    d = act("/request-revision", "request_revision", d, note="Foto KK ulang")
    phone = made["phone"]
    phone.push(phone.mutation("application.attach", application_id=app_id, requirement_code="kk",
                              document_id=world.document(made["citizen"]["id"], "kk")),
               phone.mutation("application.submit", application_id=app_id))
    d = check("GET", one, world.get(officer, f"{BASE}/{app_id}"))
    d = act("/start-review", "start_review", d)  # now with a previous document
    d = act("/review", "review_requirement", d, requirement="kk", decision="accept")
    d = act("/approve", "approve", d)
    d = act("/mark-ready", "mark_ready", d, pickup=PICKUP)
    with app.app_context():
        code = db.session.get(Application, app_id).ticket_code
    found = check("POST", "/api/officer/tickets/lookup",
                  world.post(officer, "/api/officer/tickets/lookup", {"code": code}))
    act("/complete", "complete", found["application"], code=code)
    check("GET", one + "/activity", world.get(officer, f"{BASE}/{app_id}/activity"))

    rejected = world.submitted()
    d = act("/start-review", "start_review", world.detail(officer, rejected["id"]))
    act("/reject", "reject", d, note="Bukan layanan yang tepat")

    console = {f"{o.ok().method.upper()} {o.ok().path}" for o in schema.get_all_operations()
               if o.ok().path.startswith("/api/officer/applications")
               or o.ok().path in ("/api/officer/reasons", "/api/officer/tickets/lookup")}
    assert console and console <= checked, console - checked
