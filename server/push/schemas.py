"""marshmallow schemas for the push API (explicit allow-lists; contents checked in
operations.check_subscription)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from ..fields import UtcDateTime


class PublicKeySchema(ma.Schema):
    public_key = ma.fields.String(metadata={
        "description": "The VAPID public key, base64url (65-byte uncompressed P-256 point): "
                       "pushManager.subscribe's applicationServerKey"})


class SubscriptionKeysSchema(ma.Schema):
    p256dh = ma.fields.String(required=True, validate=v.Length(min=1, max=200))
    auth = ma.fields.String(required=True, validate=v.Length(min=1, max=100))


class SubscriptionCreateSchema(ma.Schema):
    """PushSubscription.toJSON() (expirationTime is accepted and ignored), plus options."""

    endpoint = ma.fields.String(required=True, validate=v.Length(min=1, max=2048))
    keys = ma.fields.Nested(SubscriptionKeysSchema, required=True)
    expirationTime = ma.fields.Raw(load_default=None, allow_none=True,
                                   metadata={"description": "ignored"})
    language = ma.fields.String(load_default=None, validate=v.OneOf(("id", "en")),
                                metadata={"description": "language of the pushed texts; "
                                                         "default: the citizen's"})
    application_server_key = ma.fields.String(
        load_default=None, validate=v.Length(max=200),
        metadata={"description": "the key the browser subscribed with; a stale one is 409"})


class SubscriptionSchema(ma.Schema):
    id = ma.fields.UUID()
    language = ma.fields.String()
    created_at = UtcDateTime()
