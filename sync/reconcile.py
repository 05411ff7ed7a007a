"""Reconciling a citizen's drafts with their MPP record (sync-protocol.md, "Reconciling a
draft with the MPP record"):

- pre-fill: a new draft takes the profile's value for every field with a profile_key, when
  that value is valid for the field;
- discrepancies: a draft value that differs from a VERIFIED profile value is kept and
  flagged (field, draft value, record value); the record changes only when an officer
  accepts the change (officer.accept_discrepancy); an equal or empty value clears the flag;
- the wallet: a verified document that has not expired and is of the right type can be
  attached by reference; an officer's acceptance puts an upload into the wallet with an
  expiry that depends on its type (`wallet_expiry`).

Values are compared as a person would: names and addresses without regard to case or runs
of spaces (KTP names are upper case), phones after normalisation.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

from . import fields as formfields
from .errors import Rejection, reject
from .model import (
    INVALID, READY, UPLOADING, Application, Discrepancy, Document, FieldSpec, Profile,
    RequirementSpec, ServiceSpec,
)
from .space import SpaceWriter
from .states import TERMINAL
from .store import UnitOfWork


def prefill(service: ServiceSpec, profile: Profile | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if profile is None:
        return values
    for spec in service.fields:
        if spec.profile_key is None:
            continue
        raw = profile.values.get(spec.profile_key)
        if formfields.is_empty(raw):
            continue
        try:
            value = formfields.normalise(spec, raw)
        except formfields.FieldProblem:
            continue  # the record's value does not fit this form: leave the field to the citizen
        if value is not None:
            values[spec.key] = value
    return values


def _comparable(spec: FieldSpec, value: Any) -> Any:
    with contextlib.suppress(formfields.FieldProblem):
        value = formfields.normalise(spec, value)
    if isinstance(value, str) and spec.type in formfields.TEXT_TYPES:
        return re.sub(r"\s+", " ", value).strip().casefold()
    return value


def same_value(spec: FieldSpec, a: Any, b: Any) -> bool:
    return _comparable(spec, a) == _comparable(spec, b)


def refresh_discrepancy(application: Application, service: ServiceSpec,
                        profile: Profile | None, key: str) -> None:
    """Set or clear the discrepancy on field `key` from the draft and the record."""
    spec = service.field(key)
    application.discrepancies.pop(key, None)
    if spec is None or spec.profile_key is None or profile is None:
        return
    if spec.profile_key not in profile.verified:
        return
    draft = application.fields.get(key)
    record = profile.values.get(spec.profile_key)
    if formfields.is_empty(draft) or formfields.is_empty(record) or same_value(spec, draft, record):
        return
    application.discrepancies[key] = Discrepancy(key, spec.profile_key, draft, record)


def refresh_all(application: Application, service: ServiceSpec, profile: Profile | None) -> None:
    for key in list(application.discrepancies):
        if service.field(key) is None:
            application.discrepancies.pop(key)
    for spec in service.fields:
        refresh_discrepancy(application, service, profile, spec.key)


# --------------------------------------------------------------------------------------
# Documents

def is_expired(document: Document, today: dt.date) -> bool:
    return document.expires_on is not None and document.expires_on <= today


def wallet_expiry(verified_on: dt.date, validity_days: int | None) -> dt.date | None:
    """The first day a document verified on `verified_on` is no longer accepted."""
    return None if validity_days is None else verified_on + dt.timedelta(days=validity_days)


def attach_problem(document: Document | None, citizen_id: str, requirement: RequirementSpec,
                   today: dt.date) -> Rejection | None:
    """Why `document` cannot serve `requirement` for this citizen today, or None.

    A document serves when it is the citizen's, finished (ready), of the requirement's type
    (or of no declared type yet), in an accepted format, and not expired. A verified wallet
    document passes the same checks, so it is reused by reference without an upload.
    """
    if document is None or document.citizen_id != citizen_id:
        return reject("document_not_found")
    if document.status == UPLOADING:
        return reject("document_not_ready")
    if document.status == INVALID:
        return reject("document_invalid", reason=document.reason or "-")
    if document.status != READY:
        return reject("document_not_ready")
    if document.document_type is not None and document.document_type != requirement.document_type:
        return reject("document_type_mismatch", expected=requirement.document_type,
                      actual=document.document_type)
    if document.format not in requirement.formats:
        return reject("document_format_not_allowed", allowed=list(requirement.formats),
                      format=document.format)
    if is_expired(document, today) and document.expires_on is not None:
        return reject("document_expired", expires_on=document.expires_on.isoformat())
    return None


def enter_wallet(uow: UnitOfWork, document: Document, now: dt.datetime, today: dt.date) -> bool:
    """Mark an accepted document verified, with its type's expiry. A document already in
    the wallet keeps its dates: looking at the same scan again does not make it newer.
    Returns True if the document changed."""
    if document.verified_at is not None:
        return False
    doc_type = uow.document_type(document.document_type) if document.document_type else None
    document.verified_at = now
    document.expires_on = wallet_expiry(today, doc_type.validity_days if doc_type else None)
    return True


# --------------------------------------------------------------------------------------
# The record changes

def refresh_citizen(w: SpaceWriter, profile: Profile | None,
                    profile_keys: set[str] | None = None) -> None:
    """Recompute discrepancies on the citizen's open applications (after the record
    changed), for fields with one of `profile_keys` (None: all)."""
    for application in w.uow.applications_of(w.citizen_id):
        if application.state in TERMINAL:
            continue
        service = w.uow.service(application.service_code)
        if service is None:
            continue
        before = dict(application.discrepancies)
        for spec in service.fields:
            if spec.profile_key and (profile_keys is None or spec.profile_key in profile_keys):
                refresh_discrepancy(application, service, profile, spec.key)
        if application.discrepancies != before:
            w.put_application(application)


def update_profile(uow: UnitOfWork, citizen_id: str, values: dict[str, Any],
                   verified: set[str] | None, now: dt.datetime, *, actor: str,
                   actor_id: str) -> None:
    """Write the citizen's record (for server/accounts and agency imports): `values`
    replace the given keys (None removes one); `verified` replaces the set of verified keys
    when given. Runs in the caller's transaction; bumps the space version and refreshes
    discrepancies on open applications."""
    w = SpaceWriter(uow, citizen_id, now, actor=actor, actor_id=actor_id)
    profile = uow.get_profile(citizen_id) or Profile(citizen_id)
    for key, value in values.items():
        if value is None:
            profile.values.pop(key, None)
        else:
            profile.values[key] = value
    if verified is not None:
        profile.verified = set(verified)
    profile.verified &= set(profile.values)
    w.put_profile(profile)
    w.journal("profile.update", keys=sorted(values))
    refresh_citizen(w, profile)

