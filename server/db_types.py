"""Time in the database: one column type and one clock, for every model and every raw query.

The application speaks aware UTC datetimes only. `UtcTimestamp` is the column type of every
timestamp (the declarative `Base` in `server/extensions.py` maps `Mapped[dt.datetime]` to it,
so a model just writes `created_at: Mapped[dt.datetime]`): an aware datetime goes in (any
offset; it is converted to UTC), the column stores naive UTC (SQLite text, PostgreSQL
`timestamp without time zone`, exactly what every column has held since migration 0001, so no
stored value changes meaning), and an aware UTC datetime comes out. A naive datetime is a
programming error (whose clock is it?) and is refused with `NaiveDatetimeError`.

ORM attributes and Core statements built on the tables (`insert(T)`, `T.c.at >= bindparam(..)`)
convert by themselves. Only a parameter bound to hand-written SQL (`text(...)`), which has no
column type, needs `to_db(value)`; `from_db(value)` reads such a column back. This module has
no Flask in it.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.types import DateTime, TypeDecorator

UTC = dt.timezone.utc


class NaiveDatetimeError(TypeError):
    """A naive datetime reached a UTC column: the caller must say which clock it read."""


def utcnow() -> dt.datetime:
    """The current moment, aware, in UTC: the one clock of the server."""
    return dt.datetime.now(UTC)


def to_db(value: dt.datetime | None) -> dt.datetime | None:
    """An aware datetime as the naive UTC value a column stores; None stays None."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise TypeError(f"Kolom waktu menerima datetime, bukan {type(value).__name__} / "
                        f"a timestamp column takes a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            f"Waktu tanpa zona waktu ({value.isoformat()}) tidak boleh disimpan: berikan "
            f"datetime aware, mis. server.db_types.utcnow() / naive datetime "
            f"{value.isoformat()} refused for a UTC column: pass an aware datetime, "
            f"e.g. server.db_types.utcnow()")
    return value.astimezone(UTC).replace(tzinfo=None)


def from_db(value: dt.datetime | None) -> dt.datetime | None:
    """A stored (naive UTC) value as an aware UTC datetime; None stays None."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class UtcTimestamp(TypeDecorator):
    """Aware datetime in (converted to UTC), naive UTC stored, aware UTC out."""

    impl = DateTime  # timezone=False: the stored form every migration created
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return to_db(value)

    def process_result_value(self, value, dialect):
        return from_db(value)

    def process_literal_param(self, value, dialect):
        return to_db(value)

    @property
    def python_type(self):
        return dt.datetime
