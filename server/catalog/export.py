"""The published catalog back in the data files' shape (docs/catalog-format.md).

`scope_data(session, scope)` gives one scope as a data file holds it: "national" (document
types, service standards, national holidays) or "mpp:<code>" (one MPP with its agencies,
offerings, local holidays and visits). `flask catalog export DIR` writes every scope as the
files of data/catalog; the admin API downloads one scope; a draft starts from it. Loading
what it gives changes nothing, and exporting again gives the same bytes (one canonical
writer, `dump_yaml`).

What the database does not keep as written is given back in its canonical form, equal in
meaning for the loader: opening hours are regrouped from each weekday's intervals (days with
the same hours in one entry, breaks as the gaps), `desks` and `formats` are always written,
a counter's `services` only when it does not serve all its agency's offerings, optional
empty texts are left out.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .loader import WEEKDAYS, MppSchema, StandardSchema, service_standard  # noqa: F401
from .models import (
    Agency, Counter, DocumentType, Holiday, Mpp, Service, ServiceStandard, VisitPolicy,
)

NATIONAL = "national"
SCOPE_PATTERN = re.compile(r"^(national|mpp:[a-z0-9-]{1,40})$")
# The files of data/catalog and what each holds.
NATIONAL_FILES = (("document-types.yaml", "document_types"),
                  ("service-standards.yaml", "service_standards"),
                  ("holidays.yaml", "holidays"))
OVERRIDE_KEYS = ("sla_days", "fee", "fee_note_id", "fee_note_en", "visit_minutes")
_STANDARD_KEYS = list(StandardSchema().fields)


def mpp_scope(code: str) -> str:
    return f"mpp:{code}"


def scopes(session: Session) -> list[tuple[str, str]]:
    """Every scope with a name to show: the national one, then the MPPs by code."""
    mpps = session.execute(select(Mpp.code, Mpp.name).order_by(Mpp.code)).all()
    return [(NATIONAL, "Standar nasional / National standards")] + [
        (mpp_scope(code), name) for code, name in mpps]


def scope_data(session: Session, scope: str) -> dict[str, Any] | None:
    """One scope's published data, or None if there is no such MPP."""
    if scope == NATIONAL:
        return national_data(session)
    mpp = session.scalar(select(Mpp).where(Mpp.code == scope.removeprefix("mpp:")))
    return None if mpp is None else mpp_data(session, mpp)


def digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False)
                          .encode()).hexdigest()


# ---------------------------------------------------------------------------------------
# National

def national_data(session: Session) -> dict[str, Any]:
    types = [{"code": d.code, "name_id": d.name_id, "name_en": d.name_en,
              "validity_days": d.validity_days}
             for d in session.scalars(select(DocumentType).order_by(DocumentType.code))]
    standards = [_standard(s.data) for s in session.scalars(
        select(ServiceStandard).order_by(ServiceStandard.position, ServiceStandard.code))]
    holidays = [{"date": h.day.isoformat(), "kind": h.kind, "name_id": h.name_id,
                 "name_en": h.name_en}
                for h in session.scalars(select(Holiday).where(Holiday.mpp_id.is_(None))
                                         .order_by(Holiday.day))]
    return {"document_types": types, "service_standards": standards, "holidays": holidays}


def _standard(data: dict) -> dict:
    """A stored standard with its keys in the format's order."""
    return {k: data[k] for k in _STANDARD_KEYS if k in data}


# ---------------------------------------------------------------------------------------
# One MPP

def mpp_data(session: Session, mpp: Mpp) -> dict[str, Any]:
    standards = {s.code: s.data for s in session.scalars(select(ServiceStandard))}
    agencies = session.scalars(
        select(Agency).where(Agency.mpp_id == mpp.id, Agency.listed.is_(True))
        .order_by(Agency.position, Agency.code)
        .options(selectinload(Agency.services))).all()
    out: dict[str, Any] = {"code": mpp.code, "name": mpp.name, "city": mpp.city,
                           "province": mpp.province}
    _optional(out, "address", mpp.address)
    out["status"] = mpp.status
    if mpp.opened_on is not None:
        out["opened_on"] = mpp.opened_on.isoformat()
    out["ref_prefix"] = mpp.ref_prefix
    _optional(out, "hours_id", mpp.hours_id)
    _optional(out, "hours_en", mpp.hours_en)
    out["agencies"] = []
    for agency in agencies:
        entry = {"code": agency.code, "kind": agency.kind, "name": agency.name}
        _optional(entry, "counter", agency.counter)
        entry["services"] = [_offering(s, standards.get(s.standard_code))
                             for s in agency.services if s.active]
        out["agencies"].append(entry)
    local = session.scalars(select(Holiday).where(Holiday.mpp_id == mpp.id)
                            .order_by(Holiday.day)).all()
    if local:
        out["holidays"] = [{"date": h.day.isoformat(), "name_id": h.name_id,
                            "name_en": h.name_en} for h in local]
    visits = _visits(session, mpp, agencies)
    if visits is not None:
        out["visits"] = visits
    return {"mpp": out}


def _optional(out: dict, key: str, value: str) -> None:
    if value:
        out[key] = value


def _offering(service: Service, std: dict | None) -> dict:
    offer: dict[str, Any] = {"standard": service.standard_code}
    if service.overrides is not None:
        offer.update({k: service.overrides[k] for k in OVERRIDE_KEYS
                      if k in service.overrides})
        return offer
    # Rows loaded before migration 0020: what differs from the standard was set by the MPP.
    std = std or {}
    for key in OVERRIDE_KEYS:
        value = getattr(service, key)
        if value != std.get(key, value if key == "visit_minutes" else "") and \
                not (key.startswith("fee_note") and value == ""):
            offer[key] = value
    return offer


def _visits(session: Session, mpp: Mpp, agencies: list[Agency]) -> dict | None:
    policy = session.get(VisitPolicy, mpp.id)
    if policy is None:
        return None
    by_id = {a.id: a for a in agencies}
    counters = session.scalars(
        select(Counter).where(Counter.mpp_id == mpp.id, Counter.active.is_(True))
        .order_by(Counter.position, Counter.code).options(selectinload(Counter.services)))
    out_counters = []
    for counter in counters:
        agency = by_id.get(counter.agency_id) or session.get(Agency, counter.agency_id)
        entry: dict[str, Any] = {
            "code": counter.code, "name": counter.name, "agency": agency.code,
            "desks": counter.desks,
            "share": {"online": counter.share_online, "walk_in": counter.share_walk_in,
                      "assisted": counter.share_assisted}}
        served = [s.standard_code for s in counter.services]
        offered = [s.standard_code for s in agency.services if s.active]
        if served != offered:
            entry["services"] = served
        out_counters.append(entry)
    return {"slot_minutes": policy.slot_minutes,
            "booking_window": {"min_days": policy.window_min_days,
                               "max_days": policy.window_max_days},
            "max_open_bookings": policy.max_open_bookings,
            "cancel_hold_minutes": policy.cancel_hold_minutes,
            "hours": hours_from_week(policy.week),
            "counters": out_counters}


def hours_from_week(week: dict[str, list[list[str]]]) -> list[dict]:
    """visit_policy.week back as `hours` entries: weekdays with the same intervals together
    (in the order of their first day), the gaps between intervals as breaks."""
    groups: dict[str, dict] = {}
    for day in sorted(week, key=int):
        intervals = week[day]
        if not intervals:
            continue
        key = json.dumps(intervals)
        if key not in groups:
            entry: dict[str, Any] = {"days": [], "open": intervals[0][0],
                                     "close": intervals[-1][1]}
            breaks = [{"start": a[1], "end": b[0]} for a, b in zip(intervals, intervals[1:])]
            if breaks:
                entry["breaks"] = breaks
            groups[key] = entry
        groups[key]["days"].append(WEEKDAYS[int(day)])
    return list(groups.values())


# ---------------------------------------------------------------------------------------
# Files

class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as data/catalog writes them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def dump_yaml(data: dict[str, Any]) -> str:
    """The one canonical writer: the same data always gives the same bytes."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def scope_files(session: Session, scope: str) -> dict[str, str] | None:
    """A scope as the files `flask catalog export` writes: name -> YAML text."""
    data = scope_data(session, scope)
    if data is None:
        return None
    if scope == NATIONAL:
        return {name: dump_yaml({key: data[key]}) for name, key in NATIONAL_FILES}
    return {f"mpp-{scope.removeprefix('mpp:')}.yaml": dump_yaml(data)}


def scope_file(session: Session, scope: str) -> tuple[str, str] | None:
    """A scope as ONE file (the API's download): an MPP's file, or the national data with
    its three keys in one file (`national.yaml`)."""
    data = scope_data(session, scope)
    if data is None:
        return None
    name = "national.yaml" if scope == NATIONAL else f"mpp-{scope.removeprefix('mpp:')}.yaml"
    return name, dump_yaml(data)


def export_dir(session: Session, directory: str | Path) -> list[Path]:
    """Write every scope's files into `directory` (made if missing); the paths written."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for scope, _name in scopes(session):
        for name, text in (scope_files(session, scope) or {}).items():
            path = target / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
