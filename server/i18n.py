"""User-facing messages, Bahasa Indonesia first, English second.

One catalog for every message the API returns, so a client can show `message` as it is and
a translator has one place to look. The language comes from `Accept-Language`.
"""
from __future__ import annotations

from flask import has_request_context, request

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

MESSAGES: dict[str, dict[str, str]] = {
    "bad_request": {
        "id": "Permintaan tidak dapat diproses.",
        "en": "The request could not be processed.",
    },
    "invalid_json": {
        "id": "Isi permintaan bukan JSON yang sah.",
        "en": "The request body is not valid JSON.",
    },
    "validation_failed": {
        "id": "Ada data yang tidak sah. Lihat rinciannya.",
        "en": "Some values are not valid. See the details.",
    },
    "unknown_parameter": {
        "id": "Parameter tidak dikenal: {names}.",
        "en": "Unknown parameter: {names}.",
    },
    "unauthorized": {
        "id": "Silakan masuk terlebih dahulu.",
        "en": "Please sign in first.",
    },
    "forbidden": {
        "id": "Anda tidak berhak melakukan ini.",
        "en": "You are not allowed to do this.",
    },
    "not_found": {
        "id": "Data yang diminta tidak ditemukan.",
        "en": "The requested item was not found.",
    },
    "mpp_not_found": {
        "id": "MPP dengan kode '{code}' tidak ditemukan.",
        "en": "No MPP with code '{code}'.",
    },
    "service_not_found": {
        "id": "Layanan dengan kode '{code}' tidak ditemukan.",
        "en": "No service with code '{code}'.",
    },
    "agency_not_found": {
        "id": "Instansi '{code}' tidak ditemukan di MPP ini.",
        "en": "No agency '{code}' in this MPP.",
    },
    "method_not_allowed": {
        "id": "Metode {method} tidak didukung untuk alamat ini.",
        "en": "Method {method} is not supported here.",
    },
    "conflict": {
        "id": "Data telah berubah. Muat ulang lalu coba lagi.",
        "en": "The data has changed. Reload and try again.",
    },
    "payload_too_large": {
        "id": "Isi permintaan terlalu besar (maksimal {limit}).",
        "en": "The request body is too large (at most {limit}).",
    },
    "unsupported_media_type": {
        "id": "Jenis isi permintaan tidak didukung; kirim application/json.",
        "en": "Unsupported content type; send application/json.",
    },
    "too_many_requests": {
        "id": "Terlalu banyak permintaan. Coba lagi nanti.",
        "en": "Too many requests. Try again later.",
    },
    "internal_error": {
        "id": "Terjadi kesalahan di server. Data Anda tidak hilang; coba lagi sebentar lagi.",
        "en": "Something went wrong on the server. Nothing you sent was lost; try again shortly.",
    },
    "service_unavailable": {
        "id": "Layanan sedang tidak tersedia. Coba lagi sebentar lagi.",
        "en": "The service is unavailable. Try again shortly.",
    },
}


def current_language() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE
    best = request.accept_languages.best_match(LANGUAGES)
    return best or DEFAULT_LANGUAGE


def translate(key: str, lang: str | None = None, /, **params) -> str:
    entry = MESSAGES.get(key) or MESSAGES["bad_request"]
    text = entry[lang or current_language()]
    return text.format(**params) if params else text
