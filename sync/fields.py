"""Form values checked against the service's form schema (FieldSpec), and what is missing at
submit.

A value is normalised before it is stored: strings trimmed, an empty string means "clear
the field" (stored as absent), a NIK without spaces, a phone as +628... (sync.rules, the one
source of truth for NIK and phone rules). Each problem has a stable code the PWA translates.

The applicant's NIK (the field whose profile_key is "nik") is cross-checked against the
birth date and sex given in the same form (fields with profile_key birth_date and sex): a
NIK encodes both. When a set_fields writes that NIK, a disagreement rejects it; when it only
writes the birth date or sex, the value is kept (so a citizen can fix the fields in any
order) and submit lists the NIK as invalid until they agree.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from . import rules
from .errors import reject, rule_problem
from .model import ACCEPTED, REJECTED, Application, FieldSpec, ServiceSpec

DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 2000, "address": 500, "email": 254}
MULTILINE_TYPES = ("textarea", "address")
TEXT_TYPES = ("text", "textarea", "address", "email")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f]")
MIN_YEAR, MAX_YEAR = 1900, 2100

# A value's problems, by code (their words: server/i18n.py, "problem.<code>"; `n` fills {n}).
PROBLEM_CODES: tuple[str, ...] = (
    "wrong_type", "control_characters", "too_short", "too_long", "pattern_mismatch", "below_min",
    "above_max", "not_a_choice", "invalid_date", "invalid_email",
)


def published_validation(kind: str, validation: Mapping[str, Any]) -> dict[str, Any]:
    """The rules `normalise` applies to a field of this type, as data for the client to check
    the same on the phone (the service's form schema carries it as `validation`): the
    catalog's own (min_length, max_length, pattern, min, max, choices) with the defaults
    filled in (a text type's max_length, a date's min_date and max_date). The rules that are
    code (NIK, phone, email) follow from the type; sync.rules has them, the PWA its own copy,
    held equal by tests/vectors/*.json."""
    out = {k: validation[k] for k in ("min_length", "max_length", "pattern", "min", "max",
                                      "choices") if k in validation}
    if kind in DEFAULT_MAX_LENGTH:
        out.setdefault("max_length", DEFAULT_MAX_LENGTH[kind])
    if kind == "date":
        out["min_date"], out["max_date"] = f"{MIN_YEAR}-01-01", f"{MAX_YEAR}-12-31"
    return out


class FieldProblem(Exception):
    """A value's problem: a code and the parameters of its message (no text: the server's
    catalog has it)."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code, self.params = code, params

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params}


def _problem(code: str, **params: Any) -> FieldProblem:
    return FieldProblem(code, **params)


def _from_rule(error: rules.RuleError) -> FieldProblem:
    return FieldProblem(error.code)


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _number_text(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def normalise(spec: FieldSpec, value: Any) -> Any:
    """The value to store for this field, or None to clear it. Raises FieldProblem."""
    if value is None:
        return None
    kind = spec.type
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                isinstance(value, float) and not math.isfinite(value)):
            raise _problem("wrong_type")
        low, high = spec.validation.get("min"), spec.validation.get("max")
        if low is not None and value < low:
            raise _problem("below_min", n=_number_text(low))
        if high is not None and value > high:
            raise _problem("above_max", n=_number_text(high))
        return value
    if not isinstance(value, str):
        raise _problem("wrong_type")
    text = value.replace("\r\n", "\n").strip()
    if text == "":
        return None
    forbidden = _CONTROL if kind in MULTILINE_TYPES else _CONTROL_OR_NEWLINE
    if forbidden.search(text):
        raise _problem("control_characters")
    if kind == "nik":
        text = re.sub(r"[\s.\-]", "", text)
        # rules.nik_problem's \d also takes other scripts' digits: only 0-9 are stored.
        error = rules.nik_problem(text if text.isascii() else "")
        if error:
            raise _from_rule(error)
        return text
    if kind == "phone":
        phone = rules.normalise_phone(text) if text.isascii() else None
        if phone is None:
            raise _from_rule(rules.PHONE_ERROR)
        return phone
    if kind == "date":
        if not DATE_RE.match(text):
            raise _problem("invalid_date")
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise _problem("invalid_date") from None
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise _problem("invalid_date")
        return text
    if kind == "choice":
        if text not in spec.choice_values:
            raise _problem("not_a_choice")
        return text
    # text, textarea, address, email
    low = spec.validation.get("min_length")
    high = spec.validation.get("max_length", DEFAULT_MAX_LENGTH.get(kind, 200))
    if low is not None and len(text) < low:
        raise _problem("too_short", n=low)
    if len(text) > high:
        raise _problem("too_long", n=high)
    pattern = spec.validation.get("pattern")
    if pattern and not _compiled(pattern).fullmatch(text):
        raise _problem("pattern_mismatch")
    if kind == "email" and not EMAIL_RE.match(text):
        raise _problem("invalid_email")
    return text


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _date_or_none(value: Any) -> dt.date | None:
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def nik_mismatch(service: ServiceSpec, values: Mapping[str, Any]
                 ) -> tuple[str, rules.RuleError] | None:
    """(nik field key, problem) if the applicant's NIK disagrees with the form's birth date or
    sex; None if it agrees, or if the form has no such fields or they are empty."""
    nik_field = service.field_with_profile_key("nik")
    if nik_field is None or nik_field.type != "nik" or is_empty(values.get(nik_field.key)):
        return None
    birth_field = service.field_with_profile_key("birth_date")
    sex_field = service.field_with_profile_key("sex")
    birth = _date_or_none(values.get(birth_field.key)) if birth_field else None
    sex = values.get(sex_field.key) if sex_field else None
    error = rules.nik_problem(values[nik_field.key], birth, sex if sex in ("L", "P") else None)
    return (nik_field.key, error) if error else None


def validate_updates(service: ServiceSpec, current: Mapping[str, Any],
                     updates: Mapping[str, Any]) -> dict[str, Any]:
    """Normalised `updates` for an application whose fields are `current`, or a Rejection:
    `unknown_fields` (details.keys) or `invalid_field_values` (details.fields: {key: problem})."""
    unknown = sorted(k for k in updates if service.field(k) is None)
    if unknown:
        raise reject("unknown_fields", keys=unknown)
    normalised: dict[str, Any] = {}
    problems: dict[str, dict[str, str]] = {}
    for key, value in updates.items():
        spec = service.field(key)
        assert spec is not None  # unknown keys were refused above
        try:
            normalised[key] = normalise(spec, value)
        except FieldProblem as problem:
            problems[key] = problem.to_dict()
    nik_field = service.field_with_profile_key("nik")
    if not problems and nik_field is not None and nik_field.key in updates:
        merged = {**current, **normalised}
        mismatch = nik_mismatch(service, merged)
        if mismatch:
            problems[mismatch[0]] = rule_problem(mismatch[1])
    if problems:
        raise reject("invalid_field_values", fields=problems)
    return normalised


def submit_problems(service: ServiceSpec, application: Application,
                    document_problem: Callable[[str, str], str | None]) -> dict[str, Any] | None:
    """What stops a submit, or None. `document_problem(requirement_code, document_id)` says
    why an attached document cannot be used now (a rejection code), or None.

    Returns {"missing_fields": [keys], "invalid_fields": {key: problem},
             "missing_requirements": [{"code", "reason"}]}.
    """
    missing_fields = [f.key for f in service.fields
                      if f.required and is_empty(application.fields.get(f.key))]
    invalid: dict[str, dict[str, str]] = {}
    for f in service.fields:
        value = application.fields.get(f.key)
        if is_empty(value):
            continue
        try:
            normalise(f, value)
        except FieldProblem as problem:
            invalid[f.key] = problem.to_dict()
    if not invalid:
        mismatch = nik_mismatch(service, application.fields)
        if mismatch:
            invalid[mismatch[0]] = rule_problem(mismatch[1])
    missing_requirements = []
    for spec in service.requirements:
        row = application.requirements.get(spec.code)
        if row is None or row.document_id is None:
            if spec.required:
                missing_requirements.append({"code": spec.code, "reason": "no_document"})
            continue
        document_id = row.document_id
        if row.review_status == REJECTED:
            missing_requirements.append({"code": spec.code, "reason": "document_rejected"})
            continue
        if row.review_status == ACCEPTED:
            continue  # accepted by an officer: it stays good for this application
        reason = document_problem(spec.code, document_id)
        if reason:
            missing_requirements.append({"code": spec.code, "reason": reason})
    if missing_fields or invalid or missing_requirements:
        return {"missing_fields": missing_fields, "invalid_fields": invalid,
                "missing_requirements": missing_requirements}
    return None

