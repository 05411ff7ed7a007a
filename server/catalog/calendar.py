"""The holiday calendar of an MPP (national holidays, cuti bersama and its own closures),
as the set of dates that sync.workdays and the visit slots skip."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from .models import Holiday, Mpp


def holidays_query(mpp_code: str):
    """The holiday dates of the MPP with this code: national ones and its own."""
    mpp_id = select(Mpp.id).where(Mpp.code == mpp_code).scalar_subquery()
    return select(Holiday.day).where(or_(Holiday.mpp_id.is_(None), Holiday.mpp_id == mpp_id))


def holidays_of(connection, mpp_code: str) -> frozenset[dt.date]:
    """`connection`: a Session or a Connection (the sync store reads with its own)."""
    return frozenset(connection.execute(holidays_query(mpp_code)).scalars())
