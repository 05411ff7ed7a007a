"""The mark of an assisted application: which officer started it at which agency, and how
the citizen was identified. The application itself is an ordinary row of the citizen's
sync space (server/applications); this row only says it was made at the counter, so figures
(server/dashboard) can count walk-ins and tell them apart."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import utcnow
from ..extensions import db

# How the citizen was identified: a one-time code to the phone they gave, or no phone at
# all (the officer's note says so; such an account has no number to sign in with).
BY_CODE, NO_PHONE = "code", "no_phone"
IDENTIFIED_BY = (BY_CODE, NO_PHONE)


class WalkIn(db.Model):
    __tablename__ = "walk_in"

    # Not a foreign key: the application may later be discarded by its citizen (a draft)
    # and this mark then simply names nothing.
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    service_code: Mapped[str] = mapped_column(String(120))
    identified_by: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
