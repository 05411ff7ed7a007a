"""Reasons an officer picks when rejecting a requirement's document: which apply to which
document type, so the console offers the same words at every counter and the citizen reads a
sentence an officer did not have to type. The words are in the catalog (server/i18n.py,
"reason.<code>", both languages).

`COMMON` apply to every document type; `BY_DOCUMENT_TYPE` adds the ones that only make
sense for one type (a passport photo's background, an old family card). A rejection stores
the Indonesian text (what the citizen reads) plus the officer's free text, and journals the
reason's code.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import words


@dataclass(frozen=True)
class Reason:
    code: str

    def label(self, lang: str) -> str:
        return words(f"reason.{self.code}", lang)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label_id": self.label("id"), "label_en": self.label("en")}


COMMON: tuple[Reason, ...] = tuple(Reason(code) for code in (
    "blurry", "illegible", "incomplete", "expired", "wrong_document", "name_mismatch",
    "not_original"))

BY_DOCUMENT_TYPE: dict[str, tuple[Reason, ...]] = {
    "ktp": (Reason("nik_mismatch"),),
    "kk": (Reason("kk_outdated"), Reason("member_missing")),
    "pas_foto": (Reason("photo_background"), Reason("photo_old")),
    "surat_kuasa": (Reason("unsigned"),),
    "sptjm": (Reason("unsigned"),),
}


def for_document_type(document_type: str | None) -> tuple[Reason, ...]:
    """The reasons offered for a document of `document_type` (None or unknown: the common)."""
    return COMMON + BY_DOCUMENT_TYPE.get(document_type or "", ())


def find(document_type: str | None, code: str) -> Reason | None:
    return next((r for r in for_document_type(document_type) if r.code == code), None)


def note_text(reason: Reason | None, free_text: str) -> str:
    """What the citizen reads: the reason (Indonesian) and the officer's words after it."""
    free_text = free_text.strip()
    if reason is None:
        return free_text
    label = reason.label("id")
    return f"{label}: {free_text}" if free_text else label
