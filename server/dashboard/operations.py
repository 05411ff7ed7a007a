"""The supervisor's dashboard (issue #18): how an MPP is doing, per agency and service, for a
chosen period. Operations only, no HTTP (the pattern of server/transactions.py).

Where the figures come from
- The journal (the audit log's `sync.*` rows, written by the sync engine for every change
  of an application) is rolled up by `catch_up` into narrow tables (models.py): one row per
  submitted application (first submit, due date, ready, completed, how it ended, revisions,
  rejected requirements), one per rejected requirement with its template reason, and the
  officers' actions per day and service. `catch_up` reads only the journal rows after the
  last one it applied (kept in ops_rollup_state, claimed with a compare-and-set UPDATE so two
  requests never apply one row twice), so the dashboard reads indexes over these tables
  instead of millions of journal rows. Rows younger than LAG are left for the next catch-up,
  so a transaction that took its id earlier but committed later is not skipped.
- The backlog and "overdue now" (and the workload's "in review now") come from sums kept
  the same way: each application's state, submit day, due date and reviewer as the
  application row says at the catch-up that touched it (every change of state is journalled,
  so every change reaches the catch-up), counted per service, state, day, due date and
  reviewer (ops_backlog). Once a day the rows that can no longer change bucket (in the last
  age bucket and past due) are folded into ops_backlog_settled, so the backlog of a busy MPP
  is a few hundred rows to add, not tens of thousands of applications. They are as fresh as
  the catch-up each request makes (LAG).
- The came-once rate counts, for each completed application, the days its citizen came: the
  days of the queue tickets the application was served with (visit floor,
  queue_ticket_application) and the day it was completed (handed over at the counter). One
  day: came once. Reasons for more: the requirements rejected during its review.
- Waiting and service times and no-shows (visit_queue.operations.measures), the IKM
  (survey.operations.results) and complaints (complaints.operations.figures) come from
  those domains' own operations, when their packages are installed.

Percentiles of submit-to-ready time are computed from an hourly histogram made in SQL (exact
to the hour), so no duration list crosses into Python.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Integer, delete, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sync import states
from sync.space import WIB, local_date

from ..accounts.models import Officer
from ..accounts.operations import is_national_admin
from ..applications.models import Application
from ..catalog.models import Agency, DocumentType, Mpp, Requirement, Service
from ..errors import ApiError
from ..i18n import MESSAGES, words
from ..walk_in.models import WalkIn
from .models import (
    OpsApplication, OpsBacklog, OpsBacklogSettled, OpsOfficerDay, OpsReadyHours, OpsRejection,
    OpsServiceDay, RollupState,
)

LAG = dt.timedelta(seconds=30)
BATCH = 20_000
MAX_DAYS = 400
DEFAULT_DAYS = 30
AGE_BUCKETS = ((0, 2, "0-2"), (3, 7, "3-7"), (8, 14, "8-14"), (15, None, "15+"))
# Waiting for an officer's work (the SLA clock runs); ready ones wait for the citizen.
NOT_YET_READY = (states.SUBMITTED, states.IN_REVIEW, states.REVISION_REQUESTED,
                 states.APPROVED)
OFFICER_ACTIONS = ("start_review", "review_requirement", "request_revision", "approve",
                   "reject", "mark_ready", "complete", "accept_discrepancy")
JOURNAL_ACTIONS = tuple(f"sync.{a}" for a in OFFICER_ACTIONS) + (
    "sync.application.submit", "sync.application.withdraw", "sync.expire_revision")


# ------------------------------------------------------------------------------ the rollup

def catch_up(session: Session, now: dt.datetime) -> int:
    """Apply the journal rows written since the last catch-up (up to `now - LAG`); returns
    how many were applied. Flushes only; the caller's transaction commits."""
    from ..audit.models import AuditEvent

    applied = 0
    while True:
        state = session.get(RollupState, 1)
        if state is None:
            state = RollupState(id=1, last_event_id=0)
            session.add(state)
            session.flush()
        start = state.last_event_id
        rows = session.execute(
            select(AuditEvent.id, AuditEvent.at, AuditEvent.actor_kind, AuditEvent.actor_id,
                   AuditEvent.action, AuditEvent.target_id, AuditEvent.details)
            .where(AuditEvent.id > start, AuditEvent.action.in_(JOURNAL_ACTIONS),
                   AuditEvent.target_kind == "application")
            .order_by(AuditEvent.id).limit(BATCH)).all()
        cutoff = now - LAG
        ready = []
        for row in rows:
            if _aware(row.at) > cutoff:
                break
            ready.append(row)
        if not ready:
            _settle(session, now)
            return applied
        end = ready[-1].id
        claimed = session.execute(
            update(RollupState).where(RollupState.id == 1,
                                      RollupState.last_event_id == start)
            .values(last_event_id=end).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # another request applied them meanwhile
            return applied
        session.expire(state)
        _apply(session, ready)
        applied += len(ready)
        if len(ready) < BATCH:
            _settle(session, now)
            return applied


NEVER = dt.date(9999, 12, 31)  # OpsBacklog.due_on of an application with no due date


def _settle(session: Session, now: dt.datetime) -> None:
    """Once a day (WIB), fold the backlog rows that can no longer change bucket into
    OpsBacklogSettled: submitted before the last age bucket's start, and past due or never
    due. Claimed like the journal (a compare-and-set on ops_rollup_state.settled_on), so one
    request does it. Folding adds, so a later difference for a folded row (a negative row
    of the same key) still sums right."""
    today = local_date(now)
    claimed = session.execute(
        update(RollupState).where(RollupState.id == 1,
                                  (RollupState.settled_on.is_(None))
                                  | (RollupState.settled_on < today))
        .values(settled_on=today).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return
    b = OpsBacklog
    old = today - dt.timedelta(days=AGE_BUCKETS[-1][0] - 1)  # its day is in the last bucket
    settled = [b.day < old, (b.due_on < today) | (b.due_on == NEVER)]
    folded: dict[tuple, list] = {}
    for service, state, reviewer, due_on, mpp_id, agency_id, n in session.execute(
            select(b.service_code, b.state, b.reviewer_id, b.due_on, func.min(b.mpp_id),
                   func.min(b.agency_id), func.sum(b.n)).where(*settled)
            .group_by(b.service_code, b.state, b.reviewer_id, b.due_on)):
        key = (service, state, reviewer, due_on != NEVER)
        folded.setdefault(key, [mpp_id, agency_id, 0])[2] += int(n or 0)
    insert = _insert(session)
    for (service, state, reviewer, overdue), (mpp_id, agency_id, n) in folded.items():
        if not n:
            continue
        session.execute(
            insert(OpsBacklogSettled).values(service_code=service, state=state,
                                             reviewer_id=reviewer, overdue=bool(overdue),
                                             mpp_id=mpp_id, agency_id=agency_id, n=n)
            .on_conflict_do_update(
                index_elements=["service_code", "state", "reviewer_id", "overdue"],
                set_={"n": OpsBacklogSettled.n + n}))
    session.execute(delete(b).where(*settled).execution_options(synchronize_session=False))


def _insert(session: Session):
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql"
            else sqlite.insert)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _apply(session: Session, rows: list) -> None:
    ids = {r.target_id for r in rows}
    where = {}
    now_row: dict[str, tuple] = {}  # the application as it is now: for the backlog
    for chunk in _chunks(sorted(ids), 900):
        for (app_id, citizen_id, due_on, service_code, agency_id, mpp_id, state, submitted_at,
             reviewer_id) in session.execute(
                select(Application.id, Application.citizen_id, Application.due_on,
                       Application.service_code, Agency.id, Agency.mpp_id, Application.state,
                       Application.submitted_at, Application.reviewer_id)
                .join(Service, Service.code == Application.service_code)
                .join(Agency, Agency.id == Service.agency_id)
                .where(Application.id.in_(chunk))):
            where[app_id] = (citizen_id, due_on, service_code, agency_id, mpp_id)
            now_row[app_id] = (state, submitted_at, due_on, reviewer_id)
    facts: dict[str, OpsApplication] = {}
    walk_ins: set[str] = set()
    for chunk in _chunks(sorted(where), 900):
        for fact in session.scalars(select(OpsApplication)
                                    .where(OpsApplication.application_id.in_(chunk))):
            facts[fact.application_id] = fact
        walk_ins.update(session.scalars(select(WalkIn.application_id)
                                        .where(WalkIn.application_id.in_(chunk))))
    before = {app_id: _contribution(fact) for app_id, fact in facts.items()}
    officer_days: dict[tuple, list] = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        place = where.get(r.target_id)
        if place is None:  # discarded since (a draft's tombstone): nothing to count
            continue
        citizen_id, due_on, service_code, agency_id, mpp_id = place
        action = r.action.removeprefix("sync.")
        details = r.details or {}
        at = _aware(r.at)
        fact = facts.get(r.target_id)
        if action == "application.submit":
            if fact is None:
                fact = OpsApplication(application_id=r.target_id, mpp_id=mpp_id,
                                      agency_id=agency_id, service_code=service_code,
                                      citizen_id=citizen_id, submitted_at=at, due_on=due_on,
                                      revisions=0, rejections=0,
                                      walk_in=r.target_id in walk_ins)
                session.add(fact)
                facts[r.target_id] = fact
        elif fact is not None:
            if action == "request_revision":
                fact.revisions += 1
            elif action == "review_requirement" and details.get("review_status") == "rejected":
                fact.rejections += 1
                session.add(OpsRejection(
                    application_id=r.target_id, mpp_id=mpp_id, agency_id=agency_id,
                    service_code=service_code,
                    requirement_code=str(details.get("requirement_code", ""))[:60],
                    reason=str(details.get("reason") or "")[:60], at=at))
            elif action == "mark_ready" and fact.ready_at is None:
                fact.ready_at = at
            elif action == "complete":
                fact.completed_at = at
                fact.closed_state = states.COMPLETED
            elif action in ("reject", "expire_revision"):
                fact.closed_state = states.REJECTED
            elif action == "application.withdraw":
                fact.closed_state = states.WITHDRAWN
        if r.actor_kind == "officer" and action in OFFICER_ACTIONS and r.actor_id:
            key = (local_date(at), r.actor_id, service_code, action)
            officer_days[key][0] += 1
            officer_days[key][1:] = [mpp_id, agency_id]
    for app_id, fact in facts.items():
        state, submitted_at, due_on, reviewer_id = now_row[app_id]
        fact.state, fact.queue_due_on, fact.reviewer_id = state, due_on, reviewer_id
        fact.queued_on = local_date(_aware(submitted_at)) if submitted_at else None
    session.flush()
    _apply_sums(session, before, facts)
    if officer_days:
        dialect = session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
            OpsOfficerDay)
        for (day, officer_id, service_code, action), (n, mpp_id, agency_id) in \
                officer_days.items():
            session.execute(
                insert.values(day=day, officer_id=officer_id, service_code=service_code,
                              action=action, mpp_id=mpp_id, agency_id=agency_id, n=n)
                .on_conflict_do_update(
                    index_elements=["day", "officer_id", "service_code", "action"],
                    set_={"n": OpsOfficerDay.n + n}))


SUM_COLUMNS = ("submitted", "decided", "first_time_right", "revisions", "ready",
               "ready_within_sla", "completed", "rejected", "withdrawn")
# The counts split by channel (app / walk-in): the walk-ins' part is kept, the app's is the
# difference. came_once is counted from the facts (_came_once), not summed per day.
SPLIT = ("submitted", "decided", "first_time_right", "revisions", "ready",
         "ready_within_sla", "completed")
WALK_IN_COLUMNS = tuple(f"walk_in_{c}" for c in SPLIT)
DAY_COLUMNS = SUM_COLUMNS + WALK_IN_COLUMNS


def _contribution(fact: OpsApplication) -> tuple:
    """What one fact adds to the day sums and to the ready-hours histogram."""
    submitted = _aware(fact.submitted_at)
    day = local_date(submitted)
    ready = _aware(fact.ready_at) if fact.ready_at is not None else None
    decided = ready is not None or fact.closed_state == states.REJECTED
    values = {
        "submitted": 1, "decided": int(decided),
        "first_time_right": int(ready is not None and fact.revisions == 0),
        "revisions": fact.revisions, "ready": int(ready is not None),
        "ready_within_sla": int(ready is not None and fact.due_on is not None
                                and local_date(ready) <= fact.due_on),
        "completed": int(fact.completed_at is not None),
        "rejected": int(fact.closed_state == states.REJECTED),
        "withdrawn": int(fact.closed_state == states.WITHDRAWN)}
    values.update({f"walk_in_{c}": values[c] if fact.walk_in else 0 for c in SPLIT})
    hours = None if ready is None else int((ready - submitted).total_seconds() // 3600)
    waiting = None
    if fact.state in states.OFFICER_QUEUE and fact.queued_on is not None:
        waiting = (fact.service_code, fact.state, fact.queued_on, fact.queue_due_on or NEVER,
                   fact.reviewer_id or "")
    return ((day, fact.service_code, fact.mpp_id, fact.agency_id), values,
            (day.replace(day=1), fact.service_code, hours) if hours is not None else None,
            waiting)


def _apply_sums(session: Session, before: dict, facts: dict) -> None:
    """Add what the batch changed (each fact's contribution after, less before) to the day
    sums and the histogram, with one atomic upsert per changed row."""
    days: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(DAY_COLUMNS, 0))
    places: dict[tuple, tuple] = {}
    hist: dict[tuple, int] = defaultdict(int)
    backlog: dict[tuple, int] = defaultdict(int)
    for app_id, fact in facts.items():
        after = _contribution(fact)
        old = before.get(app_id)
        if old == after:
            continue
        for sign, part in ((1, after), (-1, old)):
            if part is None:
                continue
            (day, service, mpp_id, agency_id), values, bucket, waiting = part
            places[(day, service)] = (mpp_id, agency_id)
            if waiting is not None:
                backlog[waiting] += sign
                places[waiting] = (mpp_id, agency_id)
            for k, v in values.items():
                days[(day, service)][k] += sign * v
            if bucket is not None:
                hist[bucket] += sign
                places[bucket] = (mpp_id, agency_id)
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    for (day, service), values in days.items():
        if not any(values.values()):
            continue
        mpp_id, agency_id = places[(day, service)]
        session.execute(
            insert(OpsServiceDay).values(day=day, service_code=service, mpp_id=mpp_id,
                                         agency_id=agency_id, **values)
            .on_conflict_do_update(
                index_elements=["day", "service_code"],
                set_={k: getattr(OpsServiceDay, k) + v for k, v in values.items()}))
    for (month, service, hours), n in hist.items():
        if not n:
            continue
        mpp_id, agency_id = places[(month, service, hours)]
        session.execute(
            insert(OpsReadyHours).values(month=month, service_code=service, hours=hours,
                                         mpp_id=mpp_id, agency_id=agency_id, n=n)
            .on_conflict_do_update(index_elements=["month", "service_code", "hours"],
                                   set_={"n": OpsReadyHours.n + n}))
    for key, n in backlog.items():
        if not n:
            continue
        service, state, day, due_on, reviewer = key
        mpp_id, agency_id = places[key]
        session.execute(
            insert(OpsBacklog).values(service_code=service, state=state, day=day, due_on=due_on,
                                      reviewer_id=reviewer, mpp_id=mpp_id, agency_id=agency_id,
                                      n=n)
            .on_conflict_do_update(
                index_elements=["service_code", "state", "day", "due_on", "reviewer_id"],
                set_={"n": OpsBacklog.n + n}))


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


# ------------------------------------------------------------------------------ who sees what

@dataclass(frozen=True)
class Scope:
    mpp: Mpp
    agency: Agency | None  # None: the whole MPP

    @property
    def label(self) -> str:
        return self.mpp.code + (f"/{self.agency.code}" if self.agency else "")


def scope_for(session: Session, officer: Officer, mpp_code: str | None,
              agency_code: str | None) -> Scope:
    """What `officer` may see: a supervisor or an MPP's admin their MPP (any agency of it), the
    national admin any MPP, a verifier their own agency only. Asking for more raises ApiError(403,
    dashboard_out_of_reach) (the route audits the refusal); an unknown MPP or agency 404."""
    if is_national_admin(officer):
        code = mpp_code
        if code is None:
            code = session.scalar(select(Mpp.code).order_by(Mpp.code).limit(1))
        mpp = session.scalar(select(Mpp).where(Mpp.code == code))
        if mpp is None:
            raise ApiError(404, "mpp_not_found", {"mpp": code}, params={"code": code or ""})
    else:
        mpp = officer.mpp
        if mpp is None or (mpp_code is not None and mpp_code != mpp.code):
            raise ApiError(403, "dashboard_out_of_reach", {"mpp": mpp_code})
    agency = None
    if officer.role == "verifier":
        if officer.agency is None or (agency_code is not None
                                      and agency_code != officer.agency.code):
            raise ApiError(403, "dashboard_out_of_reach", {"agency": agency_code})
        agency = officer.agency
    elif agency_code is not None:
        agency = session.scalar(select(Agency).where(Agency.mpp_id == mpp.id,
                                                     Agency.code == agency_code))
        if agency is None:
            raise ApiError(404, "agency_not_found", {"agency": agency_code},
                           params={"code": agency_code})
    return Scope(mpp, agency)


def period(first: dt.date | None, last: dt.date | None, now: dt.datetime
           ) -> tuple[dt.date, dt.date]:
    """The days (WIB) asked for; by default the last 30 days up to today."""
    today = local_date(now)
    last = last or today
    first = first or last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if last < first or (last - first).days >= MAX_DAYS:
        raise ApiError(400, "dashboard_period_invalid", {"max_days": MAX_DAYS},
                       params={"n": MAX_DAYS})
    return first, last


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(first, dt.time(), WIB).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), WIB)
    return start, end.astimezone(dt.timezone.utc)


# ------------------------------------------------------------------------------ the report

def report(session: Session, officer: Officer, scope: Scope, first: dt.date, last: dt.date,
           now: dt.datetime, *, conn=None) -> dict[str, Any]:
    """Every figure of the dashboard for `scope` and the days first..last (WIB): the cohort
    is the applications first submitted in those days; rejections and officer actions are
    those made in those days; the backlog and overdue figures are as of `now`."""
    services = session.execute(
        select(Service.code, Service.name_id, Service.name_en, Service.sla_days,
               Agency.id.label("agency_id"), Agency.code.label("agency"),
               Agency.name.label("agency_name"))
        .join(Agency, Agency.id == Service.agency_id)
        .where(Agency.mpp_id == scope.mpp.id,
               *([Agency.id == scope.agency.id] if scope.agency else []))
        .order_by(Agency.position, Agency.code, Service.position, Service.code)).all()
    start, end = _bounds(first, last)
    cohort = [OpsApplication.mpp_id == scope.mpp.id, OpsApplication.submitted_at >= start,
              OpsApplication.submitted_at < end]
    if scope.agency is not None:
        cohort = [OpsApplication.agency_id == scope.agency.id,
                  OpsApplication.submitted_at >= start, OpsApplication.submitted_at < end]
    rows = {s.code: _empty_row(s) for s in services}
    _cohort_figures(session, scope, first, last, rows)
    _came_once(session, cohort, rows)
    _percentiles(session, scope, first, last, rows)
    in_review = _backlog(session, scope, rows, now)
    for row in rows.values():
        _rates(row)
    out = {
        "scope": {"mpp": scope.mpp.code, "mpp_name": scope.mpp.name,
                  "agency": scope.agency.code if scope.agency else None,
                  "agency_name": scope.agency.name if scope.agency else None},
        "period": {"first": first.isoformat(), "last": last.isoformat()},
        "generated_at": now.isoformat(),
        "agencies": _agencies(services),
        "services": list(rows.values()),
        "totals": _totals(list(rows.values())),
        "rejections": _rejections(session, scope, start, end),
        "workload": _workload(session, scope, first, last, in_review),
        "floor": _floor(session, scope, first, last, {s.code for s in services}),
        "ikm": _ikm(session, scope, first, last),
        "complaints": _complaints(session, officer, scope, first, last, now),
    }
    out["names"] = _names(session, services, out)
    return out


def _empty_row(s) -> dict[str, Any]:
    return {"agency": s.agency, "agency_name": s.agency_name, "service": s.code,
            "name_id": s.name_id, "name_en": s.name_en, "sla_days": s.sla_days,
            "submitted": 0, "decided": 0, "first_time_right": 0, "revisions": 0,
            "ready": 0, "ready_within_sla": 0, "completed": 0, "came_once": 0,
            "second_visit_reasons": {}, "rejected": 0, "withdrawn": 0,
            "ready_hours_median": None, "ready_hours_p90": None,
            "backlog": {s: 0 for s in states.OFFICER_QUEUE},
            "backlog_age": {label: 0 for _, _, label in AGE_BUCKETS},
            "overdue_now": 0, "walk_in": dict.fromkeys(SPLIT + ("came_once",), 0)}


def _cohort_figures(session: Session, scope: Scope, first: dt.date, last: dt.date,
                    rows: dict) -> None:
    """The cohort's counts from the day sums (decided: made ready or rejected; first time
    right: made ready without a revision)."""
    d = OpsServiceDay
    where = [d.day >= first, d.day <= last,
             d.agency_id == scope.agency.id if scope.agency else d.mpp_id == scope.mpp.id]
    for code, *sums in session.execute(
            select(d.service_code, *[func.sum(getattr(d, c)) for c in DAY_COLUMNS])
            .where(*where).group_by(d.service_code)):
        row = rows.get(code)
        if row is not None:
            found = {c: int(v or 0) for c, v in zip(DAY_COLUMNS, sums)}
            row.update({c: found[c] for c in SUM_COLUMNS})
            row["walk_in"].update({c: found[f"walk_in_{c}"] for c in SPLIT})


def _came_once(session: Session, cohort: list, rows: dict) -> None:
    """Completed applications with more than one day of coming: the days of the tickets
    they were served with, the day a walk-in was started at the counter, and the completion
    day. Only applications with tickets or started at the counter can have two days; every
    other completed one came once (to collect)."""
    try:
        from ..visit_queue.models import QueueTicket, QueueTicketApplication
    except ImportError:  # no visit floor: each completed application came to collect
        QueueTicket = None
    o = OpsApplication
    days: dict[str, set] = defaultdict(set)
    service_of: dict[str, str] = {}
    walk_ins: set[str] = set()
    came: list[tuple] = [  # (application, service, completed at, walk-in, a day it came)
        (app_id, service, completed_at, True, local_date(_aware(started)))
        for app_id, service, completed_at, started in session.execute(
            select(o.application_id, o.service_code, o.completed_at, WalkIn.created_at)
            .join(WalkIn, WalkIn.application_id == o.application_id)
            .where(*cohort, o.completed_at.is_not(None), o.walk_in))]
    if QueueTicket is not None:
        came.extend(session.execute(
            select(o.application_id, o.service_code, o.completed_at, o.walk_in,
                   QueueTicket.day)
            .join(QueueTicketApplication,
                  QueueTicketApplication.application_id == o.application_id)
            .join(QueueTicket, QueueTicket.id == QueueTicketApplication.ticket_id)
            .where(*cohort, o.completed_at.is_not(None))))
    for app_id, service_code, completed_at, walk_in, day in came:
        days[app_id].add(day)
        days[app_id].add(local_date(_aware(completed_at)))
        service_of[app_id] = service_code
        if walk_in:
            walk_ins.add(app_id)
    twice = [app_id for app_id, d in days.items() if len(d) > 1]
    reasons: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_app: dict[str, set] = defaultdict(set)
    for chunk in _chunks(twice, 900):
        for app_id, code in session.execute(
                select(OpsRejection.application_id, OpsRejection.requirement_code)
                .where(OpsRejection.application_id.in_(chunk))):
            by_app[app_id].add(code)
    more, more_walk_in = defaultdict(int), defaultdict(int)
    for app_id in twice:
        service = service_of[app_id]
        more[service] += 1
        if app_id in walk_ins:
            more_walk_in[service] += 1
        for code in by_app.get(app_id) or {"(none)"}:
            reasons[service][code] += 1
    for code, row in rows.items():
        row["came_once"] = row["completed"] - more.get(code, 0)
        row["walk_in"]["came_once"] = row["walk_in"]["completed"] - more_walk_in.get(code, 0)
        row["second_visit_reasons"] = dict(sorted(reasons.get(code, {}).items(),
                                                  key=lambda kv: (-kv[1], kv[0])))


def _hours(session: Session, later, earlier):
    if session.get_bind().dialect.name == "postgresql":
        return func.floor(func.extract("epoch", later - earlier) / 3600)
    # Whole seconds (julianday's floats turn 400 h into 399.99...), then whole hours.
    seconds = (func.cast(func.strftime("%s", later), Integer)
               - func.cast(func.strftime("%s", earlier), Integer))
    return seconds / 3600


def _wib_day(session: Session, column):
    """The WIB day of a UTC timestamp column, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(column + literal(dt.timedelta(hours=7)))
    return func.date(column, "+7 hours")


def _months_within(first: dt.date, last: dt.date) -> tuple[list[dt.date], list[tuple]]:
    """The months wholly inside first..last (their first days), and the day ranges of the
    period outside them (at most two)."""
    month = first.replace(day=1) if first.day == 1 else _next_month(first)
    months = []
    while _next_month(month) - dt.timedelta(days=1) <= last:
        months.append(month)
        month = _next_month(month)
    if not months:
        return [], [(first, last)]
    edges = []
    if first < months[0]:
        edges.append((first, months[0] - dt.timedelta(days=1)))
    end = _next_month(months[-1])
    if end <= last:
        edges.append((end, last))
    return months, edges


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _percentiles(session: Session, scope: Scope, first: dt.date, last: dt.date,
                 rows: dict) -> None:
    """Median and 90th percentile of the whole hours from submit to ready: the months wholly
    in the period from the monthly histogram, the days around them from the facts."""
    histogram: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    months, edges = _months_within(first, last)
    if months:
        h = OpsReadyHours
        where = [h.month.in_(months),
                 h.agency_id == scope.agency.id if scope.agency else h.mpp_id == scope.mpp.id]
        for code, hours, n in session.execute(
                select(h.service_code, h.hours, func.sum(h.n)).where(*where)
                .group_by(h.service_code, h.hours)):
            histogram[code][int(hours)] += int(n)
    o = OpsApplication
    hours = _hours(session, o.ready_at, o.submitted_at).label("h")
    for low, high in edges:
        start, end = _bounds(low, high)
        where = [o.submitted_at >= start, o.submitted_at < end, o.ready_at.is_not(None),
                 o.agency_id == scope.agency.id if scope.agency else o.mpp_id == scope.mpp.id]
        for code, h, n in session.execute(select(o.service_code, hours, func.count())
                                          .where(*where).group_by(o.service_code, hours)):
            histogram[code][int(h)] += int(n)
    for code, counts in histogram.items():
        if code in rows:
            buckets = sorted(counts.items())
            rows[code]["ready_hours_median"] = _quantile(buckets, 0.5)
            rows[code]["ready_hours_p90"] = _quantile(buckets, 0.9)


def _quantile(buckets: list[tuple[int, int]], q: float) -> int | None:
    """The q-quantile (nearest rank) of a histogram of whole hours."""
    total = sum(n for _, n in buckets)
    if not total:
        return None
    rank = max(1, -(-int(q * total * 1000) // 1000))  # ceil(q * total), float-safe
    seen = 0
    for hour, n in buckets:
        seen += n
        if seen >= rank:
            return hour
    return buckets[-1][0]


def _age_bucket(day: dt.date, today: dt.date) -> str:
    """The age bucket (AGE_BUCKETS) of an application submitted on `day` (WIB)."""
    age = (today - day).days
    for _low, high, label in AGE_BUCKETS:
        if high is None or age <= high:
            return label
    return AGE_BUCKETS[-1][2]


def _backlog(session: Session, scope: Scope, rows: dict, now: dt.datetime) -> dict[str, int]:
    """Applications waiting now, by state and by days since submit (WIB), and those not yet
    ready whose due date has passed, from the backlog's sums (OpsBacklog: about two weeks of
    days; OpsBacklogSettled: the rest, all in the last age bucket), as of the catch-up this
    request made. Returns the applications in review per reviewer (the workload's)."""
    today = local_date(now)
    in_review: dict[str, int] = defaultdict(int)

    def add(code, state, bucket, overdue, reviewer, n):
        row = rows.get(code)
        if row is None or not n:
            return
        row["backlog"][state] += n
        row["backlog_age"][bucket] += n
        if overdue and state in NOT_YET_READY:
            row["overdue_now"] += n
        if state == states.IN_REVIEW and reviewer:
            in_review[reviewer] += n

    b, settled = OpsBacklog, OpsBacklogSettled
    for code, state, day, due_on, reviewer, n in session.execute(
            select(b.service_code, b.state, b.day, b.due_on, b.reviewer_id, b.n)
            .where(b.agency_id == scope.agency.id if scope.agency else b.mpp_id == scope.mpp.id)):
        add(code, state, _age_bucket(day, today), due_on < today, reviewer, n)
    for code, state, reviewer, overdue, n in session.execute(
            select(settled.service_code, settled.state, settled.reviewer_id, settled.overdue,
                   settled.n)
            .where(settled.agency_id == scope.agency.id if scope.agency
                   else settled.mpp_id == scope.mpp.id)):
        add(code, state, AGE_BUCKETS[-1][2], overdue, reviewer, n)
    return in_review


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _shares(row: dict) -> None:
    row["came_once_rate"] = _share(row["came_once"], row["completed"])
    row["first_time_right_share"] = _share(row["first_time_right"], row["decided"])
    row["revisions_per_application"] = (round(row["revisions"] / row["submitted"], 3)
                                        if row["submitted"] else None)
    row["sla_share"] = _share(row["ready_within_sla"], row["ready"])


def _rates(row: dict) -> None:
    """The shares of the row, and of its two channels: `walk_in` (started at the counter)
    and `app` (the rest: the row less its walk-ins), with the walk-ins' share."""
    walk_in = row["walk_in"]
    row["app"] = {c: row[c] - walk_in[c] for c in SPLIT + ("came_once",)}
    for part in (row, walk_in, row["app"]):
        _shares(part)
    row["walk_in_share"] = _share(walk_in["submitted"], row["submitted"])


def _totals(rows: list[dict]) -> dict[str, Any]:
    keys = ("submitted", "decided", "first_time_right", "revisions", "ready",
            "ready_within_sla", "completed", "came_once", "rejected", "withdrawn",
            "overdue_now")
    out = {k: sum(r[k] for r in rows) for k in keys}
    out["backlog"] = {s: sum(r["backlog"][s] for r in rows) for s in states.OFFICER_QUEUE}
    out["backlog_age"] = {label: sum(r["backlog_age"][label] for r in rows)
                          for _, _, label in AGE_BUCKETS}
    reasons: dict[str, int] = defaultdict(int)
    for r in rows:
        for code, n in r["second_visit_reasons"].items():
            reasons[code] += n
    out["second_visit_reasons"] = dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
    out["walk_in"] = {c: sum(r["walk_in"][c] for r in rows) for c in SPLIT + ("came_once",)}
    _rates(out)
    return out


def _agencies(services) -> list[dict[str, str]]:
    seen: dict[str, str] = {}
    for s in services:
        seen.setdefault(s.agency, s.agency_name)
    return [{"code": c, "name": n} for c, n in seen.items()]


def _rejections(session: Session, scope: Scope, start, end) -> list[dict[str, Any]]:
    r = OpsRejection
    # one scope column, so its own covering index answers (0021)
    where = [r.agency_id == scope.agency.id if scope.agency else r.mpp_id == scope.mpp.id,
             r.at >= start, r.at < end]
    n = func.count().label("n")
    found = session.execute(
        select(r.service_code, r.requirement_code, r.reason, n).where(*where)
        .group_by(r.service_code, r.requirement_code, r.reason)
        .order_by(n.desc(), r.service_code, r.requirement_code, r.reason).limit(50)).all()
    return [{"service": code, "requirement": req, "reason": reason or None, "count": count}
            for code, req, reason, count in found]


def reason_names(reason: str | None) -> dict[str, str]:
    """A rejection's template reason (a code of server/review/reasons.py) in words, by
    language (server/i18n.py `reason.*`); {} for none or a code the catalog lacks."""
    if not reason:
        return {}
    key = reason if reason in MESSAGES else f"reason.{reason}"
    if key not in MESSAGES:
        return {}
    return {lang: words(key, lang) for lang in ("id", "en")}


def _document_titles(session: Session, codes: list[str]) -> dict[tuple, dict[str, str]]:
    """(service, requirement code) -> the title of its document type, by language."""
    if not codes:
        return {}
    return {(service, req): {"name_id": name_id, "name_en": name_en}
            for service, req, name_id, name_en in session.execute(
                select(Service.code, Requirement.code, DocumentType.name_id,
                       DocumentType.name_en)
                .join(Service, Service.id == Requirement.service_id)
                .join(DocumentType, DocumentType.code == Requirement.document_type)
                .where(Service.code.in_(codes)))}


def _names(session: Session, services, report: dict) -> dict[str, dict]:
    """The words for the codes in the report, by language, so the console and the CSV show
    titles, not codes: each service's title, each requirement's document type title (by
    requirement code over the scope's services: the second visits' reasons are summed
    across services), each rejection reason's words (server/i18n.py `reason.*`)."""
    requirements: dict[str, dict[str, str]] = {}
    for (_service, req), title in sorted(
            _document_titles(session, [s.code for s in services]).items()):
        requirements.setdefault(req, title)
    reasons = {r["reason"]: said for r in report["rejections"]
               if (said := reason_names(r["reason"]))}
    return {"services": {s.code: {"name_id": s.name_id, "name_en": s.name_en}
                         for s in services},
            "requirements": requirements,
            "reasons": {code: {"name_id": said["id"], "name_en": said["en"]}
                        for code, said in reasons.items()}}


def _workload(session: Session, scope: Scope, first: dt.date, last: dt.date,
              in_review: dict[str, int]) -> list[dict[str, Any]]:
    """Per officer: actions taken in the period, and applications in review with them now."""
    d = OpsOfficerDay
    where = [d.agency_id == scope.agency.id if scope.agency else d.mpp_id == scope.mpp.id,
             d.day >= first, d.day <= last]
    people: dict[str, dict[str, Any]] = {}

    def person(officer_id: str) -> dict[str, Any]:
        return people.setdefault(str(officer_id), {
            "officer_id": str(officer_id), "name": None, "username": None,
            "actions": {a: 0 for a in OFFICER_ACTIONS}, "total": 0, "in_review_now": 0})

    for officer_id, action, n in session.execute(
            select(d.officer_id, d.action, func.sum(d.n)).where(*where)
            .group_by(d.officer_id, d.action)):
        p = person(officer_id)
        p["actions"][action] = int(n)
        p["total"] += int(n)
    for reviewer, n in in_review.items():  # from the backlog's sums (_backlog)
        person(reviewer)["in_review_now"] = n
    numeric = [int(i) for i in people if i.isdigit()]
    if numeric:
        for oid, username, name in session.execute(
                select(Officer.id, Officer.username, Officer.full_name)
                .where(Officer.id.in_(numeric))):
            people[str(oid)].update(username=username, name=name)
    return sorted(people.values(), key=lambda p: (-p["total"], p["username"] or ""))


def _floor(session: Session, scope: Scope, first: dt.date, last: dt.date,
           codes: set[str]) -> dict[str, Any] | None:
    """Tickets, served, no-shows, waiting and service times per service (the visit floor)."""
    try:
        from ..visit_queue.operations import measures
    except ImportError:
        return None
    report = measures(session, scope.mpp.id, first, last)
    per: dict[str, dict[str, Any]] = {}
    for row in report["rows"]:
        if row["service"] not in codes:
            continue
        s = per.setdefault(row["service"], {"service": row["service"], "tickets": 0,
                                            "served": 0, "no_shows": 0, "_w": [], "_s": []})
        s["tickets"] += row["tickets"]
        s["served"] += row["served"]
        s["no_shows"] += row["no_shows"]
        if row["waiting_avg_s"] is not None:
            s["_w"].append((row["waiting_avg_s"], row["tickets"]))
        if row["service_avg_s"] is not None:
            s["_s"].append((row["service_avg_s"], row["served"]))
    out = []
    for s in per.values():
        s["waiting_avg_s"] = _weighted(s.pop("_w"))
        s["service_avg_s"] = _weighted(s.pop("_s"))
        s["no_show_share"] = _share(s["no_shows"], s["tickets"])
        out.append(s)
    tickets = sum(s["tickets"] for s in out)
    return {"services": sorted(out, key=lambda s: s["service"]),
            "tickets": tickets, "served": sum(s["served"] for s in out),
            "no_shows": sum(s["no_shows"] for s in out),
            "no_show_share": _share(sum(s["no_shows"] for s in out), tickets),
            "waiting_avg_s": (report["totals"]["waiting_avg_s"] if scope.agency is None
                              else _weighted([(s["waiting_avg_s"], s["tickets"])
                                              for s in out if s["waiting_avg_s"] is not None])),
            "service_avg_s": (report["totals"]["service_avg_s"] if scope.agency is None
                              else _weighted([(s["service_avg_s"], s["served"])
                                              for s in out if s["service_avg_s"] is not None]))}


def _weighted(pairs: list[tuple[float, int]]) -> float | None:
    weight = sum(w for _, w in pairs if w)
    if not weight:
        return None
    return round(sum(v * w for v, w in pairs if w) / weight, 1)


def _ikm(session: Session, scope: Scope, first: dt.date, last: dt.date) -> dict | None:
    """The SKM index of the scope (no score for fewer than 5 answers: the survey's rule)."""
    try:
        from ..survey import operations as survey
    except ImportError:
        return None
    when = survey.Period(first, last, "", "", f"{first.isoformat()}..{last.isoformat()}")
    results = survey.results(session, scope.mpp.code, when)
    if scope.agency is None:
        unit = results["unit"]
    else:
        unit = next((a for a in results["agencies"] if a["code"] == scope.agency.code), None)
        if unit is None:
            return None
    services = [{"service": s["code"], "responses": s["responses"], "ikm": s.get("ikm")}
                for a in results["agencies"]
                if scope.agency is None or a["code"] == scope.agency.code
                for s in a["services"]]
    return {"responses": unit["responses"], "ikm": unit.get("ikm"),
            "band": (unit.get("band") or {}).get("grade"), "services": services}


def _complaints(session: Session, officer: Officer, scope: Scope, first: dt.date,
                last: dt.date, now: dt.datetime) -> dict | None:
    try:
        from ..complaints.operations import figures
    except ImportError:
        return None
    # The scope was checked already: ask as its supervisor (or verifier), so only its rows
    # come back (complaints' own reach rule).
    reader = SimpleNamespace(role="verifier" if scope.agency else "supervisor",
                             mpp_id=scope.mpp.id,
                             agency_id=scope.agency.id if scope.agency else None)
    found = figures(session.connection(), reader, first=first, last=last, now=now)
    rows = []
    for a in found["agencies"]:
        agency = a.get("agency") or {}
        rows.append({"agency": agency.get("code"), "total": a["total"],
                     "answered": a["answered"], "overdue": a["overdue"],
                     "escalated": a["escalated"],
                     "median_hours_to_answer": a["median_hours_to_answer"]})
    return {"agencies": rows, "total": sum(r["total"] for r in rows),
            "overdue": sum(r["overdue"] for r in rows)}


# ------------------------------------------------------------------------------ CSV

SECTIONS = ("services", "rejections", "workload", "second_visits", "floor", "backlog")


def to_csv(data: dict[str, Any], section: str, lang: str = "id") -> str:
    """One figure of the report as CSV (a header line, then one line a row): each code with
    its title in `lang` beside it (service_title, requirement_title, reason_title), and the
    walk-ins' part of the service figures (walk_in_*, app_*: the rest)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    names = data.get("names") or {}

    def title(kind: str, code: str | None) -> str:
        found = (names.get(kind) or {}).get(code) if code else None
        return (found or {}).get(f"name_{lang}", "") if found else ""

    if section == "services":
        cols = ("agency", "service", "service_title", "name_id", "sla_days", "submitted",
                "decided", "first_time_right", "first_time_right_share", "revisions",
                "revisions_per_application", "ready", "ready_within_sla", "sla_share",
                "ready_hours_median", "ready_hours_p90", "completed", "came_once",
                "came_once_rate", "rejected", "withdrawn", "overdue_now", "walk_in_share")
        parts = [(channel, c) for channel in ("app", "walk_in") for c in (
            "submitted", "completed", "came_once", "came_once_rate", "decided",
            "first_time_right", "first_time_right_share", "ready", "ready_within_sla",
            "sla_share")]
        w.writerow([*cols, *[f"{channel}_{c}" for channel, c in parts]])
        for r in data["services"]:
            w.writerow([_cell(title("services", r["service"]) if c == "service_title"
                              else r[c]) for c in cols]
                       + [_cell(r[channel][c]) for channel, c in parts])
        t = data["totals"]
        w.writerow(["*", "*", "", "total", ""] + [_cell(t.get(c)) for c in cols[5:]]
                   + [_cell(t[channel][c]) for channel, c in parts])
    elif section == "backlog":
        ages = [label for _, _, label in AGE_BUCKETS]
        w.writerow(["agency", "service", "service_title", *states.OFFICER_QUEUE,
                    *[f"age_days_{a}" for a in ages], "overdue_now"])
        for r in data["services"]:
            w.writerow([r["agency"], r["service"], title("services", r["service"]),
                        *[r["backlog"][s] for s in states.OFFICER_QUEUE],
                        *[r["backlog_age"][a] for a in ages], r["overdue_now"]])
    elif section == "second_visits":
        w.writerow(["agency", "service", "service_title", "requirement", "requirement_title",
                    "applications"])
        for r in data["services"]:
            for code, n in r["second_visit_reasons"].items():
                w.writerow([r["agency"], r["service"], title("services", r["service"]), code,
                            title("requirements", code), n])
    elif section == "rejections":
        w.writerow(["service", "service_title", "requirement", "requirement_title", "reason",
                    "reason_title", "count"])
        for r in data["rejections"]:
            w.writerow([r["service"], title("services", r["service"]), r["requirement"],
                        title("requirements", r["requirement"]), r["reason"] or "",
                        title("reasons", r["reason"]), r["count"]])
    elif section == "workload":
        w.writerow(["officer_id", "username", "name", *OFFICER_ACTIONS, "total",
                    "in_review_now"])
        for p in data["workload"]:
            w.writerow([p["officer_id"], p["username"] or "", p["name"] or "",
                        *[p["actions"][a] for a in OFFICER_ACTIONS], p["total"],
                        p["in_review_now"]])
    elif section == "floor":
        w.writerow(["service", "service_title", "tickets", "served", "no_shows",
                    "no_show_share", "waiting_avg_s", "service_avg_s"])
        for s in (data["floor"] or {}).get("services", []):
            w.writerow([s["service"], title("services", s["service"]), s["tickets"],
                        s["served"], s["no_shows"], _cell(s["no_show_share"]),
                        _cell(s["waiting_avg_s"]), _cell(s["service_avg_s"])])
    else:
        raise ApiError(400, "dashboard_section_unknown", {"sections": list(SECTIONS)})
    return out.getvalue()


def _cell(value: Any) -> Any:
    return "" if value is None else value
