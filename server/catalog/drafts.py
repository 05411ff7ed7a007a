"""Catalog administration (#18): drafts of one scope of the catalog until published.

Operations only (no HTTP): they flush, never commit; the request commits once.

Who edits what (access: every route is `allow("admin")`):
- a **national admin** is an officer with role `admin` and no MPP (every admin made before
  #18 is one): the national scope (document types, shared service standards, national
  holidays) and every MPP;
- an **MPP admin** is an officer with role `admin` and an MPP: that MPP's scope only (its
  agencies, offerings with the parts of a standard an MPP may set, counters, opening hours,
  local holidays, visit policy).

One set of rules: a publication exports the published catalog in the data files' shape
(catalog.export), puts the draft's scope in place of its published one, and hands every
document to the loader's `load_documents` in the request's transaction: the same checks as
`flask catalog load` and the same writing, the catalog version bumped by the same digest.
A document type left out of a national draft is deleted if nothing uses it (else refused),
a standard left out is deleted (an MPP that still offers it makes the loader refuse).

No lost update: a draft remembers the digest of its scope's published data when it was made;
a publication locks the catalog's one meta row, then refuses a draft whose scope changed since
(two drafts of one scope: the second to publish is refused, nothing changed).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..accounts.models import Officer
from ..accounts.operations import is_national_admin
from ..applications.models import Application, Document
from ..errors import ApiError
from . import export
from .loader import (
    CatalogError, CatalogFileSchema, CatalogLoadError, _flatten, _Loader, get_meta,
    load_documents, service_standard, validate_documents,
)
from .messages import localise
from .models import (
    CatalogDraft, CatalogMeta, DocumentType, Mpp, Requirement, Service, ServiceStandard,
    ServiceStandardVersion,
)

NATIONAL_KEYS = ("document_types", "service_standards", "holidays")
MPP_KEYS = ("mpp",)


# ---------------------------------------------------------------------------------------
# Who

def may_edit(officer: Officer, scope: str) -> bool:
    if officer.role != "admin":
        return False
    if officer.mpp_id is None:
        return True
    return officer.mpp is not None and scope == export.mpp_scope(officer.mpp.code)


def parse_scope(session: Session, scope: Any) -> str:
    """A scope that exists: 'national' or 'mpp:<code>' of a known MPP."""
    if not isinstance(scope, str) or not export.SCOPE_PATTERN.match(scope):
        raise ApiError(400, "catalog_scope_invalid", {"scope": scope},
                       params={"scope": scope})
    if scope != export.NATIONAL and session.scalar(
            select(Mpp.id).where(Mpp.code == scope.removeprefix("mpp:"))) is None:
        code = scope.removeprefix("mpp:")
        raise ApiError(404, "mpp_not_found", {"code": code}, params={"code": code})
    return scope


def check_scope(officer: Officer, scope: str) -> None:
    if not may_edit(officer, scope):
        raise ApiError(403, "catalog_scope_forbidden", {"scope": scope},
                       params={"scope": scope})


def overview(session: Session, officer: Officer) -> dict[str, Any]:
    scopes = [{"scope": scope, "name": name, "editable": may_edit(officer, scope)}
              for scope, name in export.scopes(session)]
    open_drafts = session.scalar(select(func.count(CatalogDraft.id)).where(
        CatalogDraft.status == "open", _visible(officer)))
    return {"version": _version(session),
            "me": {"national": is_national_admin(officer),
                   "mpp": officer.mpp.code if officer.mpp is not None else None},
            "scopes": scopes, "open_drafts": open_drafts or 0}


def _visible(officer: Officer):
    if is_national_admin(officer):
        return CatalogDraft.id.is_not(None)
    code = officer.mpp.code if officer.mpp is not None else ""
    return CatalogDraft.scope == export.mpp_scope(code)


# ---------------------------------------------------------------------------------------
# Current data and drafts

def current(session: Session, scope: str) -> dict[str, Any]:
    data = export.scope_data(session, scope)
    return {"scope": scope, "version": _version(session), "base_digest": export.digest(data),
            "data": data}


def _version(session: Session) -> int:
    meta = session.get(CatalogMeta, 1)
    return meta.version if meta is not None else 0


def drafts(session: Session, officer: Officer) -> list[CatalogDraft]:
    return list(session.scalars(select(CatalogDraft).where(_visible(officer))
                                .order_by(CatalogDraft.id.desc())))


def get_draft(session: Session, officer: Officer, draft_id: int, *,
              lock: bool = False) -> CatalogDraft:
    query = select(CatalogDraft).where(CatalogDraft.id == draft_id)
    draft = session.scalar(query.with_for_update() if lock else query)
    if draft is None:
        raise ApiError(404, "catalog_draft_not_found")
    check_scope(officer, draft.scope)
    return draft


def create_draft(session: Session, officer: Officer, scope: str, now: dt.datetime, *,
                 note: str = "", data: dict | None = None) -> CatalogDraft:
    check_scope(officer, scope)
    published = export.scope_data(session, scope)
    if data is not None:
        _check_shape(scope, data)
    draft = CatalogDraft(scope=scope, status="open", note=note,
                         data=published if data is None else data,
                         base_version=_version(session),
                         base_digest=export.digest(published),
                         created_by=str(officer.id), created_at=now, updated_at=now)
    session.add(draft)
    session.flush()
    return draft


def save_draft(draft: CatalogDraft, now: dt.datetime, *, data: dict | None = None,
               note: str | None = None) -> CatalogDraft:
    _check_open(draft)
    if data is not None:
        _check_shape(draft.scope, data)
        draft.data = data
    if note is not None:
        draft.note = note
    draft.updated_at = now
    return draft


def discard(draft: CatalogDraft, now: dt.datetime) -> CatalogDraft:
    _check_open(draft)
    draft.status = "discarded"
    draft.updated_at = now
    return draft


def _check_open(draft: CatalogDraft) -> None:
    if draft.status != "open":
        raise ApiError(409, "catalog_draft_closed", {"status": draft.status},
                       params={"status": draft.status})


def _check_shape(scope: str, data: Any) -> None:
    """Only what a draft must hold to be a draft of its scope; the rest is the loader's."""
    keys = NATIONAL_KEYS if scope == export.NATIONAL else MPP_KEYS
    errors = []
    if not isinstance(data, dict) or sorted(data) != sorted(keys):
        errors.append(CatalogError(scope, "", f"this scope's data must hold exactly {keys}",
                                   code="scope_keys", params={"keys": list(keys)}))
    elif scope != export.NATIONAL:
        code = scope.removeprefix("mpp:")
        mpp = data["mpp"]
        if isinstance(mpp, dict) and mpp.get("code") != code:
            errors.append(CatalogError(scope, "mpp.code", f"must stay '{code}'",
                                       code="mpp_code_fixed", params={"value": code}))
    if errors:
        raise invalid(errors)


def invalid(errors: list[CatalogError]) -> ApiError:
    return ApiError(422, "catalog_invalid", {"errors": [localise(e) for e in errors]},
                    params={"count": len(errors)})


# ---------------------------------------------------------------------------------------
# Checking and publishing

def _documents(session: Session, draft: CatalogDraft) -> list[tuple[str, Any]]:
    """The whole catalog as the loader's documents, one per scope (named by it), the
    draft's scope as the draft has it."""
    return [(scope, draft.data if scope == draft.scope else export.scope_data(session, scope))
            for scope, _name in export.scopes(session)]


def _removals(session: Session, draft: CatalogDraft) -> tuple[list[str], list[str],
                                                              list[CatalogError]]:
    """A national draft's document types and standards left out: the ones to delete, and an
    error for each document type something still uses."""
    if draft.scope != export.NATIONAL or not isinstance(draft.data, dict):
        return [], [], []
    kept_types = {d.get("code") for d in draft.data.get("document_types") or []
                  if isinstance(d, dict)}
    kept_standards = {s.get("code") for s in draft.data.get("service_standards") or []
                      if isinstance(s, dict)}
    types = [c for c in session.scalars(select(DocumentType.code)) if c not in kept_types]
    standards = [c for c in session.scalars(select(ServiceStandard.code))
                 if c not in kept_standards]
    errors = []
    for code in types:
        # Requirement rows of retired services stay (applications cite them); a citizen's
        # document keeps its type. Those of offered services follow the draft.
        used = (session.scalar(select(func.count()).select_from(Document)
                               .where(Document.document_type == code)) or 0) + (
            session.scalar(select(func.count()).select_from(Requirement).join(Service)
                           .where(Requirement.document_type == code,
                                  Service.active.is_(False))) or 0)
        if used:
            errors.append(CatalogError(
                draft.scope, "document_types",
                f"document type '{code}' is used by {used} document(s) or requirement(s)",
                code="document_type_in_use", params={"value": code, "count": used}))
    return types, standards, errors


def _verdict(session: Session, draft: CatalogDraft) -> tuple[list[str], list[str],
                                                             list[CatalogError]]:
    """What a publication would delete, and the loader's errors. While the draft's own
    shape is wrong only those errors count: the loader would drop the whole document and
    every MPP citing its standards would fail too (true, but not where the mistake is)."""
    _check_shape(draft.scope, draft.data)
    shape = _shape_errors(draft)
    types, standards, errors = _removals(session, draft)
    if shape:
        return types, standards, shape + errors
    _parsed, found = validate_documents(_documents(session, draft), session,
                                        known_types_from_db=False)
    return types, standards, found + errors


def _shape_errors(draft: CatalogDraft) -> list[CatalogError]:
    try:
        CatalogFileSchema().load(draft.data)
    except ma.ValidationError as exc:
        return [CatalogError(draft.scope, p, m) for p, m in _flatten(exc.messages)]
    return []


def check(session: Session, draft: CatalogDraft) -> list[dict[str, Any]]:
    """The loader's verdict on the draft merged with the published catalog; writes nothing."""
    try:
        _types, _standards, errors = _verdict(session, draft)
    except ApiError as err:
        return err.details["errors"]
    return [localise(e) for e in errors]


def publish(session: Session, officer: Officer, draft_id: int, now: dt.datetime
            ) -> tuple[CatalogDraft, bool, int]:
    """Publish a draft: (the draft, whether the catalog changed, the catalog version)."""
    meta = session.scalar(select(CatalogMeta).where(CatalogMeta.id == 1).with_for_update())
    if meta is None:
        meta = get_meta(session)
    draft = get_draft(session, officer, draft_id, lock=True)
    _check_open(draft)
    if export.digest(export.scope_data(session, draft.scope)) != draft.base_digest:
        raise ApiError(409, "catalog_draft_stale", {
            "base_version": draft.base_version, "current_version": meta.version},
            params={"base_version": draft.base_version, "current_version": meta.version})
    # The draft's own shape and what it deletes first; the cross-references are checked
    # once, by load_documents itself.
    _check_shape(draft.scope, draft.data)
    types, standards, errors = _removals(session, draft)
    shape = _shape_errors(draft)
    docs = _documents(session, draft)
    if shape:
        raise invalid(shape + errors)
    if errors:
        raise invalid(validate_documents(docs, session, known_types_from_db=False)[1] + errors)
    try:
        # Validates everything before it writes anything (a refusal leaves the catalog as
        # it was; the request then rolls back all the same).
        summary = load_documents(docs, session, known_types_from_db=False, now=now)
    except CatalogLoadError as exc:
        raise invalid(exc.errors) from None
    if types or standards:
        for code in types:
            session.delete(session.get(DocumentType, code))
        for code in standards:
            session.delete(session.get(ServiceStandard, code))
        session.flush()
        summary = _bump(session, summary, now)
    draft.status = "published"
    draft.published_at = now
    draft.published_version = summary.version
    draft.updated_at = now
    session.flush()
    return draft, summary.changed, summary.version


def _bump(session: Session, summary, now: dt.datetime):
    """After deletions the load did not see: the same digest rule bumps the version."""
    from .loader import catalog_digest

    meta = get_meta(session)
    digest = catalog_digest(session)
    if digest != meta.content_hash:
        if not summary.changed:
            meta.version += 1
        meta.content_hash = digest
        meta.updated_at = now
        summary.changed = True
    summary.version = meta.version
    return summary


# ---------------------------------------------------------------------------------------
# Import, deletion, the standard an application was made under

def parse_yaml(scope: str, text: str) -> dict:
    """An uploaded file (the export's YAML) as a draft's data, or 422 with the reason."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise invalid([CatalogError(scope, "", f"invalid YAML{where}: {problem}")]) from None
    _check_shape(scope, data)
    return data


def delete_service(session: Session, officer: Officer, code: str) -> None:
    """Purge a retired service nobody applied for; anything else is refused."""
    service = session.scalar(select(Service).where(Service.code == code))
    if service is None:
        raise ApiError(404, "service_not_found", {"code": code}, params={"code": code})
    check_scope(officer, export.mpp_scope(code.split(".", 1)[0]))
    used = service_uses(session, service)
    if any(used.values()):
        count = sum(used.values())
        raise ApiError(409, "catalog_service_in_use", {"code": code, **used},
                       params={"code": code, "count": count})
    if service.active:
        raise ApiError(409, "catalog_service_active", {"code": code}, params={"code": code})
    from .models import CounterService

    for link in session.scalars(select(CounterService).where(
            CounterService.service_id == service.id)):
        session.delete(link)
    session.delete(service)
    session.flush()


def service_uses(session: Session, service: Service) -> dict[str, int]:
    """What still cites a service: applications, queue tickets (a walk-in's errand without
    an application too) and complaints about it."""
    from ..complaints.models import Complaint
    from ..visit_queue.models import QueueTicket

    def count(model, column, value) -> int:
        return session.scalar(select(func.count()).select_from(model)
                              .where(column == value)) or 0

    return {"applications": count(Application, Application.service_code, service.code),
            "queue_tickets": count(QueueTicket, QueueTicket.service_id, service.id),
            "complaints": count(Complaint, Complaint.service_code, service.code)}


def kept_standard(session: Session, service_code: str, at: dt.datetime) -> dict | None:
    """The kept version of the service's standard in force at `at`, or None when none was
    kept (the standard never changed since: the service's rows are it)."""
    row = session.scalar(
        select(ServiceStandardVersion).where(
            ServiceStandardVersion.service_code == service_code,
            or_(ServiceStandardVersion.valid_from.is_(None),
                ServiceStandardVersion.valid_from <= at),
            or_(ServiceStandardVersion.valid_to.is_(None),
                ServiceStandardVersion.valid_to > at))
        .order_by(ServiceStandardVersion.id.desc()).limit(1))
    return None if row is None else row.standard


def standard_for(session: Session, service_code: str, at: dt.datetime | None) -> dict | None:
    """The service's standard in force at `at` (an application's submission): the kept
    version whose interval holds it, else the service as it is now (it never changed since)."""
    if at is not None:
        kept = kept_standard(session, service_code, at)
        if kept is not None:
            return kept
    service = session.scalar(select(Service).where(Service.code == service_code))
    return None if service is None else service_standard(service)


def application_standard(session: Session, application: Application) -> dict | None:
    """The standard an application was made under: at its submission (a draft: now)."""
    return standard_for(session, application.service_code, application.submitted_at)
