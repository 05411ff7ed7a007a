"""Staff administration API: a routing table over staff.operations. Supervisors and admins
(`allow("supervisor")` includes admins); a refusal is audited and nothing else changes."""
from __future__ import annotations

import datetime as dt

from sync.space import WIB

from ..access import allow, current_principal
from ..accounts import operations as accounts
from ..accounts.models import Officer
from ..accounts.schemas import OfficerSchema
from ..audit.operations import record
from ..db_types import utcnow
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint, db
from ..transactions import request_work
from . import operations as ops
from .schemas import (
    PasswordChangeSchema, StaffAuditListSchema, StaffAuditQuerySchema, StaffCreateSchema,
    StaffListSchema, StaffPatchSchema, TemporaryPasswordSchema,
)

blp = Blueprint("staff", __name__, url_prefix="/api",
                description="Petugas dan log audit / Staff administration and the audit log")
BEARER = [{"bearerAuth": []}]
OFFICER_ID = "<int(max=2147483647):officer_id>"


def _refused(action: str, err: ApiError, target_id=None) -> None:
    """Audit a refusal (it stays although the request rolls back), then raise it."""
    record(action, target_kind="officer", target_id=target_id, outcome="denied",
           details={"code": err.code})
    request_work().keep()
    raise err


def _officer(officer_id: int) -> Officer:
    officer = db.session.get(Officer, officer_id)
    if officer is None:
        raise ApiError(404, "officer_not_found")
    return officer


@blp.route("/staff/officers")
@allow("supervisor")
@blp.response(200, StaffListSchema)
@blp.doc(security=BEARER)
def list_staff():
    """Petugas dalam wewenang / The officers you manage, and the roles, agencies and counters
    you may give them."""
    actor = current_principal().officer
    return {"items": ops.officers(db.session, actor), **ops.choices(db.session, actor)}


@blp.route("/staff/officers", methods=["POST"])
@allow("supervisor")
@blp.arguments(StaffCreateSchema)
@blp.response(201, TemporaryPasswordSchema)
@blp.alt_response(400, schema=ErrorSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(security=BEARER)
def create_staff(data):
    """Buat akun petugas / Create an officer with a temporary password, shown once; they set
    their own at the first sign-in."""
    actor = current_principal().officer
    try:
        officer, password = ops.create(db.session, actor, data, utcnow())
    except ApiError as err:
        _refused("staff.create_refused", err, data.get("username"))
    record("officer.created", target_kind="officer", target_id=officer.id,
           details={"role": officer.role, "via": "console"})
    return {"officer": officer, "temporary_password": password}


@blp.route(f"/staff/officers/{OFFICER_ID}", methods=["PATCH"])
@allow("supervisor")
@blp.arguments(StaffPatchSchema)
@blp.response(200, OfficerSchema)
@blp.alt_response(400, schema=ErrorSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(security=BEARER)
def change_staff(data, officer_id):
    """Ubah petugas / Change an officer's role, agency, counter or name, or disable them."""
    actor = current_principal().officer
    officer = _officer(officer_id)
    try:
        ops.change(db.session, actor, officer, data, utcnow())
    except ApiError as err:
        _refused("staff.change_refused", err, officer_id)
    record("officer.changed", target_kind="officer", target_id=officer.id,
           details={"keys": sorted(data), "via": "console"})
    return officer


@blp.route(f"/staff/officers/{OFFICER_ID}/reset-password", methods=["POST"])
@allow("supervisor")
@blp.response(200, TemporaryPasswordSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(security=BEARER)
def reset_password(officer_id):
    """Atur ulang kata sandi / Reset an officer's password: a temporary one, shown once; every
    session of theirs ends and they set a new one at their next sign-in."""
    actor = current_principal().officer
    officer = _officer(officer_id)
    try:
        password = ops.reset_password(db.session, actor, officer, utcnow())
    except ApiError as err:
        _refused("staff.reset_refused", err, officer_id)
    record("officer.password_reset", target_kind="officer", target_id=officer.id,
           details={"via": "console"})
    return {"officer": officer, "temporary_password": password}


@blp.route("/officer/password", methods=["POST"])
@allow("officer")
@blp.arguments(PasswordChangeSchema)
@blp.response(200, OfficerSchema)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(security=BEARER)
def change_own_password(data):
    """Ganti kata sandi sendiri / Set your own password (required after a temporary one);
    your other devices are signed out."""
    principal = current_principal()
    accounts.change_own_password(db.session, principal.officer, data["current_password"],
                                 data["new_password"], now=utcnow(), keep=principal.session)
    record("officer.password_changed", target_kind="officer", target_id=principal.officer_id)
    return principal.officer


@blp.route("/staff/audit")
@allow("supervisor")
@blp.arguments(StaffAuditQuerySchema, location="query", as_kwargs=True)
@blp.response(200, StaffAuditListSchema)
@blp.doc(security=BEARER)
def browse_audit(first=None, last=None, **filters):
    """Log audit / The audit log, newest first, filtered by action (prefix), actor, target,
    outcome and days (WIB); a supervisor sees what concerns their MPP."""
    start = dt.datetime.combine(first, dt.time(), WIB) if first else None
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), WIB) if last else None
    return ops.audit(db.session, current_principal().officer, first=start, end=end, **filters)
