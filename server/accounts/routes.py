"""Accounts API: a routing table over accounts.operations."""
from __future__ import annotations

import datetime as dt
import tempfile

from flask import current_app, request, send_file
from sqlalchemy import select
from sync.rules import normalise_phone

from ..access import allow, current_principal, session_lifetime
from ..audit.models import AuditEvent
from ..audit.operations import record
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint, db, limiter
from ..i18n import translate
from ..transactions import request_work
from ..json_input import json_body
from . import operations as ops
from .delivery import channel_from_config
from ..db_types import utcnow
from .models import Officer
from .schemas import (
    AuditListSchema, AuditQuerySchema, DeviceListSchema, EraseSchema, OfficerCreateSchema,
    OfficerListSchema, OfficerLoginSchema, OfficerPatchSchema, OfficerSchema,
    OfficerSignedInSchema, OtpRequestSchema, OtpSentSchema, OtpVerifySchema,
    ProfilePatchSchema, ProfileSchema, SignedInSchema,
)

blp = Blueprint("accounts", __name__, url_prefix="/api",
                description="Masuk, profil dan petugas / Sign-in, profile and officers")
BEARER = [{"bearerAuth": []}]


def _phone_key() -> str:
    """Rate-limit key: the phone number as normalised, so spellings share one budget."""
    body = json_body(silent=True) or {}
    raw = body.get("phone") if isinstance(body, dict) else None
    return "phone:" + (normalise_phone(raw) or str(raw)[:32] if isinstance(raw, str) else "-")


def _config_limit(name):
    return lambda: current_app.config[name]


def _citizen_key() -> str:
    """Rate-limit key: the signed-in citizen (access has authenticated them already)."""
    return "citizen:" + (current_principal().actor_id or "-")


def _device_dump(device, current_id=None) -> dict:
    return {"id": device.id, "device_name": device.device_name, "created_at": device.created_at,
            "last_seen_at": device.last_seen_at, "expires_at": device.expires_at,
            "current": device.id == current_id}


# ----------------------------------------------------------------------------- citizens

@blp.route("/auth/otp", methods=["POST"])
@allow("public")
@limiter.limit(_config_limit("OTP_LIMIT_PER_PHONE"), key_func=_phone_key)
@limiter.limit(_config_limit("OTP_LIMIT_PER_IP"))
@blp.arguments(OtpRequestSchema)
@blp.response(202, OtpSentSchema)
@blp.alt_response(429, schema=ErrorSchema, description="Asked too often; see Retry-After")
def request_otp(data):
    """Kirim kode masuk / Send a one-time sign-in code to a phone."""
    phone = ops.parse_phone(data["phone"])
    config = current_app.config
    ttl = dt.timedelta(seconds=config["OTP_TTL_SECONDS"])
    lang = request.accept_languages.best_match(("id", "en")) or "id"
    ops.request_code(
        db.session, phone, now=utcnow(), secret=config["SECRET_KEY"],
        channel=channel_from_config(config), ttl=ttl,
        resend_after=dt.timedelta(seconds=config["OTP_RESEND_SECONDS"]),
        message=lambda code: translate("otp_sent", lang, code=code,
                                       minutes=config["OTP_TTL_SECONDS"] // 60))
    return {"phone": ops.masked(phone), "expires_in": config["OTP_TTL_SECONDS"],
            "resend_in": config["OTP_RESEND_SECONDS"]}


@blp.route("/auth/otp/verify", methods=["POST"])
@allow("public")
@limiter.limit(_config_limit("OTP_VERIFY_LIMIT_PER_PHONE"), key_func=_phone_key)
@limiter.limit(_config_limit("OTP_VERIFY_LIMIT_PER_IP"))
@blp.arguments(OtpVerifySchema)
@blp.response(200, SignedInSchema)
@blp.alt_response(400, schema=ErrorSchema, description="Wrong, expired or used code")
def verify_otp(data):
    """Masuk dengan kode / Sign in with the code; creates the account on first sign-in."""
    phone = ops.parse_phone(data["phone"])
    now = utcnow()
    try:
        citizen = ops.verify_code(db.session, phone, data["code"], now=now,
                                  secret=current_app.config["SECRET_KEY"])
    except ApiError:
        request_work().keep()  # the failed attempt counts
        raise
    new_account = citizen.created_at == now
    token, device = ops.issue_session(db.session, now=now, citizen=citizen,
                                      lifetime=session_lifetime("citizen"),
                                      device_name=data["device_name"])
    record("citizen.signed_in", target_kind="citizen", target_id=citizen.id,
           details={"session": str(device.id), "new_account": new_account})
    return {"token": token, "session": _device_dump(device, device.id),
            "citizen": citizen, "new_account": new_account}


@blp.route("/auth/logout", methods=["POST"])
@allow("signed_in")
@blp.response(204)
@blp.doc(security=BEARER)
def logout():
    """Keluar dari perangkat ini / Sign this device out."""
    principal = current_principal()
    ops.end_session(db.session, principal.session, utcnow())
    record("signed_out", target_kind="session", target_id=principal.session_id)


@blp.route("/me")
@allow("citizen")
@blp.response(200, ProfileSchema)
@blp.doc(security=BEARER)
def get_profile():
    """Profil saya (catatan MPP) / My profile: the MPP's record of me."""
    return current_principal().citizen


@blp.route("/me", methods=["PATCH"])
@allow("citizen")
@limiter.limit(_config_limit("PROFILE_LIMIT_PER_CITIZEN"), key_func=_citizen_key)
@blp.arguments(ProfilePatchSchema)
@blp.response(200, ProfileSchema)
@blp.doc(security=BEARER)
def patch_profile(data):
    """Ubah profil / Change my profile (keys not yet verified by an officer)."""
    from sync import reconcile

    citizen = current_principal().citizen
    citizen_id = str(citizen.id)
    language = data.pop("language", None)
    changed = ops.check_profile_changes(citizen, data)
    if language:
        citizen.language = language
    if changed:
        record("citizen.profile_changed", target_kind="citizen", target_id=citizen.id,
               details={"keys": changed})
    if changed:
        values = {key: value.isoformat() if isinstance(value, dt.date) else value
                  for key, value in data.items() if key in changed}
        # The engine writes the record in this request's transaction (open drafts'
        # discrepancies refreshed, the change reaches the next pull).
        with request_work().engine() as uow:
            reconcile.update_profile(uow, citizen_id, values, None,
                                     utcnow(), actor="citizen",
                                     actor_id=citizen_id)
        db.session.expire(citizen)  # the answer shows the record as the engine wrote it
    return citizen


@blp.route("/me/devices")
@allow("citizen")
@blp.response(200, DeviceListSchema)
@blp.doc(security=BEARER)
def list_devices():
    """Perangkat saya / My signed-in devices."""
    principal = current_principal()
    devices = ops.citizen_sessions(db.session, principal.citizen, utcnow())
    return {"items": [_device_dump(d, principal.session_id) for d in devices]}


@blp.route("/me/devices/<uuid:session_id>", methods=["DELETE"])
@allow("citizen")
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(security=BEARER)
def revoke_device(session_id):
    """Keluarkan perangkat / Sign a device out (a lost phone, say)."""
    citizen = current_principal().citizen
    ops.revoke_citizen_session(db.session, citizen, session_id, utcnow())
    record("session.revoked", target_kind="session", target_id=session_id)


@blp.route("/me/export")
@allow("citizen")
@blp.response(200, description="A zip of everything held about me",
              content_type="application/zip")
@blp.doc(security=BEARER)
def export_me():
    """Unduh data saya / Export everything held about me (UU 27/2022)."""
    citizen = current_principal().citizen
    now = utcnow()
    # The zip goes through a temporary file (deleted when closed), never memory whole.
    out = tempfile.TemporaryFile()
    try:
        ops.export_citizen(db.session, citizen, now, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    request_work().write()  # a read route that writes its audit row: server/transactions.py
    record("citizen.exported", target_kind="citizen", target_id=citizen.id)
    response = send_file(out, mimetype="application/zip", as_attachment=True,
                         download_name=f"sekali-datang-{now:%Y%m%d}.zip", etag=False)
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/me/erase", methods=["POST"])
@allow("citizen")
@blp.arguments(EraseSchema)
@blp.response(204)
@blp.doc(security=BEARER)
def erase_me(data):
    """Hapus data saya / Erase my personal data and files (keeps an anonymous audit trail)."""
    if data["confirm"] != "HAPUS":
        raise ApiError(400, "erase_not_confirmed")
    citizen = current_principal().citizen
    ops.erase_citizen(db.session, citizen, utcnow())
    record("citizen.erased", target_kind="citizen", target_id=citizen.id)


# ----------------------------------------------------------------------------- officers

@blp.route("/officer/login", methods=["POST"])
@allow("public")
@limiter.limit(_config_limit("OFFICER_LOGIN_LIMIT_PER_IP"))
@blp.arguments(OfficerLoginSchema)
@blp.response(200, OfficerSignedInSchema)
@blp.alt_response(401, schema=ErrorSchema)
def officer_login(data):
    """Masuk petugas / Officer sign-in by password."""
    now = utcnow()
    try:
        officer = ops.officer_login(db.session, data["username"], data["password"],
                                    source=request.remote_addr or "-", now=now)
    except ApiError as err:
        record("officer.login_failed", target_kind="officer_username",
               target_id=data["username"][:64], outcome="denied", details={"code": err.code})
        request_work().keep()  # failure counters and lockout must stick
        raise
    token, device = ops.issue_session(db.session, now=now, officer=officer,
                                      lifetime=session_lifetime("officer"),
                                      device_name=data["device_name"])
    record("officer.signed_in", target_kind="officer", target_id=officer.id,
           details={"session": str(device.id)})
    return {"token": token, "officer": officer, "expires_at": device.expires_at}


@blp.route("/officer/me")
@allow("officer")
@blp.response(200, OfficerSchema)
@blp.doc(security=BEARER)
def officer_me():
    """Petugas yang masuk / The signed-in officer."""
    return current_principal().officer


@blp.route("/admin/officers")
@allow("admin")
@blp.response(200, OfficerListSchema)
@blp.doc(security=BEARER)
def list_officers():
    """Daftar petugas / List officer accounts."""
    return {"items": db.session.scalars(select(Officer).order_by(Officer.username)).all()}


@blp.route("/admin/officers", methods=["POST"])
@allow("admin")
@blp.arguments(OfficerCreateSchema)
@blp.response(201, OfficerSchema)
@blp.doc(security=BEARER)
def create_officer(data):
    """Buat akun petugas / Create an officer account."""
    officer = ops.create_officer(db.session, username=data["username"],
                                 password=data["password"], full_name=data["full_name"],
                                 role=data["role"], mpp_code=data["mpp"],
                                 agency_code=data["agency"], now=utcnow())
    record("officer.created", target_kind="officer", target_id=officer.id,
           details={"role": officer.role})
    return officer


@blp.route("/admin/officers/<int(max=2147483647):officer_id>", methods=["PATCH"])
@allow("admin")
@blp.arguments(OfficerPatchSchema)
@blp.response(200, OfficerSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(security=BEARER)
def update_officer(data, officer_id):
    """Ubah petugas / Change an officer: role, scope, password, disable."""
    officer = db.session.get(Officer, officer_id)
    if officer is None:
        raise ApiError(404, "officer_not_found")
    ops.update_officer(db.session, officer, data, now=utcnow())
    record("officer.changed", target_kind="officer", target_id=officer.id,
           details={"keys": sorted(k for k in data if k != "password")
                    + (["password"] if "password" in data else [])})
    return officer


@blp.route("/admin/audit")
@allow("admin")
@blp.arguments(AuditQuerySchema, location="query", as_kwargs=True)
@blp.response(200, AuditListSchema)
@blp.doc(security=BEARER)
def list_audit(limit=100, **filters):
    """Log audit / The audit log, newest first, filtered by target or actor."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    for key, value in filters.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return {"items": db.session.scalars(query).all()}
