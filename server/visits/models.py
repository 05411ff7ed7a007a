"""Booked visits: slots with their places per channel, bookings and their stops.

No overbooking is decided by the database: a place is taken with one conditional UPDATE
(`taken + need <= capacity`, operations.take_places) and a CHECK constraint refuses any
row whose taken minutes pass its capacity. One open booking per application is a UNIQUE
column (`visit_stop.open_application_id`, NULL once the booking is cancelled).
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

BOOKED, CANCELLED = "booked", "cancelled"
BOOKING_STATUSES = (BOOKED, CANCELLED)


def _within(channel: str) -> CheckConstraint:
    return CheckConstraint(f"taken_{channel} >= 0 AND taken_{channel} <= capacity_{channel}",
                           name=f"{channel}_within_capacity")


class VisitSlot(db.Model):
    """One counter's slot (slot_minutes from `starts_at`, UTC): its minutes of counter time
    per channel and how many are taken. Made when first booked, with the capacity the
    catalog gave the counter then."""

    __tablename__ = "visit_slot"
    __table_args__ = (UniqueConstraint("counter_id", "starts_at"), _within("online"),
                      _within("walk_in"), _within("assisted"))

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("mpp_counter.id"))
    starts_at: Mapped[dt.datetime]
    capacity_online: Mapped[int]
    taken_online: Mapped[int] = mapped_column(default=0)
    capacity_walk_in: Mapped[int]
    taken_walk_in: Mapped[int] = mapped_column(default=0)
    capacity_assisted: Mapped[int]
    taken_assisted: Mapped[int] = mapped_column(default=0)


class VisitBooking(db.Model):
    """One visit of one citizen to one MPP: an arrival time and the counters in order."""

    __tablename__ = "visit_booking"
    __table_args__ = (Index("ix_visit_booking_citizen", "citizen_id", "status", "arrives_at"),
                      # In the citizen's sync space: a pull reads those changed since its cookie.
                      Index("ix_visit_booking_space", "citizen_id", "version"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True,
                                    default=lambda: str(uuid.uuid4()))
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"))
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"))
    arrives_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(20))
    # The visit ticket (sync/tickets.py, signed for this booking's id): shown at the kiosk.
    ticket_code: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    cancelled_at: Mapped[dt.datetime | None]
    # The citizen's space version at its last change (sync: `visit/<id>` in the pull).
    version: Mapped[int] = mapped_column(default=0)

    # The current stops (given-up ones stay as rows, for the hold and the history).
    stops: Mapped[list[VisitStop]] = relationship(
        order_by="VisitStop.position", viewonly=True,
        primaryjoin="and_(VisitStop.booking_id == VisitBooking.id, VisitStop.current)")


class VisitStop(db.Model):
    """One errand of a booking: an application at a counter, from `starts_at`, for
    `minutes` taken from one slot. A stop given up (cancel, reschedule) keeps its minutes
    taken until `hold_until` (so a place cannot be handed from one citizen to another),
    then `holding` turns false and its minutes go back to the slot."""

    __tablename__ = "visit_stop"
    __table_args__ = (Index("ix_visit_stop_held", "holding", "hold_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("visit_booking.id"), index=True)
    position: Mapped[int]
    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"), index=True)
    # = application_id while the stop is current; NULL once given up. UNIQUE: an
    # application is in one open booking at most, whatever races.
    open_application_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("mpp_counter.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("visit_slot.id"), index=True)
    starts_at: Mapped[dt.datetime]
    minutes: Mapped[int]
    channel: Mapped[str] = mapped_column(String(20))
    current: Mapped[bool] = mapped_column(default=True)
    holding: Mapped[bool] = mapped_column(default=True)
    hold_until: Mapped[dt.datetime | None]
