"""Schemathesis against our own /api/openapi.json: generated requests to every operation,
bounded in examples, find no 5xx and no response that breaks the documented schema.

The operations are driven from Hypothesis directly (schemathesis' pytest plugin does not run
under pytest 9 here), one Hypothesis run per operation.
"""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

EXAMPLES_PER_OPERATION = 20
# Erasing the fuzzing citizen would turn every later case into a 401; it has its own tests.
SKIP = {("POST", "/api/me/erase")}


def test_no_server_errors_and_responses_match_the_schema(app, callers):
    app.config.update(OTP_RESEND_SECONDS=0, OTP_LIMIT_PER_PHONE="10000 per hour",
                      OTP_LIMIT_PER_IP="10000 per hour",
                      OTP_VERIFY_LIMIT_PER_PHONE="10000 per hour",
                      OTP_VERIFY_LIMIT_PER_IP="10000 per hour",
                      OFFICER_LOGIN_LIMIT_PER_IP="10000 per hour")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        headers = {**callers.citizen()["headers"]}

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  derandomize=True,  # the same cases on every CI run: a failure reproduces
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=headers,
                                   checks=[not_a_server_error, response_schema_conformance])

        run()
        tested.append(f"{operation.method.upper()} {operation.path}")
    assert len(tested) >= 20, tested
