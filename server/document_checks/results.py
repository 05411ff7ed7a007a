"""What a done check means for one application: the scan against the form. Pure functions.

Results (advice to the officer, never a rejection):
- `match`: a NIK on the scan is one of the form's NIKs (and a KK's number is the form's);
- `mismatch`: the scan's NIK (or KK number) is not the form's, with both shown;
- `unreadable`: no NIK could be read;
- `pending`: not checked yet; `unavailable`: no OCR on this server and nothing checked.
Beside it, `nik_problem`: the scanned NIK does not fit the form's birth date or sex (or is no
valid NIK at all), by the one rule in sync/rules.py.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sync.rules import nik_problem

from ..i18n import localise_problem
from .models import DONE, READ

IDENTITY_TYPES = frozenset({"ktp", "kk", "akta_kelahiran"})
MATCH, MISMATCH, UNREADABLE_RESULT = "match", "mismatch", "unreadable"
PENDING_RESULT, UNAVAILABLE = "pending", "unavailable"


def _value(values: Mapping[str, Any], key: str | None) -> str | None:
    value = values.get(key) if key else None
    return value if isinstance(value, str) and value.strip() else None


def _field_with(form: Iterable[Any], profile_key: str):
    return next((f for f in form if getattr(f, "profile_key", None) == profile_key), None)


def form_numbers(form: Iterable[Any], values: Mapping[str, Any]
                 ) -> tuple[str | None, list[str], str | None]:
    """(the applicant's NIK, every NIK on the form, the form's KK number). `form` holds the
    service's fields (objects with key, type, profile_key: the catalog's or the engine's)."""
    form = list(form)
    applicant = _field_with(form, "nik")
    niks = [v for f in form if f.type == "nik" and (v := _value(values, f.key))]
    kk_field = _field_with(form, "kk_number") or next(
        (f for f in form if "kk" in f.key and "number" in f.key), None)
    return (_value(values, applicant.key) if applicant else None, niks,
            _value(values, kk_field.key) if kk_field else None)


def _birth_and_sex(form: list[Any], values: Mapping[str, Any]) -> tuple[dt.date | None, str | None]:
    birth_field, sex_field = _field_with(form, "birth_date"), _field_with(form, "sex")
    birth = _value(values, birth_field.key) if birth_field else None
    sex = _value(values, sex_field.key) if sex_field else None
    try:
        birth_date = dt.date.fromisoformat(birth) if birth else None
    except ValueError:
        birth_date = None
    return birth_date, sex if sex in ("L", "P") else None


def compare(check: Any | None, form: Iterable[Any], values: Mapping[str, Any], *,
            ocr_here: bool = True) -> dict[str, Any]:
    """The result for one document (`check`: a DocumentCheck row or None) on one form."""
    form = list(form)
    if check is None or check.status != DONE:
        return {"result": PENDING_RESULT if ocr_here else UNAVAILABLE}
    if check.outcome != READ or not (check.niks or check.kk_number):
        return {"result": UNREADABLE_RESULT, "detail": check.detail or ""}
    applicant, form_niks, form_kk = form_numbers(form, values)
    scan_niks = list(check.niks or [])
    out: dict[str, Any] = {"result": MATCH, "scan_nik": None, "form_nik": applicant,
                           "scan_kk": check.kk_number, "form_kk": form_kk, "nik_problem": None}
    if scan_niks:
        matched = next((n for n in scan_niks if n in form_niks), None)
        out["scan_nik"] = matched or scan_niks[0]
        if matched is None and form_niks:
            out["result"] = MISMATCH
        elif matched is not None:
            out["form_nik"] = matched
    elif check.document_type != "kk":
        return {"result": UNREADABLE_RESULT, "detail": "no_nik"}
    if check.kk_number and form_kk and check.kk_number != form_kk:
        out["result"] = MISMATCH
    if out["scan_nik"]:
        birth, sex = _birth_and_sex(form, values)
        problem = nik_problem(out["scan_nik"], birth, sex)
        if problem is not None:
            said = localise_problem({"code": problem.code})
            out["nik_problem"] = {"code": problem.code, "message_id": said["message"],
                                  "message_en": said["message_en"]}
    return out


def tells_citizen(result: Mapping[str, Any]) -> bool:
    """The citizen hears of an unreadable NIK or one that differs, to retake it at once."""
    return result.get("result") in (MISMATCH, UNREADABLE_RESULT)


def for_citizen(result: Mapping[str, Any]) -> dict[str, Any]:
    """What the citizen's notification carries: both numbers in full, since masked ones can
    look the same (1174********0001 twice) and both come from the citizen's own form and
    upload; it stays in their space (a document_check is never sent as a web push)."""
    out = {"result": result["result"]}
    if result["result"] == MISMATCH:
        scan = result.get("scan_nik") if result.get("scan_nik") != result.get("form_nik") \
            else result.get("scan_kk")
        form = result.get("form_nik") if scan == result.get("scan_nik") else result.get("form_kk")
        out.update(scan=scan or "", form=form or "")
    return out
