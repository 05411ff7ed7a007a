"""Complaints in the officer console: the queue, a complaint's detail, the actions
(acknowledge, assign, answer, close), the escalation of overdue ones and the supervisor's
figures; and the citizen's complaints in their data export and erasure. Filing, confirming
and reopening are the citizen's sync mutations (mutations.py). No HTTP here beyond
ApiError; routes.py is the routing table.

Everything runs on the request's connection (server/transactions.py: operations only flush,
the request commits once), with SQLAlchemy Core on the tables of models.py.

Anonymity (models.py): officer-facing answers are built from `complaint` and
`complaint_answer` only; `complainant()` reads `complaint_filer` for a complaint that is not
anonymous, and `_officer_change()` reads it to reach the citizen. Audit rows never name an
anonymous complainant.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from sync import workdays
from sync.rules import mask_nik
from sync.space import WIB, local_date
from sync.views import day, timestamp

from ..accounts.models import Citizen, Officer
from ..accounts.operations import is_national_admin
from ..applications import models as am
from ..applications.store import bump_space_version
from ..catalog.calendar import holidays_of
from ..catalog.models import Agency, Mpp, Service
from ..errors import ApiError
from . import models as m
from . import mutations as rules
from .mutations import MAX_TEXT, PHOTO_TYPES, note, overdue
from .store import answers_of, audit, space_entries

T = m.Complaint.__table__
T_ANSWER = m.ComplaintAnswer.__table__
T_FILER = m.ComplaintFiler.__table__
T_NOTE = am.Notification.__table__
T_APP = am.Application.__table__


# ------------------------------------------------------------------------------ shared

def _change(conn: Connection, complaint_id: str, revision: int, **values: Any) -> bool:
    """Update the complaint if it is still at `revision`; False if someone changed it."""
    return conn.execute(update(T).where(T.c.id == complaint_id, T.c.revision == revision)
                        .values(revision=revision + 1, **values)).rowcount == 1


def _officer_change(conn: Connection, row, revision: int, step: str, now: dt.datetime,
                    **values: Any) -> None:
    """An officer's step (or the escalation): the complaint changes if it is still at
    `revision` (else 409 stale), and the citizen's next pull brings it, with a notification
    for the inbox and the push worker. The citizen's space is locked FIRST, the order a push
    takes (space, then complaint), so the two never wait on each other."""
    citizen_id = conn.execute(select(T_FILER.c.citizen_id).where(
        T_FILER.c.complaint_id == row.id)).scalar()
    version = bump_space_version(conn, citizen_id) if citizen_id is not None else None
    if not _change(conn, row.id, revision, **values):
        raise ApiError(409, "complaint_stale", {"revision": row.revision},
                       params={"revision": row.revision})
    if citizen_id is None:  # the citizen erased their account: nobody to tell
        return
    conn.execute(update(T_FILER).where(T_FILER.c.complaint_id == row.id)
                 .values(version=version))
    fresh = conn.execute(select(T).where(T.c.id == row.id)).one()
    n = note(str(citizen_id), fresh, step, version, now)
    conn.execute(insert(T_NOTE).values(id=n.id, citizen_id=citizen_id, kind=n.kind,
                                       created_at=n.created_at, application_id=None,
                                       data=n.data, version=n.version))


# ------------------------------------------------------------------------------ data rights

def export(session, citizen) -> dict[str, bytes]:
    """The citizen's complaints in their data export."""
    from ..accounts.operations import to_json_bytes

    conn = session.connection()
    return {"complaints.json": to_json_bytes(
        [e.value for e in space_entries(conn, citizen.id, 0)])}


def erase(session, citizen, _now=None) -> None:
    """Erasure: the link to the citizen goes (and a general text no longer names them to
    anyone); the complaint stays for the agency's record, as an anonymous one."""
    conn = session.connection()
    ids = [r.complaint_id for r in conn.execute(select(T_FILER.c.complaint_id).where(
        T_FILER.c.citizen_id == citizen.id))]
    if ids:
        conn.execute(update(T).where(T.c.id.in_(ids)).values(anonymous=True))
        conn.execute(T_FILER.delete().where(T_FILER.c.complaint_id.in_(ids)))


# ------------------------------------------------------------------------------ officers

def _reach(officer: Officer):
    """The complaints an officer handles: a verifier their agency's, a supervisor every one
    of their MPP (general ones too) as does an MPP's admin, the national admin all
    (server/accounts within_reach's rule)."""
    if is_national_admin(officer):
        return T.c.id.is_not(None)
    if officer.role in ("supervisor", "admin") and officer.mpp_id is not None:
        return T.c.mpp_id == officer.mpp_id
    if officer.role == "verifier" and officer.agency_id is not None:
        return T.c.agency_id == officer.agency_id
    return T.c.id.is_(None)


def _agencies(conn: Connection, ids: Iterable) -> dict[int, dict]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {r.id: {"code": r.code, "name": r.name} for r in conn.execute(
        select(Agency.id, Agency.code, Agency.name).where(Agency.id.in_(ids)))}


def _officer_names(conn: Connection, ids: Iterable) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(conn.execute(select(Officer.id, Officer.full_name).where(Officer.id.in_(ids)))
                .all())


def _summary(row, agencies, officers, today: dt.date) -> dict[str, Any]:
    """What every officer-facing answer says of a complaint: no identity in it (models.py)."""
    return {
        "id": row.id, "reference": row.reference, "status": row.status,
        "category": row.category, "anonymous": row.anonymous,
        "confidential": row.confidential,
        "agency": agencies.get(row.agency_id), "service_code": row.service_code,
        "about": row.about, "filed_at": timestamp(row.filed_at),
        "ack_due_on": day(row.ack_due_on), "answer_due_on": day(row.answer_due_on),
        "overdue": overdue(row, today),
        "escalated": row.escalation, "escalated_at": timestamp(row.escalated_at),
        "assignee": ({"id": row.assignee_id, "name": officers.get(row.assignee_id)}
                     if row.assignee_id else None),
        "revision": row.revision,
    }


def queue(conn: Connection, officer: Officer, *, status: str | None, escalated: bool | None,
          q: str | None, limit: int, offset: int, now: dt.datetime) -> dict[str, Any]:
    where = [_reach(officer)]
    if q and q.strip():
        where.append(T.c.reference == q.strip().upper())
    if escalated is not None:
        where.append(T.c.escalated_at.is_not(None) if escalated else T.c.escalated_at.is_(None))
    counts = {s: 0 for s in rules.STATUSES}
    for s, n in conn.execute(select(T.c.status, func.count()).where(*where)
                             .group_by(T.c.status)):
        counts[s] = n
    wanted = [status] if status else list(rules.OPEN_STATUSES)
    rows = conn.execute(
        select(T).where(*where, T.c.status.in_(wanted))
        # Escalated first, then the nearest deadline.
        .order_by(T.c.escalated_at.is_(None), T.c.answer_due_on, T.c.filed_at, T.c.id)
        .limit(limit).offset(offset)).all()
    today = local_date(now)
    agencies = _agencies(conn, [r.agency_id for r in rows])
    officers = _officer_names(conn, [r.assignee_id for r in rows])
    items = [{**_summary(r, agencies, officers, today), "excerpt": r.text[:140]} for r in rows]
    return {"items": items, "counts": counts, "total": sum(counts[s] for s in wanted),
            "limit": limit, "offset": offset}


def _visible(conn: Connection, work, officer: Officer, complaint_id: str, action: str):
    row = conn.execute(select(T).where(T.c.id == complaint_id, _reach(officer))).first()
    if row is None:
        # Another agency's complaint is answered like a missing one; the attempt is audited
        # (a read switches to a short write for it: server/transactions.py).
        from ..audit.operations import record

        work.write()
        record("complaint.denied", target_kind="complaint", target_id=complaint_id,
               outcome="denied", details={"action": action})
        work.keep()
        raise ApiError(404, "complaint_not_found")
    return row


def complainant(conn: Connection, row) -> dict[str, Any] | None:
    """Who filed a complaint that is NOT anonymous (None for an anonymous one: the filer
    table is never read for it)."""
    if row.anonymous:
        return None
    found = conn.execute(
        select(Citizen.full_name, Citizen.phone, Citizen.nik, T_APP.c.reference,
               T_APP.c.fields, T_APP.c.service_code)
        .select_from(T_FILER).join(T, T.c.id == T_FILER.c.complaint_id)
        .join(Citizen, Citizen.id == T_FILER.c.citizen_id)
        .outerjoin(T_APP, T_APP.c.id == T_FILER.c.application_id)
        .where(T_FILER.c.complaint_id == row.id, T.c.anonymous.is_(False))).first()
    if found is None:
        return None
    name = found.full_name
    if not name and found.fields:  # no name on the account yet: the one on the form
        from ..catalog.models import ServiceField

        key = conn.execute(select(ServiceField.key).join(
            Service, Service.id == ServiceField.service_id).where(
            Service.code == found.service_code, ServiceField.profile_key == "full_name")
        ).scalar()
        value = found.fields.get(key) if key else None
        name = value if isinstance(value, str) and value else None
    return {"name": name, "phone": found.phone,
            "nik_masked": mask_nik(found.nik) if found.nik else None,
            "application_reference": found.reference}


def _actions(row, officer: Officer) -> list[str]:
    out = []
    if row.status == rules.RECEIVED:
        out.append("acknowledge")
    if row.status in rules.OPEN_STATUSES:
        out += ["assign", "answer"]
    if row.status == rules.ANSWERED:
        out.append("close")
    return out


def detail(conn: Connection, work, officer: Officer, complaint_id: str, now: dt.datetime,
           row=None) -> dict[str, Any]:
    row = row or _visible(conn, work, officer, complaint_id, "read")
    answers = answers_of(conn, [row.id])[row.id]
    officers = _officer_names(conn, [row.assignee_id] + [a.officer_id for a in answers])
    agencies = _agencies(conn, [row.agency_id])
    return {
        **_summary(row, agencies, officers, local_date(now)),
        "text": row.text, "photos": len(row.photos or []),
        "acknowledged_at": timestamp(row.acknowledged_at),
        "answered_at": timestamp(row.answered_at), "closed_at": timestamp(row.closed_at),
        "reopened_at": timestamp(row.reopened_at), "reopen_reason": row.reopen_reason,
        "answers": [{"text": a.text, "at": timestamp(a.at),
                     "officer": {"id": a.officer_id, "name": officers.get(a.officer_id)}}
                    for a in answers],
        "complainant": complainant(conn, row),
        "actions": _actions(row, officer),
        "assignable": _assignable(conn, row),
    }


def _assignable(conn: Connection, row) -> list[dict[str, Any]]:
    """Officers who may handle it: the agency's verifiers and the MPP's supervisors."""
    who = or_(and_(Officer.role == "supervisor", Officer.mpp_id == row.mpp_id),
              and_(Officer.role == "verifier", Officer.agency_id == row.agency_id)
              if row.agency_id is not None else Officer.id.is_(None))
    return [{"id": r.id, "name": r.full_name, "role": r.role} for r in conn.execute(
        select(Officer.id, Officer.full_name, Officer.role)
        .where(who, Officer.disabled.is_(False)).order_by(Officer.full_name))]


def _refuse(row, action: str) -> ApiError:
    return ApiError(409, "complaint_action_not_allowed", {"status": row.status,
                                                         "action": action},
                    params={"status": row.status})


def act(conn: Connection, work, officer: Officer, complaint_id: str, action: str,
        data: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """acknowledge, assign, answer or close, at the revision the officer saw."""
    from ..audit.operations import record

    row = _visible(conn, work, officer, complaint_id, action)
    if action not in _actions(row, officer):
        raise _refuse(row, action)
    revision = data["revision"]
    if revision != row.revision:
        raise ApiError(409, "complaint_stale", {"revision": row.revision},
                       params={"revision": row.revision})
    details: dict[str, Any] = {"reference": row.reference}
    if action == "acknowledge":
        _officer_change(conn, row, revision, "acknowledged", now, status=rules.ACKNOWLEDGED,
                        acknowledged_at=now,
                        assignee_id=row.assignee_id or officer.id)
    elif action == "assign":
        target = data.get("officer_id")
        if target not in {o["id"] for o in _assignable(conn, row)}:
            raise ApiError(400, "complaint_assignee_invalid", {"officer_id": target})
        _officer_change(conn, row, revision, "assigned", now, assignee_id=target)
        details["officer_id"] = target
    elif action == "answer":
        text = (data.get("text") or "").strip()
        if not text:
            raise ApiError(400, "complaint_answer_empty")
        if len(text) > MAX_TEXT:
            raise ApiError(400, "complaint_answer_too_long", {"limit": MAX_TEXT},
                           params={"limit": MAX_TEXT})
        _officer_change(conn, row, revision, "answered", now, status=rules.ANSWERED,
                        answered_at=now, acknowledged_at=row.acknowledged_at or now,
                        assignee_id=row.assignee_id or officer.id)
        conn.execute(insert(T_ANSWER).values(complaint_id=row.id, officer_id=officer.id,
                                             text=text, at=now))
        details["length"] = len(text)
        details["late"] = local_date(now) > row.answer_due_on
    else:  # close
        _officer_change(conn, row, revision, "closed", now, status=rules.CLOSED, closed_at=now)
    record(f"complaint.{action}", target_kind="complaint", target_id=row.id, details=details)
    fresh = conn.execute(select(T).where(T.c.id == row.id)).first()
    return detail(conn, work, officer, row.id, now, row=fresh)


# ------------------------------------------------------------------------------ escalation

def escalate(conn: Connection, now: dt.datetime) -> int:
    """Mark each complaint whose deadline has passed and send it to the MPP's supervisors
    (their queue shows escalated ones first); the citizen is told. Idempotent: a complaint
    is escalated once per deadline it missed. Returns how many were escalated now."""
    today = local_date(now)
    rows = conn.execute(select(T).where(
        T.c.status.in_(rules.OPEN_STATUSES),
        or_(and_(T.c.status == rules.RECEIVED, T.c.ack_due_on < today),
            T.c.answer_due_on < today))).all()
    done = 0
    for row in rows:
        kind = overdue(row, today)
        if kind is None or row.escalation == kind:
            continue
        try:
            _officer_change(conn, row, row.revision, "escalated", now, escalated_at=now,
                            escalation=kind)
        except ApiError:  # changed by an officer meanwhile: the next pass looks again
            continue
        audit(conn, "complaint.escalated", row.id, now, actor_kind="system", actor_id=None,
              details={"reference": row.reference, "overdue": kind, "to": "mpp_supervisor"})
        done += 1
    return done


# ------------------------------------------------------------------------------ figures

def figures(conn: Connection, officer: Officer, *, first: dt.date | None,
            last: dt.date | None, now: dt.datetime) -> dict[str, Any]:
    """Per agency of the officer's reach (general complaints under `agency: null`): counts
    by status and category, the median time to the first answer (hours, and working days
    in the MPP's calendar), and the overdue share (answered late, or open past the due
    date). Filed between `first` and `last` (WIB days), both optional."""
    where = [_reach(officer)]
    if first is not None:
        where.append(T.c.filed_at >= dt.datetime.combine(first, dt.time(), WIB))
    if last is not None:
        where.append(T.c.filed_at < dt.datetime.combine(last + dt.timedelta(days=1),
                                                         dt.time(), WIB))
    rows = conn.execute(select(T, Mpp.code.label("mpp_code")).join(Mpp, Mpp.id == T.c.mpp_id)
                        .where(*where)).all()
    first_answer = dict(conn.execute(
        select(T_ANSWER.c.complaint_id, func.min(T_ANSWER.c.at))
        .where(T_ANSWER.c.complaint_id.in_([r.id for r in rows]))
        .group_by(T_ANSWER.c.complaint_id)).all()) if rows else {}
    today = local_date(now)
    holidays = {code: holidays_of(conn, code) for code in {r.mpp_code for r in rows}}
    agencies = _agencies(conn, [r.agency_id for r in rows])
    groups: dict[Any, list] = {}
    for r in rows:
        groups.setdefault(r.agency_id, []).append(r)
    u9 = _u9(conn, officer, groups, first, last)
    out = []
    for agency_id, members in sorted(groups.items(), key=lambda g: (g[0] is None, g[0] or 0)):
        hours, days, late = [], [], 0
        for r in members:
            answered = first_answer.get(r.id)
            if answered is not None:
                answered = answered if answered.tzinfo else answered.replace(
                    tzinfo=dt.timezone.utc)
                hours.append((answered - r.filed_at).total_seconds() / 3600)
                days.append(workdays.working_days_left(
                    local_date(r.filed_at), local_date(answered), holidays[r.mpp_code]))
            if (r.answered_at is not None and local_date(r.answered_at) > r.answer_due_on) \
                    or overdue(r, today) is not None:
                late += 1
        out.append({
            "agency": agencies.get(agency_id),
            "total": len(members),
            "by_status": {s: sum(1 for r in members if r.status == s) for s in rules.STATUSES},
            "by_category": {c: sum(1 for r in members if r.category == c)
                            for c in rules.CATEGORIES},
            "answered": len(hours),
            "median_hours_to_answer": round(statistics.median(hours), 1) if hours else None,
            "median_working_days_to_answer": statistics.median(days) if days else None,
            "overdue": late,
            "overdue_share": round(late / len(members), 4),
            "escalated": sum(1 for r in members if r.escalated_at is not None),
            "u9": u9.get(agency_id, {"responses": 0, "mean": None}),
        })
    return {"first": day(first), "last": day(last), "agencies": out}


U9_MIN_RESPONSES = 5  # the survey's rule: no figure for a group of fewer answers


def _u9(conn: Connection, officer: Officer, agency_ids, first: dt.date | None,
        last: dt.date | None) -> dict[Any, dict[str, Any]]:
    """SKM element U9 (complaint handling) per agency over the same days, from the survey's
    daily sums: its mean on the 1-4 scale, or None under 5 answers."""
    from ..survey.models import SurveyDaily

    ids = [i for i in agency_ids if i is not None]
    if not ids:
        return {}
    query = (select(Agency.id, func.sum(SurveyDaily.u9), func.sum(SurveyDaily.responses))
             .select_from(SurveyDaily).join(Service, Service.code == SurveyDaily.service_code)
             .join(Agency, Agency.id == Service.agency_id).where(Agency.id.in_(ids))
             .group_by(Agency.id))
    if not is_national_admin(officer):
        query = query.where(Agency.mpp_id == officer.mpp_id)
    if first is not None:
        query = query.where(SurveyDaily.day >= first)
    if last is not None:
        query = query.where(SurveyDaily.day <= last)
    out = {}
    for agency_id, total, responses in conn.execute(query):
        responses = int(responses or 0)
        out[agency_id] = {"responses": responses,
                          "mean": round(total / responses, 2)
                          if responses >= U9_MIN_RESPONSES else None}
    return out



def photo(conn: Connection, work, officer: Officer, complaint_id: str, number: int):
    """(reference, upload row) of the complaint's photo `number` (from 1)."""
    from ..uploads.models import Upload

    row = _visible(conn, work, officer, complaint_id, "photo")
    photos = list(row.photos or [])
    if not 1 <= number <= len(photos):
        raise ApiError(404, "photo_not_found")
    upload = conn.execute(select(Upload.storage_name, Upload.content_type, Upload.length)
                          .where(Upload.document_id == photos[number - 1])).first()
    if upload is None or upload.content_type not in PHOTO_TYPES:
        raise ApiError(404, "photo_not_found")
    return row.reference, upload
