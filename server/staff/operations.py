"""Staff administration in the console (issue #18): supervisors and admins create officers,
set their role, agency and counter, disable them and reset their password; a supervisor
browses the audit log. Operations only, no HTTP (server/transactions.py's pattern).

One set of rules: creating and changing an officer go through accounts.operations
(create_officer, update_officer: the same checks as `flask accounts create-officer`); this
module adds only who may do it to whom:
- an admin reaches every officer; a supervisor the verifiers and supervisors of their own
  MPP (the agencies of accounts.within_reach), and gives no one the admin role;
- nobody disables themselves, and the last enabled admin is neither disabled nor demoted;
  disabling ends the officer's sessions (enabling them again brings none back);
- a counter given to an officer is one of their agency's (a supervisor: of their MPP).
Each refusal raises ApiError; the routes audit it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from ..accounts import operations as accounts
from ..accounts.models import Officer
from ..applications.models import Application
from ..audit.models import AuditEvent
from ..catalog.models import Agency, Counter, Mpp, Service
from ..errors import ApiError


def reaches(session: Session, actor: Officer, officer: Officer) -> bool:
    """Whether `actor` may manage `officer`: the national admin everyone; an MPP's admin every
    officer of their MPP (its admins too); a supervisor its verifiers and supervisors."""
    if accounts.is_national_admin(actor):
        return True
    if actor.role == "admin":
        return actor.mpp_id is not None and officer.mpp_id == actor.mpp_id
    if actor.role != "supervisor" or officer.role == "admin":
        return False
    if officer.agency_id is not None:
        return session.scalar(accounts.within_reach(
            select(Agency.id).where(Agency.id == officer.agency_id), actor)) is not None
    return officer.mpp_id is not None and officer.mpp_id == actor.mpp_id


def officers(session: Session, actor: Officer) -> list[Officer]:
    query = select(Officer).order_by(Officer.role, Officer.username)
    if actor.role == "admin" and actor.mpp_id is not None:
        query = query.where(Officer.mpp_id == actor.mpp_id)
    elif not accounts.is_national_admin(actor):
        query = query.where(Officer.mpp_id == actor.mpp_id, Officer.role != "admin")
    return list(session.scalars(query))


def choices(session: Session, actor: Officer) -> dict[str, Any]:
    """What the staff form may offer: roles, and the agencies with their counters."""
    mpps = session.scalars(select(Mpp).order_by(Mpp.code)) \
        if accounts.is_national_admin(actor) else [actor.mpp] if actor.mpp else []
    out = []
    for mpp in mpps:
        counters = session.scalars(select(Counter).where(Counter.mpp_id == mpp.id,
                                                         Counter.active.is_(True))
                                   .order_by(Counter.position, Counter.code)).all()
        out.append({"code": mpp.code, "name": mpp.name, "agencies": [
            {"code": a.code, "name": a.name,
             "counters": [{"code": c.code, "name": c.name} for c in counters
                          if c.agency_id == a.id]}
            for a in sorted(mpp.agencies, key=lambda a: (a.position, a.code))]})
    roles = ["verifier", "supervisor"] + (["admin"] if actor.role == "admin" else [])
    return {"roles": roles, "mpps": out}


def _check_role(actor: Officer, role: str | None) -> None:
    if role == "admin" and actor.role != "admin":
        raise ApiError(403, "role_out_of_reach", {"role": role}, params={"role": role})


def _counter(session: Session, officer: Officer, code: str | None) -> Counter | None:
    if not code:
        return None
    counter = session.scalar(select(Counter).where(Counter.mpp_id == officer.mpp_id,
                                                   Counter.code == code)) \
        if officer.mpp_id else None
    if counter is None or (officer.agency_id is not None
                           and counter.agency_id != officer.agency_id):
        raise ApiError(400, "counter_not_in_scope", {"counter": code},
                       params={"counter": code})
    return counter


def create(session: Session, actor: Officer, data: dict[str, Any], now: dt.datetime
           ) -> tuple[Officer, str]:
    """A new officer with a temporary password (returned once) they replace at sign-in.
    A supervisor's (or an MPP's admin's) officers belong to their MPP, whatever `mpp` says; an
    admin made by the national admin is national unless an `mpp` is named (that MPP's admin)."""
    _check_role(actor, data["role"])
    mpp_code = data.get("mpp") if accounts.is_national_admin(actor) else (
        actor.mpp.code if actor.mpp else None)
    officer = accounts.create_officer(
        session, username=data["username"], password=accounts.new_token(),
        full_name=data["full_name"], role=data["role"], mpp_code=mpp_code,
        agency_code=data.get("agency") if data["role"] == "verifier" else None, now=now)
    officer.counter = _counter(session, officer, data.get("counter"))
    password = accounts.set_temporary_password(session, officer, now=now)
    session.flush()
    return officer, password


def _enabled_national_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Officer).where(
        Officer.role == "admin", Officer.mpp_id.is_(None), Officer.disabled.is_(False)))


def change(session: Session, actor: Officer, officer: Officer, data: dict[str, Any],
           now: dt.datetime) -> None:
    """Role, agency, counter, name, disabled: everything checked before anything changes."""
    if not reaches(session, actor, officer):
        raise ApiError(403, "officer_out_of_reach", {"officer_id": officer.id})
    _check_role(actor, data.get("role"))
    if data.get("disabled") and officer.id == actor.id:
        raise ApiError(409, "cannot_disable_self")
    # The last national admin stays: nobody else could reach every officer and the shared
    # standards (an MPP's admin is not one; neither is an admin moved into an MPP).
    leaves_admins = accounts.is_national_admin(officer) and not officer.disabled and (
        data.get("disabled") or data.get("role", "admin") != "admin"
        or (("role" in data or "agency" in data) and data.get("mpp")))
    if leaves_admins and _enabled_national_admins(session) <= 1:
        raise ApiError(409, "last_admin")
    changes = {k: data[k] for k in ("full_name", "role", "agency", "disabled") if k in data}
    if "role" in changes or "agency" in changes:
        role = changes.get("role", officer.role)
        if not accounts.is_national_admin(actor):  # their officers stay in their MPP
            changes["mpp"] = actor.mpp.code
        elif "mpp" in data:
            changes["mpp"] = data["mpp"]
        if role == "admin":
            changes["agency"] = None
        elif role == "supervisor":
            changes["agency"] = None
    new_counter = data.get("counter", officer.counter.code if officer.counter else None)
    # Checked against the officer as they will be, before update_officer changes anything.
    if new_counter:
        after = Officer(mpp_id=officer.mpp_id, agency_id=officer.agency_id)
        if "mpp" in changes or "agency" in changes:
            mpp_code = changes.get("mpp", officer.mpp.code if officer.mpp else None)
            agency_code = changes.get("agency", officer.agency.code if officer.agency
                                      else None)
            mpp, agency = accounts._scope(session, changes.get("role", officer.role),
                                          mpp_code, agency_code)
            after = Officer(mpp_id=mpp.id if mpp else None,
                            agency_id=agency.id if agency else None)
        try:
            counter = _counter(session, after, new_counter)
        except ApiError:
            if "counter" in data:
                raise
            counter = None  # moved away from the counter they had: none until one is given
    else:
        counter = None
    disabling = bool(data.get("disabled")) and not officer.disabled
    accounts.update_officer(session, officer, changes, now=now)
    officer.counter = counter
    if disabling:
        # Refused while disabled (authenticate) is not enough here: enabled again, a session
        # on a tablet lost or left signed in would work again. Each device signs in anew.
        accounts.end_officer_sessions(session, officer, now)
    session.flush()


def reset_password(session: Session, actor: Officer, officer: Officer, now: dt.datetime
                   ) -> str:
    if not reaches(session, actor, officer):
        raise ApiError(403, "officer_out_of_reach", {"officer_id": officer.id})
    return accounts.set_temporary_password(session, officer, now=now)


# ------------------------------------------------------------------------------ audit log

def audit(session: Session, actor: Officer, *, action: str | None = None,
          actor_id: str | None = None, target_kind: str | None = None,
          target_id: str | None = None, outcome: str | None = None,
          first: dt.datetime | None = None, end: dt.datetime | None = None,
          before: int | None = None, limit: int = 50) -> dict[str, Any]:
    """The audit log, newest first, filtered; a page ends at `before` (an event id). A
    supervisor sees what concerns their MPP: what its officers did, what was done to its
    officers, and everything about its applications."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit + 1)
    if action:
        query = query.where(AuditEvent.action.like(action.replace("%", "") + "%"))
    for column, value in ((AuditEvent.actor_id, actor_id),
                          (AuditEvent.target_kind, target_kind),
                          (AuditEvent.target_id, target_id), (AuditEvent.outcome, outcome)):
        if value:
            query = query.where(column == value)
    if first is not None:
        query = query.where(AuditEvent.at >= first)
    if end is not None:
        query = query.where(AuditEvent.at < end)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    if not accounts.is_national_admin(actor):
        staff = select(cast(Officer.id, String)).where(Officer.mpp_id == actor.mpp_id)
        apps = (select(Application.id).join(Service, Service.code == Application.service_code)
                .join(Agency, Agency.id == Service.agency_id)
                .where(Agency.mpp_id == actor.mpp_id))
        query = query.where(or_(
            and_(AuditEvent.actor_kind == "officer", AuditEvent.actor_id.in_(staff)),
            and_(AuditEvent.target_kind == "officer", AuditEvent.target_id.in_(staff)),
            and_(AuditEvent.target_kind == "application", AuditEvent.target_id.in_(apps))))
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    ids = {int(e.actor_id) for e in rows if e.actor_kind == "officer"
           and (e.actor_id or "").isdigit()}
    names = {oid: name for oid, name in session.execute(
        select(Officer.id, Officer.username).where(Officer.id.in_(ids)))} if ids else {}
    items = [{"id": e.id, "at": e.at, "actor_kind": e.actor_kind, "actor_id": e.actor_id,
              "actor_name": names.get(int(e.actor_id)) if e.actor_kind == "officer"
              and (e.actor_id or "").isdigit() else None,
              "ip": e.ip, "action": e.action, "target_kind": e.target_kind,
              "target_id": e.target_id, "outcome": e.outcome, "details": e.details or {}}
             for e in rows]
    return {"items": items, "next_before": rows[-1].id if more and rows else None}
