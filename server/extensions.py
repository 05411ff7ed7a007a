"""Flask extensions, created unbound here and bound to an app in `create_app`."""
from __future__ import annotations

import datetime as dt
import select
import marshmallow as ma
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask.globals import _cv_app, _cv_request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import MetaData, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import UnsupportedMediaType

from .api_spec import LazySpecMixin
from .config import PROJECT_ROOT
from .db_types import UtcTimestamp
from .errors import ErrorSchema

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    # Every timestamp column (Mapped[dt.datetime]) is a UtcTimestamp: aware UTC in and out,
    # naive UTC stored (server/db_types.py).
    registry = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                        type_annotation_map={dt.datetime: UtcTimestamp})


class Session(FlaskSession):
    """db.session: inside a request it joins the request's unit of work (its connection and
    transaction; server/transactions.py), so its commit() only flushes; outside a request
    (CLI commands, tests' own checks) it uses the engine as usual."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None:
            from .transactions import active_work

            work = active_work()
            if work is not None:
                return work.connection
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _session_scope():
    """One ORM session per request (even when a test holds an app context around several
    requests), else one per app context."""
    ctx = _cv_request.get(None)
    if ctx is not None:
        return ("request", id(ctx))
    return ("app", id(_cv_app.get(None)))


db = SQLAlchemy(model_class=Base,
                session_options={"class_": Session, "scopefunc": _session_scope})
migrate = Migrate(directory=str(PROJECT_ROOT / "server" / "migrations"))


def _sqlite_pragmas(dbapi_connection, _record):
    """WAL (readers never wait for the writer) and enforced foreign keys on SQLite."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # Let SQLAlchemy say BEGIN itself (below): Python's sqlite3 would otherwise start
    # transactions late (not before a SELECT), and a pull's reads would not share a snapshot.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn):
    """BEGIN on SQLite; BEGIN IMMEDIATE when the connection asks for it (a writer takes the
    write lock first, so what it reads cannot go stale before it writes)."""
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _drop_closed_connection(dbapi_connection, _record, _proxy):
    """Pool checkout (PostgreSQL): refuse a pooled connection the server has closed, with
    no round trip (pool_pre_ping's SELECT 1 was one per checkout, three per sync push). An
    idle connection has nothing to read; when PostgreSQL ends it (a restart, a killed
    backend, idle_session_timeout) it sends its last message and closes, so the socket is
    readable. The pool then discards it and connects afresh (DisconnectionError). A server
    that dies between this check and the first statement fails that request, as it did
    with pre_ping."""
    conn = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    if getattr(conn, "closed", False) or getattr(conn, "broken", False):
        raise DisconnectionError("the connection is closed")
    fileno = getattr(conn, "fileno", None)
    if fileno is None:
        return
    poller = select.poll()
    poller.register(fileno(), select.POLLIN | select.POLLPRI)
    if poller.poll(0):
        raise DisconnectionError("the server closed the idle connection")


def prepare_engine(engine: Engine) -> Engine:
    """Attach our listeners to one engine (the app's, or one a tool or test made), never
    to the global Engine class: SQLite pragmas on connect, and BEGIN said by us; on
    PostgreSQL the checkout check above. Idempotent, also after `engine.dispose()`; call it
    before the engine's first connection."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect",
                                                              _sqlite_pragmas):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    if engine.dialect.name == "postgresql":
        listen_on_pool_once(engine, "checkout", _drop_closed_connection)
    return engine


def listen_on_pool_once(engine: Engine, name: str, fn) -> None:
    """Attach `fn` to the pool event `name` of `engine` unless it is already there. Asked of
    the pool's listeners themselves, not event.contains: dispose() gives the engine a new
    pool that inherits the old one's listeners, where contains() says no, so each app built
    on a disposed engine added PostgreSQL's checkout check once more (the tests' shared
    engines ran it some thirty times per checkout)."""
    if fn not in list(getattr(engine.pool.dispatch, name)):
        event.listen(engine.pool, name, fn)


# Rate limits: memory storage by default, Redis when RATELIMIT_STORAGE_URI says so. Limits
# are declared on the views that need them (sign-in), none by default.
limiter = Limiter(key_func=get_remote_address)


class ArgumentParser(FlaskParser):
    """webargs parser for our API: bad input is a 400 and unknown query parameters are errors."""

    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }

    def load_json(self, req, schema):
        if req.content_length and not req.is_json:
            raise UnsupportedMediaType()
        try:
            data = super().load_json(req, schema)
        except RecursionError:
            raise too_deep() from None
        refuse_unstorable_text(data, "json")
        return data

    def load_querystring(self, req, schema):
        data = super().load_querystring(req, schema)
        refuse_unstorable_text(dict(req.args), "query")
        return data


def too_deep():
    """JSON nested deeper than the parser's recursion allows is bad input, not a crash."""
    from .errors import ApiError

    return ApiError(400, "invalid_json", {"reason": "nested too deeply"})


def refuse_unstorable_text(value, location: str, path: str = "") -> None:
    """No text field anywhere may hold a NUL byte or a lone surrogate: PostgreSQL cannot
    store the first and UTF-8 cannot encode the second. Refuse them as bad input (400)
    before any view or query sees them, instead of failing deep inside with a 500."""
    if isinstance(value, str):
        bad = "\x00" in value
        if not bad:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                bad = True
        if bad:
            from .errors import ApiError

            raise ApiError(400, "validation_failed", {"fields": {location: {
                path or "_body": ["Contains a NUL character or text that is not valid UTF-8."]}}})
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_unstorable_text(key, location, path)
            refuse_unstorable_text(item, location, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_unstorable_text(item, location, f"{path}[{index}]")


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = ArgumentParser()


class Api(LazySpecMixin, SmorestApi):
    """The OpenAPI document is written on its first read (server/api_spec.py)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        # errors.init_app registers the project's single error shape instead.
        pass


def init_app(app: Flask) -> Api:
    """Bind the extensions; the Api (and its OpenAPI spec) is made per app."""
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            prepare_engine(engine)
    from . import transactions

    transactions.init_app(app)
    migrate.init_app(app, db, compare_type=True, render_as_batch=True)
    limiter.init_app(app)
    if app.testing:
        limiter.reset()  # one limiter object serves every app a test run creates
    api = Api(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "A device session token from sign-in (sd_...)"})
    return api
