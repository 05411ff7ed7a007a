"""Callers for API tests: citizens and officers with real sessions issued by the real code."""
from __future__ import annotations

import itertools
import logging

import pytest

from server.access import session_lifetime
from server.accounts import operations as ops
from server.accounts.models import Citizen
from server.db_types import utcnow
from server.extensions import db

_phones = itertools.count(1000000)
PASSWORD = "kata-sandi-uji-123"


class Callers:
    def __init__(self, app):
        self.app = app

    def citizen(self, phone: str | None = None) -> dict:
        phone = phone or f"+62812{next(_phones):07d}"
        with self.app.app_context():
            now = utcnow()
            citizen = Citizen(phone=phone, created_at=now)
            db.session.add(citizen)
            db.session.flush()
            token, device = ops.issue_session(db.session, now=now, citizen=citizen,
                                              lifetime=session_lifetime("citizen"),
                                              device_name="pytest")
            db.session.commit()
            return {"id": citizen.id, "phone": phone, "token": token, "session_id": device.id,
                    "headers": {"Authorization": f"Bearer {token}"}}

    def officer(self, role: str, mpp: str | None = None, agency: str | None = None,
                username: str | None = None) -> dict:
        username = username or f"{role}-{next(_phones)}"
        with self.app.app_context():
            now = utcnow()
            officer = ops.create_officer(db.session, username=username, password=PASSWORD,
                                         full_name=f"Petugas {username}", role=role,
                                         mpp_code=mpp, agency_code=agency, now=now)
            db.session.commit()
            return {"id": officer.id, "username": username,
                    **self.officer_session(officer.id)}

    def officer_session(self, officer_id: int) -> dict:
        """A new device session for an existing officer (no password hashing: fast)."""
        with self.app.app_context():
            from server.accounts.models import Officer

            token, device = ops.issue_session(db.session, now=utcnow(),
                                              officer=db.session.get(Officer, officer_id),
                                              lifetime=session_lifetime("officer"))
            db.session.commit()
            return {"token": token, "session_id": device.id,
                    "headers": {"Authorization": f"Bearer {token}"}}


@pytest.fixture
def callers(app):
    return Callers(app)


class OtpLog(logging.Handler):
    def __init__(self):
        super().__init__()
        self.codes: list[str] = []
        self.lines: list[str] = []

    def emit(self, record):
        line = record.getMessage()
        self.lines.append(line)
        self.codes.append(line.rsplit(" ", 1)[-1])


@pytest.fixture
def otp_log():
    """The sign-in codes the log channel writes on logger "sekali_datang.otp"."""
    handler = OtpLog()
    logger = logging.getLogger("sekali_datang.otp")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
