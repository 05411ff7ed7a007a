"""Small assertions shared by the test folders."""
from __future__ import annotations


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is an error in the project's one shape; returns its body."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.is_json, response.headers.get("Content-Type")
    body = response.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error
