"""Reading a request's JSON body: one way, for every route and every rate-limit key.

Python's JSON parser recurses once per nesting level, so `[[[[...]]]]` a few thousand levels
deep raises RecursionError, which is neither a ValueError (Flask's `silent=True` does not
catch it) nor an HTTP error: it was a 500 wherever a body was read outside webargs (the
rate-limit key of the sign-in routes). Here:

- `JsonRequest` is the app's request class: its `get_json` treats a body nested too deeply
  like any unreadable body (None when `silent`, else 400 `invalid_json`), so no code path
  that reads JSON can crash on it, including ones written later;
- `json_body()` is the reader for routes that take a body outside webargs (the sync routes)
  and for rate-limit keys (`silent=True`: a key never fails the request; the route's own
  reading then answers 400).

webargs' parser (server/extensions.py ArgumentParser) reads the same bytes with the same
depth rule and the same text rule (`refuse_unstorable_text`).
"""
from __future__ import annotations

from typing import Any

from flask import Request, request
from werkzeug.exceptions import BadRequest

from .errors import ApiError


class JsonRequest(Request):
    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            raise _too_deep() from None


def _too_deep() -> ApiError:
    from .extensions import too_deep

    return too_deep()


def json_body(*, silent: bool = False) -> Any:
    """The current request's JSON body, checked: a JSON content type when there is a body
    (415), parseable and not nested too deeply (400 `invalid_json`), and no text that no
    database column can store (400). With `silent`, None instead of any error."""
    from .extensions import refuse_unstorable_text

    try:
        if request.content_length and not request.is_json:
            raise ApiError(415, "unsupported_media_type")
        try:
            body = request.get_json(force=True)
        except BadRequest:
            body = None
        if body is None:
            raise ApiError(400, "invalid_json")
        if not silent:
            refuse_unstorable_text(body, "json")
    except ApiError:
        if silent:
            return None
        raise
    return body
