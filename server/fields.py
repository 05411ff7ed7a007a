"""marshmallow fields shared by the API's schemas."""
from __future__ import annotations

import datetime as dt

import marshmallow as ma


class UtcDateTime(ma.fields.DateTime):
    """Timestamps are stored as naive UTC; on the wire they say so (RFC 3339, +00:00)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)
