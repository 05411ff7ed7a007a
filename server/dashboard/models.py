"""The dashboard's rollup: what the journal (the audit log's `sync.*` rows) says about each
application, kept in narrow tables so a year of the busiest MPP is read by index, not by
re-reading millions of journal rows (operations.catch_up fills them, migration 0018)."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import BigInteger, Index, String, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# On PostgreSQL the dashboard's indexes carry the columns its statements read (INCLUDE), so
# a year of an MPP or an agency is read from the index alone (an index-only scan), one index
# per scope (mpp_id for a supervisor, agency_id for a verifier): migration 0021.
SUM_NAMES = ("submitted", "decided", "first_time_right", "revisions", "ready",
             "ready_within_sla", "completed", "rejected", "withdrawn", "walk_in_submitted",
             "walk_in_decided", "walk_in_first_time_right", "walk_in_revisions",
             "walk_in_ready", "walk_in_ready_within_sla", "walk_in_completed")


class RollupState(db.Model):
    """One row: the id of the last journal row the rollup has applied."""

    __tablename__ = "ops_rollup_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int] = mapped_column(BigInteger)
    # The last day (WIB) the backlog's settled rows were folded (operations._settle), 0021.
    settled_on: Mapped[dt.date | None]


class OpsApplication(db.Model):
    """One submitted application: its first submit, when it was ready and completed, how it
    ended, and how many times it was sent back (revisions) or had a requirement rejected."""

    __tablename__ = "ops_application"
    __table_args__ = (Index("ix_ops_application_mpp_submitted", "mpp_id", "submitted_at",
                            postgresql_include=["service_code", "ready_at"]),
                      Index("ix_ops_application_agency_submitted", "agency_id",
                            "submitted_at", postgresql_include=["service_code", "ready_at"]))

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
    # What the application row said at the last catch-up that touched it, so the backlog's
    # sums (OpsBacklog) change by its difference (0021): state, the WIB day of its (last)
    # submit, its due date and reviewer.
    state: Mapped[str | None] = mapped_column(String(30))
    queued_on: Mapped[dt.date | None]
    queue_due_on: Mapped[dt.date | None]
    reviewer_id: Mapped[str | None] = mapped_column(String(64))


class OpsRejection(db.Model):
    """One requirement rejected by an officer, with the template reason it was given."""

    __tablename__ = "ops_rejection"
    __table_args__ = (Index("ix_ops_rejection_mpp_at", "mpp_id", "at", postgresql_include=[
                          "agency_id", "service_code", "requirement_code", "reason"]),
                      Index("ix_ops_rejection_agency_at", "agency_id", "at", postgresql_include=[
                          "service_code", "requirement_code", "reason"]),
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
                            postgresql_include=["agency_id", "officer_id", "action", "n"]),
                      Index("ix_ops_officer_day_agency_day", "agency_id", "day",
                            postgresql_include=["officer_id", "action", "n"]))

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
    __table_args__ = (Index("ix_ops_service_day_mpp_day", "mpp_id", "day",
                            postgresql_include=["service_code", *SUM_NAMES]),
                      Index("ix_ops_service_day_agency_day", "agency_id", "day",
                            postgresql_include=["service_code", *SUM_NAMES]))

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
    __table_args__ = (Index("ix_ops_ready_hours_mpp_month", "mpp_id", "month",
                            postgresql_include=["service_code", "hours", "n"]),
                      Index("ix_ops_ready_hours_agency_month", "agency_id", "month",
                            postgresql_include=["service_code", "hours", "n"]))

    month: Mapped[dt.date] = mapped_column(primary_key=True)
    service_code: Mapped[str] = mapped_column(String(120), primary_key=True)
    hours: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    mpp_id: Mapped[int]
    agency_id: Mapped[int]
    n: Mapped[int] = mapped_column(default=0)


class OpsBacklog(db.Model):
    """Applications waiting now (states.OFFICER_QUEUE), counted per service, state, WIB day
    of submit, due date (9999-12-31: none) and reviewer ("": none), kept by catch_up as the
    difference of each changed application. Rows that can no longer change bucket (older
    than the last age bucket's start and past due) are folded once a day into
    OpsBacklogSettled, so this table holds about two weeks of days (operations._settle)."""

    __tablename__ = "ops_backlog"
    __table_args__ = (Index("ix_ops_backlog_mpp", "mpp_id"),
                      Index("ix_ops_backlog_agency", "agency_id"),
                      Index("ix_ops_backlog_day", "day"))

    service_code: Mapped[str] = mapped_column(String(120), primary_key=True)
    state: Mapped[str] = mapped_column(String(30), primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    due_on: Mapped[dt.date] = mapped_column(primary_key=True)
    reviewer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mpp_id: Mapped[int]
    agency_id: Mapped[int]
    n: Mapped[int] = mapped_column(default=0)


class OpsBacklogSettled(db.Model):
    """The backlog's rows folded out of OpsBacklog: all in the oldest age bucket, and
    overdue (a due date passed) or never due; summed per service, state and reviewer."""

    __tablename__ = "ops_backlog_settled"
    __table_args__ = (Index("ix_ops_backlog_settled_mpp", "mpp_id"),
                      Index("ix_ops_backlog_settled_agency", "agency_id"))

    service_code: Mapped[str] = mapped_column(String(120), primary_key=True)
    state: Mapped[str] = mapped_column(String(30), primary_key=True)
    reviewer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    overdue: Mapped[bool] = mapped_column(primary_key=True)
    mpp_id: Mapped[int]
    agency_id: Mapped[int]
    n: Mapped[int] = mapped_column(default=0)
