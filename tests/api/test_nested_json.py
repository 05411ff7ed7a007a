"""A JSON body nested thousands of levels deep is bad input on every route: 400, never 500.

Every operation in the OpenAPI document that takes a JSON body (tus uploads take bytes and
are not in it) is sent `[[[[...]]]]` by each kind of caller, so whichever of them
the route serves gets as far as reading the body. Before the one reader
(server/json_input.py), the sign-in routes' rate-limit key read the body itself and crashed.
"""
from __future__ import annotations

import uuid

from tests.helpers import assert_error

DEPTH = 50_000
NESTED = b"[" * DEPTH + b"]" * DEPTH
NESTED_OBJECT = b'{"phone": ' * DEPTH + b"1" + b"}" * DEPTH
SAMPLE = {"uuid": str(uuid.uuid4()), "int": "1"}


def json_routes(client) -> list[tuple[str, str]]:
    """Every operation of the OpenAPI document that takes a JSON body, with sample values
    in its path."""
    spec = client.get("/api/openapi.json").get_json()
    routes = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            content = (operation.get("requestBody") or {}).get("content", {})
            if "application/json" not in content:
                continue
            url = path
            for parameter in operation.get("parameters", []) + operations.get("parameters", []):
                if parameter.get("in") == "path":
                    kind = parameter.get("schema", {})
                    value = SAMPLE["int"] if kind.get("type") == "integer" else SAMPLE["uuid"]
                    url = url.replace("{%s}" % parameter["name"], value)
            routes.append((method.upper(), url))
    return routes


def kiosk_headers(runner) -> dict:
    """The floor's kiosk is a caller of its own: a device key made by the CLI."""
    result = runner.invoke(args=["queue", "kiosk-key", "langsa", "--name", "uji"])
    assert result.exit_code == 0, (result.output, repr(result.exception))
    return {"X-Device-Key": result.stdout.strip().splitlines()[-1]}


def test_every_json_route_refuses_a_deeply_nested_body(app, client, callers, runner):
    routes = json_routes(client)
    assert ("POST", "/api/auth/otp") in routes and ("POST", "/api/sync/push") in routes
    assert len(routes) > 10 and not any("{" in url for _, url in routes)
    kinds = {"anonymous": {}, "citizen": callers.citizen()["headers"],
             "verifier": callers.officer("verifier", "langsa", "dukcapil")["headers"],
             "admin": callers.officer("admin")["headers"], "kiosk": kiosk_headers(runner)}
    refused = set()
    for method, url in routes:
        for who, headers in kinds.items():
            for body in (NESTED, NESTED_OBJECT):
                answer = client.open(url, method=method, data=body, headers={
                    **headers, "Content-Type": "application/json"})
                assert answer.status_code < 500, (method, url, who, answer.get_data(True))
                if answer.status_code == 400:
                    assert answer.get_json()["error"]["code"] == "invalid_json"
                    refused.add((method, url))
    # Every route was reached by a caller it serves and refused the body as bad input.
    assert refused == set(routes), sorted(set(routes) - refused)


def test_sign_in_routes_answer_the_json_error(client):
    for url in ("/api/auth/otp", "/api/auth/otp/verify"):
        for body in (NESTED, NESTED_OBJECT):
            error = assert_error(client.post(url, data=body, headers={
                "Content-Type": "application/json"}), 400, "invalid_json")
            assert error["details"] == {"reason": "nested too deeply"}
    # And the rate limit still counts ordinary requests by phone.
    assert client.post("/api/auth/otp", json={"phone": "081234567890"}).status_code == 202
