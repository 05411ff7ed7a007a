"""Push API: the VAPID public key and this device's subscription (a routing table over
push.operations)."""
from __future__ import annotations

import uuid

from flask import current_app, jsonify

from ..access import allow, current_principal
from ..db_types import utcnow
from ..audit.operations import record
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint, db
from . import keys as vapid_keys
from . import operations as ops
from .schemas import PublicKeySchema, SubscriptionCreateSchema, SubscriptionSchema

blp = Blueprint("push", __name__, url_prefix="/api/push",
                description="Notifikasi push / Web push notifications")
BEARER = [{"bearerAuth": []}]


def _keys() -> vapid_keys.VapidKeys:
    keys = vapid_keys.current(current_app)
    if keys is None:
        raise ApiError(503, "push_not_configured")
    return keys


@blp.route("/key")
@allow("public")
@blp.response(200, PublicKeySchema)
@blp.alt_response(503, schema=ErrorSchema, description="push_not_configured")
def public_key():
    """Kunci publik VAPID / The applicationServerKey to subscribe with."""
    response = jsonify({"public_key": _keys().public_key})
    # Short cache: after a rotation the PWA must learn the new key soon.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@blp.route("/subscriptions", methods=["POST"])
@allow("citizen")
@blp.arguments(SubscriptionCreateSchema)
@blp.response(201, SubscriptionSchema)
@blp.alt_response(400, schema=ErrorSchema,
                  description="push_subscription_invalid, push_endpoint_not_allowed")
@blp.alt_response(409, schema=ErrorSchema, description="push_key_changed: subscribe again")
@blp.alt_response(503, schema=ErrorSchema, description="push_not_configured")
@blp.doc(security=BEARER)
def subscribe(data):
    """Aktifkan notifikasi di perangkat ini / Store this device's push subscription."""
    principal = current_principal()
    subscription = ops.subscribe(db.session, principal.citizen, principal.session, data,
                                 config=current_app.config, public_key=_keys().public_key,
                                 now=utcnow())
    record("push.subscribed", target_kind="push_subscription", target_id=subscription.id,
           details={"session": str(principal.session_id)})
    return subscription


@blp.route("/subscriptions/<uuid:subscription_id>", methods=["DELETE"])
@allow("citizen")
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(security=BEARER)
def unsubscribe(subscription_id: uuid.UUID):
    """Matikan notifikasi / Remove a push subscription of mine."""
    ops.unsubscribe(db.session, current_principal().citizen, subscription_id)
    record("push.unsubscribed", target_kind="push_subscription", target_id=subscription_id)
