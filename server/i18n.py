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
    "too_many_requests_wait": {
        "id": "Terlalu banyak percobaan. Coba lagi dalam {seconds} detik.",
        "en": "Too many attempts. Try again in {seconds} seconds.",
    },
    "invalid_phone": {
        "id": "Nomor HP tidak sah. Tulis seperti 0812 3456 7890.",
        "en": "Not a valid mobile number. Write it like 0812 3456 7890.",
    },
    "otp_sent": {
        "id": "Kode masuk Sekali Datang: {code}. Berlaku {minutes} menit. Jangan berikan kode "
              "ini kepada siapa pun, termasuk petugas.",
        "en": "Sekali Datang sign-in code: {code}. Valid for {minutes} minutes. Do not share "
              "it with anyone, officers included.",
    },
    "otp_resend_wait": {
        "id": "Kode baru saja dikirim. Tunggu {seconds} detik sebelum meminta kode lagi.",
        "en": "A code was just sent. Wait {seconds} seconds before asking for another.",
    },
    "otp_delivery_failed": {
        "id": "Kode tidak dapat dikirim sekarang. Coba lagi sebentar lagi.",
        "en": "The code could not be sent right now. Try again shortly.",
    },
    "otp_format": {
        "id": "Kode masuk terdiri dari 6 angka.",
        "en": "The sign-in code has 6 digits.",
    },
    "otp_invalid": {
        "id": "Kode salah. Periksa SMS Anda dan coba lagi.",
        "en": "Wrong code. Check your message and try again.",
    },
    "otp_expired": {
        "id": "Kode sudah kedaluwarsa. Minta kode baru.",
        "en": "The code has expired. Ask for a new one.",
    },
    "otp_used": {
        "id": "Kode ini sudah dipakai atau diganti kode baru. Minta kode baru.",
        "en": "This code was already used or replaced by a newer one. Ask for a new code.",
    },
    "otp_too_many_attempts": {
        "id": "Terlalu banyak kode salah. Minta kode baru.",
        "en": "Too many wrong codes. Ask for a new code.",
    },
    "invalid_token": {
        "id": "Sesi tidak dikenal. Silakan masuk lagi.",
        "en": "Unknown session. Please sign in again.",
    },
    "session_expired": {
        "id": "Sesi Anda sudah berakhir. Silakan masuk lagi; draf Anda tetap tersimpan di HP.",
        "en": "Your session has ended. Please sign in again; your drafts are still on the phone.",
    },
    "session_revoked": {
        "id": "Perangkat ini sudah dikeluarkan. Silakan masuk lagi.",
        "en": "This device was signed out. Please sign in again.",
    },
    "session_not_found": {
        "id": "Perangkat tidak ditemukan.",
        "en": "No such device.",
    },
    "account_disabled": {
        "id": "Akun ini dinonaktifkan. Hubungi admin MPP.",
        "en": "This account is disabled. Contact the MPP administrator.",
    },
    "invalid_credentials": {
        "id": "Nama pengguna atau kata sandi salah.",
        "en": "Wrong username or password.",
    },
    "account_locked": {
        "id": "Terlalu banyak kata sandi salah. Akun dikunci {minutes} menit.",
        "en": "Too many wrong passwords. The account is locked for {minutes} minutes.",
    },
    "password_too_short": {
        "id": "Kata sandi minimal {n} karakter.",
        "en": "The password needs at least {n} characters.",
    },
    "username_taken": {
        "id": "Nama pengguna sudah dipakai.",
        "en": "That username is taken.",
    },
    "officer_scope_invalid": {
        "id": "Peran atau cakupan petugas tidak sah. Lihat rinciannya.",
        "en": "The officer's role or scope is not valid. See the details.",
    },
    "officer_not_found": {
        "id": "Petugas tidak ditemukan.",
        "en": "No such officer.",
    },
    "profile_invalid": {
        "id": "Ada data profil yang tidak sah. Lihat rinciannya.",
        "en": "Some profile values are not valid. See the details.",
    },
    "erase_not_confirmed": {
        "id": "Untuk menghapus data, kirim konfirmasi \"HAPUS\".",
        "en": "To erase your data, send the confirmation \"HAPUS\".",
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
