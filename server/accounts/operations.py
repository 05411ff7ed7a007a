"""Accounts: sign-in codes, device sessions, the citizen's profile and data rights, officers.

State changes only: no HTTP here. Functions add and flush; the caller commits.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
import zipfile
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, false, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, object_session

from sync.views import timestamp
from sync.rules import PHONE_ERROR, kk_problem, mask_phone, nik_problem, \
    normalise_phone

from ..access import TOKEN_PREFIX, hash_token
from ..catalog.models import Agency, Mpp
from ..errors import ApiError
from ..i18n import localise_problem
from .delivery import Channel, DeliveryError
from .models import OFFICER_ROLES, Citizen, DeviceSession, LoginFailure, Officer, OtpChallenge

CODE_DIGITS = 6
MAX_CODE_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

_profile = "RFC_9106_LOW_MEMORY"
_hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """Verifying against this keeps a login for an unknown username as slow as for a known
    one. Made when an app chooses its profile (use_password_profile), not on import: one
    hash is ~0.12 s of CPU and 64 MiB, which every importing process paid for the default
    profile even when it then chose another (tests: the cheapest)."""
    hashed = _dummy_hashes.get(_profile)
    if hashed is None:  # two threads may both make one: either verifies the same way
        hashed = _dummy_hashes[_profile] = _hasher.hash("not-a-real-password")
    return hashed


def use_password_profile(name: str) -> None:
    """Hash new passwords with argon2.profiles.<name> (config ARGON2_PROFILE: RFC 9106's
    low-memory profile, CHEAPEST in tests). A stored hash carries its own parameters, so old
    ones still verify, and a login rehashes them to the current profile."""
    global _profile, _hasher
    if name != _profile:
        _profile, _hasher = name, PasswordHasher.from_parameters(getattr(profiles, name))
    # Now, not at the first unknown username: that sign-in would take a hash longer than
    # the others (measured on `make run`: 0.36 s against 0.17 s) and tell it apart.
    _dummy_hash()


def _problem(code: str) -> dict:
    """A profile value's problem (sync.rules codes and the profile's own), in both languages."""
    said = localise_problem({"code": code})
    return {"code": code, "message_id": said["message"], "message_en": said["message_en"]}


def parse_phone(text: Any) -> str:
    phone = normalise_phone(text) if isinstance(text, str) else None
    if phone is None:
        raise ApiError(400, "invalid_phone", {"fields": {"phone": _problem(PHONE_ERROR.code)}})
    return phone


def _code_hash(secret: str, phone: str, code: str) -> str:
    # HMAC with the server secret: a leaked table alone does not let anyone try all
    # million codes offline.
    return hmac.new(secret.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


# ------------------------------------------------------------------------------ sign-in codes

def request_code(session: Session, phone: str, *, now: dt.datetime, secret: str,
                 channel: Channel, ttl: dt.timedelta, resend_after: dt.timedelta,
                 message: Callable[[str], str]) -> OtpChallenge:
    """Send a new code to `phone`, replacing any earlier one. Raises 429 if asked too soon."""
    latest = session.scalar(select(OtpChallenge).where(OtpChallenge.phone == phone)
                            .order_by(OtpChallenge.id.desc()).limit(1))
    if latest is not None and latest.consumed_at is None and now - latest.created_at < resend_after:
        wait = int((latest.created_at + resend_after - now).total_seconds()) + 1
        raise ApiError(429, "otp_resend_wait", {"retry_after": wait},
                       headers={"Retry-After": str(wait)}, params={"seconds": wait})
    # Older codes for this number stop working the moment a new one is sent.
    session.execute(update(OtpChallenge).where(OtpChallenge.phone == phone,
                                               OtpChallenge.consumed_at.is_(None))
                    .values(consumed_at=now))
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    challenge = OtpChallenge(phone=phone, code_hash=_code_hash(secret, phone, code),
                             created_at=now, expires_at=now + ttl)
    session.add(challenge)
    session.flush()
    try:
        channel.send(phone, code, message(code))
    except DeliveryError as exc:
        raise ApiError(503, "otp_delivery_failed", {"reason": str(exc)}) from exc
    return challenge


def verify_code(session: Session, phone: str, code: Any, *, now: dt.datetime,
                secret: str) -> Citizen:
    """Check a code; on success consume it and return the citizen (created on first sign-in).

    A wrong code counts against the challenge; after MAX_CODE_ATTEMPTS the code is dead
    and a new one must be requested. The counter is committed by the caller even though
    the sign-in fails, so guessing cannot be retried for free.
    """
    if not isinstance(code, str) or len(code) != CODE_DIGITS or not code.isdigit():
        raise ApiError(400, "otp_format")
    challenge = session.scalar(
        select(OtpChallenge).where(OtpChallenge.phone == phone)
        .order_by(OtpChallenge.id.desc()).limit(1).with_for_update())
    if challenge is None:
        raise ApiError(400, "otp_invalid")
    if challenge.consumed_at is not None:
        raise ApiError(400, "otp_used")
    if challenge.expires_at <= now:
        raise ApiError(400, "otp_expired")
    if challenge.attempts >= MAX_CODE_ATTEMPTS:
        raise ApiError(429, "otp_too_many_attempts")
    if not hmac.compare_digest(challenge.code_hash, _code_hash(secret, phone, code)):
        challenge.attempts += 1
        left = MAX_CODE_ATTEMPTS - challenge.attempts
        if left <= 0:
            challenge.consumed_at = now
            raise ApiError(429, "otp_too_many_attempts")
        raise ApiError(400, "otp_invalid", {"attempts_left": left})
    challenge.consumed_at = now
    citizen = session.scalar(select(Citizen).where(Citizen.phone == phone))
    if citizen is None:
        citizen = Citizen(phone=phone, created_at=now)
        session.add(citizen)
        session.flush()
    return citizen


# ------------------------------------------------------------------------------ sessions

def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def issue_session(session: Session, *, now: dt.datetime, lifetime: dt.timedelta,
                  citizen: Citizen | None = None, officer: Officer | None = None,
                  device_name: str = "") -> tuple[str, DeviceSession]:
    token = new_token()
    device = DeviceSession(token_hash=hash_token(token), citizen=citizen, officer=officer,
                           device_name=(device_name or "")[:120], created_at=now,
                           last_seen_at=now, expires_at=now + lifetime)
    session.add(device)
    session.flush()
    return token, device


def citizen_sessions(session: Session, citizen: Citizen, now: dt.datetime) -> list[DeviceSession]:
    return list(session.scalars(
        select(DeviceSession).where(DeviceSession.citizen_id == citizen.id,
                                    DeviceSession.revoked_at.is_(None),
                                    DeviceSession.expires_at > now)
        .order_by(DeviceSession.last_seen_at.desc())))


def revoke_citizen_session(session: Session, citizen: Citizen, session_id: uuid.UUID,
                           now: dt.datetime) -> DeviceSession:
    device = session.get(DeviceSession, session_id)
    # Another citizen's session is "not found": its existence is not theirs to learn.
    if device is None or device.citizen_id != citizen.id or device.revoked_at is not None:
        raise ApiError(404, "session_not_found")
    end_session(session, device, now)
    return device


# Domains that keep something per device session (push subscriptions) register a hook,
# called with the ended sessions' ids in the same transaction.
SESSION_ENDED: list[Callable[[Session, list[uuid.UUID], dt.datetime], None]] = []


def end_session(session: Session, device: DeviceSession, now: dt.datetime) -> None:
    """Sign one device out (sign-out, device removal): the token stops working at once."""
    device.revoked_at = now
    for hook in SESSION_ENDED:
        hook(session, [device.id], now)


# ------------------------------------------------------------------------------ profile

EDITABLE_PROFILE_KEYS = ("nik", "full_name", "birth_place", "birth_date", "sex", "address",
                         "kk_number", "email")


def check_profile_changes(citizen: Citizen, changes: dict[str, Any]) -> list[str]:
    """Check the citizen's own changes to their record; return the keys that would change.

    Verified keys change only when an officer accepts a change (through an application).
    The NIK must agree with the birth date and sex, whichever of them is being changed.
    Raises ApiError(400, profile_invalid) naming each bad key; changes nothing itself: the
    caller writes through the sync engine (reconcile.update_profile), so open drafts'
    discrepancies are refreshed and the change reaches the next pull.
    """
    errors: dict[str, dict] = {}
    for key in changes:
        if key in (citizen.verified_keys or []) and changes[key] != getattr(citizen, key):
            errors[key] = _problem("field_verified")
    merged = {**citizen.profile(), **changes}
    if changes.get("nik") is not None or (
            merged.get("nik") and ({"birth_date", "sex"} & set(changes))):
        problem = nik_problem(merged["nik"], merged.get("birth_date"), merged.get("sex"))
        if problem is not None:
            errors.setdefault("nik", _problem(problem.code))
    if (changes.get("nik") and changes["nik"] != citizen.nik and "nik" not in errors
            and _nik_verified_elsewhere(citizen, changes["nik"])):
        errors["nik"] = _problem("nik_verified_elsewhere")
    if changes.get("kk_number") is not None:
        problem = kk_problem(changes["kk_number"])
        if problem is not None:
            errors["kk_number"] = _problem(problem.code)
    if errors:
        raise ApiError(400, "profile_invalid", {"fields": errors})
    return [key for key, value in changes.items() if getattr(citizen, key) != value]


def _nik_verified_elsewhere(citizen: Citizen, nik: str) -> bool:
    """Whether an officer has verified `nik` for another account. The profile is the
    account holder's own record: a parent files for a child in the application's fields,
    never by taking the child's NIK as their own. Two accounts may claim one NIK (one
    person with a second number) until an officer verifies it for one of them; then no
    other account may claim it, and the holder of a new number moves it at the counter."""
    others = object_session(citizen).scalars(select(Citizen).where(
        Citizen.nik == nik, Citizen.id != citizen.id))
    return any("nik" in (other.verified_keys or []) for other in others)


# ------------------------------------------------------------------------------ data rights

# Each domain that holds a citizen's data adds an exporter (name -> bytes for the zip) and
# an eraser; accounts registers its own here. Applications and documents add theirs.
Exporter = Callable[[Session, Citizen], dict[str, bytes | Iterable[bytes]]]
Eraser = Callable[[Session, Citizen, dt.datetime], None]
EXPORTERS: list[Exporter] = []
ERASERS: list[Eraser] = []


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(type(value))


def to_json_bytes(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default).encode()


def _export_account(session: Session, citizen: Citizen) -> dict[str, bytes]:
    from ..audit.models import AuditEvent

    devices = session.scalars(select(DeviceSession).where(DeviceSession.citizen_id == citizen.id))
    events = session.scalars(select(AuditEvent).where(
        (AuditEvent.target_id == str(citizen.id)) | (AuditEvent.actor_id == str(citizen.id)))
        .order_by(AuditEvent.id))
    return {
        "profile.json": to_json_bytes({
            "id": citizen.id, "phone": citizen.phone, **citizen.profile(),
            "verified_keys": citizen.verified_keys, "language": citizen.language,
            "created_at": citizen.created_at,
        }),
        "devices.json": to_json_bytes([{
            "id": d.id, "device_name": d.device_name, "created_at": d.created_at,
            "last_seen_at": d.last_seen_at, "expires_at": d.expires_at,
            "revoked_at": d.revoked_at} for d in devices]),
        "access-log.json": to_json_bytes([{
            "at": e.at, "actor_kind": e.actor_kind, "action": e.action,
            "target_kind": e.target_kind, "outcome": e.outcome} for e in events]),
    }


def _erase_account(session: Session, citizen: Citizen, now: dt.datetime) -> None:
    session.execute(update(DeviceSession).where(DeviceSession.citizen_id == citizen.id,
                                                DeviceSession.revoked_at.is_(None))
                    .values(revoked_at=now))
    # What the citizen typed ("HP Budi") and the sign-in codes sent to their number (which
    # sign-in audit times could link back to them) go too.
    session.execute(update(DeviceSession).where(DeviceSession.citizen_id == citizen.id)
                    .values(device_name=""))
    if citizen.phone is not None:
        session.execute(delete(OtpChallenge).where(OtpChallenge.phone == citizen.phone))
    for key in ("phone", *EDITABLE_PROFILE_KEYS):
        setattr(citizen, key, None)
    citizen.verified_keys = []
    citizen.erased_at = now


EXPORTERS.append(_export_account)
ERASERS.append(_erase_account)


def export_citizen(session: Session, citizen: Citizen, now: dt.datetime,
                   out: BinaryIO) -> None:
    """Write the zip to `out` (a temporary file): an exporter's value is bytes, or chunks
    copied in one at a time (stored files), so no file is ever held in memory whole."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", (
            "Data Anda di Sekali Datang / Your data held by Sekali Datang\n"
            f"Dibuat / Made: {timestamp(now)}\n"
            "profile.json: data pribadi (catatan MPP) / your profile (the MPP record)\n"
            "devices.json: perangkat yang masuk / signed-in devices\n"
            "access-log.json: siapa mengakses data Anda / who accessed your data\n"
            "applications.json: permohonan, dokumen, pemberitahuan / applications, "
            "documents, notifications\n"
            "documents/: berkas yang Anda unggah / the files you uploaded\n"))
        for exporter in EXPORTERS:
            for name, content in exporter(session, citizen).items():
                if isinstance(content, bytes):
                    archive.writestr(name, content)
                    continue
                with archive.open(name, "w") as entry:
                    for chunk in content:
                        entry.write(chunk)


def erase_citizen(session: Session, citizen: Citizen, now: dt.datetime) -> None:
    """Remove personal data and files; what the audit trail keeps names only the opaque id."""
    for eraser in ERASERS:
        eraser(session, citizen, now)


# ------------------------------------------------------------------------------ officers

def _scope(session: Session, role: str, mpp_code: str | None, agency_code: str | None
           ) -> tuple[Mpp | None, Agency | None]:
    if role not in OFFICER_ROLES:
        raise ApiError(400, "officer_scope_invalid", {"role": f"one of {list(OFFICER_ROLES)}"})
    needs_mpp, needs_agency = role in ("verifier", "supervisor"), role == "verifier"
    # An admin with an MPP is that MPP's admin; without one, the national admin.
    if (needs_mpp and not mpp_code) or (role == "supervisor" and agency_code) \
            or needs_agency != bool(agency_code):
        raise ApiError(400, "officer_scope_invalid", {
            "rule": "verifier: mpp and agency; supervisor: mpp only; "
                    "admin: an mpp (that MPP's admin) or none (national admin)"})
    mpp = agency = None
    if mpp_code:
        mpp = session.scalar(select(Mpp).where(Mpp.code == mpp_code))
        if mpp is None:
            raise ApiError(400, "officer_scope_invalid", {"mpp": f"no MPP '{mpp_code}'"})
    if agency_code:
        agency = session.scalar(select(Agency).where(Agency.mpp_id == mpp.id,
                                                     Agency.code == agency_code))
        if agency is None:
            raise ApiError(400, "officer_scope_invalid",
                           {"agency": f"no agency '{agency_code}' in MPP '{mpp_code}'"})
    return mpp, agency


def check_password_strength(password: Any) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ApiError(400, "password_too_short", {"min_length": MIN_PASSWORD_LENGTH},
                       params={"n": MIN_PASSWORD_LENGTH})


def create_officer(session: Session, *, username: str, password: str, full_name: str,
                   role: str, mpp_code: str | None = None, agency_code: str | None = None,
                   now: dt.datetime) -> Officer:
    check_password_strength(password)
    mpp, agency = _scope(session, role, mpp_code, agency_code)
    if session.scalar(select(Officer.id).where(Officer.username == username)) is not None:
        raise ApiError(409, "username_taken", {"username": username})
    officer = Officer(username=username, full_name=full_name, role=role, mpp=mpp,
                      agency=agency, password_hash=_hasher.hash(password), created_at=now)
    session.add(officer)
    session.flush()
    return officer


def update_officer(session: Session, officer: Officer, changes: dict[str, Any], *,
                   now: dt.datetime) -> None:
    """Apply an admin's changes (everything is checked before anything changes). A new
    password, role, MPP or agency ends every session of the officer: who may use the
    account, or what it may do, changed, so each device signs in again. (A disabled
    officer's sessions are refused while disabled: authenticate checks.)"""
    if "password" in changes:
        check_password_strength(changes["password"])
    scope_changed = bool({"role", "mpp", "agency"} & set(changes))
    if scope_changed:
        role = changes.get("role", officer.role)
        mpp_code = changes.get("mpp", officer.mpp.code if officer.mpp else None)
        agency_code = changes.get("agency", officer.agency.code if officer.agency else None)
        mpp, agency = _scope(session, role, mpp_code, agency_code)
        scope_changed = (role, mpp, agency) != (officer.role, officer.mpp, officer.agency)
        officer.mpp, officer.agency, officer.role = mpp, agency, role
    if "password" in changes:
        officer.password_hash = _hasher.hash(changes["password"])
        clear_login_failures(session, officer.username)
    if "disabled" in changes:
        officer.disabled = bool(changes["disabled"])
    if "full_name" in changes:
        officer.full_name = changes["full_name"]
    if "password" in changes or scope_changed:
        end_officer_sessions(session, officer, now)


def end_officer_sessions(session: Session, officer: Officer, now: dt.datetime) -> int:
    """Sign the officer out everywhere; returns how many sessions ended."""
    ids = list(session.scalars(select(DeviceSession.id).where(
        DeviceSession.officer_id == officer.id, DeviceSession.revoked_at.is_(None))))
    if ids:
        session.execute(update(DeviceSession).where(DeviceSession.id.in_(ids))
                        .values(revoked_at=now), execution_options={"synchronize_session": False})
        for hook in SESSION_ENDED:
            hook(session, ids, now)
    return len(ids)


# Lockout. Wrong passwords in a row are counted per (username, source address): five lock
# that username for that source only, so whoever guesses locks out themselves, not the
# officer at the counter. A slower threshold counts them from every source (source "*"),
# so guessing spread over many addresses still ends: fifty lock the username everywhere.
# With the per-address rate limit (OFFICER_LOGIN_LIMIT_PER_IP) and the per-source lock at
# five, that takes at least ten addresses: a lockout is never free. Unknown usernames are
# counted and locked exactly like known ones, and every attempt runs one argon2 verify,
# locked or not, known or not, so neither the answer nor its time tells them apart.
SOURCE_FAILURES = 5
GLOBAL_FAILURES = 50
EVERYWHERE = "*"


def _lock_state(session: Session, username: str, source: str, now: dt.datetime
                ) -> dt.datetime | None:
    """When the username is locked for this source (or everywhere) until, or None."""
    until = session.scalar(select(func.max(LoginFailure.locked_until)).where(
        LoginFailure.username == username, LoginFailure.source.in_((source, EVERYWHERE)),
        LoginFailure.locked_until > now))
    return until


def _count_failure(session: Session, username: str, source: str, threshold: int,
                   now: dt.datetime) -> None:
    """One more failure, atomically (INSERT ... ON CONFLICT DO UPDATE SET failures =
    failures + 1 RETURNING): concurrent guesses are each counted on both databases. The
    failure that reaches the threshold locks, and the count starts again."""
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)(LoginFailure)
    failures = session.execute(
        insert.values(username=username, source=source, failures=1)
        .on_conflict_do_update(index_elements=["username", "source"],
                               set_={"failures": LoginFailure.failures + 1})
        .returning(LoginFailure.failures)).scalar_one()
    if failures >= threshold:
        session.execute(update(LoginFailure).where(
            LoginFailure.username == username, LoginFailure.source == source)
            .values(failures=0, locked_until=now + LOCKOUT))


def clear_login_failures(session: Session, username: str) -> None:
    """Forget every count and lock of a username (a right password, an admin's reset)."""
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))


def officer_login(session: Session, username: str, password: str, *, source: str,
                  now: dt.datetime) -> Officer:
    """Check a password from `source` (the client's address). Raises 401
    invalid_credentials (wrong password, unknown username, disabled account alike) or 429
    account_locked; the caller keeps the failure counts although the sign-in fails.

    A disabled account answers as a wrong password does, whatever the password: answering
    `account_disabled` only to the right one would confirm it."""
    source = source[:64]
    officer = session.scalar(select(Officer).where(Officer.username == username))
    locked_until = _lock_state(session, username, source, now)
    try:
        _hasher.verify(officer.password_hash if officer is not None else _dummy_hash(),
                       password or "")
        right = officer is not None
    except (VerificationError, InvalidHashError):
        right = False
    if locked_until is not None:
        wait = int((locked_until - now).total_seconds()) + 1
        raise ApiError(429, "account_locked", {"retry_after": wait},
                       headers={"Retry-After": str(wait)}, params={"minutes": -(-wait // 60)})
    if not right or officer.disabled:
        _count_failure(session, username, source, SOURCE_FAILURES, now)
        _count_failure(session, username, EVERYWHERE, GLOBAL_FAILURES, now)
        raise ApiError(401, "invalid_credentials")
    clear_login_failures(session, username)
    if _hasher.check_needs_rehash(officer.password_hash):
        officer.password_hash = _hasher.hash(password)
    return officer


def masked(phone: str | None) -> str | None:
    return mask_phone(phone) if phone else None


def is_national_admin(officer: Officer) -> bool:
    """An admin of no one MPP: every MPP, the shared standards, every officer. An admin with
    an MPP (an MPP's admin) reaches that MPP as its supervisor does, and administers it."""
    return officer.role == "admin" and officer.mpp_id is None


def reaches_mpp(officer: Officer, mpp_id: int | None) -> bool:
    """Whether `officer` may look after MPP `mpp_id` as a whole (its supervisor's reach)."""
    return is_national_admin(officer) or (
        officer.role in ("supervisor", "admin") and mpp_id is not None
        and officer.mpp_id == mpp_id)


def within_reach(query, officer: Officer):
    """`query` (which joins Agency) narrowed to the agencies `officer` serves: a national
    admin every MPP, supervisors and an MPP's admin every agency of their MPP, verifiers their
    own agency; any other role, or an officer missing the MPP or agency its role needs,
    nothing. The one rule of an officer's reach, for the queue, the review actions and
    reading documents alike."""
    if is_national_admin(officer):
        return query
    if officer.role in ("supervisor", "admin") and officer.mpp_id is not None:
        return query.where(Agency.mpp_id == officer.mpp_id)
    if officer.role == "verifier" and officer.agency_id is not None:
        return query.where(Agency.id == officer.agency_id)
    return query.where(false())


def set_temporary_password(session: Session, officer: Officer, *, now: dt.datetime) -> str:
    """A new random password the officer must replace at their next sign-in (staff
    administration gives it to them once). Every session of theirs ends, and any lockout of
    the username is cleared, as for an admin's reset (update_officer)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing to misread on paper: no l/1, o/0
    password = "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
    update_officer(session, officer, {"password": password}, now=now)
    officer.must_change_password = True
    return password


def change_own_password(session: Session, officer: Officer, current: Any, new: Any, *,
                        now: dt.datetime, keep: DeviceSession | None = None) -> None:
    """The officer sets their own password (required after a temporary one): the current one
    must be right and the new one strong and different. Other sessions end; `keep` stays."""
    try:
        _hasher.verify(officer.password_hash, current if isinstance(current, str) else "")
    except (VerificationError, InvalidHashError):
        raise ApiError(400, "password_wrong") from None
    check_password_strength(new)
    if new == current:
        raise ApiError(400, "password_unchanged")
    officer.password_hash = _hasher.hash(new)
    officer.must_change_password = False
    ids = list(session.scalars(select(DeviceSession).where(
        DeviceSession.officer_id == officer.id, DeviceSession.revoked_at.is_(None),
        *([DeviceSession.id != keep.id] if keep is not None else []))))
    for device in ids:
        end_session(session, device, now)
