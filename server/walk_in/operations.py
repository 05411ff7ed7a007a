"""Walk-in applications as operations with no HTTP in them (server/transactions.py: they add
and flush, the request commits once).

One set of rules: the application is created, filled, given its documents and submitted by
the sync engine's own mutators (sync/mutators.py), run in a SpaceWriter on the citizen's
space with the officer as the actor, so it is journalled as the officer's work and reaches
the citizen's next pull like any change. The identity is checked with the same NIK rule as
the profile (sync.rules.nik_problem) and the one-time code with accounts' own verify_code.

Reach: an officer starts walk-ins only for the services their agency serves (a supervisor:
any agency of their MPP; an admin: any), the one rule of accounts.operations.within_reach;
another agency's walk-in is answered like a missing one (404) and the attempt is audited.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import marshmallow as ma
from sqlalchemy import select, update

from sync import mutators, states
from sync.errors import Rejection, reject
from sync.protocol import MUTATION_ARGS
from sync.rules import mask_nik, mask_phone, nik_problem
from sync.space import SpaceWriter

from ..accounts import operations as accounts
from ..accounts.models import Citizen, Officer
from ..applications.models import Application as AppRow
from ..audit.operations import record
from ..catalog.models import Service
from ..errors import ApiError
from ..extensions import db
from ..i18n import localise_problem, localise_rejection
from ..review import operations as review
from ..transactions import RequestWork
from .models import BY_CODE, NO_PHONE, WalkIn

# HTTP status of the engine's refusals here; any other is a 400 (the values sent are wrong).
REJECTION_STATUS = {"application_not_found": 404, "application_locked": 409,
                    "invalid_transition": 409}
# The identity the officer types, and the form fields (by profile_key) it fills.
IDENTITY_KEYS = ("nik", "full_name", "birth_date", "sex")


def _problem(code: str) -> dict[str, Any]:
    said = localise_problem({"code": code})
    return {"code": code, "message_id": said["message"], "message_en": said["message_en"]}


def _audit_denied(work: RequestWork, action: str, **fields: Any) -> None:
    """An audit row that stays although the request is refused."""
    work.write()
    record(action, outcome="denied", **fields)
    work.keep()


def check_identity(identity: dict[str, Any]) -> None:
    """The NIK must agree with the birth date (and sex, when given): the profile's rule.
    Raises 400 walk_in_identity_invalid naming the field, before anything is written."""
    problem = nik_problem(identity["nik"], identity["birth_date"], identity.get("sex"))
    if problem is not None:
        raise ApiError(400, "walk_in_identity_invalid",
                       {"fields": {"nik": _problem(problem.code)}})


def service_for(work: RequestWork, officer: Officer, service_code: str
                ) -> review.ServiceInfo:
    """The service, if the officer's agency serves it; 404 if there is no such service,
    403 (audited) if it is another agency's or MPP's."""
    info = review.service_in_scope(officer, service_code)
    if info is not None:
        return info
    exists = db.session.scalar(select(Service.id).where(Service.code == service_code))
    if exists is None:
        raise ApiError(404, "service_not_found")
    _audit_denied(work, "walk_in.service_denied", target_kind="service",
                  target_id=service_code)
    raise ApiError(403, "walk_in_service_out_of_reach", {"service_id": service_code})


def _engine_refusal(refusal: Rejection) -> ApiError:
    said = localise_rejection(refusal.to_dict())
    details = {**said["details"], "messages": {"id": said["message"], "en": said["message_en"]}}
    return ApiError(REJECTION_STATUS.get(refusal.code, 400), refusal.code, details,
                    message_key=f"rejection.{refusal.code}", params=said["details"])


def _run(work: RequestWork, officer: Officer, citizen_id: str, now: dt.datetime,
         steps: list[tuple[str, dict[str, Any]]]) -> None:
    """Run mutations through the engine's mutators, with the protocol's own argument checks,
    on the citizen's space as the officer; all of them or none (a savepoint)."""
    try:
        with work.engine(savepoint=True) as uow:
            for name, args in steps:
                try:
                    checked = MUTATION_ARGS[name].load(args)
                except ma.ValidationError as exc:
                    raise reject("invalid_args", errors=exc.messages) from None
                writer = SpaceWriter(uow, citizen_id, now, actor=states.OFFICER,
                                     actor_id=str(officer.id))
                mutators.MUTATORS[name](writer, checked)
    except Rejection as refusal:
        raise _engine_refusal(refusal) from None


# ------------------------------------------------------------------------------ identify

def send_code(officer: Officer, phone: str, **delivery: Any) -> str:
    """A one-time code to the citizen's phone (accounts.request_code: the sign-in code,
    the same limits). Returns the normalised number."""
    accounts.request_code(db.session, phone, **delivery)
    record("walk_in.code_sent", target_kind="phone", target_id=mask_phone(phone),
           details={"officer": officer.id})
    return phone


def _citizen(work: RequestWork, data: dict[str, Any], now: dt.datetime, secret: str
             ) -> Citizen:
    """The citizen the walk-in is for: by the one-time code sent to their phone (their
    account, made now if they have none), or a new account without a phone."""
    if data.get("no_phone"):
        citizen = Citizen(phone=None, created_at=now)
        db.session.add(citizen)
        db.session.flush()
        return citizen
    phone = accounts.parse_phone(data.get("phone"))
    try:
        return accounts.verify_code(db.session, phone, data.get("code"), now=now,
                                    secret=secret)
    except ApiError:
        # A wrong code counts against the challenge, as at sign-in; nothing else stays.
        work.keep()
        raise


def start(work: RequestWork, officer: Officer, data: dict[str, Any], now: dt.datetime,
          secret: str) -> str:
    """Identify the citizen and start the application in their space; returns its id.

    Order matters for "nothing changed": the service and the identity are checked before
    the code is verified (a refused NIK does not use up the code) and before any write."""
    service = service_for(work, officer, data["service_id"])
    identity = {k: data.get(k) for k in IDENTITY_KEYS}
    check_identity(identity)
    if not data.get("no_phone") and not data.get("code"):
        raise ApiError(400, "walk_in_identity_invalid",
                       {"fields": {"code": _problem("walk_in_code_missing")}})
    citizen = _citizen(work, data, now, secret)
    citizen_id = str(citizen.id)
    application_id = str(uuid.uuid4())
    spec = _service_spec(work, service.code)
    values = {}
    for key in IDENTITY_KEYS:
        field = spec.field_with_profile_key(key) if spec else None
        value = identity.get(key)
        if field is not None and value not in (None, ""):
            values[field.key] = value.isoformat() if isinstance(value, dt.date) else value
    phone_field = spec.field_with_profile_key("phone") if spec else None
    if phone_field is not None and citizen.phone:  # the number the code just proved
        values[phone_field.key] = citizen.phone
    steps = [("application.create", {"application_id": application_id,
                                     "service_id": service.code})]
    if values:
        steps.append(("application.set_fields", {"application_id": application_id,
                                                 "fields": values}))
    _run(work, officer, citizen_id, now, steps)
    agency_id = db.session.scalar(select(Service.agency_id).where(Service.id == service.id))
    db.session.add(WalkIn(application_id=application_id, citizen_id=citizen.id,
                          officer_id=officer.id, agency_id=agency_id,
                          service_code=service.code,
                          identified_by=NO_PHONE if data.get("no_phone") else BY_CODE,
                          note=(data.get("note") or "").strip(), created_at=now))
    record("walk_in.started", target_kind="application", target_id=application_id,
           details={"service": service.code, "citizen": citizen_id,
                    "identified_by": NO_PHONE if data.get("no_phone") else BY_CODE})
    return application_id


def _service_spec(work: RequestWork, code: str):
    with work.engine() as uow:
        return uow.service(code)


# ------------------------------------------------------------------------------ continue

def _walk_in(work: RequestWork, officer: Officer, application_id: str, action: str
             ) -> tuple[WalkIn, review.ServiceInfo]:
    """The walk-in, if it is within the officer's reach; else 404 like a missing one, and
    the attempt audited."""
    row = db.session.get(WalkIn, application_id)
    service = review.service_in_scope(officer, row.service_code) if row is not None else None
    if service is None:
        _audit_denied(work, "walk_in.denied", target_kind="application",
                      target_id=application_id, details={"action": action})
        raise ApiError(404, "application_not_found")
    return row, service


def detail(work: RequestWork, officer: Officer, application_id: str, now: dt.datetime
           ) -> dict[str, Any]:
    """The application as the console's review shows it, and how the citizen was
    identified (their number masked)."""
    row, service = _walk_in(work, officer, application_id, "view")
    with work.engine() as uow:
        application = uow.get_application(application_id)
    if application is None:  # discarded by its citizen since
        raise ApiError(404, "application_not_found")
    citizen = db.session.get(Citizen, row.citizen_id)
    out = review.describe(work, application, service, now)
    out["walk_in"] = {"identified_by": row.identified_by, "note": row.note,
                      "phone_masked": accounts.masked(citizen.phone if citizen else None),
                      "officer_id": row.officer_id, "created_at": row.created_at}
    return out


def set_fields(work, officer, application_id, fields, now) -> None:
    row, _ = _walk_in(work, officer, application_id, "set_fields")
    _run(work, officer, str(row.citizen_id), now, [
        ("application.set_fields", {"application_id": application_id, "fields": fields})])


def attach(work, officer, application_id, requirement_code, document_id, now) -> None:
    row, _ = _walk_in(work, officer, application_id, "attach")
    _run(work, officer, str(row.citizen_id), now, [
        ("application.attach", {"application_id": application_id,
                                "requirement_code": requirement_code,
                                "document_id": document_id})])


def submit(work, officer, application_id, now) -> None:
    row, _ = _walk_in(work, officer, application_id, "submit")
    _run(work, officer, str(row.citizen_id), now, [
        ("application.submit", {"application_id": application_id})])
    record("walk_in.submitted", target_kind="application", target_id=application_id)


def upload_owner(work: RequestWork, officer: Officer, application_id: str) -> str:
    """Whose space a walk-in's photographed document goes into (the citizen's), checked
    before the upload's own transactions begin."""
    row, _ = _walk_in(work, officer, application_id, "upload")
    return str(row.citizen_id)


def in_progress(officer: Officer, limit: int = 50) -> list[dict[str, Any]]:
    """The walk-ins still drafts in the officer's reach, newest first: a tablet's tab closed
    halfway loses nothing (a draft is not in the review queue, which is for submitted
    applications)."""
    scope = review.services_in_scope(officer)
    if not scope:
        return []
    rows = db.session.execute(
        select(WalkIn.application_id, WalkIn.service_code, WalkIn.identified_by,
               WalkIn.created_at, AppRow.applicant_nik)
        .join(AppRow, AppRow.id == WalkIn.application_id)
        .where(WalkIn.service_code.in_(list(scope)), AppRow.state == states.DRAFT)
        .order_by(WalkIn.created_at.desc()).limit(limit)).all()
    return [{"id": r.application_id, "service": scope[r.service_code].summary(),
             "identified_by": r.identified_by, "created_at": r.created_at,
             "nik_masked": mask_nik(r.applicant_nik) if r.applicant_nik else None}
            for r in rows]


# ------------------------------------------------------------------------------ data rights

def _erase_walk_in_notes(session, citizen: Citizen, now: dt.datetime) -> None:
    """A citizen's erasure: the officer's notes about them go (they may hold a relative's
    number); the marks stay, naming only the erased account, so figures keep counting."""
    session.execute(update(WalkIn).where(WalkIn.citizen_id == citizen.id).values(note=""))


accounts.ERASERS.append(_erase_walk_in_notes)
