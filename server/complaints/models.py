"""Complaints (pengaduan, SP4N-LAPOR!): what officers handle, and, apart, who filed it.

Anonymity is a property of the tables, not of a checkbox an officer must remember:

- `complaint` is what the officer console reads. It holds no citizen id, no application id
  and no name: only the MPP, the agency, the service, the category, the text, the privacy
  choices, the handling and a snapshot of the application it is about (service, agency,
  counter, the officer's decision and reason, dates), copied when it was filed.
- `complaint_filer` links a complaint to its citizen and application. It is read by the
  citizen's own sync space (pull `complaint/<id>`), their data export and erasure, and by
  the code that tells the citizen of each step. The officer routes read it only through
  `operations.complainant` for a complaint that is NOT anonymous.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

from .mutations import ACK_OVERDUE, ANSWER_OVERDUE, CATEGORIES, RECEIVED, STATUSES  # noqa: F401

ID = String(36)


class Complaint(db.Model):
    __tablename__ = "complaint"
    __table_args__ = (
        CheckConstraint("category IN ('pengaduan', 'aspirasi', 'informasi')",
                        name="category_known"),
        CheckConstraint("reopen_count >= 0 AND reopen_count <= 1", name="reopened_once"),
        Index("ix_complaint_queue", "mpp_id", "agency_id", "status"),
        Index("ix_complaint_due", "status", "answer_due_on"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)  # made by the phone
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"))
    # None: about the MPP in general (the MPP's supervisors handle it).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    service_code: Mapped[str | None] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(default=False)
    confidential: Mapped[bool] = mapped_column(default=False)
    # The application it is about, as it stood when filed (no ids, no personal values).
    about: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Document ids of the photos (finished uploads of the filer).
    photos: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=RECEIVED)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    filed_at: Mapped[dt.datetime]
    acknowledged_at: Mapped[dt.datetime | None]
    answered_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    reopened_at: Mapped[dt.datetime | None]
    reopen_count: Mapped[int] = mapped_column(default=0)
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    # Working days in the MPP's calendar (sync/workdays.py): acknowledge within 3, answer
    # within 5 (from filing, or from the reopening).
    ack_due_on: Mapped[dt.date]
    answer_due_on: Mapped[dt.date]
    # Set by the escalation (flask complaints escalate, the push worker's loop): which
    # deadline passed, and when it went to the MPP's supervisors.
    escalated_at: Mapped[dt.datetime | None]
    escalation: Mapped[str | None] = mapped_column(String(20))
    # Bumped by every change: an officer's action names the revision they saw.
    revision: Mapped[int] = mapped_column(default=1)


class ComplaintAnswer(db.Model):
    """An officer's answer (a reopened complaint gets a second one)."""

    __tablename__ = "complaint_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaint.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime]


class ComplaintFiler(db.Model):
    """Who filed it, about which application: the citizen's side (module docstring)."""

    __tablename__ = "complaint_filer"
    __table_args__ = (Index("ix_complaint_filer_space", "citizen_id", "version"),)

    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaint.id"), primary_key=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"))
    application_id: Mapped[str | None] = mapped_column(ID)
    # The citizen's space version at the complaint's last change (pull `complaint/<id>`).
    version: Mapped[int] = mapped_column(default=0)


class ComplaintCounter(db.Model):
    """Gapless complaint numbers per MPP and year (ADU-LGS-2026-000001)."""

    __tablename__ = "complaint_counter"

    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
