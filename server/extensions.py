"""Flask extensions, created unbound here and bound to an app in `create_app`."""
from __future__ import annotations

import marshmallow as ma
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import UnsupportedMediaType

from .config import PROJECT_ROOT
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
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=str(PROJECT_ROOT / "server" / "migrations"))


@event.listens_for(Engine, "connect")
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


# Rate limits: memory storage by default, Redis when RATELIMIT_STORAGE_URI says so. Limits
# are declared on the views that need them (sign-in), none by default.
limiter = Limiter(key_func=get_remote_address)


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """BEGIN on SQLite; BEGIN IMMEDIATE when the connection asks for it (a sync push takes
    the write lock first, so what it reads cannot go stale before it writes)."""
    if conn.dialect.name == "sqlite":
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


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


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        # errors.init_app registers the project's single error shape instead.
        pass


def init_app(app: Flask) -> Api:
    """Bind the extensions; the Api (and its OpenAPI spec) is made per app."""
    db.init_app(app)
    migrate.init_app(app, db, compare_type=True, render_as_batch=True)
    limiter.init_app(app)
    if app.testing:
        limiter.reset()  # one limiter object serves every app a test run creates
    api = Api(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "A device session token from sign-in (sd_...)"})
    return api
