"""Who uses the system: citizens (by phone), officers (by password), and their device sessions."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sync.model import PROFILE_KEYS

from ..db_types import utcnow
from ..extensions import db

OFFICER_ROLES = ("verifier", "supervisor", "admin")
# The citizen's profile (the MPP's record of them) has the keys form fields' profile_key
# names: one list, in the sync engine.


class Citizen(db.Model):
    __tablename__ = "citizen"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # The sign-in number, +62 normalised; None once erased.
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    nik: Mapped[str | None] = mapped_column(String(16), index=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    birth_place: Mapped[str | None] = mapped_column(String(120))
    birth_date: Mapped[dt.date | None]
    sex: Mapped[str | None] = mapped_column(String(1))  # L / P
    address: Mapped[str | None] = mapped_column(Text)
    kk_number: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(200))
    # Profile keys an officer has verified against originals; the citizen cannot change them.
    verified_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2), default="id")
    # The citizen's sync space version when the profile last changed (see sync/store.py).
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[dt.datetime | None]

    def profile(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in PROFILE_KEYS}


class Officer(db.Model):
    __tablename__ = "officer"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    mpp_id: Mapped[int | None] = mapped_column(ForeignKey("mpp.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Staff administration (migration 0018): the counter the officer usually works at, and
    # whether they must set a new password before doing anything else (a password given
    # by a supervisor is known to two people).
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("mpp_counter.id"))
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    mpp = relationship("Mpp")
    agency = relationship("Agency")
    counter = relationship("Counter")


class LoginFailure(db.Model):
    """Wrong passwords in a row for a username (known or not: an unknown one behaves the
    same), counted per source address and, with `source` "*", from everywhere (see
    accounts.operations.officer_login for the two thresholds)."""

    __tablename__ = "login_failure"

    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]


class DeviceSession(db.Model):
    """One signed-in device. The token itself is never stored, only its SHA-256."""

    __tablename__ = "device_session"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    citizen_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("citizen.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), index=True)
    device_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]

    citizen = relationship("Citizen")
    officer = relationship("Officer")


class OtpChallenge(db.Model):
    """A one-time sign-in code sent to a phone: short-lived, single use, stored hashed."""

    __tablename__ = "otp_challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    consumed_at: Mapped[dt.datetime | None]
