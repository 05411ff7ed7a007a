"""Invented SKM answers, for development and the bench (never in production: the callers
refuse it). Written in bulk with Core, and always as the live path writes them: a receipt
per answered application, the answer apart, and the daily sums (and the population of
completed applications) updated to match.

- `seed_answers(engine, share)`: the completed applications not counted yet join the
  population, and `share` of them get an answer (`flask dev seed --survey-share`).
- `synthetic_year(engine, mpp, responses, year)`: `responses` answers spread over a year
  across the MPP's services, with no applications behind them (bench/survey_ikm.py).
"""
from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from sync.space import local_date

from ..applications.models import Application
from ..catalog.models import Agency, Mpp, Service
from . import skm
from .models import SurveyCompletion, SurveyReceipt, SurveyResponse
from .store import T_DAILY

CHUNK = 20_000
SUGGESTIONS = ("Ruang tunggu perlu kursi tambahan.", "Petugas ramah dan cepat.",
               "Informasi persyaratan di situs kurang jelas.", "Parkir sempit.",
               "Antrian daring sangat membantu.", "")


@dataclass
class SurveySeedSummary:
    completed: int = 0
    answers: int = 0


def _answer(r: random.Random, quality: float) -> dict[str, int]:
    """Scores leaning to `quality` (0..1): mostly 3 and 4, U1 and U9 a little lower, as the
    studies of MPPs found."""
    scores = {}
    for key in skm.ELEMENTS:
        lean = quality - (0.12 if key in ("u1", "u9") else 0.0)
        roll = r.random()
        scores[key] = 4 if roll < lean else 3 if roll < lean + 0.35 else 2 if roll < 0.97 else 1
    return scores


def _profile(r: random.Random) -> dict[str, str]:
    return {"age_band": r.choice(list(skm.AGE_BANDS)), "sex": r.choice(list(skm.SEXES)),
            "education": r.choice(list(skm.EDUCATION)),
            "occupation": r.choice(list(skm.OCCUPATIONS))}


DAILY_COLUMNS = ("responses", "completed", *skm.ELEMENTS)


def _flush_daily(conn: Connection, daily: dict[tuple[str, dt.date], dict[str, int]]) -> None:
    """Add the sums to survey_daily in one executemany upsert (n = n + excluded.n)."""
    if not daily:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(T_DAILY)
    statement = statement.on_conflict_do_update(
        index_elements=["service_code", "day"],
        set_={k: T_DAILY.c[k] + statement.excluded[k] for k in DAILY_COLUMNS})
    conn.execute(statement, [
        {"service_code": service_code, "day": day,
         **{k: increments.get(k, 0) for k in DAILY_COLUMNS}}
        for (service_code, day), increments in sorted(daily.items())])
    daily.clear()


def seed_answers(engine: Engine, share: float, seed: int = 1) -> SurveySeedSummary:
    if not 0 <= share <= 1:
        raise ValueError("--survey-share is a fraction from 0 to 1")
    r = random.Random(f"survey:{seed}")
    summary = SurveySeedSummary()
    with engine.begin() as conn:
        rows = conn.execute(
            select(Application.id, Application.citizen_id, Application.service_code,
                   Application.updated_at, Agency.code.label("agency"), Mpp.code.label("mpp"))
            .join(Service, Service.code == Application.service_code)
            .join(Agency, Agency.id == Service.agency_id).join(Mpp, Mpp.id == Agency.mpp_id)
            .outerjoin(SurveyCompletion, SurveyCompletion.application_id == Application.id)
            .where(Application.state == "completed", SurveyCompletion.application_id.is_(None))
            .order_by(Application.id)).all()
        completions, receipts, responses = [], [], []
        daily: dict[tuple[str, dt.date], dict[str, int]] = defaultdict(
            lambda: defaultdict(int))
        for row in rows:
            updated = row.updated_at
            if updated.tzinfo is None:  # stored naive UTC
                updated = updated.replace(tzinfo=dt.UTC)
            day = local_date(updated)
            completions.append({"application_id": row.id, "service_code": row.service_code,
                                "day": day})
            daily[(row.service_code, day)]["completed"] += 1
            if r.random() < share:
                scores = _answer(r, 0.55)
                receipts.append({"application_id": row.id, "citizen_id": row.citizen_id,
                                 "answered_on": day, "version": 0})
                responses.append({"id": str(uuid.UUID(int=r.getrandbits(128), version=4)),
                                  "mpp_code": row.mpp, "agency_code": row.agency,
                                  "service_code": row.service_code, "day": day, **scores,
                                  **_profile(r), "suggestion": r.choice(SUGGESTIONS)})
                sums = daily[(row.service_code, day)]
                sums["responses"] += 1
                for key, score in scores.items():
                    sums[key] += score
        for table, values in ((SurveyCompletion, completions), (SurveyReceipt, receipts),
                              (SurveyResponse, responses)):
            if values:
                conn.execute(insert(table.__table__), values)
        _flush_daily(conn, daily)
        summary.completed, summary.answers = len(completions), len(responses)
    return summary


def synthetic_year(engine: Engine, mpp: str, responses: int, year: int, seed: int = 1,
                   population_factor: float = 1.6, progress=None) -> int:
    """`responses` answers over `year` at `mpp`, spread over its services (a few busy ones
    take most) and its working days, with `population_factor` times as many completed
    applications counted in the population. Returns how many services got answers."""
    r = random.Random(f"synthetic:{seed}:{mpp}:{year}")
    with engine.connect() as conn:
        services = conn.execute(
            select(Service.code, Agency.code.label("agency")).join(Agency)
            .join(Mpp, Mpp.id == Agency.mpp_id).where(Mpp.code == mpp)
            .order_by(Service.code)).all()
    if not services:
        raise ValueError(f"no services at MPP {mpp!r}: load the catalog first")
    weights = [1 / (rank + 1) for rank in range(len(services))]
    days = [dt.date(year, 1, 1) + dt.timedelta(days=n) for n in range(366)
            if (dt.date(year, 1, 1) + dt.timedelta(days=n)).year == year
            and (dt.date(year, 1, 1) + dt.timedelta(days=n)).weekday() < 5]
    done = 0
    daily: dict[tuple[str, dt.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    while done < responses:
        batch = min(CHUNK, responses - done)
        rows = []
        for _ in range(batch):
            service = r.choices(services, weights)[0]
            day = r.choice(days)
            scores = _answer(r, 0.5 + 0.3 * r.random())
            rows.append({"id": str(uuid.UUID(int=r.getrandbits(128), version=4)),
                         "mpp_code": mpp, "agency_code": service.agency,
                         "service_code": service.code, "day": day, **scores, **_profile(r),
                         "suggestion": ""})
            sums = daily[(service.code, day)]
            sums["responses"] += 1
            sums["completed"] += 1 + (r.random() < population_factor - 1)
            for key, score in scores.items():
                sums[key] += score
        with engine.begin() as conn:
            conn.execute(insert(SurveyResponse.__table__), rows)
        done += batch
        if progress:
            progress(done)
    with engine.begin() as conn:  # the sums of the whole year, as the answers add them
        _flush_daily(conn, daily)
    return len(services)


def daily_matches_rows(engine: Engine, mpp: str) -> bool:
    """The aggregates say exactly what the answers say (the bench checks it after seeding)."""
    with engine.connect() as conn:
        from_rows = conn.execute(
            select(func.count(), *[func.sum(getattr(SurveyResponse, k)) for k in skm.ELEMENTS])
            .where(SurveyResponse.mpp_code == mpp)).one()
        codes = select(Service.code).join(Agency).join(Mpp, Mpp.id == Agency.mpp_id).where(
            Mpp.code == mpp)
        from_daily = conn.execute(
            select(func.sum(T_DAILY.c.responses), *[func.sum(T_DAILY.c[k]) for k in skm.ELEMENTS])
            .where(T_DAILY.c.service_code.in_(codes))).one()
    return tuple(int(v or 0) for v in from_rows) == tuple(int(v or 0) for v in from_daily)

