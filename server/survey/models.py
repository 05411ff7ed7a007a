"""The survey's tables (migration 0014_survey). Kept apart on purpose:

- `survey_receipt`: one row per answered application (primary key: the application), with
  the citizen (whose phone pulls it) and the day. It says THAT an application was answered,
  never what: it enforces one answer per completed transaction.
- `survey_response`: the answers, with only the service, agency, MPP and day; a random id, no
  citizen and no application, and no time of day that could be matched to a receipt.
- `survey_daily`: per service and day (WIB), the number of answers and each element's total,
  and the applications completed that day (the population the sample is compared with),
  updated in the same transaction as what it counts: the public IKM reads only these rows.
- `survey_completion`: the completed applications already counted in `survey_daily`, so a
  completed application is counted once however often it is saved afterwards.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from . import skm

ID = String(36)


class SurveyReceipt(db.Model):
    __tablename__ = "survey_receipt"
    __table_args__ = (Index("ix_survey_receipt_space", "citizen_id", "version"),)

    application_id: Mapped[str] = mapped_column(ID, primary_key=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"))
    answered_on: Mapped[dt.date]
    version: Mapped[int]


def _score_checks() -> tuple:
    return tuple(CheckConstraint(f"{key} BETWEEN 1 AND 4", name=f"{key}_score")
                 for key in skm.ELEMENTS)


class SurveyResponse(db.Model):
    __tablename__ = "survey_response"
    __table_args__ = (Index("ix_survey_response_mpp_day", "mpp_code", "day"),
                      *_score_checks())

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    mpp_code: Mapped[str] = mapped_column(String(40))
    agency_code: Mapped[str] = mapped_column(String(60))
    service_code: Mapped[str] = mapped_column(String(120))
    day: Mapped[dt.date]
    u1: Mapped[int] = mapped_column(SmallInteger)
    u2: Mapped[int] = mapped_column(SmallInteger)
    u3: Mapped[int] = mapped_column(SmallInteger)
    u4: Mapped[int] = mapped_column(SmallInteger)
    u5: Mapped[int] = mapped_column(SmallInteger)
    u6: Mapped[int] = mapped_column(SmallInteger)
    u7: Mapped[int] = mapped_column(SmallInteger)
    u8: Mapped[int] = mapped_column(SmallInteger)
    u9: Mapped[int] = mapped_column(SmallInteger)
    age_band: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(5))
    education: Mapped[str] = mapped_column(String(20))
    occupation: Mapped[str] = mapped_column(String(20))
    suggestion: Mapped[str] = mapped_column(Text, default="")


class SurveyDaily(db.Model):
    __tablename__ = "survey_daily"

    service_code: Mapped[str] = mapped_column(String(120), primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    responses: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    u1: Mapped[int] = mapped_column(default=0)
    u2: Mapped[int] = mapped_column(default=0)
    u3: Mapped[int] = mapped_column(default=0)
    u4: Mapped[int] = mapped_column(default=0)
    u5: Mapped[int] = mapped_column(default=0)
    u6: Mapped[int] = mapped_column(default=0)
    u7: Mapped[int] = mapped_column(default=0)
    u8: Mapped[int] = mapped_column(default=0)
    u9: Mapped[int] = mapped_column(default=0)


class SurveyCompletion(db.Model):
    __tablename__ = "survey_completion"

    application_id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_code: Mapped[str] = mapped_column(String(120))
    day: Mapped[dt.date]
