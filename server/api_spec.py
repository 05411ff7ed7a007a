"""The OpenAPI document, written when it is first read rather than when the app is built.

flask-smorest writes the whole document into the app's `APISpec` while the app is built: the
default responses when the Api starts, then every operation of a blueprint as it is
registered. That is about 0.1 s of CPU per app, more than half of building one, and most
apps never serve their document (every test builds its own app; a gunicorn worker answers
/api/openapi.json rarely).

`LazySpecMixin` keeps each of those writing steps in a queue, in the order the library would
have run them, and runs them on the first read of `api.spec` (serving /api/openapi.json, the
docs page, `flask openapi print`, a test). Until then `api.spec` is a stand-in on which
`components.<schema|response|parameter|header|example|security_scheme>(...)` joins the queue
(the domain packages declare their security schemes while the app is built); anything else
read from it writes the document first. Routes are registered at once, as before. So the
document is the one the library writes eagerly: tests/unit/test_api_spec.py compares the two
(same JSON, same order) and checks every documented route is in it. One difference: an
error in a schema shows when the document is first read, not when the app is built (that
test reads it, as do the API tests of the document).
"""
from __future__ import annotations

import threading
from collections.abc import Callable

# The Components methods that only add a component (each returns the Components object).
COMPONENT_REGISTRATIONS = frozenset({
    "schema", "response", "parameter", "header", "example", "security_scheme"})


class LazySpecMixin:
    """Mixed into flask_smorest.Api (before it): the document is written on first read."""

    def __init__(self, *args, **kwargs):
        self._pending: list[Callable[[], object]] = []
        self._pending_lock = threading.RLock()
        self._writer: int | None = None  # the thread running the queue
        self._raw_spec = None
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        if self._pending and self._writer != threading.get_ident():
            return _SpecBeforeFirstRead(self)
        return self._raw_spec

    @spec.setter
    def spec(self, value):
        self._raw_spec = value

    def _defer(self, step: Callable[[], object]) -> None:
        with self._pending_lock:
            self._pending.append(step)

    def _written_spec(self):
        """The APISpec with every queued step run (each once, in order, by one thread)."""
        with self._pending_lock:
            self._writer = threading.get_ident()
            try:
                while self._pending:
                    self._pending[0]()
                    self._pending.pop(0)  # after it ran: a step that fails fails every read
            finally:
                self._writer = None
        return self._raw_spec

    # The library's writing steps, queued.

    def register_blueprint(self, blp, *, parameters=None, **options):
        """flask_smorest.Api.register_blueprint with its documentation step queued."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)

        def document():
            blp.register_views_in_doc(self, self._app, self._raw_spec, name=name,
                                      parameters=parameters)
            self._raw_spec.tag({"name": name, "description": blp.description})
        self._defer(document)

    def _register_responses(self):
        self._defer(super()._register_responses)

    def _register_etag_headers(self):
        self._defer(super()._register_etag_headers)

    def _register_pagination_header(self):
        self._defer(super()._register_pagination_header)

    def _register_field(self, field, *args):
        self._defer(lambda: super(LazySpecMixin, self)._register_field(field, *args))

    def _register_converter(self, converter, func):
        self._defer(lambda: super(LazySpecMixin, self)._register_converter(converter, func))


class _SpecBeforeFirstRead:
    """`api.spec` while steps are queued: component registrations join the queue, any other
    attribute is the written APISpec's."""

    def __init__(self, api: LazySpecMixin):
        self._api = api

    @property
    def components(self):
        return _ComponentsBeforeFirstRead(self._api)

    def __getattr__(self, name: str):
        return getattr(self._api._written_spec(), name)


class _ComponentsBeforeFirstRead:
    def __init__(self, api: LazySpecMixin):
        self._api = api

    def __getattr__(self, name: str):
        if name not in COMPONENT_REGISTRATIONS:
            return getattr(self._api._written_spec().components, name)

        def register(*args, **kwargs):
            self._api._defer(
                lambda: getattr(self._api._raw_spec.components, name)(*args, **kwargs))
            return self
        return register
