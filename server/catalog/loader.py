"""Load the service catalog from YAML/JSON data files (format: docs/catalog-format.md).

`load_catalog(paths, session)` reads every file, checks shapes with marshmallow and
cross-references by hand, and only if nothing is wrong upserts by code. It flushes but
never commits: the caller owns the transaction, so a load is all or nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import marshmallow as ma
import yaml
from marshmallow import validate as v
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..db_types import utcnow
from .models import (
    DELIVERY_KINDS, DOCUMENT_FORMATS, FIELD_TYPES, MPP_STATUSES, PROFILE_KEYS, VISIT_AFTER,
    Agency, CatalogMeta, Counter, CounterService, DocumentType, Holiday, Mpp, Requirement, Service,
    ServiceField, ServiceStandard, ServiceStandardVersion, VisitPolicy,
)

DATA_SUFFIXES = (".yaml", ".yml", ".json")
SLUG = v.Regexp(r"^[a-z0-9_]+$", error="must be lower-case letters, digits and _")
CODE = v.Regexp(r"^[a-z0-9-]+$", error="must be lower-case letters, digits and -")
DOTTED = v.Regexp(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$",
                  error="must look like agency-kind.service-name (lower case, digits, - and .)")


@dataclass(frozen=True)
class CatalogError:
    file: str
    path: str
    message: str  # English, as `flask catalog load` prints it
    # A code of the message catalog (server/i18n.py `catalog.<code>`) with its parameters;
    # empty: catalog.messages reads the code from the English message.
    code: str = field(default="", compare=False)
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}" if self.path else \
            f"{self.file}: {self.message}"


class CatalogLoadError(Exception):
    def __init__(self, errors: list[CatalogError]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


@dataclass
class LoadSummary:
    files: list[str] = field(default_factory=list)
    document_types: int = 0
    standards: int = 0
    mpps: int = 0
    agencies: int = 0
    services: int = 0
    deactivated: int = 0
    holidays: int = 0
    counters: int = 0
    changed: bool = False
    version: int = 0


# ---------------------------------------------------------------------------------------
# Shapes (marshmallow): every field the format allows, nothing else.

class _Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


def _text(required=True, max_len=200):
    return ma.fields.String(required=required, validate=v.Length(min=1 if required else 0,
                                                                 max=max_len))


class ChoiceSchema(_Strict):
    value = ma.fields.String(required=True, validate=v.Length(min=1, max=60))
    label_id = _text()
    label_en = _text()


class FieldSchema(_Strict):
    key = ma.fields.String(required=True, validate=[v.Length(max=60), SLUG])
    type = ma.fields.String(required=True, validate=v.OneOf(FIELD_TYPES))
    label_id = _text()
    label_en = _text()
    required = ma.fields.Boolean(load_default=False)
    profile_key = ma.fields.String(validate=v.OneOf(PROFILE_KEYS), allow_none=True)
    help_id = _text(required=False, max_len=2000)
    help_en = _text(required=False, max_len=2000)
    min_length = ma.fields.Integer(validate=v.Range(min=0))
    max_length = ma.fields.Integer(validate=v.Range(min=1))
    pattern = ma.fields.String()
    min = ma.fields.Float()
    max = ma.fields.Float()
    choices = ma.fields.List(ma.fields.Nested(ChoiceSchema), validate=v.Length(min=1))


class RequirementSchema(_Strict):
    code = ma.fields.String(required=True, validate=[v.Length(max=60), SLUG])
    document_type = ma.fields.String(required=True, validate=v.Length(min=1, max=40))
    title_id = _text()
    title_en = _text()
    required = ma.fields.Boolean(load_default=True)
    formats = ma.fields.List(ma.fields.String(validate=v.OneOf(DOCUMENT_FORMATS)),
                             load_default=lambda: list(DOCUMENT_FORMATS),
                             validate=v.Length(min=1))
    notes_id = _text(required=False, max_len=2000)
    notes_en = _text(required=False, max_len=2000)


class StepSchema(_Strict):
    id = _text(max_len=500)
    en = _text(max_len=500)


class StandardSchema(_Strict):
    code = ma.fields.String(required=True, validate=[v.Length(max=80), DOTTED])
    agency_kind = ma.fields.String(required=True, validate=[v.Length(max=40), CODE])
    name_id = _text()
    name_en = _text()
    description_id = _text(max_len=4000)
    description_en = _text(max_len=4000)
    procedure = ma.fields.List(ma.fields.Nested(StepSchema), required=True,
                               validate=v.Length(min=1))
    sla_days = ma.fields.Integer(required=True, strict=True, validate=v.Range(min=0, max=365))
    fee = ma.fields.Integer(required=True, strict=True, validate=v.Range(min=0))
    fee_note_id = _text(required=False)
    fee_note_en = _text(required=False)
    product_id = _text()
    product_en = _text()
    delivery = ma.fields.String(required=True, validate=v.OneOf(DELIVERY_KINDS))
    legal_basis = _text(required=False)
    visit_minutes = ma.fields.Integer(strict=True, validate=v.Range(min=5, max=480))
    visit_after = ma.fields.String(validate=v.OneOf(VISIT_AFTER))
    fields = ma.fields.List(ma.fields.Nested(FieldSchema), required=True)
    requirements = ma.fields.List(ma.fields.Nested(RequirementSchema), required=True)


class DocumentTypeSchema(_Strict):
    code = ma.fields.String(required=True, validate=[v.Length(max=40), SLUG])
    name_id = _text()
    name_en = _text()
    validity_days = ma.fields.Integer(required=True, allow_none=True, strict=True,
                                      validate=v.Range(min=1))


class OfferingSchema(_Strict):
    standard = ma.fields.String(required=True, validate=v.Length(min=1, max=80))
    sla_days = ma.fields.Integer(strict=True, validate=v.Range(min=0, max=365))
    fee = ma.fields.Integer(strict=True, validate=v.Range(min=0))
    fee_note_id = _text(required=False)
    fee_note_en = _text(required=False)
    visit_minutes = ma.fields.Integer(strict=True, validate=v.Range(min=5, max=480))


class AgencySchema(_Strict):
    code = ma.fields.String(required=True, validate=[v.Length(max=40), CODE])
    kind = ma.fields.String(required=True, validate=[v.Length(max=40), CODE])
    name = _text()
    counter = _text(required=False, max_len=100)
    services = ma.fields.List(ma.fields.Nested(OfferingSchema), load_default=list)


class MppSchema(_Strict):
    code = ma.fields.String(required=True, validate=[v.Length(max=40), CODE])
    name = _text()
    city = _text(max_len=120)
    province = _text(max_len=120)
    address = _text(required=False, max_len=300)
    status = ma.fields.String(required=True, validate=v.OneOf(MPP_STATUSES))
    opened_on = ma.fields.Date(allow_none=True)
    ref_prefix = ma.fields.String(required=True, validate=v.Regexp(
        r"^[A-Z]{2,5}$", error="must be 2 to 5 capital letters"))
    hours_id = _text(required=False)
    hours_en = _text(required=False)
    agencies = ma.fields.List(ma.fields.Nested(AgencySchema), required=True)
    holidays = ma.fields.List(ma.fields.Nested(lambda: LocalHolidaySchema()),
                              load_default=list)
    visits = ma.fields.Nested(lambda: VisitsSchema())


# The one visit: opening hours, holidays, counters (docs/catalog-format.md).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()
DEFAULT_VISIT_MINUTES = 15
DEFAULT_VISIT_AFTER = "ready"


class ClockTime(ma.fields.Field):
    """"HH:MM" as minutes after midnight. YAML reads an unquoted 12:00 as the number 720
    (base 60), so a number is refused with a hint instead of being taken for minutes."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ma.ValidationError("write the time as text in quotes, e.g. '08:00'")
        match = re.fullmatch(r"([01][0-9]|2[0-3]):([0-5][0-9])", value)
        if not match:
            raise ma.ValidationError("must be a time HH:MM between 00:00 and 23:59")
        return int(match.group(1)) * 60 + int(match.group(2))


class HolidaySchema(_Strict):
    date = ma.fields.Date(required=True)
    kind = ma.fields.String(required=True, validate=v.OneOf(("national", "cuti_bersama")))
    name_id = _text()
    name_en = _text()


class LocalHolidaySchema(_Strict):
    date = ma.fields.Date(required=True)
    name_id = _text()
    name_en = _text()


class BreakSchema(_Strict):
    start = ClockTime(required=True)
    end = ClockTime(required=True)


class HoursSchema(_Strict):
    days = ma.fields.List(ma.fields.String(validate=v.OneOf(WEEKDAYS)), required=True,
                          validate=v.Length(min=1))
    open = ClockTime(required=True)
    close = ClockTime(required=True)
    breaks = ma.fields.List(ma.fields.Nested(BreakSchema), load_default=list)


class WindowSchema(_Strict):
    min_days = ma.fields.Integer(required=True, strict=True, validate=v.Range(min=0, max=365))
    max_days = ma.fields.Integer(required=True, strict=True, validate=v.Range(min=0, max=365))


class ShareSchema(_Strict):
    online = ma.fields.Integer(required=True, strict=True, validate=v.Range(min=0, max=100))
    walk_in = ma.fields.Integer(required=True, strict=True, validate=v.Range(min=0, max=100))
    assisted = ma.fields.Integer(required=True, strict=True, validate=v.Range(min=0, max=100))


class CounterSchema(_Strict):
    code = ma.fields.String(required=True, validate=[v.Length(max=40), CODE])
    name = _text(max_len=100)
    agency = ma.fields.String(required=True, validate=v.Length(min=1, max=40))
    desks = ma.fields.Integer(strict=True, load_default=1, validate=v.Range(min=1, max=50))
    share = ma.fields.Nested(ShareSchema, required=True)
    services = ma.fields.List(ma.fields.String(validate=v.Length(min=1, max=80)),
                              validate=v.Length(min=1))


class VisitsSchema(_Strict):
    slot_minutes = ma.fields.Integer(strict=True, load_default=30,
                                     validate=v.Range(min=5, max=240))
    booking_window = ma.fields.Nested(WindowSchema,
                                      load_default=lambda: {"min_days": 1, "max_days": 30})
    max_open_bookings = ma.fields.Integer(strict=True, load_default=3,
                                          validate=v.Range(min=1, max=50))
    cancel_hold_minutes = ma.fields.Integer(strict=True, load_default=30,
                                            validate=v.Range(min=0, max=1440))
    hours = ma.fields.List(ma.fields.Nested(HoursSchema), required=True,
                           validate=v.Length(min=1))
    counters = ma.fields.List(ma.fields.Nested(CounterSchema), required=True,
                              validate=v.Length(min=1))


class CatalogFileSchema(_Strict):
    document_types = ma.fields.List(ma.fields.Nested(DocumentTypeSchema))
    service_standards = ma.fields.List(ma.fields.Nested(StandardSchema))
    mpp = ma.fields.Nested(MppSchema)
    holidays = ma.fields.List(ma.fields.Nested(HolidaySchema))

    @ma.validates_schema
    def _not_empty(self, data, **_):
        if not data:
            raise ma.ValidationError(
                "a catalog file needs document_types, service_standards, holidays or mpp")


# ---------------------------------------------------------------------------------------
# Reading

def catalog_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.suffix in DATA_SUFFIXES))
        else:
            files.append(p)
    return files


def _yaml_date_as_text(loader, node):
    # Dates are validated by the schema; keep them as text so YAML's own parsing
    # cannot turn 2019-02-30 into an error without a path.
    return loader.construct_scalar(node)


# libyaml's parser where PyYAML was built with it (the wheels are): the same safe
# constructors, several times faster than the pure-Python one on the national catalog.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _yaml_date_as_text)


def read_file(path: Path) -> tuple[Any, list[CatalogError]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [CatalogError(name, "", "file not found")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [CatalogError(name, "", f"cannot read file: {exc}")]
    try:
        if path.suffix == ".json":
            return json.loads(text), []
        return yaml.load(text, Loader=_Loader), []  # noqa: S506 - SafeLoader subclass
    except json.JSONDecodeError as exc:
        return None, [CatalogError(name, "", f"invalid JSON at line {exc.lineno} column "
                                             f"{exc.colno}: {exc.msg}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [CatalogError(name, "", f"invalid YAML{where}: {problem}")]


def _flatten(messages, prefix="") -> list[tuple[str, str]]:
    """marshmallow's nested error dict -> [("a[3].b", "message"), ...]."""
    out = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                out.extend((prefix, m) for m in _messages(value))
                continue
            path = f"{prefix}[{key}]" if isinstance(key, int) else (
                f"{prefix}.{key}" if prefix else str(key))
            out.extend(_flatten(value, path))
    else:
        out.extend((prefix, m) for m in _messages(messages))
    return out


def _messages(value) -> list[str]:
    if isinstance(value, list):
        return [m if isinstance(m, str) else json.dumps(m) for m in value]
    return [str(value)]


# ---------------------------------------------------------------------------------------
# Cross-references

@dataclass
class _Parsed:
    document_types: dict[str, dict] = field(default_factory=dict)
    standards: dict[str, dict] = field(default_factory=dict)
    mpps: list[tuple[str, dict]] = field(default_factory=list)  # (file, data)
    # None: no file of this load has `holidays` (the national calendar stays as it is).
    holidays: dict[dt.date, dict] | None = None


def _check_standard(std: dict, where: str, file: str, known_types: set[str]) -> list[CatalogError]:
    errs = []
    seen_keys: set[str] = set()
    for i, f in enumerate(std["fields"]):
        path = f"{where}.fields[{i}]"
        if f["key"] in seen_keys:
            errs.append(CatalogError(file, f"{path}.key", f"duplicate field key '{f['key']}'"))
        seen_keys.add(f["key"])
        if f["type"] == "choice" and not f.get("choices"):
            errs.append(CatalogError(file, f"{path}.choices", "a choice field needs choices"))
        if f["type"] != "choice" and f.get("choices"):
            errs.append(CatalogError(file, f"{path}.choices", "only a choice field has choices"))
        values = [c["value"] for c in f.get("choices") or []]
        if len(values) != len(set(values)):
            errs.append(CatalogError(file, f"{path}.choices", "duplicate choice value"))
        if "pattern" in f:
            try:
                re.compile(f["pattern"])
            except re.error as exc:
                errs.append(CatalogError(file, f"{path}.pattern", f"invalid pattern: {exc}"))
    seen_reqs: set[str] = set()
    for i, r in enumerate(std["requirements"]):
        path = f"{where}.requirements[{i}]"
        if r["code"] in seen_reqs:
            errs.append(CatalogError(file, f"{path}.code",
                                     f"duplicate requirement code '{r['code']}'"))
        seen_reqs.add(r["code"])
        if r["document_type"] not in known_types:
            errs.append(CatalogError(file, f"{path}.document_type",
                                     f"unknown document type '{r['document_type']}'"))
        if len(set(r["formats"])) != len(r["formats"]):
            errs.append(CatalogError(file, f"{path}.formats", "duplicate format"))
    return errs


def read_documents(files: list[Path]) -> tuple[list[tuple[str, Any]], list[CatalogError]]:
    """Each file's name and what it holds (not checked yet), and the files that failed."""
    docs, errors = [], []
    for path in files:
        raw, errs = read_file(path)
        if errs:
            errors.extend(errs)
            continue
        docs.append((str(path), raw))
    return docs, errors


def validate_documents(docs: list[tuple[str, Any]], session: Session, *,
                       known_types_from_db: bool = True
                       ) -> tuple[_Parsed, list[CatalogError]]:
    """The one set of rules: each document's shape, then the cross-references between all of
    them (and the database's document types, unless the documents hold them all, as a
    publication's do: server/catalog/drafts.py)."""
    parsed = _Parsed()
    errors: list[CatalogError] = []
    loaded: list[tuple[str, dict]] = []
    schema = CatalogFileSchema()
    for name, raw in docs:
        if not isinstance(raw, dict):
            errors.append(CatalogError(name, "", "the top level must be a mapping"))
            continue
        try:
            data = schema.load(raw)
        except ma.ValidationError as exc:
            errors.extend(CatalogError(name, p, m) for p, m in _flatten(exc.messages))
            continue
        loaded.append((name, data))

    # Document types first: requirements may use those of this load or of the database.
    type_origin: dict[str, str] = {}
    for file, data in loaded:
        for i, dt_ in enumerate(data.get("document_types", [])):
            if dt_["code"] in parsed.document_types:
                errors.append(CatalogError(
                    file, f"document_types[{i}].code",
                    f"duplicate code '{dt_['code']}' (also in {type_origin[dt_['code']]})"))
                continue
            parsed.document_types[dt_["code"]] = dt_
            type_origin[dt_["code"]] = file
    known_types = set(parsed.document_types) | (set(
        session.scalars(select(DocumentType.code)).all()) if known_types_from_db else set())

    std_origin: dict[str, str] = {}
    for file, data in loaded:
        for i, std in enumerate(data.get("service_standards", [])):
            where = f"service_standards[{i}]"
            if std["code"] in parsed.standards:
                errors.append(CatalogError(
                    file, f"{where}.code",
                    f"duplicate code '{std['code']}' (also in {std_origin[std['code']]})"))
                continue
            if not std["code"].startswith(std["agency_kind"] + "."):
                errors.append(CatalogError(
                    file, f"{where}.code",
                    f"must begin with its agency_kind '{std['agency_kind']}.'"))
            errors.extend(_check_standard(std, where, file, known_types))
            parsed.standards[std["code"]] = std
            std_origin[std["code"]] = file

    mpp_codes: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for file, data in loaded:
        mpp = data.get("mpp")
        if not mpp:
            continue
        if mpp["code"] in mpp_codes:
            errors.append(CatalogError(file, "mpp.code", f"duplicate code '{mpp['code']}' "
                                                         f"(also in {mpp_codes[mpp['code']]})"))
            continue
        if mpp["ref_prefix"] in prefixes:
            errors.append(CatalogError(file, "mpp.ref_prefix",
                                       f"duplicate ref_prefix '{mpp['ref_prefix']}' "
                                       f"(also in {prefixes[mpp['ref_prefix']]})"))
        mpp_codes[mpp["code"]] = file
        prefixes[mpp["ref_prefix"]] = file
        taken = session.execute(select(Mpp.code).where(
            Mpp.ref_prefix == mpp["ref_prefix"], Mpp.code != mpp["code"])).scalar()
        if taken:
            errors.append(CatalogError(
                file, "mpp.ref_prefix",
                f"ref_prefix '{mpp['ref_prefix']}' belongs to MPP '{taken}'"))
        agency_codes: set[str] = set()
        offered: set[str] = set()
        for a, agency in enumerate(mpp["agencies"]):
            where = f"mpp.agencies[{a}]"
            if agency["code"] in agency_codes:
                errors.append(CatalogError(file, f"{where}.code",
                                           f"duplicate code '{agency['code']}'"))
            agency_codes.add(agency["code"])
            for s, offer in enumerate(agency["services"]):
                spath = f"{where}.services[{s}].standard"
                std = parsed.standards.get(offer["standard"])
                if std is None:
                    errors.append(CatalogError(
                        file, spath, f"refers to no service standard: '{offer['standard']}' "
                                     "is not in any file of this load"))
                    continue
                if offer["standard"] in offered:
                    errors.append(CatalogError(
                        file, spath, f"duplicate code: '{offer['standard']}' is offered twice "
                                     "in this MPP"))
                offered.add(offer["standard"])
                if std["agency_kind"] != agency["kind"]:
                    errors.append(CatalogError(
                        file, spath, f"standard of agency kind '{std['agency_kind']}' cannot "
                                     f"be offered by agency kind '{agency['kind']}'"))
        seen_local: set[dt.date] = set()
        for i, day in enumerate(mpp["holidays"]):
            if day["date"] in seen_local:
                errors.append(CatalogError(file, f"mpp.holidays[{i}].date",
                                           f"duplicate date {day['date'].isoformat()}"))
            seen_local.add(day["date"])
        if mpp.get("visits"):
            errors.extend(_check_visits(mpp, parsed.standards, file))
        parsed.mpps.append((file, mpp))

    holiday_origin: dict[dt.date, str] = {}
    for file, data in loaded:
        if "holidays" not in data:
            continue
        if parsed.holidays is None:
            parsed.holidays = {}
        for i, day in enumerate(data["holidays"]):
            if day["date"] in parsed.holidays:
                errors.append(CatalogError(
                    file, f"holidays[{i}].date", f"duplicate date {day['date'].isoformat()} "
                                                  f"(also in {holiday_origin[day['date']]})"))
                continue
            parsed.holidays[day["date"]] = day
            holiday_origin[day["date"]] = file
    return parsed, errors


def _check_visits(mpp: dict, standards: dict[str, dict], file: str) -> list[CatalogError]:
    """Opening hours that make sense, counters of this MPP's agencies serving what those
    agencies offer, and every offered service served by some counter."""
    errs = []
    visits = mpp["visits"]
    window = visits["booking_window"]
    if window["min_days"] > window["max_days"]:
        errs.append(CatalogError(file, "mpp.visits.booking_window",
                                 "min_days must not be after max_days"))
    seen_days: set[str] = set()
    for h, hours in enumerate(visits["hours"]):
        where = f"mpp.visits.hours[{h}]"
        for day in hours["days"]:
            if day in seen_days:
                errs.append(CatalogError(file, f"{where}.days",
                                         f"'{day}' already has opening hours"))
            seen_days.add(day)
        if hours["open"] >= hours["close"]:
            errs.append(CatalogError(file, f"{where}.close", "must be after open"))
        last_end = hours["open"]
        for b, pause in enumerate(sorted(hours["breaks"], key=lambda x: x["start"])):
            if not hours["open"] < pause["start"] < pause["end"] < hours["close"]:
                errs.append(CatalogError(file, f"{where}.breaks[{b}]",
                                         "a break must start after opening, end after it "
                                         "starts and before closing"))
            elif pause["start"] < last_end:
                errs.append(CatalogError(file, f"{where}.breaks[{b}]",
                                         "breaks must not overlap"))
            last_end = max(last_end, pause["end"])

    offered = {a["code"]: {o["standard"]: o for o in a["services"]} for a in mpp["agencies"]}
    served: set[tuple[str, str]] = set()
    online_minutes: dict[tuple[str, str], int] = {}
    codes: set[str] = set()
    for c, counter in enumerate(visits["counters"]):
        where = f"mpp.visits.counters[{c}]"
        if counter["code"] in codes:
            errs.append(CatalogError(file, f"{where}.code",
                                     f"duplicate code '{counter['code']}'"))
        codes.add(counter["code"])
        share = counter["share"]
        if share["online"] + share["walk_in"] + share["assisted"] != 100:
            errs.append(CatalogError(file, f"{where}.share",
                                     "online + walk_in + assisted must be 100 (percent)"))
        if counter["agency"] not in offered:
            errs.append(CatalogError(file, f"{where}.agency",
                                     f"no agency '{counter['agency']}' in this MPP"))
            continue
        agency_offers = offered[counter["agency"]]
        minutes = counter_minutes(counter["desks"], visits["slot_minutes"], share["online"])
        for s, code in enumerate(counter.get("services", list(agency_offers))):
            if code not in agency_offers:
                errs.append(CatalogError(file, f"{where}.services[{s}]",
                                         f"agency '{counter['agency']}' does not offer "
                                         f"'{code}' in this MPP"))
                continue
            key = (counter["agency"], code)
            served.add(key)
            online_minutes[key] = max(online_minutes.get(key, 0), minutes)
    for a, agency in enumerate(mpp["agencies"]):
        for s, offer in enumerate(agency["services"]):
            std = standards.get(offer["standard"])
            key = (agency["code"], offer["standard"])
            where = f"mpp.agencies[{a}].services[{s}]"
            if key not in served:
                errs.append(CatalogError(file, where, f"'{offer['standard']}' is served at no "
                                                      "counter of mpp.visits.counters"))
            elif std is not None:
                need = visit_minutes(std, offer)
                if need > online_minutes[key]:
                    errs.append(CatalogError(
                        file, where, f"a visit of {need} minutes fits in no counter's online "
                                     f"time of one slot ({online_minutes[key]} minutes at most)"))
    return errs


def counter_minutes(desks: int, slot_minutes: int, share_percent: int) -> int:
    """A channel's minutes of counter time in one slot: its share of desks x slot length."""
    return desks * slot_minutes * share_percent // 100


def visit_minutes(std: dict, offer: dict) -> int:
    return offer.get("visit_minutes", std.get("visit_minutes", DEFAULT_VISIT_MINUTES))


def opening_intervals(hours: list[dict]) -> dict[str, list[list[str]]]:
    """{"0": [["08:00", "12:00"], ["13:00", "16:00"]], ...}: each weekday's open intervals
    with the breaks taken out (Monday "0"), as stored in visit_policy.week."""
    week: dict[str, list[list[str]]] = {}
    for hours_ in hours:
        intervals, start = [], hours_["open"]
        for pause in sorted(hours_["breaks"], key=lambda x: x["start"]):
            intervals.append([start, pause["start"]])
            start = pause["end"]
        intervals.append([start, hours_["close"]])
        for day in hours_["days"]:
            week[str(WEEKDAYS.index(day))] = [[_clock(a), _clock(b)] for a, b in intervals]
    return dict(sorted(week.items()))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# ---------------------------------------------------------------------------------------
# Writing

def _set(obj, values: dict) -> None:
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)


def _upsert_document_types(session: Session, types: dict[str, dict]) -> None:
    existing = {d.code: d for d in session.scalars(select(DocumentType))}
    for code, data in types.items():
        row = existing.get(code) or DocumentType(code=code)
        _set(row, {k: data[k] for k in ("name_id", "name_en", "validity_days")})
        session.add(row)


def _upsert_standards(session: Session, standards: dict[str, dict]) -> None:
    """The standards of this load as written (positions in load order); others stay."""
    existing = {s.code: s for s in session.scalars(select(ServiceStandard))}
    for position, (code, data) in enumerate(standards.items()):
        row = existing.get(code) or ServiceStandard(code=code)
        _set(row, {"position": position, "data": _json_ready(data)})
        session.add(row)


def _json_ready(value):
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return _plain(value)


def _service_values(std: dict, offer: dict, agency: Agency, position: int) -> dict:
    values = {
        "standard_code": std["code"],
        "agency": agency,
        "position": position,
        "active": True,
        "name_id": std["name_id"], "name_en": std["name_en"],
        "description_id": std["description_id"], "description_en": std["description_en"],
        "procedure": [dict(s) for s in std["procedure"]],
        "sla_days": offer.get("sla_days", std["sla_days"]),
        "fee": offer.get("fee", std["fee"]),
        "fee_note_id": offer.get("fee_note_id", std.get("fee_note_id", "")),
        "fee_note_en": offer.get("fee_note_en", std.get("fee_note_en", "")),
        "product_id": std["product_id"], "product_en": std["product_en"],
        "delivery": std["delivery"],
        "legal_basis": std.get("legal_basis", ""),
        "visit_minutes": visit_minutes(std, offer),
        "visit_after": std.get("visit_after", DEFAULT_VISIT_AFTER),
        "overrides": {k: v for k, v in offer.items() if k != "standard"},
    }
    words = [std["code"], std["name_id"], std["name_en"], std["description_id"],
             std["description_en"], std["product_id"], std["product_en"], agency.name,
             agency.kind, *(r["title_id"] for r in std["requirements"]),
             *(r["title_en"] for r in std["requirements"])]
    values["search_text"] = " ".join(words).lower()
    return values


_VALIDATION_KEYS = ("min_length", "max_length", "pattern", "min", "max", "choices")


def _sync_children(existing: list, items: list[dict], key: str, make, values) -> list:
    """Update rows matched by key, add new ones, drop the rest; return the new ordered list."""
    by_key = {getattr(row, key): row for row in existing}
    out = []
    for position, item in enumerate(items):
        row = by_key.get(item[key]) or make(item[key])
        _set(row, {**values(item), "position": position})
        out.append(row)
    return out


def _upsert_holidays(session: Session, mpp_id: int | None, days: dict[dt.date, dict],
                     kind: str | None = None) -> int:
    """Make the holidays of one scope (national: mpp_id None) exactly `days`."""
    scope = Holiday.mpp_id.is_(None) if mpp_id is None else Holiday.mpp_id == mpp_id
    existing = {h.day: h for h in session.scalars(select(Holiday).where(scope))}
    for day, data in days.items():
        row = existing.pop(day, None) or Holiday(mpp_id=mpp_id, day=day)
        _set(row, {"kind": kind or data["kind"], "name_id": data["name_id"],
                   "name_en": data["name_en"]})
        session.add(row)
    for row in existing.values():
        session.delete(row)
    return len(days)


def _upsert_visits(session: Session, mpp: Mpp, data: dict | None, summary: LoadSummary
                   ) -> None:
    """The MPP's visit policy and counters (None: it takes no bookings)."""
    policy = session.get(VisitPolicy, mpp.id)
    counters = {c.code: c for c in session.scalars(select(Counter).where(
        Counter.mpp_id == mpp.id).options(selectinload(Counter.services)))}
    if data is None:
        if policy is not None:
            session.delete(policy)
        for counter in counters.values():
            counter.active = False
        return
    if policy is None:
        policy = VisitPolicy(mpp_id=mpp.id)
        session.add(policy)
    _set(policy, {"slot_minutes": data["slot_minutes"],
                  "window_min_days": data["booking_window"]["min_days"],
                  "window_max_days": data["booking_window"]["max_days"],
                  "max_open_bookings": data["max_open_bookings"],
                  "cancel_hold_minutes": data["cancel_hold_minutes"],
                  "week": opening_intervals(data["hours"])})
    agencies = {a.code: a for a in mpp.agencies}
    services = {(s.agency_id, s.standard_code): s for s in session.scalars(
        select(Service).join(Agency).where(Agency.mpp_id == mpp.id, Service.active.is_(True)))}
    listed = set()
    for position, c in enumerate(data["counters"]):
        agency = agencies[c["agency"]]
        counter = counters.get(c["code"]) or Counter(code=c["code"], mpp_id=mpp.id)
        _set(counter, {"agency_id": agency.id, "name": c["name"], "desks": c["desks"],
                       "share_online": c["share"]["online"],
                       "share_walk_in": c["share"]["walk_in"],
                       "share_assisted": c["share"]["assisted"], "position": position,
                       "active": True})
        standards = c.get("services") or [s.standard_code for s in agency.services
                                          if s.active]
        wanted = [services[(agency.id, code)] for code in standards]
        if [s.id for s in counter.services] != [s.id for s in wanted]:
            counter.services = wanted
        session.add(counter)
        listed.add(c["code"])
        summary.counters += 1
    for code, counter in counters.items():
        if code not in listed:
            counter.active = False


def _upsert_service(service: Service, std: dict) -> None:
    service.fields = _sync_children(
        service.fields, std["fields"], "key", lambda k: ServiceField(key=k),
        lambda f: {
            "type": f["type"], "label_id": f["label_id"], "label_en": f["label_en"],
            "required": f["required"], "profile_key": f.get("profile_key"),
            "help_id": f.get("help_id", ""), "help_en": f.get("help_en", ""),
            "validation": {k: f[k] for k in _VALIDATION_KEYS if k in f},
        })
    service.requirements = _sync_children(
        service.requirements, std["requirements"], "code", lambda c: Requirement(code=c),
        lambda r: {
            "document_type": r["document_type"], "title_id": r["title_id"],
            "title_en": r["title_en"], "required": r["required"], "formats": list(r["formats"]),
            "notes_id": r.get("notes_id", ""), "notes_en": r.get("notes_en", ""),
        })


def _upsert_mpp(session: Session, data: dict, standards: dict[str, dict],
                summary: LoadSummary) -> Mpp:
    mpp = session.scalars(select(Mpp).where(Mpp.code == data["code"]).options(
        selectinload(Mpp.agencies).selectinload(Agency.services))).one_or_none()
    if mpp is None:
        mpp = Mpp(code=data["code"])
        session.add(mpp)
    _set(mpp, {
        "name": data["name"], "city": data["city"], "province": data["province"],
        "address": data.get("address", ""), "status": data["status"],
        "opened_on": data.get("opened_on"), "ref_prefix": data["ref_prefix"],
        "hours_id": data.get("hours_id", ""), "hours_en": data.get("hours_en", ""),
    })
    agencies = {a.code: a for a in mpp.agencies}
    services = {s.code: s for s in session.scalars(
        select(Service).join(Agency).where(Agency.mpp_id == mpp.id)
        .options(selectinload(Service.fields), selectinload(Service.requirements)))
    } if mpp.id else {}
    kept_agencies = []
    offered_codes = set()
    for a_pos, a_data in enumerate(data["agencies"]):
        agency = agencies.get(a_data["code"]) or Agency(code=a_data["code"], mpp=mpp)
        _set(agency, {"kind": a_data["kind"], "name": a_data["name"],
                      "counter": a_data.get("counter", ""), "position": a_pos,
                      "listed": True})
        kept_agencies.append(agency)
        summary.agencies += 1
        for s_pos, offer in enumerate(a_data["services"]):
            std = standards[offer["standard"]]
            code = f"{mpp.code}.{std['code']}"
            offered_codes.add(code)
            service = services.get(code) or Service(code=code)
            _set(service, _service_values(std, offer, agency, s_pos))
            _upsert_service(service, std)
            session.add(service)
            summary.services += 1
    # An agency that left the MPP keeps its rows (applications cite them) but offers nothing.
    for code, service in services.items():
        if code not in offered_codes and service.active:
            service.active = False
            summary.deactivated += 1
    for agency in mpp.agencies:
        if agency not in kept_agencies:
            if agency.listed:
                agency.listed = False
            kept_agencies.append(agency)
    mpp.agencies = kept_agencies
    summary.mpps += 1
    return mpp


def catalog_digest(session: Session) -> str:
    """A hash of everything the catalog API can show, to know whether a load changed it."""
    h = hashlib.sha256()

    def feed(rows, columns):
        for row in rows:
            h.update(json.dumps([_plain(getattr(row, c)) for c in columns],
                                sort_keys=True, ensure_ascii=False).encode())

    feed(session.scalars(select(DocumentType).order_by(DocumentType.code)),
         ("code", "name_id", "name_en", "validity_days"))
    mpp_cols = [c.key for c in Mpp.__table__.columns]
    feed(session.scalars(select(Mpp).order_by(Mpp.code)), mpp_cols)
    feed(session.scalars(select(Holiday).order_by(Holiday.mpp_id.nulls_first(), Holiday.day)),
         [c.key for c in Holiday.__table__.columns if c.key != "id"])
    feed(session.scalars(select(VisitPolicy).order_by(VisitPolicy.mpp_id)),
         [c.key for c in VisitPolicy.__table__.columns])
    feed(session.scalars(select(CounterService).order_by(CounterService.counter_id,
                                                         CounterService.service_id)),
         ("counter_id", "service_id"))
    feed(session.scalars(select(ServiceStandard).order_by(ServiceStandard.code)),
         ("code", "position", "data"))
    for model in (Agency, Service, ServiceField, Requirement, Counter):
        cols = [c.key for c in model.__table__.columns]
        feed(session.scalars(select(model).order_by(model.id)), cols)
    return h.hexdigest()


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def get_meta(session: Session) -> CatalogMeta:
    meta = session.get(CatalogMeta, 1)
    if meta is None:
        meta = CatalogMeta(id=1, version=0, content_hash="")
        session.add(meta)
        session.flush()
    return meta


def load_catalog(paths: Iterable[str | Path], session: Session) -> LoadSummary:
    """Validate every file, then upsert everything. Raises CatalogLoadError, writing nothing."""
    files = catalog_files(paths)
    if not files:
        raise CatalogLoadError([CatalogError(", ".join(map(str, paths)), "",
                                             "no .yaml, .yml or .json file found")])
    docs, errors = read_documents(files)
    if errors:
        parsed, more = validate_documents(docs, session)
        raise CatalogLoadError(errors + more)
    return load_documents(docs, session)


def load_documents(docs: list[tuple[str, Any]], session: Session, *,
                   known_types_from_db: bool = True, now: dt.datetime | None = None
                   ) -> LoadSummary:
    """Validate documents (a file's name and its data), then upsert everything; raises
    CatalogLoadError, writing nothing. `flask catalog load` and a draft's publication both
    come here: one set of rules, one way of writing."""
    parsed, errors = validate_documents(docs, session,
                                        known_types_from_db=known_types_from_db)
    if errors:
        raise CatalogLoadError(errors)
    now = now or utcnow()
    summary = LoadSummary(files=[name for name, _ in docs],
                          document_types=len(parsed.document_types),
                          standards=len(parsed.standards))
    before = standards_in_force(session)
    # Autoflush off while rows are half-built; one flush at the end.
    with session.no_autoflush:
        _upsert_document_types(session, parsed.document_types)
        _upsert_standards(session, parsed.standards)
        session.flush()
        if parsed.holidays is not None:
            summary.holidays += _upsert_holidays(session, None, parsed.holidays)
        for _file, mpp in parsed.mpps:
            row = _upsert_mpp(session, mpp, parsed.standards, summary)
            session.flush()
            summary.holidays += _upsert_holidays(
                session, row.id, {d["date"]: d for d in mpp["holidays"]}, kind="local")
            _upsert_visits(session, row, mpp.get("visits"), summary)
            session.flush()
    meta = get_meta(session)
    digest = catalog_digest(session)
    if digest != meta.content_hash:
        meta.version += 1
        meta.content_hash = digest
        meta.updated_at = now
        summary.changed = True
    session.flush()
    summary.version = meta.version
    _keep_versions(session, before, standards_in_force(session), meta.version, now)
    session.flush()
    return summary


# ---------------------------------------------------------------------------------------
# The standard an application was made under (migration 0020)

def service_standard(service: Service) -> dict:
    """A service's whole standard as the citizen and the officer see it, as plain data."""
    return {
        "code": service.code, "name_id": service.name_id, "name_en": service.name_en,
        "description_id": service.description_id, "description_en": service.description_en,
        "procedure": [dict(s) for s in service.procedure], "sla_days": service.sla_days,
        "fee": service.fee, "fee_note_id": service.fee_note_id,
        "fee_note_en": service.fee_note_en, "product_id": service.product_id,
        "product_en": service.product_en, "delivery": service.delivery,
        "legal_basis": service.legal_basis, "visit_minutes": service.visit_minutes,
        "visit_after": service.visit_after, "active": service.active,
        "fields": [{"key": f.key, "type": f.type, "label_id": f.label_id,
                    "label_en": f.label_en, "required": f.required,
                    "profile_key": f.profile_key, "help_id": f.help_id, "help_en": f.help_en,
                    "validation": dict(f.validation or {})} for f in service.fields],
        "requirements": [{"code": r.code, "document_type": r.document_type,
                          "title_id": r.title_id, "title_en": r.title_en,
                          "required": r.required, "formats": list(r.formats),
                          "notes_id": r.notes_id, "notes_en": r.notes_en}
                         for r in service.requirements],
    }


def standards_in_force(session: Session) -> dict[str, dict]:
    services = session.scalars(select(Service).options(
        selectinload(Service.fields), selectinload(Service.requirements)))
    return {s.code: service_standard(s) for s in services}


def _keep_versions(session: Session, before: dict[str, dict], after: dict[str, dict],
                   version: int, now: dt.datetime) -> None:
    """For each service whose standard changed: close the version in force (writing the one
    before, since ever, if none was kept yet) and open the new one."""
    changed = [code for code, std in after.items() if code in before and before[code] != std]
    if not changed:
        return
    open_rows = {row.service_code: row for row in session.scalars(
        select(ServiceStandardVersion).where(ServiceStandardVersion.service_code.in_(changed),
                                             ServiceStandardVersion.valid_to.is_(None)))}
    for code in changed:
        row = open_rows.get(code)
        if row is None:
            row = ServiceStandardVersion(service_code=code, catalog_version=version - 1,
                                         valid_from=None, standard=before[code])
            session.add(row)
        row.valid_to = now
        session.add(ServiceStandardVersion(service_code=code, catalog_version=version,
                                           valid_from=now, valid_to=None,
                                           standard=after[code]))
