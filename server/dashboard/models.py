"""The dashboard's rollup: what the journal (the audit log's `sync.*` rows) says about each
application, kept in narrow tables so a year of the busiest MPP is read by index, not by
re-reading millions of journal rows (operations.catch_up fills them, migration 0018)."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import BigInteger, Index, String, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class RollupState(db.Model):
    """One row: the id of the last journal row the rollup has applied."""

    __tablename__ = "ops_rollup_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int] = mapped_column(BigInteger)


class OpsApplication(db.Model):
    """One submitted application: its first submit, when it was ready and completed, how it
    ended, and how many times it was sent back (revisions) or had a requirement rejected."""

    __tablename__ = "ops_application"
    __table_args__ = (Index("ix_ops_application_mpp_submitted", "mpp_id", "submitted_at"),
                      Index("ix_ops_application_agency_submitted", "agency_id",
                            "submitted_at"))

    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mpp_id: Mapped[int]
    agency_id: Mapped[int]
    service_code: Mapped[str] = mapped_column(String(120))
    citizen_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    submitted_at: Mapped[dt.datetime]
    due_on: Mapped[dt.date | None]
    ready_at: Mapped[dt.datetime | None]
    completed_at: Mapped[dt.datetime | None]
    closed_state: Mapped[str | None] = mapped_column(String(30))
    revisions: Mapped[int] = mapped_column(default=0)
    rejections: Mapped[int] = mapped_column(default=0)
    # Started at the counter for a citizen without the app (server/walk_in), 0021.
    walk_in: Mapped[bool] = mapped_column(default=False, server_default=false())


class OpsRejection(db.Model):
    """One requirement rejected by an officer, with the template reason it was given."""

    __tablename__ = "ops_rejection"
    __table_args__ = (Index("ix_ops_rejection_mpp_at", "mpp_id", "at"),
                      Index("ix_ops_rejection_application", "application_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[str] = mapped_column(String(36))
    mpp_id: Mapped[int]
    agency_id: Mapped[int]
    service_code: Mapped[str] = mapped_column(String(120))
    requirement_code: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(60))  # template code, "" for free text only
    at: Mapped[dt.datetime]


class OpsOfficerDay(db.Model):
    """How many of each action an officer took on a service's applications in a day."""

    __tablename__ = "ops_officer_day"
    # Covering on PostgreSQL: the workload's sums are read from the index alone.
    __table_args__ = (Index("ix_ops_officer_day_mpp_day", "mpp_id", "day",
                            postgresql_include=["agency_id", "officer_id", "action", "n"]),)

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    officer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(120), primary_key=True)
    action: Mapped[str] = mapped_column(String(40), primary_key=True)
    mpp_id: Mapped[int]
    agency_id: Mapped[int]
    n: Mapped[int] = mapped_column(default=0)


class OpsServiceDay(db.Model):
    """The cohort's counts per service and day of first submit (WIB): the sums of the
    OpsApplication rows of that day, kept by catch_up with each change, so a year of an MPP
    is a few thousand rows to add, not hundreds of thousands of facts."""

    __tablename__ = "ops_service_day"
    __table_args__ = (Index("ix_ops_service_day_mpp_day", "mpp_id", "day"),)

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    service_code: Mapped[str] = mapped_column(String(120), primary_key=True)
    mpp_id: Mapped[int]
    agency_id: Mapped[int]
    submitted: Mapped[int] = mapped_column(default=0)
    decided: Mapped[int] = mapped_column(default=0)
    first_time_right: Mapped[int] = mapped_column(default=0)
    revisions: Mapped[int] = mapped_column(default=0)
    ready: Mapped[int] = mapped_column(default=0)
    ready_within_sla: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    withdrawn: Mapped[int] = mapped_column(default=0)
    # The walk-ins' part of the counts above (0021): the app's part is the difference.
    walk_in_submitted: Mapped[int] = mapped_column(default=0, server_default="0")
    walk_in_decided: Mapped[int] = mapped_column(default=0, server_default="0")
    walk_in_first_time_right: Mapped[int] = mapped_column(default=0, server_default="0")
    walk_in_revisions: Mapped[int] = mapped_column(default=0, server_default="0")
    walk_in_ready: Mapped[int] = mapped_column(default=0, server_default="0")
    walk_in_ready_within_sla: Mapped[int] = mapped_column(default=0, server_default="0")
    walk_in_completed: Mapped[int] = mapped_column(default=0, server_default="0")


class OpsReadyHours(db.Model):
    """How many of a service's applications first submitted in a month (its first day) were
    ready after each whole number of hours: the percentiles' histogram (the days of a period
    that do not fill a month are read from OpsApplication)."""

    __tablename__ = "ops_ready_hours"
    __table_args__ = (Index("ix_ops_ready_hours_mpp_month", "mpp_id", "month"),)

    month: Mapped[dt.date] = mapped_column(primary_key=True)
    service_code: Mapped[str] = mapped_column(String(120), primary_key=True)
    hours: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    mpp_id: Mapped[int]
    agency_id: Mapped[int]
    n: Mapped[int] = mapped_column(default=0)
