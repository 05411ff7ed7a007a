"""The officer's review payload gets, on each identity document, what the NIK check found
(server/review/operations.describe calls `add_nik_checks`)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import DocumentCheck
from .reading import tesseract_available
from .results import IDENTITY_TYPES, compare


def add_nik_checks(session: Session, values: Mapping[str, Any], form: Iterable[Any],
                   requirements: list[dict[str, Any]]) -> None:
    """Set `nik_check` on each requirement dict holding an identity document."""
    form = list(form)
    wanted = {r["document"]["id"]: r for r in requirements
              if r.get("document") and r.get("document_type") in IDENTITY_TYPES}
    if not wanted:
        return
    checks = {c.document_id: c for c in session.scalars(
        select(DocumentCheck).where(DocumentCheck.document_id.in_(list(wanted))))}
    ocr_here = tesseract_available()
    for document_id, requirement in wanted.items():
        requirement["nik_check"] = compare(checks.get(document_id), form, values,
                                           ocr_here=ocr_here)
