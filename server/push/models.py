"""Web push: subscriptions (one per browser, held by a citizen's device session), the
fan-out marker of each notification, and one delivery row per notification per
subscription.

The outbox is the `notification` table itself (written by the sync engine in the same
transaction as the state change). `push_message` records that the worker has looked at a
notification and fanned it out, so each is fanned out once; `push_delivery` carries the
delivery state of one message to one browser, named like GOV.UK Notify's.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import utcnow
from ..applications.models import Notification
from ..extensions import db

CREATED = "created"
SENDING = "sending"
DELIVERED = "delivered"
TEMPORARY_FAILURE = "temporary-failure"
PERMANENT_FAILURE = "permanent-failure"
STATUSES = (CREATED, SENDING, DELIVERED, TEMPORARY_FAILURE, PERMANENT_FAILURE)

# The worker looks for notifications it has not fanned out yet among the recent ones
# (PUSH_MAX_AGE_HOURS); without this index that look would read the whole table each poll.
# Declared here, beside the query that needs it, on the applications' table.
Index("ix_notification_created_at", Notification.__table__.c.created_at)


class PushSubscription(db.Model):
    """A browser's PushSubscription, stored with the device session that made it. Removed
    when that session ends (sign-out, device removal, erasure) or the push service says it
    is gone (404/410)."""

    __tablename__ = "push_subscription"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"), index=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device_session.id"), index=True)
    # The push service's URL for this browser: a capability, unique across citizens.
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))  # base64url, 65-byte P-256 point
    auth: Mapped[str] = mapped_column(String(32))  # base64url, 16 bytes
    language: Mapped[str] = mapped_column(String(2), default="id")
    # The applicationServerKey (base64url public key) the browser subscribed with: after a
    # key rotation subscriptions made with another key cannot be sent to and are removed.
    vapid_public_key: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PushMessage(db.Model):
    """One row per notification the worker has fanned out (pushed or not)."""

    __tablename__ = "push_message"

    # CASCADE: erasing a citizen's space deletes their notifications, and with them this.
    notification_id: Mapped[str] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), primary_key=True)
    deliveries: Mapped[int] = mapped_column(default=0)  # 0: a kind that does not push
    fanned_out_at: Mapped[dt.datetime]


class PushDelivery(db.Model):
    __tablename__ = "push_delivery"
    __table_args__ = (
        UniqueConstraint("notification_id", "subscription_id"),
        # The claim query: due rows by status and time.
        Index("ix_push_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[str] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), index=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"), index=True)
    # Null once the subscription is removed; the row stays as the record of what happened.
    subscription_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("push_subscription.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=CREATED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime]
    # While `sending`: who holds it and until when. A worker killed mid-send leaves a lease
    # that runs out; the row is then claimed again (never while the lease runs).
    lease_token: Mapped[str | None] = mapped_column(String(36))
    lease_until: Mapped[dt.datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime]
    delivered_at: Mapped[dt.datetime | None]
