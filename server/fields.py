"""marshmallow fields shared by the API's schemas."""
from __future__ import annotations

import marshmallow as ma

from .db_types import from_db, to_db


class UtcDateTime(ma.fields.DateTime):
    """Timestamps are aware (server/db_types.py); on the wire they are in UTC (RFC 3339,
    +00:00). A naive value is refused like at the database."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(from_db(to_db(value)), attr, obj, **kwargs)
