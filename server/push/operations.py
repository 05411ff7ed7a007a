"""Push subscriptions: checking, storing and removing them. No HTTP here; functions add and
flush, the caller commits.

A subscription belongs to the device session that made it: one per session (a browser
that renews its subscription replaces the old one), and it goes when the session ends.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import ipaddress
import re
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..accounts.models import Citizen, DeviceSession
from ..errors import ApiError
from .models import (
    CREATED, PERMANENT_FAILURE, TEMPORARY_FAILURE, PushDelivery, PushSubscription,
)

ENDPOINT_MAX = 1024
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


def b64url_decode(text: Any) -> bytes | None:
    """Bytes of base64url text (padding optional), or None when it is not that."""
    if not isinstance(text, str) or not _B64URL.match(text):
        return None
    text = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def endpoint_problem(endpoint: str, *, allow_insecure: bool, hosts: Iterable[str]) -> str | None:
    """Why the worker must not POST to this URL, or None. The endpoint comes from the
    browser, so the server would otherwise request any URL a caller names (SSRF): only
    https on port 443, only the push services' own hosts (PUSH_ENDPOINT_HOSTS: exact names;
    `*.name` is one label under `name`, as WNS's regional hosts), never an address inside
    our network; plain http to this machine (any port) only when PUSH_ALLOW_INSECURE says
    so. A host suffix is not enough: `storage.googleapis.com` is Google, but not push."""
    if len(endpoint) > ENDPOINT_MAX:
        return f"longer than {ENDPOINT_MAX} characters"
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "not a URL"
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        return "not a push service URL"
    if allow_insecure and host in LOOPBACK_HOSTS and parts.scheme in ("http", "https"):
        return None
    if parts.scheme != "https":
        return "https only"
    if port not in (None, 443):
        return "port 443 only"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and not address.is_global:
        return "an address inside a private network"
    if not any(_host_matches(host, allowed.lower()) for allowed in hosts):
        return "not a known push service"
    return None


def _host_matches(host: str, allowed: str) -> bool:
    if allowed == "*":
        return True
    if allowed.startswith("*."):
        label, _, rest = host.partition(".")
        return bool(label) and rest == allowed[2:]
    return host == allowed


class NoRedirects(requests.Session):
    """The worker's HTTP session: a push service answers a POST itself; a redirect would
    send the message (and our VAPID signature) to a URL nobody checked, so it is never
    followed (pywebpush then reports the 3xx as a failed send)."""

    def send(self, request, **kwargs):
        kwargs["allow_redirects"] = False
        return super().send(request, **kwargs)


def check_subscription(data: dict[str, Any], config) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) checked, or ApiError 400 naming every bad part."""
    errors: dict[str, list[str]] = {}
    endpoint = data["endpoint"]
    reason = endpoint_problem(endpoint, allow_insecure=bool(config["PUSH_ALLOW_INSECURE"]),
                              hosts=config["PUSH_ENDPOINT_HOSTS"])
    keys = data["keys"]
    p256dh = b64url_decode(keys["p256dh"])
    if p256dh is None or len(p256dh) != 65 or p256dh[0] != 4:
        errors["keys.p256dh"] = ["Not the base64url of a 65-byte uncompressed P-256 point."]
    else:
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
        except ValueError:
            errors["keys.p256dh"] = ["Not a point on the P-256 curve."]
    auth = b64url_decode(keys["auth"])
    if auth is None or len(auth) != 16:
        errors["keys.auth"] = ["Not the base64url of 16 bytes."]
    if reason is not None and not errors:
        raise ApiError(400, "push_endpoint_not_allowed", {"fields": {"endpoint": [reason]}},
                       params={"reason": reason})
    if reason is not None:
        errors["endpoint"] = [reason]
    if errors:
        raise ApiError(400, "push_subscription_invalid", {"fields": errors})
    # Stored unpadded, as browsers give them.
    return endpoint, keys["p256dh"].rstrip("="), keys["auth"].rstrip("=")


def subscribe(session: Session, citizen: Citizen, device: DeviceSession, data: dict[str, Any],
              *, config, public_key: str, now: dt.datetime) -> PushSubscription:
    """Store the browser's subscription with this device session (create or update)."""
    given_key = data.get("application_server_key")
    if given_key and given_key.rstrip("=") != public_key:
        # Subscribed with a key we no longer sign with: the push service would refuse us.
        raise ApiError(409, "push_key_changed", {"public_key": public_key})
    endpoint, p256dh, auth = check_subscription(data, config)
    language = data.get("language") or citizen.language or "id"
    existing = session.scalar(select(PushSubscription)
                              .where(PushSubscription.endpoint == endpoint).with_for_update())
    if existing is not None and (existing.citizen_id != citizen.id
                                 or existing.session_id != device.id):
        # The browser is now signed in as someone else (or signed in again): what was
        # queued for the old owner must not reach the new one.
        remove(session, [existing.id], "subscription_replaced")
        existing = None
    # One subscription per device session: a renewed one replaces the old.
    others = session.scalars(select(PushSubscription.id).where(
        PushSubscription.session_id == device.id, PushSubscription.endpoint != endpoint)).all()
    remove(session, others, "subscription_replaced")
    if existing is None:
        existing = PushSubscription(id=uuid.uuid4(), citizen_id=citizen.id,
                                    session_id=device.id, endpoint=endpoint, created_at=now)
        session.add(existing)
    existing.p256dh, existing.auth, existing.language = p256dh, auth, language
    existing.vapid_public_key = public_key
    session.flush()
    return existing


def unsubscribe(session: Session, citizen: Citizen, subscription_id: uuid.UUID) -> None:
    found = session.get(PushSubscription, subscription_id)
    # Another citizen's subscription is "not found": its existence is not theirs to learn.
    if found is None or found.citizen_id != citizen.id:
        raise ApiError(404, "push_subscription_not_found")
    remove(session, [found.id], "unsubscribed")


def remove(session: Session, subscription_ids: Iterable[uuid.UUID], reason: str) -> int:
    """Delete subscriptions; their queued deliveries end as permanent-failure (`reason`), so
    nothing waits for a browser that is gone. A delivery being sent right now keeps its
    lease and records its own outcome."""
    ids = list(subscription_ids)
    if not ids:
        return 0
    session.execute(update(PushDelivery).where(
        PushDelivery.subscription_id.in_(ids),
        PushDelivery.status.in_((CREATED, TEMPORARY_FAILURE)))
        .values(status=PERMANENT_FAILURE, last_error=reason, lease_token=None,
                lease_until=None))
    session.execute(update(PushDelivery).where(PushDelivery.subscription_id.in_(ids))
                    .values(subscription_id=None))
    return session.execute(delete(PushSubscription).where(PushSubscription.id.in_(ids))
                           ).rowcount


# ------------------------------------------------------------------- hooks into accounts

def sessions_ended(session: Session, session_ids: list[uuid.UUID], _now: dt.datetime) -> None:
    """accounts.operations.SESSION_ENDED: sign-out and device removal end push too."""
    ids = session.scalars(select(PushSubscription.id)
                          .where(PushSubscription.session_id.in_(session_ids))).all()
    remove(session, ids, "signed_out")


def erase(session: Session, citizen: Citizen, _now: dt.datetime) -> None:
    ids = session.scalars(select(PushSubscription.id)
                          .where(PushSubscription.citizen_id == citizen.id)).all()
    remove(session, ids, "erased")


def export(session: Session, citizen: Citizen) -> dict[str, bytes]:
    from ..accounts.operations import to_json_bytes

    rows = session.scalars(select(PushSubscription)
                           .where(PushSubscription.citizen_id == citizen.id))
    return {"push-subscriptions.json": to_json_bytes([{
        "id": s.id, "device_session": s.session_id, "push_service": urlsplit(s.endpoint).hostname,
        "language": s.language, "created_at": s.created_at} for s in rows])}
