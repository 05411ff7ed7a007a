"""One JSON shape for every failure: {"error": {"code", "message", "details"}}.

`ApiError` is what views and operations raise for an expected failure; HTTP exceptions
from Werkzeug, webargs validation errors and anything unexpected are mapped to the same
shape here, so no route has its own error format.
"""
from __future__ import annotations

import logging
import traceback

import marshmallow as ma
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from .i18n import translate

log = logging.getLogger(__name__)

# The default error code (and message key) for each HTTP status we answer with.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


class ApiError(Exception):
    """An expected failure with an HTTP status, a stable code and a translated message."""

    def __init__(self, status: int, code: str | None = None, details=None, *,
                 message_key: str | None = None, headers: dict | None = None,
                 params: dict | None = None):
        super().__init__(code)
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.details = details if details is not None else {}
        self.message_key = message_key or self.code
        self.params = params or {}
        self.headers = headers or {}

    @property
    def message(self) -> str:
        return translate(self.message_key, **self.params)


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Stable machine code"})
    message = ma.fields.String(
        required=True, metadata={"description": "Human message in the negotiated language"}
    )
    details = ma.fields.Raw(metadata={"description": "Structured details, per code"})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBodySchema, required=True)


def error_response(status: int, code: str, message: str, details=None, headers=None):
    response = jsonify({"error": {"code": code, "message": message,
                                  "details": details if details is not None else {}}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_api_error(err: ApiError):
    return error_response(err.status, err.code, err.message, err.details, err.headers)


def handle_http_exception(err: HTTPException):
    status = err.code or 500
    data = getattr(err, "data", None) or {}
    headers = dict(data.get("headers") or {})
    valid_methods = getattr(err, "valid_methods", None)
    if status == 405 and valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    # webargs puts validation messages in data["messages"] as {location: {field: [..]}}
    messages = data.get("messages") or data.get("errors")
    if messages is not None:
        unknown = _unknown_fields(messages)
        if unknown:
            return error_response(400, "unknown_parameter",
                                  translate("unknown_parameter", names=", ".join(unknown)),
                                  {"fields": messages}, headers)
        return error_response(400, "validation_failed", translate("validation_failed"),
                              {"fields": messages}, headers)
    code = STATUS_CODES.get(status, "error")
    params = {}
    if status == 405:
        params["method"] = request.method
    if status == 413:
        params["limit"] = _human_size(_body_limit())
    if code not in STATUS_CODES.values():
        code = "bad_request" if status < 500 else "internal_error"
    return error_response(status, code, translate(code, **params), {}, headers)


def handle_rate_limited(err):
    """Flask-Limiter's 429, with the wait in the message and in Retry-After."""
    import math
    import time

    from .extensions import limiter  # late: extensions imports this module

    wait = 60
    current = limiter.current_limit
    if current is not None:
        wait = max(1, math.ceil(current.reset_at - time.time()))
    return error_response(429, "too_many_requests",
                          translate("too_many_requests_wait", seconds=wait),
                          {"retry_after": wait}, {"Retry-After": str(wait)})


def handle_unexpected(err: Exception):
    log.error("unhandled error on %s %s\n%s", request.method, request.path, safe_traceback(err))
    return error_response(500, "internal_error", translate("internal_error"))


def safe_traceback(err: BaseException) -> str:
    """The traceback of `err` (and of its causes) with every NIK and phone number masked.
    The engines hide a failed statement's bound values (hide_parameters), but a driver's
    own message may still quote one (PostgreSQL's "Key (phone)=(...) already exists")."""
    from .logging_setup import mask_personal_data

    return mask_personal_data("".join(traceback.format_exception(err)).rstrip())


def _unknown_fields(messages) -> list[str]:
    """Names that marshmallow rejected with 'Unknown field.' in any location."""
    names = []
    for location in messages.values() if isinstance(messages, dict) else ():
        if not isinstance(location, dict):
            continue
        for name, errs in location.items():
            if isinstance(errs, list) and any(e == "Unknown field." for e in errs):
                names.append(name)
    return names


def _body_limit() -> int:
    from flask import request
    return request.max_content_length or 0  # the route's own limit, else MAX_CONTENT_LENGTH


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} B"


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, handle_api_error)
    from flask_limiter.errors import RateLimitExceeded

    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
