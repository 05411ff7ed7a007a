"""User-facing messages, Bahasa Indonesia first, English second.

One catalog for every message the server sends, so a client can show `message` as it is and
a translator has one place to look. The language comes from `Accept-Language`. Keys: an API
error's code as it is; `rejection.<code>` for a refused mutation or officer action and
`problem.<code>` for a value's problem (the sync engine returns only codes and parameters:
`localise_rejection`, `localise_problem`, `localise_sync` put them into words when the server
answers); `state.<name>`, `reason.<code>` (review reasons), `weekday.<n>` / `month.<n>`
(`day_words`). tests/unit/test_message_catalog.py reads the code for every key in use.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import has_request_context, request

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

MESSAGES: dict[str, dict[str, str]] = {
    # ---- the sync engine (sync/): a mutation's or an officer action's refusal, by code
    # (sync.errors.reject(code, **details): the details fill the placeholders)
    "rejection.unknown_mutation": {
        "id": "Jenis perubahan '{name}' tidak dikenal server ini. Perbarui aplikasi.",
        "en": "The server does not know the change '{name}'. Update the app.",
    },
    "rejection.invalid_args": {
        "id": "Isi perubahan tidak sah. Lihat rinciannya.",
        "en": "The change's arguments are not valid. See the details.",
    },
    "rejection.args_too_large": {
        "id": "Isi perubahan terlalu besar.",
        "en": "The change's arguments are too large.",
    },
    "rejection.service_not_found": {"id": "Layanan tidak ditemukan.", "en": "No such service."},
    "rejection.service_unavailable": {
        "id": "Layanan ini tidak lagi menerima permohonan baru.",
        "en": "This service no longer takes new applications.",
    },
    "rejection.application_id_unavailable": {
        "id": "Nomor pengenal permohonan ini tidak dapat dipakai. Buat permohonan baru.",
        "en": "This application id cannot be used. Start a new application.",
    },
    "rejection.application_not_found": {
        "id": "Permohonan tidak ditemukan.",
        "en": "No such application.",
    },
    "rejection.application_locked": {
        "id": "Permohonan tidak dapat diubah saat berstatus '{state}'.",
        "en": "The application cannot be changed while it is '{state}'.",
    },
    "rejection.unknown_fields": {
        "id": "Formulir layanan ini tidak memiliki isian: {keys}.",
        "en": "This service's form has no field: {keys}.",
    },
    "rejection.invalid_field_values": {
        "id": "Ada isian yang tidak sah. Lihat rinciannya.",
        "en": "Some values are not valid. See the details.",
    },
    "rejection.requirement_not_found": {
        "id": "Persyaratan '{requirement_code}' tidak ada pada layanan ini.",
        "en": "This service has no requirement '{requirement_code}'.",
    },
    "rejection.incomplete": {
        "id": "Permohonan belum lengkap. Lengkapi isian dan dokumen yang ditandai.",
        "en": "The application is incomplete. Complete the marked fields and documents.",
    },
    "rejection.invalid_transition": {
        "id": "Permohonan berstatus '{state}' tidak dapat diubah menjadi '{to}'.",
        "en": "An application that is '{state}' cannot become '{to}'.",
    },
    "rejection.not_discardable": {
        "id": "Hanya draf yang belum pernah diajukan yang dapat dihapus.",
        "en": "Only a draft that was never submitted can be discarded.",
    },
    "rejection.document_not_found": {"id": "Dokumen tidak ditemukan.", "en": "No such document."},
    "rejection.document_not_ready": {
        "id": "Dokumen belum selesai diunggah.",
        "en": "The document has not finished uploading.",
    },
    "rejection.document_invalid": {
        "id": "Berkas dokumen tidak dapat dipakai: {reason}",
        "en": "The document file cannot be used: {reason}",
    },
    "rejection.document_type_mismatch": {
        "id": "Jenis dokumen ({actual}) tidak sesuai dengan persyaratan ({expected}).",
        "en": "The document type ({actual}) does not match the requirement ({expected}).",
    },
    "rejection.document_format_not_allowed": {
        "id": "Format berkas tidak diterima untuk persyaratan ini (diterima: {allowed}).",
        "en": "This file format is not accepted for this requirement (accepted: {allowed}).",
    },
    "rejection.document_expired": {
        "id": "Dokumen sudah kedaluwarsa sejak {expires_on}. Unggah yang baru.",
        "en": "The document expired on {expires_on}. Upload a new one.",
    },
    "rejection.document_already_rejected": {
        "id": "Dokumen ini sudah ditolak petugas untuk persyaratan ini. Unggah dokumen yang baru.",
        "en": "An officer already rejected this document for this requirement. Upload a new one.",
    },
    "rejection.requirement_has_no_document": {
        "id": "Belum ada dokumen untuk persyaratan ini.",
        "en": "There is no document for this requirement.",
    },
    "rejection.not_in_review": {
        "id": "Permohonan harus dalam verifikasi.",
        "en": "The application must be in review.",
    },
    "rejection.note_required": {
        "id": "Tuliskan alasannya untuk pemohon.",
        "en": "Write the reason for the applicant.",
    },
    "rejection.requirements_not_accepted": {
        "id": "Masih ada persyaratan yang belum diterima: {requirements}.",
        "en": "Some requirements are not accepted yet: {requirements}.",
    },
    "rejection.nothing_to_revise": {
        "id": "Tandai persyaratan yang ditolak atau tuliskan catatan perbaikan.",
        "en": "Reject a requirement or write a note saying what to revise.",
    },
    "rejection.discrepancy_not_found": {
        "id": "Tidak ada perbedaan data pada isian ini.",
        "en": "There is no discrepancy on this field.",
    },
    "rejection.stale": {
        "id": "Permohonan sudah diubah sejak Anda membukanya (versi {version}). Periksa data "
              "terbaru lalu ulangi.",
        "en": "The application changed since you opened it (version {version}). Check the "
              "latest data and try again.",
    },
    "rejection.ticket_invalid": {
        "id": "Kode tiket tidak berlaku untuk permohonan ini.",
        "en": "The ticket code is not valid for this application.",
    },
    # ---- a form value's or profile value's problem (sync/fields.py, sync/rules.py)
    "problem.wrong_type": {
        "id": "Jenis isian tidak sesuai.",
        "en": "The value has the wrong type.",
    },
    "problem.control_characters": {
        "id": "Isian memuat karakter yang tidak diperbolehkan.",
        "en": "The value contains characters that are not allowed.",
    },
    "problem.too_short": {
        "id": "Isian terlalu pendek (paling sedikit {n} karakter).",
        "en": "Too short (at least {n} characters).",
    },
    "problem.too_long": {
        "id": "Isian terlalu panjang (paling banyak {n} karakter).",
        "en": "Too long (at most {n} characters).",
    },
    "problem.pattern_mismatch": {
        "id": "Format isian tidak sesuai.",
        "en": "The value is not in the expected format.",
    },
    "problem.below_min": {
        "id": "Angka paling kecil {n}.",
        "en": "The smallest allowed number is {n}.",
    },
    "problem.above_max": {
        "id": "Angka paling besar {n}.",
        "en": "The largest allowed number is {n}.",
    },
    "problem.not_a_choice": {
        "id": "Pilih salah satu pilihan yang tersedia.",
        "en": "Choose one of the options.",
    },
    "problem.invalid_date": {
        "id": "Tanggal tidak sah (format TTTT-BB-HH).",
        "en": "Not a valid date (format YYYY-MM-DD).",
    },
    "problem.invalid_email": {"id": "Alamat email tidak sah.", "en": "Not a valid email address."},
    "problem.nik_format": {"id": "NIK harus 16 angka.", "en": "A NIK has exactly 16 digits."},
    "problem.nik_region": {
        "id": "Kode wilayah pada NIK (6 angka pertama) tidak sah.",
        "en": "The region code in the NIK (first 6 digits) is not valid.",
    },
    "problem.nik_serial": {
        "id": "Nomor urut pada NIK (4 angka terakhir) tidak sah.",
        "en": "The serial number in the NIK (last 4 digits) is not valid.",
    },
    "problem.nik_birth_date": {
        "id": "Tanggal lahir pada NIK (angka 7-12) tidak sah.",
        "en": "The birth date in the NIK (digits 7-12) is not valid.",
    },
    "problem.nik_birth_date_mismatch": {
        "id": "Tanggal lahir pada NIK tidak sama dengan tanggal lahir yang diisi.",
        "en": "The birth date encoded in the NIK differs from the birth date given.",
    },
    "problem.nik_sex_mismatch": {
        "id": "NIK tidak sesuai dengan jenis kelamin yang diisi (perempuan: tanggal lahir pada "
              "NIK ditambah 40).",
        "en": "The NIK does not match the sex given (for women 40 is added to the day of birth "
              "in the NIK).",
    },
    "problem.kk_format": {
        "id": "Nomor KK harus 16 angka.",
        "en": "A KK (family card) number has exactly 16 digits.",
    },
    "problem.kk_region": {
        "id": "Kode wilayah pada nomor KK tidak sah.",
        "en": "The region code in the KK number is not valid.",
    },
    "problem.phone_format": {
        "id": "Nomor HP tidak sah. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890.",
        "en": "Not a valid mobile number. Write it like 0812 3456 7890 or +62 812 3456 7890.",
    },
    "problem.field_verified": {
        "id": "Data ini sudah diverifikasi petugas; perubahan diajukan lewat permohonan.",
        "en": "This was verified by an officer; ask for a change through an application.",
    },
    "problem.nik_verified_elsewhere": {
        "id": "NIK ini sudah diverifikasi petugas untuk akun lain. Jika ini NIK Anda, datang ke "
              "loket MPP.",
        "en": "An officer has verified this NIK for another account. If it is yours, come to "
              "the MPP counter.",
    },
    # ---- a sync request refused as a whole (sync.errors.SyncError)
    "bad_protocol": {
        "id": "Versi protokol sinkronisasi {got} tidak didukung. Versi yang didukung: "
              "{supported}. Perbarui aplikasi.",
        "en": "Sync protocol version {got} is not supported. Supported versions: {supported}. "
              "Update the app.",
    },
    "invalid_request": {
        "id": "Permintaan sinkronisasi tidak sah. Lihat rinciannya.",
        "en": "The sync request is not valid. See the details.",
    },
    "client_group_forbidden": {
        "id": "Perangkat ini terdaftar untuk akun lain. Keluar lalu masuk kembali.",
        "en": "This device is registered to another account. Sign out and in again.",
    },
    "mutation_gap": {
        "id": "Urutan perubahan terputus. Aplikasi akan mengirim ulang dari perubahan nomor "
              "{next}.",
        "en": "Changes arrived out of order. The app resends from change number {next}.",
    },
    "batch_too_large": {
        "id": "Terlalu banyak perubahan dalam satu kiriman ({count}; paling banyak "
              "{max_mutations}).",
        "en": "Too many changes in one push ({count}; at most {max_mutations}).",
    },
    # ---- an application's state, as the citizen and the officer read it (sync/states.py)
    "state.draft": {"id": "Draf", "en": "Draft"},
    "state.submitted": {"id": "Diajukan", "en": "Submitted"},
    "state.in_review": {"id": "Verifikasi", "en": "In review"},
    "state.revision_requested": {"id": "Perlu perbaikan", "en": "Needs revision"},
    "state.approved": {"id": "Diproses", "en": "Being processed"},
    "state.ready": {"id": "Siap diambil", "en": "Ready for pickup"},
    "state.completed": {"id": "Selesai", "en": "Completed"},
    "state.rejected": {"id": "Ditolak", "en": "Rejected"},
    "state.withdrawn": {"id": "Dibatalkan", "en": "Withdrawn"},
    # ---- why an officer rejects a document (server/review/reasons.py lists which apply)
    "reason.blurry": {"id": "Foto buram", "en": "Blurry photo"},
    "reason.illegible": {"id": "Tidak terbaca", "en": "Illegible"},
    "reason.incomplete": {
        "id": "Dokumen terpotong atau tidak lengkap",
        "en": "Document cut off or incomplete",
    },
    "reason.expired": {"id": "Dokumen kedaluwarsa", "en": "Expired document"},
    "reason.wrong_document": {
        "id": "Bukan dokumen yang diminta",
        "en": "Not the requested document",
    },
    "reason.name_mismatch": {
        "id": "Nama tidak sesuai dengan data permohonan",
        "en": "Name does not match the application",
    },
    "reason.not_original": {
        "id": "Bukan foto dari dokumen asli (fotokopi atau hasil cetak)",
        "en": "Not a photo of the original (a photocopy or printout)",
    },
    "reason.nik_mismatch": {
        "id": "NIK tidak sesuai dengan data permohonan",
        "en": "The NIK does not match the application",
    },
    "reason.kk_outdated": {
        "id": "Kartu Keluarga bukan versi terbaru",
        "en": "Not the latest family card",
    },
    "reason.member_missing": {
        "id": "Pemohon tidak tercantum di Kartu Keluarga",
        "en": "The applicant is not on the family card",
    },
    "reason.photo_background": {
        "id": "Latar belakang foto tidak sesuai ketentuan",
        "en": "The photo background does not meet the rules",
    },
    "reason.photo_old": {
        "id": "Foto lebih dari 6 bulan atau wajah tidak jelas",
        "en": "Photo older than 6 months or face not clear",
    },
    "reason.unsigned": {
        "id": "Belum ditandatangani atau tanpa meterai",
        "en": "Not signed or without a duty stamp",
    },
    # ---- refusals of the survey (server/survey) mutations
    "rejection.survey_not_open": {
        "id": "Survei hanya dapat diisi untuk permohonan yang sudah selesai (status sekarang: "
              "'{state}').",
        "en": "The survey can only be answered for a completed application (it is '{state}').",
    },
    "rejection.survey_already_answered": {
        "id": "Survei untuk permohonan ini sudah diisi. Setiap permohonan hanya satu kali survei.",
        "en": "The survey for this application was already answered. One survey per application.",
    },
    # ---- refusals of the complaints (server/complaints) mutations
    "rejection.complaint_id_unavailable": {
        "id": "Nomor pengenal pengaduan ini tidak dapat dipakai. Buat pengaduan baru.",
        "en": "This complaint id cannot be used. Start a new complaint.",
    },
    "rejection.complaint_empty": {
        "id": "Tuliskan isi laporan Anda.",
        "en": "Write what your report is about.",
    },
    "rejection.complaint_too_long": {
        "id": "Isi laporan terlalu panjang: {length} karakter (paling banyak {limit}).",
        "en": "The report is too long: {length} characters (at most {limit}).",
    },
    "rejection.complaint_about_draft": {
        "id": "Permohonan yang masih draf belum dapat diadukan.",
        "en": "A draft application cannot be complained about yet.",
    },
    "rejection.complaint_place_required": {
        "id": "Pilih MPP yang Anda adukan, atau adukan salah satu permohonan Anda.",
        "en": "Choose the MPP your report is about, or one of your applications.",
    },
    "rejection.complaint_mpp_not_found": {
        "id": "MPP '{mpp}' tidak ditemukan.",
        "en": "No MPP '{mpp}'.",
    },
    "rejection.complaint_agency_not_found": {
        "id": "Instansi '{agency}' tidak ada di MPP ini.",
        "en": "No agency '{agency}' in this MPP.",
    },
    "rejection.complaint_photo_not_image": {
        "id": "Lampiran laporan harus foto (JPEG, PNG atau WebP).",
        "en": "A report's attachments must be photos (JPEG, PNG or WebP).",
    },
    "rejection.complaint_not_found": {
        "id": "Pengaduan tidak ditemukan.",
        "en": "No such complaint.",
    },
    "rejection.complaint_closed": {
        "id": "Pengaduan ini sudah ditutup.",
        "en": "This complaint is already closed.",
    },
    "rejection.complaint_not_answered": {
        "id": "Pengaduan belum dijawab (status '{status}').",
        "en": "The complaint has not been answered (status '{status}').",
    },
    "rejection.complaint_reopened_already": {
        "id": "Pengaduan hanya dapat dibuka kembali satu kali.",
        "en": "A complaint can be reopened only once.",
    },
    # ---- dates in words (server.i18n.day_words): weekday 0 is Monday
    "weekday.0": {"id": "Senin", "en": "Monday"},
    "weekday.1": {"id": "Selasa", "en": "Tuesday"},
    "weekday.2": {"id": "Rabu", "en": "Wednesday"},
    "weekday.3": {"id": "Kamis", "en": "Thursday"},
    "weekday.4": {"id": "Jumat", "en": "Friday"},
    "weekday.5": {"id": "Sabtu", "en": "Saturday"},
    "weekday.6": {"id": "Minggu", "en": "Sunday"},
    "month.1": {"id": "Januari", "en": "January"},
    "month.2": {"id": "Februari", "en": "February"},
    "month.3": {"id": "Maret", "en": "March"},
    "month.4": {"id": "April", "en": "April"},
    "month.5": {"id": "Mei", "en": "May"},
    "month.6": {"id": "Juni", "en": "June"},
    "month.7": {"id": "Juli", "en": "July"},
    "month.8": {"id": "Agustus", "en": "August"},
    "month.9": {"id": "September", "en": "September"},
    "month.10": {"id": "Oktober", "en": "October"},
    "month.11": {"id": "November", "en": "November"},
    "month.12": {"id": "Desember", "en": "December"},
    # ---- the API's errors, by code (server/errors.py ApiError)
    "bad_request": {
        "id": "Permintaan tidak dapat diproses.",
        "en": "The request could not be processed.",
    },
    "invalid_period": {
        "id": "Periode tidak sah: tulis tahun (2026), triwulan (2026-Q1), semester (2026-S1), "
              "bulan (2026-03), atau tanggal awal dan akhir (from, to), paling lama 5 tahun.",
        "en": "Invalid period: give a year (2026), a quarter (2026-Q1), a half (2026-S1), a "
              "month (2026-03), or first and last days (from, to), at most 5 years.",
    },
    "mpp_required": {
        "id": "Sebutkan MPP-nya (parameter mpp).",
        "en": "Name the MPP (the mpp parameter).",
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
    # ---- officer console (server/review); refusals of the actions come from sync/errors.py
    "application_not_found": {
        "id": "Permohonan tidak ditemukan.",
        "en": "No such application.",
    },
    "unknown_reason": {
        "id": "Alasan '{code}' tidak tersedia untuk jenis dokumen ini. Lihat daftar alasan.",
        "en": "The reason '{code}' is not offered for this document type. See the list.",
    },
    "visit_date_past": {
        "id": "Tanggal pengambilan sudah lewat. Pilih hari ini atau sesudahnya.",
        "en": "The pickup date has passed. Choose today or a later day.",
    },
    "ticket_not_found": {
        "id": "Tiket tidak dikenal. Periksa kodenya atau minta pemohon membuka tiketnya lagi.",
        "en": "Unknown ticket. Check the code or ask the applicant to open their ticket again.",
    },
    "ticket_used": {
        "id": "Tiket ini sudah dipakai: permohonannya sudah selesai.",
        "en": "This ticket was already used: the application is completed.",
    },
    "actor_applicant": {"id": "Pemohon", "en": "Applicant"},
    "actor_system": {"id": "Sistem", "en": "System"},
    # ---- web push (server/push): API errors, then the texts pushed to lock screens
    "push_not_configured": {
        "id": "Notifikasi push belum disiapkan di server ini.",
        "en": "Push notifications are not set up on this server.",
    },
    "push_subscription_invalid": {
        "id": "Langganan notifikasi tidak sah. Lihat rinciannya.",
        "en": "The push subscription is not valid. See the details.",
    },
    "push_endpoint_not_allowed": {
        "id": "Alamat layanan push tidak diterima: {reason}.",
        "en": "The push service address is not accepted: {reason}.",
    },
    "push_key_changed": {
        "id": "Kunci notifikasi server sudah berganti. Berlangganan ulang dengan kunci baru.",
        "en": "The server's push key has changed. Subscribe again with the new key.",
    },
    "push_subscription_not_found": {
        "id": "Langganan notifikasi tidak ditemukan.",
        "en": "No such push subscription.",
    },
    "push_revision_title": {"id": "Perlu perbaikan: {service}", "en": "Needs fixing: {service}"},
    "push_revision_what": {"id": "Permohonan Anda", "en": "Your application"},
    "push_revision_why": {"id": "buka aplikasi untuk rinciannya", "en": "open the app for details"},
    "push_and_more": {"id": "{first} dan {n} lainnya", "en": "{first} and {n} more"},
    "push_approved_title": {"id": "Permohonan disetujui", "en": "Application approved"},
    "push_approved_body": {"id": "{service} sedang diproses.",
                           "en": "{service} is being processed."},
    "push_ready_title": {"id": "Siap diambil: {service}", "en": "Ready to collect: {service}"},
    "push_ready_where": {"id": "Ambil di {place}", "en": "Collect at {place}"},
    "push_ready_default": {"id": "Buka aplikasi untuk tempat dan jam pengambilan",
                           "en": "Open the app for where and when to collect"},
    "push_visit_on": {"id": "Jadwal {date}", "en": "Visit {date}"},
    "push_bring": {"id": "Bawa: {items}", "en": "Bring: {items}"},
    "push_reminder_title": {"id": "Besok: ambil {service}", "en": "Tomorrow: collect {service}"},
    "push_service_default": {"id": "permohonan Anda", "en": "your application"},
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
    # ---- walk-in applications at the counter (server/walk_in)
    "walk_in_code_sent": {
        "id": "Kode Sekali Datang: {code}. Berikan kode ini kepada petugas loket MPP yang "
              "sedang melayani permohonan Anda. Berlaku {minutes} menit.",
        "en": "Sekali Datang code: {code}. Give it to the MPP counter officer serving your "
              "application. Valid for {minutes} minutes.",
    },
    "walk_in_identity_invalid": {
        "id": "Data identitas warga tidak sah. Lihat rinciannya; belum ada yang disimpan.",
        "en": "The citizen's identity is not valid. See the details; nothing was saved.",
    },
    "walk_in_service_out_of_reach": {
        "id": "Layanan ini bukan layanan instansi Anda. Arahkan warga ke loket instansinya.",
        "en": "Your agency does not serve this service. Send the citizen to its counter.",
    },
    "problem.walk_in_code_missing": {
        "id": "Masukkan kode yang dikirim ke HP warga, atau tandai bahwa warga tidak punya HP.",
        "en": "Enter the code sent to the citizen's phone, or mark that they have no phone.",
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
    # Staff administration and the dashboard (server/staff, server/dashboard; issue #18).
    "cannot_disable_self": {
        "id": "Anda tidak dapat menonaktifkan akun Anda sendiri.",
        "en": "You cannot disable your own account.",
    },
    "last_admin": {
        "id": "Ini admin aktif terakhir: tambahkan admin lain dulu sebelum menonaktifkan "
              "atau mengubah perannya.",
        "en": "This is the last active admin: add another admin before disabling it or "
              "changing its role.",
    },
    "officer_out_of_reach": {
        "id": "Petugas ini di luar wewenang Anda (instansi atau MPP lain).",
        "en": "This officer is outside your reach (another agency or MPP).",
    },
    "role_out_of_reach": {
        "id": "Anda tidak dapat memberi peran {role}.",
        "en": "You cannot give the role {role}.",
    },
    "counter_not_in_scope": {
        "id": "Loket {counter} bukan milik instansi atau MPP petugas ini.",
        "en": "Counter {counter} does not belong to this officer's agency or MPP.",
    },
    "password_change_required": {
        "id": "Buat kata sandi baru dulu sebelum melanjutkan.",
        "en": "Set a new password before going on.",
    },
    "password_wrong": {
        "id": "Kata sandi sekarang salah.",
        "en": "The current password is wrong.",
    },
    "password_unchanged": {
        "id": "Kata sandi baru harus berbeda dari yang lama.",
        "en": "The new password must differ from the old one.",
    },
    "dashboard_out_of_reach": {
        "id": "Anda hanya dapat melihat dasbor instansi atau MPP Anda sendiri.",
        "en": "You can only see the dashboard of your own agency or MPP.",
    },
    "dashboard_period_invalid": {
        "id": "Periode tidak sah: tanggal akhir sebelum tanggal awal, atau lebih dari {n} hari.",
        "en": "Invalid period: the last day is before the first, or it spans more than {n} "
              "days.",
    },
    "dashboard_section_unknown": {
        "id": "Bagian dasbor tidak dikenal.",
        "en": "Unknown dashboard section.",
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
    # Uploads (tus at /api/uploads)
    "tus_version_unsupported": {
        "id": "Versi protokol unggah (tus) tidak didukung. Gunakan 1.0.0.",
        "en": "This upload (tus) protocol version is not supported. Use 1.0.0.",
    },
    "upload_header_invalid": {
        "id": "Header {header} tidak ada atau tidak sah.",
        "en": "The {header} header is missing or not valid.",
    },
    "upload_metadata_invalid": {
        "id": "Metadata unggahan tidak sah: {field}.",
        "en": "The upload metadata is not valid: {field}.",
    },
    "upload_type_not_accepted": {
        "id": "Jenis berkas ini tidak diterima. Unggah JPEG, PNG, WebP, atau PDF.",
        "en": "This file type is not accepted. Upload a JPEG, PNG, WebP or PDF.",
    },
    "upload_content_type": {
        "id": "Isi unggahan harus application/offset+octet-stream.",
        "en": "The upload body must be application/offset+octet-stream.",
    },
    "upload_too_large": {
        "id": "Berkas terlalu besar. Ukuran maksimum {limit}.",
        "en": "The file is too large. The maximum size is {limit}.",
    },
    "upload_quota_exceeded": {
        "id": "Ruang penyimpanan berkas Anda penuh (batas {limit}). Hapus berkas lama dulu.",
        "en": "Your file storage is full (limit {limit}). Remove older files first.",
    },
    "upload_past_length": {
        "id": "Data melebihi ukuran berkas yang dinyatakan.",
        "en": "The data goes past the declared file size.",
    },
    "upload_body_cut": {
        "id": "Sambungan terputus di tengah unggahan. Bagian yang sudah diterima disimpan.",
        "en": "The connection was cut mid-upload. What arrived has been kept.",
    },
    "upload_offset_mismatch": {
        "id": "Posisi unggahan tidak cocok. Tanyakan posisi terakhir lalu lanjutkan.",
        "en": "The upload offset does not match. Ask for the current offset and resume.",
    },
    "upload_busy": {
        "id": "Bagian lain dari berkas ini sedang diunggah. Coba lagi sebentar lagi.",
        "en": "Another part of this file is being uploaded. Try again shortly.",
    },
    "upload_checksum_unsupported": {
        "id": "Algoritme checksum tidak didukung. Gunakan sha1 atau sha256.",
        "en": "Checksum algorithm not supported. Use sha1 or sha256.",
    },
    "upload_checksum_invalid": {
        "id": "Header Upload-Checksum tidak sah.",
        "en": "The Upload-Checksum header is not valid.",
    },
    "upload_checksum_mismatch": {
        "id": "Bagian berkas rusak dalam perjalanan dan tidak disimpan. Kirim ulang bagian itu.",
        "en": "This part of the file was damaged in transit and not kept. Send it again.",
    },
    "upload_not_found": {
        "id": "Unggahan tidak ditemukan.",
        "en": "No such upload.",
    },
    "upload_gone": {
        "id": "Unggahan ini sudah dibatalkan. Mulai unggahan baru.",
        "en": "This upload was cancelled. Start a new upload.",
    },
    "upload_expired": {
        "id": "Unggahan ini sudah kedaluwarsa. Mulai unggahan baru.",
        "en": "This upload has expired. Start a new upload.",
    },
    "upload_complete": {
        "id": "Unggahan ini sudah selesai dan tidak dapat dibatalkan.",
        "en": "This upload is finished and cannot be cancelled.",
    },
    "upload_mismatch": {
        "id": "Dokumen ini sudah diunggah dengan ukuran atau isi yang lain.",
        "en": "This document is already being uploaded with another size or content.",
    },
    "document_id_unavailable": {
        "id": "ID dokumen ini tidak dapat dipakai. Buat ID dokumen baru.",
        "en": "This document id cannot be used. Make a new document id.",
    },
    # Reading a document (GET /api/documents/<id>/file and /preview)
    "document_not_found": {
        "id": "Dokumen tidak ditemukan.",
        "en": "No such document.",
    },
    "document_not_ready": {
        "id": "Dokumen belum selesai diunggah dan diperiksa.",
        "en": "The document has not finished uploading and checking yet.",
    },
    "document_invalid": {
        "id": "Dokumen ini tidak sah dan berkasnya sudah dihapus. Unggah ulang.",
        "en": "This document is invalid and its file was deleted. Upload it again.",
    },
    "document_file_not_found": {
        "id": "Dokumen ini tidak memiliki berkas yang dapat dibuka.",
        "en": "This document has no file to open.",
    },
    "document_preview_unavailable": {
        "id": "Tidak ada pratinjau untuk dokumen ini (misalnya PDF). Buka berkasnya.",
        "en": "This document has no preview (e.g. a PDF). Open the file itself.",
    },
    # The one visit (server/visits)
    "visits_not_offered": {
        "id": "{name} belum menerima pemesanan jadwal kunjungan.",
        "en": "{name} does not take booked visits yet.",
    },
    "slot_full": {
        "id": "Slot {time} untuk {service} sudah penuh. Pilih waktu lain.",
        "en": "The {time} slot for {service} is full. Choose another time.",
    },
    "slot_in_past": {
        "id": "Waktu {time} sudah lewat. Pilih waktu yang akan datang.",
        "en": "{time} has passed. Choose a time ahead.",
    },
    "slot_outside_window": {
        "id": "Kunjungan hanya dapat dipesan untuk tanggal {first} sampai {last}.",
        "en": "Visits can only be booked from {first} to {last}.",
    },
    "slot_on_holiday": {
        "id": "MPP tutup pada {date} ({name}). Pilih hari lain.",
        "en": "The MPP is closed on {date} ({name}). Choose another day.",
    },
    "slot_closed_day": {
        "id": "MPP tidak buka pada {date}. Pilih hari lain.",
        "en": "The MPP is not open on {date}. Choose another day.",
    },
    "slot_outside_hours": {
        "id": "{time} di luar jam layanan atau bukan awal sebuah slot. Pilih salah satu slot "
              "yang tersedia.",
        "en": "{time} is outside the service hours or not the start of a slot. Choose one of "
              "the slots offered.",
    },
    "visit_does_not_fit": {
        "id": "Semua urusan tidak selesai sebelum istirahat atau jam tutup jika datang {time}. "
              "Pilih waktu yang lebih awal.",
        "en": "Arriving at {time}, the errands do not all fit before the break or closing. "
              "Choose an earlier time.",
    },
    "application_not_ready": {
        "id": "Permohonan {reference} belum dapat dijadwalkan kunjungannya.",
        "en": "A visit cannot be booked for application {reference} yet.",
    },
    "application_already_booked": {
        "id": "Permohonan {reference} sudah punya jadwal kunjungan. Ubah atau batalkan jadwal "
              "itu.",
        "en": "Application {reference} already has a booked visit. Reschedule or cancel it.",
    },
    "applications_in_different_mpps": {
        "id": "Satu kunjungan hanya untuk permohonan di MPP yang sama.",
        "en": "One visit is for applications at the same MPP only.",
    },
    "duplicate_applications": {
        "id": "Permohonan yang sama disebut lebih dari sekali.",
        "en": "The same application is listed more than once.",
    },
    "too_many_bookings": {
        "id": "Anda sudah punya {count} jadwal kunjungan aktif (batas {limit}). Batalkan salah "
              "satu terlebih dahulu.",
        "en": "You already have {count} open bookings (the limit is {limit}). Cancel one "
              "first.",
    },
    "booking_not_found": {
        "id": "Jadwal kunjungan tidak ditemukan.",
        "en": "Booking not found.",
    },
    "booking_not_open": {
        "id": "Jadwal kunjungan ini sudah dibatalkan atau waktunya sudah lewat.",
        "en": "This booking was cancelled or its time has passed.",
    },
    # Why an uploaded file is invalid (stored on the document in both languages)
    "upload_invalid_empty": {
        "id": "Berkas kosong.",
        "en": "The file is empty.",
    },
    "upload_invalid_sha256": {
        "id": "Berkas yang diterima tidak sama dengan yang dikirim. Unggah ulang.",
        "en": "The file received differs from the one sent. Upload it again.",
    },
    "upload_invalid_type": {
        "id": "Berkas bukan foto JPEG, PNG, WebP, atau dokumen PDF.",
        "en": "The file is not a JPEG, PNG or WebP photo or a PDF document.",
    },
    "upload_invalid_type_mismatch": {
        "id": "Isi berkas tidak sesuai dengan jenisnya (misalnya foto yang dinamai .pdf).",
        "en": "The file's content does not match its type (e.g. a photo named .pdf).",
    },
    "upload_invalid_damaged": {
        "id": "Berkas rusak atau tidak lengkap dan tidak dapat dibuka.",
        "en": "The file is damaged or incomplete and cannot be opened.",
    },
    "upload_invalid_image_too_large": {
        "id": "Gambar terlalu besar (jumlah piksel). Perkecil lalu unggah ulang.",
        "en": "The image is too large (pixel count). Make it smaller and upload again.",
    },
    "upload_invalid_trailing_data": {
        "id": "Berkas berisi data tambahan yang tidak dikenal setelah gambar.",
        "en": "The file carries unknown extra data after the image.",
    },
    "upload_invalid_pdf_pages": {
        "id": "PDF terlalu banyak halaman (maksimum 50).",
        "en": "The PDF has too many pages (at most 50).",
    },
    "upload_invalid_pdf_encrypted": {
        "id": "PDF dilindungi kata sandi. Unggah PDF tanpa kata sandi.",
        "en": "The PDF is password-protected. Upload it without a password.",
    },
    "upload_invalid_pdf_active": {
        "id": "PDF berisi skrip, tindakan yang berjalan sendiri, atau berkas sisipan, dan "
              "tidak diterima. Pindai ulang dokumen atau kirim foto halamannya.",
        "en": "The PDF contains scripts, actions that run by themselves, or embedded files, "
              "and is not accepted. Scan the document again or send photos of its pages.",
    },
    "upload_checks_busy": {
        "id": "Server sedang memeriksa berkas lain. Unggahan dilanjutkan sebentar lagi.",
        "en": "The server is checking other files. The upload will continue shortly.",
    },
    "upload_invalid_cancelled": {
        "id": "Unggahan dibatalkan.",
        "en": "The upload was cancelled.",
    },
    "upload_invalid_expired": {
        "id": "Unggahan tidak selesai dalam 24 jam dan sudah dihapus.",
        "en": "The upload was not finished within 24 hours and was removed.",
    },
    # the MPP floor: kiosk, counters, display (server/visit_queue)
    "device_key_invalid": {
        "id": "Kunci perangkat (kios/layar) tidak dikenal atau sudah dicabut.",
        "en": "The device (kiosk/display) key is unknown or was revoked.",
    },
    "device_key_wrong_kind": {
        "id": "Kunci perangkat ini bukan untuk halaman ini (kios dan layar punya kunci sendiri).",
        "en": "This device key is not for this page (kiosks and displays have their own).",
    },
    "device_not_found": {
        "id": "Perangkat tidak ditemukan.",
        "en": "No such device.",
    },
    "ticket_unreadable": {
        "id": "Kode tiket tidak terbaca. Pindai lagi atau ketik 20 huruf/angka pada tiket.",
        "en": "The ticket code could not be read. Scan again or type the 20 characters.",
    },
    "ticket_unknown": {
        "id": "Tiket kunjungan ini tidak dikenal. Tunjukkan tiket dari aplikasi, atau ambil "
              "nomor antrian langsung.",
        "en": "This visit ticket is not known. Show the ticket from the app, or take a "
              "walk-in number.",
    },
    "ticket_checked_in": {
        "id": "Tiket ini sudah dipakai untuk lapor kedatangan. Lihat nomor antrian Anda di "
              "layar atau tanyakan petugas.",
        "en": "This ticket was already used to check in. See your queue number on screen or "
              "ask an officer.",
    },
    "ticket_other_mpp": {
        "id": "Tiket ini untuk {mpp}, bukan MPP ini.",
        "en": "This ticket is for {mpp}, not this MPP.",
    },
    "ticket_cancelled": {
        "id": "Jadwal kunjungan ini sudah dibatalkan. Ambil nomor antrian langsung.",
        "en": "This visit was cancelled. Take a walk-in number.",
    },
    "ticket_not_today": {
        "id": "Jadwal kunjungan Anda bukan hari ini, tetapi {time}. Datang pada hari itu, "
              "atau ambil nomor antrian langsung.",
        "en": "Your visit is not today but {time}. Come on that day, or take a walk-in "
              "number.",
    },
    "arrival_early": {
        "id": "Anda datang lebih awal dari jadwal ({time}). Anda masuk antrean langsung; "
              "datang pada jadwal untuk didahulukan.",
        "en": "You came before your time ({time}). You are in the walk-in line; come at "
              "your time to go first.",
    },
    "arrival_late": {
        "id": "Anda terlambat dari jadwal ({time}). Anda masuk antrean langsung.",
        "en": "You came after your time ({time}). You are in the walk-in line.",
    },
    "walk_in_full": {
        "id": "Kuota antrean langsung {agency} hari ini sudah habis. Pesan jadwal kunjungan "
              "di aplikasi.",
        "en": "Today's walk-in places at {agency} are used up. Book a visit in the app.",
    },
    "queue_closed": {
        "id": "MPP tidak melayani pada {date}.",
        "en": "The MPP does not serve on {date}.",
    },
    "counter_not_found": {
        "id": "Loket '{code}' tidak ditemukan di MPP ini.",
        "en": "No counter '{code}' in this MPP.",
    },
    "counter_not_in_reach": {
        "id": "{counter} milik instansi lain. Anda hanya dapat melayani loket instansi Anda.",
        "en": "{counter} belongs to another agency. You can only work at your agency's "
              "counters.",
    },
    "desk_unknown": {
        "id": "Meja {desk} tidak ada; loket ini punya {desks} meja.",
        "en": "There is no desk {desk}; this counter has {desks}.",
    },
    "desk_busy": {
        "id": "Meja ini masih melayani nomor {number}. Selesaikan, tandai tidak hadir, atau "
              "alihkan dulu.",
        "en": "This desk is still serving number {number}. Complete it, mark it absent or "
              "transfer it first.",
    },
    "line_empty": {
        "id": "Tidak ada antrean untuk {counter} saat ini.",
        "en": "Nobody is waiting for {counter} now.",
    },
    "queue_ticket_not_found": {
        "id": "Nomor antrian tidak ditemukan.",
        "en": "No such queue number.",
    },
    "ticket_not_called": {
        "id": "Nomor {number} sedang tidak dipanggil.",
        "en": "Number {number} is not being called.",
    },
    "ticket_not_serving": {
        "id": "Nomor {number} belum dipanggil ke meja.",
        "en": "Number {number} has not been called to a desk.",
    },
    "ticket_not_active": {
        "id": "Nomor {number} sudah selesai dan tidak dapat dialihkan.",
        "en": "Number {number} is finished and cannot be transferred.",
    },
    "too_few_calls": {
        "id": "Baru dipanggil {calls} kali; tandai tidak hadir setelah {needed} kali "
              "panggilan.",
        "en": "Called {calls} times so far; mark absent after {needed} calls.",
    },
    "transfer_other_agency": {
        "id": "{counter} milik instansi lain; nomor antrian hanya dapat dialihkan ke loket "
              "instansi yang sama.",
        "en": "{counter} belongs to another agency; a number moves only between the same "
              "agency's counters.",
    },
    "range_invalid": {
        "id": "Rentang tanggal tidak sah (paling lama 93 hari, 'from' sebelum 'to').",
        "en": "Invalid date range (93 days at most, 'from' before 'to').",
    },
    "push_queue_near_title": {
        "id": "Nomor {number}: {ahead} orang lagi",
        "en": "Number {number}: {ahead} more ahead",
    },
    "push_queue_near_body": {
        "id": "Bersiaplah menuju {counter}.",
        "en": "Get ready to go to {counter}.",
    },
    "push_queue_called_title": {
        "id": "Nomor {number} dipanggil",
        "en": "Number {number} is called",
    },
    "push_queue_called_body": {
        "id": "Silakan ke {counter} sekarang.",
        "en": "Please go to {counter} now.",
    },
    # complaints (server/complaints)
    "complaint_not_found": {
        "id": "Pengaduan tidak ditemukan.",
        "en": "No such complaint.",
    },
    "complaint_stale": {
        "id": "Pengaduan sudah diubah sejak Anda membukanya (revisi {revision}). Periksa data "
              "terbaru lalu ulangi.",
        "en": "The complaint changed since you opened it (revision {revision}). Check the "
              "latest data and try again.",
    },
    "complaint_action_not_allowed": {
        "id": "Tindakan ini tidak dapat dilakukan pada pengaduan berstatus '{status}'.",
        "en": "This cannot be done to a complaint that is '{status}'.",
    },
    "complaint_assignee_invalid": {
        "id": "Petugas itu tidak menangani pengaduan instansi ini.",
        "en": "That officer does not handle this agency's complaints.",
    },
    "complaint_answer_empty": {
        "id": "Tuliskan jawaban untuk pelapor.",
        "en": "Write the answer for the complainant.",
    },
    "complaint_answer_too_long": {
        "id": "Jawaban terlalu panjang (paling banyak {limit} karakter).",
        "en": "The answer is too long (at most {limit} characters).",
    },
    "complaint_period_invalid": {
        "id": "Tanggal awal harus sebelum tanggal akhir.",
        "en": "The first day must come before the last.",
    },
    "photo_not_found": {
        "id": "Foto tidak ditemukan.",
        "en": "No such photo.",
    },
    "push_complaint_title": {
        "id": "Pengaduan {reference}",
        "en": "Complaint {reference}",
    },
    "push_complaint_received": {
        "id": "Pengaduan Anda diterima. Diverifikasi paling lambat {date}.",
        "en": "Your complaint was received. It will be verified by {date}.",
    },
    "push_complaint_acknowledged": {
        "id": "Pengaduan Anda sudah diverifikasi dan diteruskan ke instansi.",
        "en": "Your complaint was verified and forwarded to the agency.",
    },
    "push_complaint_assigned": {
        "id": "Pengaduan Anda sedang ditangani petugas.",
        "en": "An officer is handling your complaint.",
    },
    "push_complaint_answered": {
        "id": "Pengaduan Anda sudah dijawab. Buka untuk membaca jawabannya.",
        "en": "Your complaint was answered. Open it to read the answer.",
    },
    "push_complaint_closed": {
        "id": "Pengaduan Anda ditutup.",
        "en": "Your complaint was closed.",
    },
    "push_complaint_escalated": {
        "id": "Pengaduan Anda melewati batas waktu dan diteruskan ke pengawas MPP.",
        "en": "Your complaint is past its deadline and went to the MPP's supervisor.",
    },
    # ---- catalog administration (server/catalog/drafts.py, admin.py, #18): API errors
    "catalog_invalid": {
        "id": "Katalog tidak diterbitkan; tidak ada yang berubah: {count} kesalahan. "
              "Perbaiki isian yang ditandai.",
        "en": "Catalog not published; nothing changed: {count} error(s). Fix the marked "
              "fields.",
    },
    "catalog_draft_stale": {
        "id": "Draf ini dibuat dari katalog versi {base_version}; sejak itu bagian yang sama "
              "sudah diterbitkan orang lain (versi {current_version}). Tidak ada yang berubah: "
              "buat draf baru dan ulangi perubahan Anda.",
        "en": "This draft was made from catalog version {base_version}; the same part was "
              "published since (version {current_version}). Nothing changed: make a new "
              "draft and apply your changes again.",
    },
    "catalog_draft_closed": {
        "id": "Draf ini sudah {status}; tidak dapat diubah lagi.",
        "en": "This draft is already {status}; it cannot change any more.",
    },
    "catalog_draft_not_found": {"id": "Draf katalog tidak ditemukan.",
                                "en": "No such catalog draft."},
    "catalog_scope_forbidden": {
        "id": "Anda tidak berwenang mengubah bagian katalog '{scope}'.",
        "en": "You may not change the '{scope}' part of the catalog.",
    },
    "catalog_scope_invalid": {
        "id": "Bagian katalog harus 'national' atau 'mpp:<kode>', bukan '{scope}'.",
        "en": "A catalog scope is 'national' or 'mpp:<code>', not '{scope}'.",
    },
    "catalog_service_in_use": {
        "id": "Layanan '{code}' dipakai ({count} permohonan, tiket antrian atau pengaduan) "
              "dan tidak dapat dihapus. Hentikan saja: hapus dari layanan MPP di draf lalu "
              "terbitkan.",
        "en": "Service '{code}' is in use ({count} application(s), queue ticket(s) or "
              "complaint(s)) and cannot be deleted. Retire it instead: remove it from the "
              "MPP's offerings in a draft and publish.",
    },
    "catalog_service_active": {
        "id": "Layanan '{code}' masih ditawarkan. Hentikan dulu (hapus dari layanan MPP di "
              "draf lalu terbitkan), baru dapat dihapus.",
        "en": "Service '{code}' is still offered. Retire it first (remove it from the MPP's "
              "offerings in a draft and publish); then it can be deleted.",
    },
    # ---- a catalog data error, by code (server/catalog/messages.py): next to the field
    "catalog.invalid": {"id": "Nilai tidak sah ({detail}).", "en": "Not valid: {detail}."},
    "catalog.required": {"id": "Wajib diisi.", "en": "Required."},
    "catalog.unknown_field": {"id": "Isian ini tidak dikenal.", "en": "Unknown field."},
    "catalog.not_null": {"id": "Tidak boleh kosong (null).", "en": "May not be null."},
    "catalog.not_a_number": {"id": "Harus berupa bilangan bulat.",
                             "en": "Must be a whole number."},
    "catalog.not_text": {"id": "Harus berupa teks.", "en": "Must be text."},
    "catalog.not_boolean": {"id": "Harus ya atau tidak (true/false).",
                            "en": "Must be yes or no (true/false)."},
    "catalog.not_a_list": {"id": "Harus berupa daftar.", "en": "Must be a list."},
    "catalog.not_a_mapping": {"id": "Harus berupa kumpulan isian (objek).",
                              "en": "Must be a set of fields (an object)."},
    "catalog.not_a_date": {"id": "Harus berupa tanggal yang ada (TTTT-BB-HH).",
                           "en": "Must be a real date (YYYY-MM-DD)."},
    "catalog.too_short": {"id": "Minimal {min} karakter.", "en": "At least {min} characters."},
    "catalog.too_long": {"id": "Maksimal {max} karakter.", "en": "At most {max} characters."},
    "catalog.length_between": {"id": "Panjangnya harus {min} sampai {max}.",
                               "en": "Length must be {min} to {max}."},
    "catalog.between": {"id": "Harus antara {min} dan {max}.",
                        "en": "Must be between {min} and {max}."},
    "catalog.at_least": {"id": "Minimal {min}.", "en": "At least {min}."},
    "catalog.one_of": {"id": "Harus salah satu dari: {choices}.",
                       "en": "Must be one of: {choices}."},
    "catalog.slug": {"id": "Hanya huruf kecil, angka dan _.",
                     "en": "Lower-case letters, digits and _ only."},
    "catalog.code_chars": {"id": "Hanya huruf kecil, angka dan -.",
                           "en": "Lower-case letters, digits and - only."},
    "catalog.standard_code": {
        "id": "Harus berbentuk jenis-instansi.nama-layanan (huruf kecil, angka, - dan .).",
        "en": "Must look like agency-kind.service-name (lower case, digits, - and .)."},
    "catalog.ref_prefix_chars": {"id": "Harus 2 sampai 5 huruf kapital.",
                                 "en": "Must be 2 to 5 capital letters."},
    "catalog.time_as_text": {"id": "Tulis jam sebagai teks dalam tanda kutip, mis. '08:00'.",
                             "en": "Write the time as text in quotes, e.g. '08:00'."},
    "catalog.time": {"id": "Harus jam JJ:MM antara 00:00 dan 23:59.",
                     "en": "Must be a time HH:MM between 00:00 and 23:59."},
    "catalog.file_empty": {
        "id": "Berkas katalog harus berisi document_types, service_standards, holidays "
              "atau mpp.",
        "en": "A catalog file needs document_types, service_standards, holidays or mpp."},
    "catalog.file_not_found": {"id": "Berkas tidak ditemukan.", "en": "File not found."},
    "catalog.cannot_read": {"id": "Berkas tidak dapat dibaca: {detail}",
                            "en": "Cannot read the file: {detail}"},
    "catalog.invalid_json": {"id": "JSON tidak sah {detail}", "en": "Invalid JSON {detail}"},
    "catalog.invalid_yaml": {"id": "YAML tidak sah{detail}", "en": "Invalid YAML{detail}"},
    "catalog.no_files": {"id": "Tidak ada berkas .yaml, .yml atau .json.",
                         "en": "No .yaml, .yml or .json file found."},
    "catalog.top_level": {"id": "Tingkat teratas harus berupa kumpulan isian.",
                          "en": "The top level must be a mapping."},
    "catalog.duplicate_field_key": {"id": "Kunci isian '{value}' sudah dipakai.",
                                    "en": "Duplicate field key '{value}'."},
    "catalog.choices_needed": {"id": "Isian pilihan memerlukan daftar pilihan.",
                               "en": "A choice field needs choices."},
    "catalog.choices_not_allowed": {"id": "Hanya isian pilihan yang punya daftar pilihan.",
                                    "en": "Only a choice field has choices."},
    "catalog.duplicate_choice": {"id": "Ada nilai pilihan yang ganda.",
                                 "en": "Duplicate choice value."},
    "catalog.invalid_pattern": {"id": "Pola (regex) tidak sah: {detail}",
                                "en": "Invalid pattern: {detail}"},
    "catalog.duplicate_requirement": {"id": "Kode persyaratan '{value}' sudah dipakai.",
                                      "en": "Duplicate requirement code '{value}'."},
    "catalog.unknown_document_type": {"id": "Jenis dokumen '{value}' tidak dikenal.",
                                      "en": "Unknown document type '{value}'."},
    "catalog.duplicate_format": {"id": "Ada format yang ganda.", "en": "Duplicate format."},
    "catalog.duplicate_code_in": {"id": "Kode '{value}' sudah dipakai (juga di {other}).",
                                  "en": "Duplicate code '{value}' (also in {other})."},
    "catalog.duplicate_code": {"id": "Kode '{value}' sudah dipakai.",
                               "en": "Duplicate code '{value}'."},
    "catalog.standard_prefix": {"id": "Harus diawali jenis instansinya '{value}'.",
                                "en": "Must begin with its agency_kind '{value}'."},
    "catalog.duplicate_ref_prefix": {
        "id": "Awalan nomor '{value}' sudah dipakai (juga di {other}).",
        "en": "Duplicate ref_prefix '{value}' (also in {other})."},
    "catalog.ref_prefix_taken": {"id": "Awalan nomor '{value}' milik MPP '{other}'.",
                                 "en": "ref_prefix '{value}' belongs to MPP '{other}'."},
    "catalog.unknown_standard": {"id": "Standar layanan '{value}' tidak ada.",
                                 "en": "No service standard '{value}'."},
    "catalog.offered_twice": {"id": "Layanan '{value}' ditawarkan dua kali di MPP ini.",
                              "en": "'{value}' is offered twice in this MPP."},
    "catalog.wrong_agency_kind": {
        "id": "Standar untuk jenis instansi '{value}' tidak dapat ditawarkan oleh instansi "
              "jenis '{other}'.",
        "en": "A standard of agency kind '{value}' cannot be offered by agency kind "
              "'{other}'."},
    "catalog.duplicate_date_in": {"id": "Tanggal {value} ganda (juga di {other}).",
                                  "en": "Duplicate date {value} (also in {other})."},
    "catalog.duplicate_date": {"id": "Tanggal {value} ganda.", "en": "Duplicate date {value}."},
    "catalog.window_order": {"id": "Hari minimal tidak boleh melebihi hari maksimal.",
                             "en": "min_days must not be after max_days."},
    "catalog.day_twice": {"id": "Hari '{value}' sudah punya jam buka.",
                          "en": "'{value}' already has opening hours."},
    "catalog.close_after_open": {"id": "Jam tutup harus setelah jam buka.",
                                 "en": "Must be after the opening time."},
    "catalog.break_inside": {
        "id": "Istirahat harus mulai setelah buka, selesai setelah mulai, dan sebelum tutup.",
        "en": "A break must start after opening, end after it starts and before closing."},
    "catalog.breaks_overlap": {"id": "Waktu istirahat tidak boleh tumpang tindih.",
                               "en": "Breaks must not overlap."},
    "catalog.share_sum": {"id": "Daring + langsung + dibantu harus 100 (persen).",
                          "en": "online + walk_in + assisted must be 100 (percent)."},
    "catalog.unknown_agency": {"id": "Tidak ada instansi '{value}' di MPP ini.",
                               "en": "No agency '{value}' in this MPP."},
    "catalog.counter_service_not_offered": {
        "id": "Instansi '{value}' tidak menawarkan '{other}' di MPP ini.",
        "en": "Agency '{value}' does not offer '{other}' in this MPP."},
    "catalog.not_served": {"id": "Layanan '{value}' tidak dilayani di loket mana pun.",
                           "en": "'{value}' is served at no counter."},
    "catalog.visit_too_long": {
        "id": "Kunjungan {value} menit tidak muat di waktu daring satu slot loket mana pun "
              "(paling banyak {other} menit).",
        "en": "A visit of {value} minutes fits in no counter's online time of one slot "
              "({other} minutes at most)."},
    "catalog.document_type_in_use": {
        "id": "Jenis dokumen '{value}' dipakai oleh {count} dokumen atau persyaratan dan tidak "
              "dapat dihapus; biarkan saja tanpa persyaratan yang memintanya.",
        "en": "Document type '{value}' is used by {count} document(s) or requirement(s) and "
              "cannot be deleted; keep it, with no requirement asking for it."},
    "catalog.scope_keys": {
        "id": "Data bagian ini harus berisi tepat: {keys}.",
        "en": "This scope's data must hold exactly: {keys}."},
    "catalog.mpp_code_fixed": {"id": "Kode MPP tidak dapat diubah (harus '{value}').",
                               "en": "The MPP's code cannot change (must be '{value}')."},
}


def current_language() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE
    best = request.accept_languages.best_match(LANGUAGES)
    return best or DEFAULT_LANGUAGE


def translate(key: str, lang: str | None = None, /, **params) -> str:
    """The message `key` in `lang` (default: the request's language), params filled in."""
    return words(key, lang or current_language(), params)


# ---- the sync engine's and the operations' codes and parameters, in words ----------------
# The engine (sync/) has no words: a refusal is {code, details}, a value's problem
# {code, params}, a document's reason a catalog key. The server puts them into words here
# when it answers, in both languages as docs/sync-protocol.md promises ("message" in Bahasa
# Indonesia, "message_en" beside it).

class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"  # a message never fails for a missing detail


def words(key: str, lang: str, params: Mapping[str, Any] | None = None) -> str:
    """The catalog's text for `key` in `lang`, placeholders filled from `params` (a list
    joined by commas, a missing value as "?")."""
    entry = MESSAGES.get(key) or MESSAGES["bad_request"]
    filled = _Blank({k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)
                     for k, v in (params or {}).items()})
    return entry[lang].format_map(filled)


def day_words(day: dt.date, lang: str, *, weekday: bool = True) -> str:
    """A date as people write it: "Senin, 7 Desember 2026" / "Monday, 7 December 2026"."""
    text = f"{day.day} {words(f'month.{day.month}', lang)} {day.year}"
    return f"{words(f'weekday.{day.weekday()}', lang)}, {text}" if weekday else text


def state_label(state: str, lang: str) -> str:
    """An application state's name (for sync.states.describe)."""
    return words(f"state.{state}", lang)


def localise_problem(problem: Mapping[str, Any]) -> dict[str, Any]:
    """A value's problem ({code, params}) as sent: {code, message, message_en}."""
    key, params = f"problem.{problem['code']}", problem.get("params")
    return {"code": problem["code"], "message": words(key, "id", params),
            "message_en": words(key, "en", params)}


def localise_rejection(error: Mapping[str, Any]) -> dict[str, Any]:
    """A refusal ({code, details}, as the engine stores it) as sent: {code, message,
    message_en, details}, the problems in details.fields / details.invalid_fields and a
    document's reason (details.reason, a catalog key) in words too."""
    details = dict(error.get("details") or {})
    for name in ("fields", "invalid_fields"):
        if isinstance(details.get(name), dict):
            details[name] = {k: localise_problem(p) for k, p in details[name].items()}
    out = {"code": error["code"]}
    for lang, field in (("id", "message"), ("en", "message_en")):
        params = dict(details)
        if details.get("reason") in MESSAGES:
            params["reason"] = words(details["reason"], lang)
        out[field] = words(f"rejection.{error['code']}", lang, params)
    return {**out, "details": details}


def reason_words(reason: str | None) -> str | None:
    """A stored reason (a catalog key, e.g. an invalid upload's) as one text in both
    languages, "id / en"; other text (rows stored before 0017_seams) as it is."""
    if not reason or reason not in MESSAGES:
        return reason or None
    return f"{words(reason, 'id')} / {words(reason, 'en')}"


def localise_sync(answer: dict[str, Any]) -> dict[str, Any]:
    """A push or pull answer of the engine with its codes in words: each rejected result's
    error and each document's reason (`reason`, with the key as `reason_code`)."""
    for result in answer.get("results", ()):
        if result.get("error"):
            result["error"] = localise_rejection(result["error"])
    for op in answer.get("patch", ()):
        value, key = op.get("value"), op.get("key", "")
        if not isinstance(value, dict):
            continue
        if key.startswith("result/") and value.get("error"):
            value["error"] = localise_rejection(value["error"])
        elif key.startswith("document/"):
            code = value.get("reason")
            value["reason"] = reason_words(code)
            value["reason_code"] = code if code in MESSAGES else None
    return answer
