"""Officer (and system) actions on an application: the state machine's other side.

No HTTP here; the officer console's routes call these inside their own transaction (like
every operation, they write but never commit). Each one locks the owning citizen's space,
so it reaches that citizen's next pull, and raises a Rejection (a stable code the console
translates) when the state machine or the review rules say no.

Review fields (state, officer notes, each requirement's review status) are the officer's;
the form values are the citizen's. The record (profile) changes only through
`accept_discrepancy`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from . import reconcile, states, tickets
from .errors import reject
from .model import ACCEPTED, REJECTED, Application, Profile
from .space import SpaceWriter
from .store import UnitOfWork


def _load(uow: UnitOfWork, application_id: str, now: dt.datetime, officer_id: str,
          actor: str = states.OFFICER, expected_version: int | None = None,
          ) -> tuple[SpaceWriter, Application]:
    """The application under its citizen's space lock. `expected_version`: the version the
    officer saw; if the application changed since (another officer, or the citizen), the
    action is refused as `stale` instead of overwriting what they did not see."""
    found = uow.get_application(application_id)
    if found is None:
        raise reject("application_not_found", application_id=application_id)
    w = SpaceWriter(uow, found.citizen_id, now, actor=actor, actor_id=officer_id)
    application = uow.get_application(application_id)  # again, now under the space lock
    if application is None:
        raise reject("application_not_found", application_id=application_id)
    if expected_version is not None and application.version != expected_version:
        raise reject("stale", version=application.version, expected=expected_version)
    return w, application


def _move(w: SpaceWriter, application: Application, to: str,
          officer_note: str | None = None, **data: Any) -> None:
    """Move along the state machine; `data` goes into the citizen's state_changed
    notification beside state/previous/reference/service_id (the notifications work relies
    on the keys `requirements`, `note` and `pickup`)."""
    step = states.transition(application.state, to)
    if step is None or w.actor not in step.actors:
        raise reject("invalid_transition", state=application.state, to=to)
    previous = application.state
    application.state = to
    if officer_note is not None:
        application.officer_note = officer_note
    w.put_application(application)
    w.notify("state_changed", application, state=to, previous=previous,
             reference=application.reference, service_id=application.service_code, **data)
    journal = {"note": officer_note} if officer_note else {}
    w.journal(step.action, application.id, previous=previous, state=to, **journal)


def _require_review(application: Application) -> None:
    if application.state != states.IN_REVIEW:
        raise reject("not_in_review", state=application.state)


def start_review(uow: UnitOfWork, application_id: str, officer_id: str,
                 now: dt.datetime, *, expected_version: int | None = None) -> None:
    """Claim the review: the officer and the time are kept, so a second officer opening
    the application sees who is on it (and starting it again is refused)."""
    w, application = _load(uow, application_id, now, officer_id,
                           expected_version=expected_version)
    application.reviewer_id = officer_id
    application.review_started_at = now
    _move(w, application, states.IN_REVIEW)


def review_requirement(uow: UnitOfWork, application_id: str, requirement_code: str,
                       accept: bool, note: str, officer_id: str, now: dt.datetime, *,
                       reason: str | None = None,
                       expected_version: int | None = None) -> None:
    """Accept or reject the document on one requirement (a rejection needs a note). An
    accepted document enters the citizen's wallet as verified, expiring after its type's
    validity_days. `reason`: the code of the template the note was made from, journalled
    so the activity feed and statistics can tell reasons apart."""
    w, application = _load(uow, application_id, now, officer_id,
                           expected_version=expected_version)
    _require_review(application)
    row = application.requirements.get(requirement_code)
    if row is None or row.document_id is None:
        raise reject("requirement_has_no_document", requirement_code=requirement_code)
    note = note.strip()
    if not accept and not note:
        raise reject("note_required")
    row.review_status = ACCEPTED if accept else REJECTED
    row.officer_note = note
    if accept:
        document = uow.get_document(row.document_id)
        if document is not None and document.citizen_id == application.citizen_id and \
                reconcile.enter_wallet(uow, document, now, w.today):
            w.put_document(document)
    w.put_application(application)
    extra = {"reason": reason} if reason else {}
    w.journal("review_requirement", application.id, requirement_code=requirement_code,
              review_status=row.review_status, document_id=row.document_id, note=note,
              **extra)


def request_revision(uow: UnitOfWork, application_id: str, note: str, officer_id: str,
                     now: dt.datetime, *, expected_version: int | None = None) -> None:
    """Send the application back to the citizen: the notification names exactly the
    rejected requirements, each with the officer's note, and the general note."""
    w, application = _load(uow, application_id, now, officer_id,
                           expected_version=expected_version)
    _require_review(application)
    note = note.strip()
    rejected = [{"code": r.code, "note": r.officer_note}
                for r in application.requirements.values() if r.review_status == REJECTED]
    if not note and not rejected:
        raise reject("nothing_to_revise")
    _move(w, application, states.REVISION_REQUESTED, note, requirements=rejected, note=note)


def approve(uow: UnitOfWork, application_id: str, officer_id: str, now: dt.datetime, *,
            expected_version: int | None = None) -> None:
    """Every required requirement, and every one with a document, must be accepted."""
    w, application = _load(uow, application_id, now, officer_id,
                           expected_version=expected_version)
    _require_review(application)
    service = uow.service(application.service_code)
    rows = application.requirements
    required = {r.code for r in service.requirements if r.required} if service else set()
    with_document = {code for code, row in rows.items() if row.document_id is not None}
    not_accepted = sorted(code for code in required | with_document
                          if code not in rows or rows[code].review_status != ACCEPTED)
    if not_accepted:
        raise reject("requirements_not_accepted", requirements=not_accepted)
    _move(w, application, states.APPROVED)


def reject_application(uow: UnitOfWork, application_id: str, note: str, officer_id: str,
                       now: dt.datetime, *, expected_version: int | None = None) -> None:
    note = note.strip()
    if not note:
        raise reject("note_required")
    w, application = _load(uow, application_id, now, officer_id,
                           expected_version=expected_version)
    _move(w, application, states.REJECTED, note, note=note)


def mark_ready(uow: UnitOfWork, application_id: str, officer_id: str, now: dt.datetime, *,
               ticket_code: str, pickup: Mapping[str, Any] | None = None,
               expected_version: int | None = None) -> None:
    """The product is ready: keep the pickup details ({counter, hours, bring, visit_date})
    and the visit ticket (made by the caller with sync.tickets.new_code, which needs the
    server's secret). Both reach the citizen's next pull, so the ticket shows offline."""
    w, application = _load(uow, application_id, now, officer_id,
                           expected_version=expected_version)
    pickup = dict(pickup or {})
    if states.can(w.actor, application.state, states.READY):
        application.pickup = pickup
        application.ticket_code = ticket_code
    _move(w, application, states.READY, pickup=pickup)


def complete(uow: UnitOfWork, application_id: str, officer_id: str, now: dt.datetime, *,
             actor: str = states.OFFICER, ticket_code: str | None = None,
             expected_version: int | None = None) -> None:
    """Handed over at the counter: an officer completes only with the application's own
    ticket code (the citizen is there), which completing uses up. The system completes a
    digital delivery without one."""
    w, application = _load(uow, application_id, now, officer_id, actor,
                           expected_version=expected_version)
    if not states.can(w.actor, application.state, states.COMPLETED):
        raise reject("invalid_transition", state=application.state, to=states.COMPLETED)
    if actor == states.OFFICER and not tickets.same_code(application.ticket_code, ticket_code):
        raise reject("ticket_invalid")
    _move(w, application, states.COMPLETED)


def expire_revision(uow: UnitOfWork, application_id: str, now: dt.datetime) -> None:
    """The system's move when the revision deadline passed (the scheduler decides when)."""
    w, application = _load(uow, application_id, now, "system", states.SYSTEM)
    _move(w, application, states.REJECTED, "")


def accept_discrepancy(uow: UnitOfWork, application_id: str, field_key: str, officer_id: str,
                       now: dt.datetime, *, expected_version: int | None = None) -> None:
    """The officer checked the evidence: the draft's value becomes the record's (verified),
    and every open application of the citizen is reconciled against the new record."""
    w, application = _load(uow, application_id, now, officer_id,
                           expected_version=expected_version)
    _require_review(application)
    discrepancy = application.discrepancies.get(field_key)
    if discrepancy is None:
        raise reject("discrepancy_not_found", field=field_key)
    profile = uow.get_profile(application.citizen_id) or Profile(application.citizen_id)
    profile.values[discrepancy.profile_key] = discrepancy.draft_value
    profile.verified.add(discrepancy.profile_key)
    w.put_profile(profile)
    w.journal("accept_discrepancy", application.id, field=field_key,
              profile_key=discrepancy.profile_key)
    reconcile.refresh_citizen(w, profile, {discrepancy.profile_key})


# What an officer can do to an application in each state: the state machine's officer
# transitions, plus the review steps that keep the state (only in review). The console
# shows these; the functions above stay the judges.
REVIEW_STEPS = ("review_requirement", "accept_discrepancy")


def available_actions(state: str) -> list[str]:
    actions = [t.action for t in states.TRANSITIONS
               if t.from_state == state and states.OFFICER in t.actors]
    if state == states.IN_REVIEW:
        actions += REVIEW_STEPS
    return actions
