"""The MPP floor: devices (kiosks, displays), queue numbers, calls at the counters.

What the database decides, so that no race in Python can break it:
- a number: `queue_day.last_number` of the agency's day is raised by one conditional
  UPDATE ... RETURNING (operations.take_number); UNIQUE(agency_id, day, seq) refuses a
  second ticket with the same number whatever the code does;
- the walk-in share: the same UPDATE adds the visit's minutes to `walk_in_taken` only while
  they fit (`walk_in_taken + minutes <= walk_in_capacity`), and a CHECK refuses a day past it;
- one check-in per errand of a booking: UNIQUE(stop_id);
- who is called: a waiting ticket becomes called by one UPDATE ... WHERE status = 'waiting'
  (PostgreSQL: the candidate is picked FOR UPDATE SKIP LOCKED, so two desks calling at once
  take two different tickets; SQLite: the request holds the write lock);
- the display's version: `queue_board.version`, raised by every change of the MPP's floor.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UtcTimestamp
from ..extensions import db

KIOSK, DISPLAY = "kiosk", "display"
DEVICE_KINDS = (KIOSK, DISPLAY)

WAITING, CALLED, SERVING, DONE, NO_SHOW = "waiting", "called", "serving", "done", "no_show"
TICKET_STATUSES = (WAITING, CALLED, SERVING, DONE, NO_SHOW)
ACTIVE = (CALLED, SERVING)  # at a desk now

BOOKED_LANE, WALK_IN_LANE = "booked", "walk_in"
LANES = (BOOKED_LANE, WALK_IN_LANE)
ONLINE, WALK_IN = "online", "walk_in"  # the channel the visitor came by (catalog CHANNELS)
CHANNELS = (ONLINE, WALK_IN)


class QueueDevice(db.Model):
    """A kiosk or a call display of one MPP. Its key is shown once by the CLI; only its
    SHA-256 is kept (a key is 32 random bytes: no slow hash is needed against guessing)."""

    __tablename__ = "queue_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100), default="")
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcTimestamp())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcTimestamp())


class QueueDay(db.Model):
    """One agency's day at its MPP: the last number given, and the walk-in minutes of the
    day (the walk-in share of its counters' time) with how many are taken."""

    __tablename__ = "queue_day"
    __table_args__ = (CheckConstraint("walk_in_taken >= 0 AND walk_in_taken <= walk_in_capacity",
                                      name="walk_in_within_capacity"),)

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
    walk_in_capacity: Mapped[int]
    walk_in_taken: Mapped[int] = mapped_column(default=0)


class QueueBoard(db.Model):
    """One MPP's floor version: raised by every check-in, call and change, so a display
    polling every second answers 304 from this one row while nothing moved."""

    __tablename__ = "queue_board"

    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class QueueTicket(db.Model):
    """One queue number: a visitor for one service at one agency on one day."""

    __tablename__ = "queue_ticket"
    __table_args__ = (UniqueConstraint("agency_id", "day", "seq"),
                      # A counter's line: waiting tickets of its services, in lane and number
                      # order (operations.line / call_next).
                      Index("ix_queue_ticket_line", "mpp_id", "day", "status", "lane", "seq"),
                      # One visitor at a desk at a time, whatever two requests do.
                      Index("uq_queue_ticket_at_desk", "counter_id", "desk", unique=True,
                            sqlite_where=text("status IN ('called', 'serving')"),
                            postgresql_where=text("status IN ('called', 'serving')")))

    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    day: Mapped[dt.date]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(12))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    # Where to go. While waiting: NULL = any counter serving the service may call it; set =
    # that counter only (a transfer, or the counter a booked errand was given).
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("mpp_counter.id"))
    desk: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(12))
    lane: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(12))
    minutes: Mapped[int]
    # Booked visits: the booking, the errand (one check-in each: UNIQUE) and its citizen
    # (told by push when close and when called). A walk-in has none of them.
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("visit_booking.id"), index=True)
    stop_id: Mapped[int | None] = mapped_column(ForeignKey("visit_stop.id"), unique=True)
    citizen_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("citizen.id"), index=True)
    # A later errand of a visit waits for the earlier one to be finished.
    after_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("queue_ticket.id"))
    # The QR the visitor keeps: a random token (the status of the number, nothing personal).
    qr_token: Mapped[str] = mapped_column(String(40), unique=True)
    calls: Mapped[int] = mapped_column(default=0)
    # Set when "3 orang lagi" was told, so it is told once.
    near_told: Mapped[bool] = mapped_column(default=False)
    checked_in_at: Mapped[dt.datetime] = mapped_column(UtcTimestamp())
    called_at: Mapped[dt.datetime | None] = mapped_column(UtcTimestamp())  # first call
    last_called_at: Mapped[dt.datetime | None] = mapped_column(UtcTimestamp())
    served_at: Mapped[dt.datetime | None] = mapped_column(UtcTimestamp())
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcTimestamp())
    # Who called it first and who finished it (officer ids), for the measures.
    counter_served_id: Mapped[int | None] = mapped_column(ForeignKey("mpp_counter.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))


class QueueTicketApplication(db.Model):
    """An application served with a ticket (serve links them)."""

    __tablename__ = "queue_ticket_application"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("queue_ticket.id"), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"), primary_key=True,
                                                index=True)


class QueueCall(db.Model):
    """One call of a number at a counter (a recall is another row): the display's last
    calls."""

    __tablename__ = "queue_call"
    __table_args__ = (Index("ix_queue_call_board", "mpp_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("queue_ticket.id"), index=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("mpp_counter.id"))
    desk: Mapped[int]
    call_no: Mapped[int]
    at: Mapped[dt.datetime] = mapped_column(UtcTimestamp())
