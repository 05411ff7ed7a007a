"""Reasons an officer picks when rejecting a requirement's document: defined once, in both
languages, so the console offers the same words at every counter and the citizen reads a
sentence an officer did not have to type.

`COMMON` apply to every document type; `BY_DOCUMENT_TYPE` adds the ones that only make
sense for one type (a passport photo's background, an old family card). A rejection stores
the Indonesian text (what the citizen reads) plus the officer's free text, and journals the
reason's code.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    code: str
    label_id: str
    label_en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label_id": self.label_id, "label_en": self.label_en}


COMMON: tuple[Reason, ...] = (
    Reason("blurry", "Foto buram", "Blurry photo"),
    Reason("illegible", "Tidak terbaca", "Illegible"),
    Reason("incomplete", "Dokumen terpotong atau tidak lengkap",
           "Document cut off or incomplete"),
    Reason("expired", "Dokumen kedaluwarsa", "Expired document"),
    Reason("wrong_document", "Bukan dokumen yang diminta", "Not the requested document"),
    Reason("name_mismatch", "Nama tidak sesuai dengan data permohonan",
           "Name does not match the application"),
    Reason("not_original", "Bukan foto dari dokumen asli (fotokopi atau hasil cetak)",
           "Not a photo of the original (a photocopy or printout)"),
)

BY_DOCUMENT_TYPE: dict[str, tuple[Reason, ...]] = {
    "ktp": (Reason("nik_mismatch", "NIK tidak sesuai dengan data permohonan",
                   "The NIK does not match the application"),),
    "kk": (Reason("kk_outdated", "Kartu Keluarga bukan versi terbaru",
                  "Not the latest family card"),
           Reason("member_missing", "Pemohon tidak tercantum di Kartu Keluarga",
                  "The applicant is not on the family card")),
    "pas_foto": (Reason("photo_background", "Latar belakang foto tidak sesuai ketentuan",
                        "The photo background does not meet the rules"),
                 Reason("photo_old", "Foto lebih dari 6 bulan atau wajah tidak jelas",
                        "Photo older than 6 months or face not clear")),
    "surat_kuasa": (Reason("unsigned", "Belum ditandatangani atau tanpa meterai",
                           "Not signed or without a duty stamp"),),
    "sptjm": (Reason("unsigned", "Belum ditandatangani atau tanpa meterai",
                     "Not signed or without a duty stamp"),),
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
    return f"{reason.label_id}: {free_text}" if free_text else reason.label_id
