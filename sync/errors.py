"""The two kinds of failure in sync, each with a stable code the PWA translates.

- `SyncError`: the request as a whole is refused (HTTP 400, 403, 409, 413). Nothing in the
  refused part is applied; the server maps it to its one error shape
  `{"error": {"code", "message", "details"}}` with `to_body(language)`.
- `Rejection`: one mutation (or one officer action) is refused for a domain reason. In a
  push it is not a transport failure: its effects roll back and its result is stored and
  returned with status "rejected" (sync-protocol.md, "Push").

Every code and its two messages are listed here once (`REJECTIONS`), so docs and tests can
enumerate them and a translator has one place to look. Messages may name values from
`details` with `{name}` placeholders.
"""
from __future__ import annotations

from typing import Any

from .rules import RuleError

LANGUAGES = ("id", "en")


class SyncError(Exception):
    """A request-level failure: HTTP `status`, stable `code`, messages in both languages."""

    def __init__(self, status: int, code: str, message_id: str, message_en: str,
                 details: dict[str, Any] | None = None):
        super().__init__(f"{status} {code}: {message_en}")
        self.status = status
        self.code = code
        self.message_id = message_id
        self.message_en = message_en
        self.details = details if details is not None else {}

    def message(self, language: str = "id") -> str:
        return self.message_en if language == "en" else self.message_id

    def to_body(self, language: str = "id") -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message(language),
                          "details": self.details}}


def bad_protocol(got: Any, supported: tuple[int, ...]) -> SyncError:
    versions = ", ".join(map(str, supported))
    return SyncError(
        400, "bad_protocol",
        f"Versi protokol sinkronisasi {got!r} tidak didukung. Versi yang didukung: {versions}. "
        "Perbarui aplikasi.",
        f"Sync protocol version {got!r} is not supported. Supported versions: {versions}. "
        "Update the app.",
        {"supported": list(supported), "got": got if isinstance(got, (int, str)) else None})


def invalid_request(problems: list[dict[str, str]]) -> SyncError:
    """`problems`: [{"path": "mutations[2].id", "problem": "..."}], in English for developers."""
    return SyncError(400, "invalid_request",
                     "Permintaan sinkronisasi tidak sah. Lihat rinciannya.",
                     "The sync request is not valid. See the details.",
                     {"problems": problems})


def client_group_forbidden() -> SyncError:
    return SyncError(403, "client_group_forbidden",
                     "Perangkat ini terdaftar untuk akun lain. Keluar lalu masuk kembali.",
                     "This device is registered to another account. Sign out and in again.")


def mutation_gap(last_mutation_id: int, got: int) -> SyncError:
    return SyncError(409, "mutation_gap",
                     "Urutan perubahan terputus. Aplikasi akan mengirim ulang dari perubahan "
                     f"nomor {last_mutation_id + 1}.",
                     f"Changes arrived out of order. The app resends from change number "
                     f"{last_mutation_id + 1}.",
                     {"last_mutation_id": last_mutation_id, "got": got})


def batch_too_large(count: int, limit: int) -> SyncError:
    return SyncError(413, "batch_too_large",
                     f"Terlalu banyak perubahan dalam satu kiriman ({count}; paling banyak "
                     f"{limit}).",
                     f"Too many changes in one push ({count}; at most {limit}).",
                     {"count": count, "max_mutations": limit})


# --------------------------------------------------------------------------------------
# Domain rejections

REJECTIONS: dict[str, tuple[str, str]] = {
    # the envelope was readable, the rest was not
    "unknown_mutation": (
        "Jenis perubahan '{name}' tidak dikenal server ini. Perbarui aplikasi.",
        "The server does not know the change '{name}'. Update the app."),
    "invalid_args": (
        "Isi perubahan tidak sah. Lihat rinciannya.",
        "The change's arguments are not valid. See the details."),
    "args_too_large": (
        "Isi perubahan terlalu besar.",
        "The change's arguments are too large."),
    # applications
    "service_not_found": (
        "Layanan tidak ditemukan.",
        "No such service."),
    "service_unavailable": (
        "Layanan ini tidak lagi menerima permohonan baru.",
        "This service no longer takes new applications."),
    "application_id_unavailable": (
        "Nomor pengenal permohonan ini tidak dapat dipakai. Buat permohonan baru.",
        "This application id cannot be used. Start a new application."),
    "application_not_found": (
        "Permohonan tidak ditemukan.",
        "No such application."),
    "application_locked": (
        "Permohonan tidak dapat diubah saat berstatus '{state}'.",
        "The application cannot be changed while it is '{state}'."),
    "unknown_fields": (
        "Formulir layanan ini tidak memiliki isian: {keys}.",
        "This service's form has no field: {keys}."),
    "invalid_field_values": (
        "Ada isian yang tidak sah. Lihat rinciannya.",
        "Some values are not valid. See the details."),
    "requirement_not_found": (
        "Persyaratan '{requirement_code}' tidak ada pada layanan ini.",
        "This service has no requirement '{requirement_code}'."),
    "incomplete": (
        "Permohonan belum lengkap. Lengkapi isian dan dokumen yang ditandai.",
        "The application is incomplete. Complete the marked fields and documents."),
    "invalid_transition": (
        "Permohonan berstatus '{state}' tidak dapat diubah menjadi '{to}'.",
        "An application that is '{state}' cannot become '{to}'."),
    "not_discardable": (
        "Hanya draf yang belum pernah diajukan yang dapat dihapus.",
        "Only a draft that was never submitted can be discarded."),
    # documents
    "document_not_found": (
        "Dokumen tidak ditemukan.",
        "No such document."),
    "document_not_ready": (
        "Dokumen belum selesai diunggah.",
        "The document has not finished uploading."),
    "document_invalid": (
        "Berkas dokumen tidak dapat dipakai: {reason}",
        "The document file cannot be used: {reason}"),
    "document_type_mismatch": (
        "Jenis dokumen ({actual}) tidak sesuai dengan persyaratan ({expected}).",
        "The document type ({actual}) does not match the requirement ({expected})."),
    "document_format_not_allowed": (
        "Format berkas tidak diterima untuk persyaratan ini (diterima: {allowed}).",
        "This file format is not accepted for this requirement (accepted: {allowed})."),
    "document_expired": (
        "Dokumen sudah kedaluwarsa sejak {expires_on}. Unggah yang baru.",
        "The document expired on {expires_on}. Upload a new one."),
    "document_already_rejected": (
        "Dokumen ini sudah ditolak petugas untuk persyaratan ini. Unggah dokumen yang baru.",
        "An officer already rejected this document for this requirement. Upload a new one."),
    # officer actions (the officer console shows these)
    "requirement_has_no_document": (
        "Belum ada dokumen untuk persyaratan ini.",
        "There is no document for this requirement."),
    "not_in_review": (
        "Permohonan harus dalam verifikasi.",
        "The application must be in review."),
    "note_required": (
        "Tuliskan alasannya untuk pemohon.",
        "Write the reason for the applicant."),
    "requirements_not_accepted": (
        "Masih ada persyaratan yang belum diterima: {requirements}.",
        "Some requirements are not accepted yet: {requirements}."),
    "nothing_to_revise": (
        "Tandai persyaratan yang ditolak atau tuliskan catatan perbaikan.",
        "Reject a requirement or write a note saying what to revise."),
    "discrepancy_not_found": (
        "Tidak ada perbedaan data pada isian ini.",
        "There is no discrepancy on this field."),
    "stale": (
        "Permohonan sudah diubah sejak Anda membukanya (versi {version}). Periksa data "
        "terbaru lalu ulangi.",
        "The application changed since you opened it (version {version}). Check the latest "
        "data and try again."),
    "ticket_invalid": (
        "Kode tiket tidak berlaku untuk permohonan ini.",
        "The ticket code is not valid for this application."),
}


class Rejection(Exception):
    """A domain refusal of one mutation or officer action; stored as its result."""

    def __init__(self, code: str, message_id: str, message_en: str,
                 details: dict[str, Any] | None = None):
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_id = message_id
        self.message_en = message_en
        self.details = details if details is not None else {}

    def to_dict(self) -> dict[str, Any]:
        """The stored/pulled error: `message` in Bahasa Indonesia (the default language),
        `message_en` beside it, `details` per code (see docs/sync-protocol.md)."""
        return {"code": self.code, "message": self.message_id, "message_en": self.message_en,
                "details": self.details}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def reject(code: str, **details: Any) -> Rejection:
    """The Rejection for `code`, its messages filled from `details`."""
    message_id, message_en = REJECTIONS[code]
    params = _Blank({k: _text(v) for k, v in details.items()})
    return Rejection(code, message_id.format_map(params), message_en.format_map(params),
                     details)


def rule_problem(error: RuleError) -> dict[str, str]:
    """A `sync.rules.RuleError` as one entry of a per-field problem list."""
    return {"code": error.code, "message": error.message_id, "message_en": error.message_en}
