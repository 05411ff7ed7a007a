"""The officer console's operations: the queue, an application's detail and activity, the
actions (thin calls into sync/officer.py on the request's unit of work: operations read and
flush, the request commits once; server/transactions.py), and the visit ticket lookup. No
HTTP here beyond ApiError; routes.py is the routing table.

Record-level access: a verifier sees the applications of their agency in their MPP, a
supervisor those of every agency of their MPP, an admin all. Anything else, drafts included
(a draft is the citizen's own until submitted), is answered exactly like a missing
application (404), and the attempt is written to the audit log.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from sync import officer as engine
from sync import states, tickets, workdays
from sync.errors import Rejection
from sync.model import Application
from sync.rules import NIK_RE, mask_nik
from sync.space import local_date
from sync.views import timestamp

from ..accounts.models import Citizen, Officer
from ..accounts.operations import within_reach
from ..applications.models import Application as AppRow
from ..transactions import RequestWork
from ..audit.models import AuditEvent
from ..audit.operations import record
from ..catalog.calendar import holidays_of
from ..catalog.drafts import kept_standard
from ..catalog.models import Agency, DocumentType, Mpp, Requirement, Service, ServiceField
from ..document_checks.review import add_nik_checks
from ..errors import ApiError
from ..extensions import db
from ..i18n import current_language, localise_rejection, translate
from ..uploads.reading import superseded_reviews
from . import reasons

# What an officer may ever see (a draft is the citizen's), and what the queue shows.
VISIBLE_STATES = tuple(s for s in states.STATES if s != states.DRAFT)
QUEUE_STATES = states.OFFICER_QUEUE

# HTTP status of each refusal from sync/officer.py; every other code is a 409 (the state of
# the application does not allow it now).
REJECTION_STATUS = {"application_not_found": 404, "note_required": 400}


# ------------------------------------------------------------------------------ scope

@dataclass(frozen=True)
class ServiceInfo:
    code: str
    id: int
    name_id: str
    name_en: str
    sla_days: int
    agency_code: str
    agency_name: str
    counter: str
    mpp_code: str
    mpp_name: str
    hours_id: str
    hours_en: str

    def summary(self) -> dict[str, Any]:
        return {"code": self.code, "name_id": self.name_id, "name_en": self.name_en}


def _services_query():
    return (select(Service.code, Service.id, Service.name_id, Service.name_en, Service.sla_days,
                   Agency.code.label("agency_code"), Agency.name.label("agency_name"),
                   Agency.counter, Mpp.code.label("mpp_code"), Mpp.name.label("mpp_name"),
                   Mpp.hours_id, Mpp.hours_en)
            .join(Agency, Agency.id == Service.agency_id).join(Mpp, Mpp.id == Agency.mpp_id))


def services_in_scope(officer: Officer) -> dict[str, ServiceInfo]:
    rows = db.session.execute(within_reach(_services_query(), officer)).all()
    return {r.code: ServiceInfo(*r) for r in rows}


def service_in_scope(officer: Officer, code: str) -> ServiceInfo | None:
    row = db.session.execute(within_reach(_services_query(), officer)
                             .where(Service.code == code)).first()
    return ServiceInfo(*row) if row else None


def _audit_refusal(work: RequestWork, action: str, **fields: Any) -> None:
    """An audit row that stays although the request is refused (a read switches to a
    short write for it: server/transactions.py)."""
    work.write()
    record(action, outcome="denied", **fields)
    work.keep()


def _out_of_reach(work: RequestWork, application_id: str, action: str) -> ApiError:
    """Another agency's (or a missing, or a draft) application: a 404 like any missing one,
    and the attempt in the audit log (missing ids too: probing is an attempt)."""
    _audit_refusal(work, "officer.application_denied", target_kind="application",
                   target_id=application_id, details={"action": action})
    return ApiError(404, "application_not_found")


def _visible(work: RequestWork, officer: Officer, application_id: str, action: str
             ) -> tuple[Application, ServiceInfo]:
    with work.engine() as uow:
        application = uow.get_application(application_id)
    service = (service_in_scope(officer, application.service_code)
               if application is not None and application.state != states.DRAFT else None)
    if service is None:
        raise _out_of_reach(work, application_id, action)
    return application, service


# ------------------------------------------------------------------------------ queue

def _search(q: str | None):
    """Reference (any case) or NIK (spaces, dots, dashes ignored): both exact, both indexed."""
    if not q or not q.strip():
        return None
    text = q.strip()
    digits = re.sub(r"[\s.\-]", "", text)
    if NIK_RE.match(digits):
        return AppRow.applicant_nik == digits
    return AppRow.reference == text.upper()


def queue(officer: Officer, *, state: str | None, service: str | None, q: str | None,
          limit: int, offset: int, now: dt.datetime) -> dict[str, Any]:
    scope = services_in_scope(officer)
    codes = [c for c in scope if service is None or c == service]
    wanted = [state] if state else list(QUEUE_STATES)
    counted = list(dict.fromkeys(list(QUEUE_STATES) + wanted))
    search = _search(q)
    where = [AppRow.service_code.in_(codes)]
    if search is not None:
        where.append(search)
    counts = {s: 0 for s in counted}
    if codes:
        for s, n in db.session.execute(
                select(AppRow.state, func.count()).where(*where, AppRow.state.in_(counted))
                .group_by(AppRow.state)):
            counts[s] = n
    rows = []
    if codes:
        rows = db.session.execute(
            select(AppRow.id, AppRow.reference, AppRow.service_code, AppRow.state,
                   AppRow.submitted_at, AppRow.due_on, AppRow.fields, AppRow.applicant_nik,
                   AppRow.reviewer_id, AppRow.review_started_at, AppRow.citizen_id,
                   AppRow.version)
            .where(*where, AppRow.state.in_(wanted))
            .order_by(AppRow.due_on, AppRow.submitted_at, AppRow.id)
            .limit(limit).offset(offset)).all()
    today = local_date(now)
    holidays = {m: holidays_of(db.session, m) for m in {scope[r.service_code].mpp_code
                                                         for r in rows}}
    names = _applicant_names(rows)
    reviewers = _officer_names({r.reviewer_id for r in rows})
    items = [{
        "id": r.id, "reference": r.reference, "service": scope[r.service_code].summary(),
        "state": r.state, "submitted_at": timestamp(r.submitted_at),
        "due_on": r.due_on.isoformat() if r.due_on else None,
        "working_days_left": (workdays.working_days_left(
            today, r.due_on, holidays[scope[r.service_code].mpp_code]) if r.due_on else None),
        "applicant": {"name": names.get(r.id), "nik_masked":
                      mask_nik(r.applicant_nik) if r.applicant_nik else None},
        "reviewer": _reviewer(r.reviewer_id, r.review_started_at, reviewers),
        "version": r.version,
    } for r in rows]
    return {"items": items, "total": sum(counts[s] for s in wanted), "limit": limit,
            "offset": offset, "counts": counts}


def _applicant_names(rows) -> dict[str, str | None]:
    """The applicant's name from the form (the field with profile_key full_name), else the
    account's record."""
    if not rows:
        return {}
    name_keys = dict(db.session.execute(
        select(Service.code, ServiceField.key).join(Service, Service.id == ServiceField.service_id)
        .where(Service.code.in_({r.service_code for r in rows}),
               ServiceField.profile_key == "full_name")).all())
    record_names = dict(db.session.execute(
        select(Citizen.id, Citizen.full_name).where(Citizen.id.in_({r.citizen_id for r in rows}))
    ).all())
    out = {}
    for r in rows:
        key = name_keys.get(r.service_code)
        value = (r.fields or {}).get(key) if key else None
        out[r.id] = value if isinstance(value, str) and value else record_names.get(r.citizen_id)
    return out


def _officer_names(ids) -> dict[str, str]:
    numeric = [int(i) for i in ids if i and str(i).isdigit()]
    if not numeric:
        return {}
    return {str(i): name for i, name in db.session.execute(
        select(Officer.id, Officer.full_name).where(Officer.id.in_(numeric)))}


def _reviewer(reviewer_id, since, names) -> dict[str, Any] | None:
    if not reviewer_id:
        return None
    return {"id": reviewer_id, "name": names.get(str(reviewer_id)),
            "since": timestamp(since)}


# ------------------------------------------------------------------------------ detail

def _document_value(document) -> dict[str, Any] | None:
    if document is None:
        return None
    return {"id": document.id, "status": document.status,
            "document_type": document.document_type, "content_type": document.content_type,
            "size": document.size, "source": document.source,
            "verified_at": timestamp(document.verified_at),
            "expires_on": document.expires_on.isoformat() if document.expires_on else None}


def _previous_document(document, review) -> dict[str, Any]:
    """A replaced document as it was reviewed, for the old-vs-new comparison."""
    return {**_document_value(document), "review_status": review.review_status,
            "officer_note": review.officer_note, "reviewed_at": timestamp(review.at)}


def detail(work: RequestWork, officer: Officer, application_id: str, now: dt.datetime,
           action: str = "view") -> dict[str, Any]:
    application, service = _visible(work, officer, application_id, action)
    return describe(work, application, service, now)


def describe(work: RequestWork, a: Application, service: ServiceInfo, now: dt.datetime
             ) -> dict[str, Any]:
    superseded = superseded_reviews(db.session, a.id, {c: row.document_id
                                                       for c, row in a.requirements.items()})
    with work.engine() as uow:
        documents = {row.document_id: uow.get_document(row.document_id)
                     for row in a.requirements.values() if row.document_id}
        documents.update({r.document_id: uow.get_document(r.document_id)
                          for reviews in superseded.values() for r in reviews})
    # A submitted application is read against the standard it was submitted under (kept by
    # the catalog when a publication changed it), not the one in force now.
    kept = kept_standard(db.session, a.service_code, a.submitted_at) if a.submitted_at \
        else None
    if kept is not None:
        form = [SimpleNamespace(**f) for f in kept["fields"]]
        specs = [SimpleNamespace(**r) for r in kept["requirements"]]
        service = replace(service, sla_days=kept["sla_days"])
    else:
        form = db.session.scalars(select(ServiceField).where(
            ServiceField.service_id == service.id).order_by(ServiceField.position)).all()
        specs = db.session.scalars(select(Requirement).where(
            Requirement.service_id == service.id).order_by(Requirement.position)).all()
    type_names = {t.code: t for t in db.session.scalars(select(DocumentType))}

    fields = []
    for f in form:
        value = a.fields.get(f.key)
        choice = next((c for c in (f.validation or {}).get("choices", ())
                       if c.get("value") == value), None)
        d = a.discrepancies.get(f.key)
        fields.append({
            "key": f.key, "type": f.type, "label_id": f.label_id, "label_en": f.label_en,
            "required": f.required, "profile_key": f.profile_key, "value": value,
            "value_label_id": choice["label_id"] if choice else None,
            "value_label_en": choice["label_en"] if choice else None,
            "discrepancy": ({"record_value": d.record_value, "profile_key": d.profile_key}
                            if d else None)})
    known = {f.key for f in form}
    fields += [{"key": k, "type": None, "label_id": k, "label_en": k, "required": False,
                "profile_key": None, "value": v, "value_label_id": None, "value_label_en": None,
                "discrepancy": None}
               for k, v in sorted(a.fields.items()) if k not in known]  # catalog changed since

    requirements = []
    by_code = {r.code: r for r in specs}
    for code in list(by_code) + [c for c in a.requirements if c not in by_code]:
        spec, row = by_code.get(code), a.requirements.get(code)
        doc_type = spec.document_type if spec else None
        type_row = type_names.get(doc_type) if doc_type else None
        requirements.append({
            "code": code, "title_id": spec.title_id if spec else code,
            "title_en": spec.title_en if spec else code,
            "required": spec.required if spec else False, "document_type": doc_type,
            "document_type_name_id": type_row.name_id if type_row else None,
            "document_type_name_en": type_row.name_en if type_row else None,
            "review_status": row.review_status if row else "pending",
            "officer_note": row.officer_note if row else "",
            "document": _document_value(documents.get(row.document_id)) if row else None,
            "previous_documents": [_previous_document(documents.get(r.document_id), r)
                                   for r in superseded.get(code, ())
                                   if documents.get(r.document_id) is not None]})

    add_nik_checks(db.session, a.fields, form, requirements)  # advice on identity documents
    holidays = holidays_of(db.session, service.mpp_code)
    due_on = (workdays.due_date(local_date(a.submitted_at), service.sla_days, holidays)
              if a.submitted_at else None)
    applicant_nik = _form_value(a, form, "nik")
    applicant_name = _form_value(a, form, "full_name")
    names = _officer_names({a.reviewer_id})
    out = {
        "id": a.id, "reference": a.reference, "state": a.state, "version": a.version,
        "service": {**service.summary(), "sla_days": service.sla_days,
                    "agency": {"code": service.agency_code, "name": service.agency_name,
                               "counter": service.counter},
                    "mpp": {"code": service.mpp_code, "name": service.mpp_name}},
        "created_at": timestamp(a.created_at), "updated_at": timestamp(a.updated_at),
        "submitted_at": timestamp(a.submitted_at),
        "due_on": due_on.isoformat() if due_on else None,
        "working_days_left": (workdays.working_days_left(local_date(now), due_on, holidays)
                              if due_on else None),
        "applicant": {"name": applicant_name,
                      "nik_masked": mask_nik(applicant_nik) if applicant_nik else None},
        "fields": fields, "requirements": requirements,
        "discrepancies": [{"field": d.field, "profile_key": d.profile_key,
                           "draft_value": d.draft_value, "record_value": d.record_value}
                          for d in sorted(a.discrepancies.values(), key=lambda d: d.field)],
        "officer_note": a.officer_note,
        "reviewer": _reviewer(a.reviewer_id, a.review_started_at, names),
        "pickup": a.pickup,
        # The ticket's code is the citizen's: officers only learn whether one was given and
        # whether it was used.
        "ticket": ({"issued": True, "used": a.state == states.COMPLETED}
                   if a.ticket_code else None),
        "allowed_actions": engine.available_actions(a.state),
        "pickup_suggestion": None,
    }
    if a.state == states.APPROVED:
        out["pickup_suggestion"] = {
            "counter": service.counter,
            "hours": service.hours_en if current_language() == "en" else service.hours_id,
            "bring": [r["title_id"] for r in requirements if r["document"] is not None],
            "visit_date": None}
    return out


def _form_value(a: Application, form, profile_key: str) -> str | None:
    field = next((f for f in form if f.profile_key == profile_key), None)
    value = a.fields.get(field.key) if field else None
    return value if isinstance(value, str) and value else None


# ------------------------------------------------------------------------------ actions

def act(work: RequestWork, officer: Officer, application_id: str, action: str,
        version: int, now: dt.datetime, **kwargs: Any) -> dict[str, Any]:
    """Run one officer action (a function of sync/officer.py) in the request's transaction
    (a savepoint: a refusal undoes the action's writes alone), refusing it as `stale` if
    the application is no longer at `version`. Returns the fresh detail."""
    _, service = _visible(work, officer, application_id, action)
    try:
        with work.engine(savepoint=True) as uow:
            getattr(engine, action)(uow, application_id, officer_id=str(officer.id), now=now,
                                    expected_version=version, **kwargs)
    except Rejection as refusal:
        raise _refused(work, officer, application_id, service, action, refusal, now) from None
    return detail(work, officer, application_id, now, action)


def _refused(work, officer, application_id, service, action, refusal: Rejection, now
             ) -> ApiError:
    status = REJECTION_STATUS.get(refusal.code, 409)
    said = localise_rejection(refusal.to_dict())
    details = {**said["details"], "messages": {"id": said["message"], "en": said["message_en"]}}
    if refusal.code == "stale":
        with work.engine() as uow:
            fresh = uow.get_application(application_id)
        if fresh is not None:
            details["application"] = describe(work, fresh, service, now)
    if refusal.code == "ticket_invalid":
        _audit_refusal(work, "officer.ticket_refused", target_kind="application",
                       target_id=application_id, details={"action": action})
    return ApiError(status, refusal.code, details, message_key=f"rejection.{refusal.code}",
                    params=said["details"])


def review(work, officer, application_id, data, now) -> dict[str, Any]:
    """Accept or reject one requirement's document; a rejection's note is the chosen
    reason's text plus the officer's own words (either one is enough)."""
    application, _ = _visible(work, officer, application_id, "review_requirement")
    reason = None
    if data.get("reason"):
        doc_type = _requirement_document_type(application, data["requirement"])
        reason = reasons.find(doc_type, data["reason"])
        if reason is None:
            raise ApiError(400, "unknown_reason", {"reason": data["reason"],
                                                   "document_type": doc_type},
                           params={"code": data["reason"]})
    accept = data["decision"] == "accept"
    note = data.get("note") or ""
    text = note.strip() if accept else reasons.note_text(reason, note)
    return act(work, officer, application_id, "review_requirement", data["version"], now,
               requirement_code=data["requirement"], accept=accept, note=text,
               reason=reason.code if reason else None)


def _requirement_document_type(application: Application, code: str) -> str | None:
    return db.session.scalar(
        select(Requirement.document_type).join(Service, Service.id == Requirement.service_id)
        .where(Service.code == application.service_code, Requirement.code == code))


def mark_ready(work, officer, application_id, data, now, secret: bytes) -> dict[str, Any]:
    pickup = dict(data["pickup"])
    visit_date = pickup.get("visit_date")
    if visit_date is not None and visit_date < local_date(now):
        raise ApiError(400, "visit_date_past", {"visit_date": visit_date.isoformat()})
    pickup["visit_date"] = visit_date.isoformat() if visit_date else None
    pickup["bring"] = list(pickup.get("bring") or [])
    return act(work, officer, application_id, "mark_ready", data["version"], now,
               pickup=pickup, ticket_code=tickets.new_code(secret, application_id))


def complete(work, officer, application_id, data, now) -> dict[str, Any]:
    return act(work, officer, application_id, "complete", data["version"], now,
               ticket_code=tickets.normalise(data["code"]))


# ------------------------------------------------------------------------------ tickets

def lookup_ticket(work: RequestWork, officer: Officer, text: str, secret: bytes,
                  now: dt.datetime) -> dict[str, Any]:
    """What the officer checks at the counter for a scanned or typed ticket. Unknown,
    forged or another agency's codes are one 404; a used one is a 409. Every lookup is
    audited (a run of failures is someone guessing)."""
    code = tickets.normalise(text)
    row = None
    if code is not None:
        row = db.session.execute(select(AppRow.id, AppRow.state, AppRow.service_code)
                                 .where(AppRow.ticket_code == code)).first()
    service = None
    if row is not None and tickets.signed_for(secret, row.id, code):
        service = service_in_scope(officer, row.service_code)

    def fail(status: int, error_code: str) -> ApiError:
        _audit_refusal(work, "officer.ticket_lookup", target_kind="application",
                       target_id=row.id if row is not None else None,
                       details={"result": error_code})
        return ApiError(status, error_code)

    if service is None:
        raise fail(404, "ticket_not_found")
    if row.state != states.READY:
        raise fail(409, "ticket_used")
    record("officer.ticket_lookup", target_kind="application", target_id=row.id,
           details={"result": "ok"})
    application = detail(work, officer, row.id, now, "ticket_lookup")
    return {"application": application,
            "check": {"reference": application["reference"],
                      "applicant": application["applicant"],
                      "bring": (application["pickup"] or {}).get("bring", []),
                      "version": application["version"]}}


# ------------------------------------------------------------------------------ activity

HIDDEN_DETAIL_KEYS = {"citizen_id", "client_id", "mutation_id", "version"}


def activity(work: RequestWork, officer: Officer, application_id: str) -> dict[str, Any]:
    """Every change of the application as journalled by the engine (sync.<action> rows of
    the audit log), oldest first, with who made it."""
    _visible(work, officer, application_id, "activity")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_kind == "application",
                                 AuditEvent.target_id == application_id,
                                 AuditEvent.action.like("sync.%"))
        .order_by(AuditEvent.id).limit(1000)).all()
    names = _officer_names({e.actor_id for e in events if e.actor_kind == "officer"})
    items = []
    for e in events:
        details = dict(e.details or {})
        if e.actor_kind == "officer":
            actor = {"kind": "officer", "id": e.actor_id, "name": names.get(str(e.actor_id))}
        elif e.actor_kind == "citizen":
            actor = {"kind": "citizen", "id": None, "name": translate("actor_applicant")}
        else:
            actor = {"kind": e.actor_kind, "id": None, "name": translate("actor_system")}
        items.append({
            "at": timestamp(e.at), "action": e.action.removeprefix("sync."),
            "actor": actor, "version": details.get("version"),
            "details": {k: v for k, v in details.items() if k not in HIDDEN_DETAIL_KEYS}})
    return {"items": items}
