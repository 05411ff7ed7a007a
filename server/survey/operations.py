"""SKM results and suggestions, with no HTTP in them: they take the ORM session (reads only).

The public results read only `survey_daily` (per service and day: answers, each element's
total, applications completed): a year at one MPP is (services x 365) rows whatever the
number of answers, summed by the database in one grouped query (bench/survey_ikm.py).
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.space import local_date

from ..catalog.models import Agency, Mpp, Service
from ..errors import ApiError
from . import skm
from .models import SurveyDaily, SurveyResponse

PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[QqSs])(?P<n>\d)|-(?P<month>\d{2}))?\Z")
MAX_DAYS = 366 * 5


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date
    label_id: str
    label_en: str
    code: str  # what the query named: "2026-Q1", "2026", or "2026-01-01..2026-03-31"


def period(code: str | None, first: dt.date | None, last: dt.date | None,
           now: dt.datetime) -> Period:
    """A quarter ("2026-Q1"), a semester ("2026-S2"), a month ("2026-03"), a year ("2026"),
    or any range of days (first, last). Nothing named: the current year so far (WIB)."""
    if code and (first or last):
        raise _bad_period("period_and_range")
    if first or last:
        if not (first and last):
            raise _bad_period("range_needs_both")
        if last < first or (last - first).days > MAX_DAYS:
            raise _bad_period("range_order")
        text = f"{first.isoformat()}..{last.isoformat()}"
        return Period(first, last, f"{_day_id(first)} s.d. {_day_id(last)}",
                      f"{first:%-d %b %Y} to {last:%-d %b %Y}", text)
    if not code:
        today = local_date(now)
        return Period(dt.date(today.year, 1, 1), today, f"Tahun {today.year} (s.d. "
                      f"{_day_id(today)})", f"{today.year} (to {today:%-d %b %Y})",
                      str(today.year))
    match = PERIOD_RE.match(code)
    if match is None:
        raise _bad_period("period_format")
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise _bad_period("period_format")
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise _bad_period("period_format")
        end = calendar.monthrange(year, month)[1]
        return Period(dt.date(year, month, 1), dt.date(year, month, end),
                      f"{MONTHS_ID[month - 1]} {year}", f"{calendar.month_name[month]} {year}",
                      f"{year}-{month:02d}")
    if match["kind"]:
        kind, n = match["kind"].upper(), int(match["n"])
        parts = 4 if kind == "Q" else 2
        if not 1 <= n <= parts:
            raise _bad_period("period_format")
        months = 12 // parts
        first_month = (n - 1) * months + 1
        last_month = first_month + months - 1
        end = calendar.monthrange(year, last_month)[1]
        words = ("Triwulan", "Quarter") if kind == "Q" else ("Semester", "Half")
        roman = ("I", "II", "III", "IV")[n - 1]
        return Period(dt.date(year, first_month, 1), dt.date(year, last_month, end),
                      f"{words[0]} {roman} {year}", f"{words[1]} {n} {year}",
                      f"{year}-{kind}{n}")
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"Tahun {year}", f"Year {year}",
                  str(year))


MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")


def _day_id(day: dt.date) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def _bad_period(problem: str) -> ApiError:
    return ApiError(400, "invalid_period", {"problem": problem})


def _mpp(session: Session, mpp_code: str) -> Mpp:
    mpp = session.scalar(select(Mpp).where(Mpp.code == mpp_code))
    if mpp is None:
        raise ApiError(404, "mpp_not_found", {"mpp": mpp_code}, params={"code": mpp_code})
    return mpp


def _group(responses: int, population: int, sums: dict[str, int]) -> dict[str, Any]:
    """One row of the report: the sample against its minimum, and the scores when there are
    at least skm.MIN_GROUP answers (fewer: counts only, `shown` false)."""
    minimum = skm.minimum_sample(population)
    out: dict[str, Any] = {
        "responses": responses, "population": population, "minimum_sample": minimum,
        "sample_below_minimum": responses < minimum, "shown": responses >= skm.MIN_GROUP,
        "ikm": None, "band": None, "elements": None, "_sums": sums}
    if out["shown"]:
        result = skm.index(responses, sums)
        assert result is not None
        out["ikm"] = float(result.ikm)
        out["band"] = {"grade": result.band.grade, "words_id": result.band.words_id,
                       "words_en": result.band.words_en}
        out["elements"] = {key: float(value) for key, value in result.element_values().items()}
    return out


def _hide(group: dict[str, Any]) -> None:
    group.update(shown=False, ikm=None, band=None, elements=None, suppressed="secondary")
    for child in group.get("services", []):  # they would add up to the hidden agency
        if child["shown"]:
            _hide(child)


def _protect(children: list[dict[str, Any]]) -> None:
    """Secondary suppression: if the hidden children of one parent hold 1-4 answers between
    them, the parent's total minus the shown children would give their scores away; hide
    the shown child with the fewest answers too (repeat until safe)."""
    while True:
        hidden = sum(c["responses"] for c in children if not c["shown"])
        shown = [c for c in children if c["shown"]]
        if not 0 < hidden < skm.MIN_GROUP or not shown:
            return
        _hide(min(shown, key=lambda c: (c["responses"], c["code"])))


def _add(total: dict[str, int], sums: dict[str, int]) -> None:
    for key, value in sums.items():
        total[key] = total.get(key, 0) + value


def results(session: Session, mpp_code: str, when: Period) -> dict[str, Any]:
    """The IKM of the MPP, of each agency and of each service in `when`."""
    mpp = _mpp(session, mpp_code)
    services = session.execute(
        select(Service.code, Service.name_id, Service.name_en, Agency.code.label("agency"),
               Agency.name.label("agency_name"))
        .join(Agency, Agency.id == Service.agency_id).where(Agency.mpp_id == mpp.id)
        .order_by(Agency.position, Agency.code, Service.code)).all()
    columns = [func.sum(SurveyDaily.responses), func.sum(SurveyDaily.completed),
               *[func.sum(getattr(SurveyDaily, key)) for key in skm.ELEMENTS]]
    sums: dict[str, tuple] = {
        row[0]: tuple(int(v or 0) for v in row[1:])
        for row in session.execute(
            select(SurveyDaily.service_code, *columns)
            .where(SurveyDaily.service_code.in_([s.code for s in services]),
                   SurveyDaily.day >= when.first, SurveyDaily.day <= when.last)
            .group_by(SurveyDaily.service_code))}
    agencies: dict[str, dict[str, Any]] = {}
    unit_sums: dict[str, int] = {}
    unit_responses = unit_population = 0
    for service in services:
        row = sums.get(service.code, (0, 0) + (0,) * len(skm.ELEMENTS))
        responses, population, elements = row[0], row[1], dict(zip(skm.ELEMENTS, row[2:]))
        agency = agencies.setdefault(service.agency, {
            "code": service.agency, "name": service.agency_name, "services": [],
            "_responses": 0, "_population": 0, "_sums": {}})
        agency["services"].append({"code": service.code, "name_id": service.name_id,
                                   "name_en": service.name_en,
                                   **_group(responses, population, elements)})
        agency["_responses"] += responses
        agency["_population"] += population
        _add(agency["_sums"], elements)
        unit_responses += responses
        unit_population += population
        _add(unit_sums, elements)
    agency_rows = []
    for agency in agencies.values():
        row = {"code": agency["code"], "name": agency["name"],
               **_group(agency["_responses"], agency["_population"],
                        agency["_sums"] or dict.fromkeys(skm.ELEMENTS, 0)),
               "services": agency["services"]}
        _protect(row["services"])
        agency_rows.append(row)
    _protect(agency_rows)
    unit = _group(unit_responses, unit_population,
                  unit_sums or dict.fromkeys(skm.ELEMENTS, 0))
    for group in [unit, *agency_rows, *(s for a in agency_rows for s in a["services"])]:
        group.pop("_sums", None)
    return {
        "mpp": {"code": mpp.code, "name": mpp.name, "city": mpp.city,
                "province": mpp.province},
        "period": {"code": when.code, "first": when.first.isoformat(),
                   "last": when.last.isoformat(), "label_id": when.label_id,
                   "label_en": when.label_en},
        "unit": unit,
        "agencies": agency_rows,
        "elements": [{"key": key, "name_id": text[0], "name_en": text[1]}
                     for key, text in skm.ELEMENT_TEXT.items()],
        "bands": [{"grade": b.grade, "lowest": float(b.lowest), "words_id": b.words_id,
                   "words_en": b.words_en} for b in skm.BANDS],
        "minimum_group": skm.MIN_GROUP,
    }


CSV_COLUMNS = ("level", "agency", "service", "name", "responses", "population",
               "minimum_sample", "sample_below_minimum", "ikm", "band", *skm.ELEMENTS)


def results_csv(report: dict[str, Any]) -> str:
    """The report as CSV: one line for the MPP, one per agency, one per service; scores empty
    where fewer than the minimum group answered."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def line(level: str, agency: str, service: str, name: str, group: dict[str, Any]) -> None:
        elements = group["elements"] or {}
        writer.writerow([level, agency, service, name, group["responses"], group["population"],
                         group["minimum_sample"],
                         "yes" if group["sample_below_minimum"] else "no",
                         "" if group["ikm"] is None else f"{group['ikm']:.2f}",
                         group["band"]["grade"] if group["band"] else "",
                         *(f"{elements[k]:.2f}" if k in elements else "" for k in skm.ELEMENTS)])

    line("mpp", "", "", report["mpp"]["name"], report["unit"])
    for agency in report["agencies"]:
        line("agency", agency["code"], "", agency["name"], agency)
        for service in agency["services"]:
            line("service", agency["code"], service["code"], service["name_id"], service)
    return out.getvalue()


def suggestions(session: Session, mpp_code: str, when: Period, *, agency: str | None = None,
                limit: int = 200, offset: int = 0) -> dict[str, Any]:
    """Free-text suggestions for a supervisor: the text, the service and the month only
    (never the day, nor anything that leads to who wrote it)."""
    mpp = _mpp(session, mpp_code)
    query = (select(SurveyResponse.service_code, SurveyResponse.agency_code,
                    SurveyResponse.day, SurveyResponse.suggestion)
             .where(SurveyResponse.mpp_code == mpp.code, SurveyResponse.day >= when.first,
                    SurveyResponse.day <= when.last, SurveyResponse.suggestion != ""))
    if agency:
        query = query.where(SurveyResponse.agency_code == agency)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(query.order_by(SurveyResponse.day.desc(), SurveyResponse.id)
                           .limit(limit).offset(offset)).all()
    return {"mpp": mpp.code, "period": {"first": when.first.isoformat(),
                                        "last": when.last.isoformat()},
            "total": total,
            "items": [{"service": r.service_code, "agency": r.agency_code,
                       "month": f"{r.day:%Y-%m}", "suggestion": r.suggestion} for r in rows]}


# ---------------------------------------------------------------------------- data rights

def export(session: Session, citizen) -> dict[str, bytes]:
    """accounts' EXPORTERS: which applications the citizen answered the survey for, and when
    (the answers themselves are not linked to anyone, so they cannot be exported)."""
    from ..accounts.operations import to_json_bytes
    from .models import SurveyReceipt

    rows = session.execute(select(SurveyReceipt.application_id, SurveyReceipt.answered_on)
                           .where(SurveyReceipt.citizen_id == citizen.id)
                           .order_by(SurveyReceipt.answered_on)).all()
    return {"survey-receipts.json": to_json_bytes(
        [{"application_id": r.application_id, "answered_on": r.answered_on} for r in rows])}


def erase(session: Session, citizen, _now: dt.datetime) -> None:
    """accounts' ERASERS: the receipts go (they tie the citizen to an application); the
    anonymous answers and the daily sums stay, as published figures do."""
    from sqlalchemy import delete

    from .models import SurveyReceipt

    session.execute(delete(SurveyReceipt).where(SurveyReceipt.citizen_id == citizen.id))
