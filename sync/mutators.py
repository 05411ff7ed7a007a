"""The citizen's mutations: intents, applied on the server in server order.

Each mutator gets a SpaceWriter (the citizen's space, locked, with this mutation's
version) and the args checked by sync.protocol, writes through it, and raises a Rejection
for any domain reason; push then rolls the whole mutation back and stores the rejection.

Ownership: an application or document of another citizen is answered exactly like one that
does not exist (`application_not_found`, `document_not_found`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import fields as formfields
from . import reconcile, states
from .errors import reject
from .model import PENDING, REJECTED, RESUBMITTED, Application, ApplicationRequirement, ServiceSpec
from .space import SpaceWriter, local_date

Mutator = Callable[[SpaceWriter, dict[str, Any]], None]


def _application(w: SpaceWriter, application_id: str) -> Application:
    application = w.uow.get_application(application_id)
    if application is None or application.citizen_id != w.citizen_id:
        raise reject("application_not_found", application_id=application_id)
    return application


def _service(w: SpaceWriter, application: Application) -> ServiceSpec:
    service = w.uow.service(application.service_code)
    if service is None:  # the catalog keeps services that applications cite
        raise reject("service_not_found", service_id=application.service_code)
    return service


def _editable(application: Application) -> None:
    if not states.citizen_may_edit(application.state):
        raise reject("application_locked", state=application.state)


def create(w: SpaceWriter, args: dict[str, Any]) -> None:
    application_id, service_id = args["application_id"], args["service_id"]
    existing = w.uow.get_application(application_id)
    if existing is not None:
        if existing.citizen_id == w.citizen_id and existing.service_code == service_id:
            w.journal("application.create", application_id, noop=True)
            return  # a retry of the same create
        # Another citizen's id (or another service): never say which. Ids are random UUIDs,
        # so this answer tells nothing about whose application it is.
        raise reject("application_id_unavailable", application_id=application_id)
    service = w.uow.service(service_id)
    if service is None:
        raise reject("service_not_found", service_id=service_id)
    if not service.active:
        raise reject("service_unavailable", service_id=service_id)
    profile = w.uow.get_profile(w.citizen_id)
    application = Application(
        id=application_id, citizen_id=w.citizen_id, service_code=service.code,
        state=states.DRAFT, created_at=w.now, updated_at=w.now,
        fields=reconcile.prefill(service, profile),
        requirements={r.code: ApplicationRequirement(r.code) for r in service.requirements})
    reconcile.refresh_all(application, service, profile)
    w.put_application(application)
    w.journal("application.create", application_id, service_id=service.code,
              prefilled=sorted(application.fields))


def set_fields(w: SpaceWriter, args: dict[str, Any]) -> None:
    application = _application(w, args["application_id"])
    _editable(application)
    service = _service(w, application)
    updates = formfields.validate_updates(service, application.fields, args["fields"])
    for key, value in updates.items():
        if value is None:
            application.fields.pop(key, None)
        else:
            application.fields[key] = value
    # The record matters only to fields that have a profile_key (refresh_discrepancy clears
    # the flag on any other field whatever the record says): read it only then.
    specs = [service.field(key) for key in updates]
    profile = (w.uow.get_profile(w.citizen_id)
               if any(spec is not None and spec.profile_key for spec in specs) else None)
    for key in updates:
        reconcile.refresh_discrepancy(application, service, profile, key)
    w.put_application(application)
    w.journal("application.set_fields", application.id, keys=sorted(updates))


def attach(w: SpaceWriter, args: dict[str, Any]) -> None:
    application = _application(w, args["application_id"])
    _editable(application)
    service = _service(w, application)
    code, document_id = args["requirement_code"], args["document_id"]
    spec = service.requirement(code)
    if spec is None:
        raise reject("requirement_not_found", requirement_code=code)
    document = w.uow.get_document(document_id)
    problem = reconcile.attach_problem(document, w.citizen_id, spec, w.today)
    if problem:
        raise problem
    assert document is not None  # attach_problem refuses a missing document
    row = application.requirement(code)
    if row.review_status == REJECTED and row.document_id == document_id:
        raise reject("document_already_rejected", requirement_code=code)
    # A new document on a rejected requirement is a resubmission; on any other it waits
    # for review again.
    row.review_status = RESUBMITTED if row.review_status in (REJECTED, RESUBMITTED) else PENDING
    row.document_id = document_id
    if document.document_type is None:  # an untyped upload takes the requirement's type
        document.document_type = spec.document_type
        w.put_document(document)
    w.put_application(application)
    w.journal("application.attach", application.id, requirement_code=code,
              document_id=document_id, review_status=row.review_status)


def detach(w: SpaceWriter, args: dict[str, Any]) -> None:
    application = _application(w, args["application_id"])
    _editable(application)
    service = _service(w, application)
    code = args["requirement_code"]
    if service.requirement(code) is None and code not in application.requirements:
        raise reject("requirement_not_found", requirement_code=code)
    row = application.requirement(code)
    row.document_id = None
    row.review_status = PENDING  # nothing left to review; the officer's note stays
    w.put_application(application)
    w.journal("application.detach", application.id, requirement_code=code)


def submit(w: SpaceWriter, args: dict[str, Any]) -> None:
    application = _application(w, args["application_id"])
    if not states.can(states.CITIZEN, application.state, states.SUBMITTED):
        raise reject("invalid_transition", state=application.state, to=states.SUBMITTED)
    service = _service(w, application)

    def document_problem(code: str, document_id: str) -> str | None:
        spec = service.requirement(code)
        assert spec is not None  # called for the service's own requirements only
        problem = reconcile.attach_problem(w.uow.get_document(document_id), w.citizen_id,
                                           spec, w.today)
        return problem.code if problem else None

    problems = formfields.submit_problems(service, application, document_problem)
    if problems:
        raise reject("incomplete", **problems)
    if application.reference is None:
        year = local_date(w.now).year
        number = w.uow.next_reference(service.ref_prefix, year)
        application.reference = f"{service.ref_prefix}-{year}-{number:06d}"
    previous = application.state
    application.state = states.SUBMITTED
    application.submitted_at = w.now
    w.put_application(application)
    w.journal("application.submit", application.id, previous=previous,
              state=states.SUBMITTED, reference=application.reference)


def withdraw(w: SpaceWriter, args: dict[str, Any]) -> None:
    application = _application(w, args["application_id"])
    if not states.can(states.CITIZEN, application.state, states.WITHDRAWN):
        raise reject("invalid_transition", state=application.state, to=states.WITHDRAWN)
    previous = application.state
    application.state = states.WITHDRAWN
    w.put_application(application)
    w.journal("application.withdraw", application.id, previous=previous,
              state=states.WITHDRAWN)


def discard(w: SpaceWriter, args: dict[str, Any]) -> None:
    application = _application(w, args["application_id"])
    if application.state != states.DRAFT or application.reference is not None:
        raise reject("not_discardable", state=application.state)
    w.delete_application(application)
    w.journal("application.discard", application.id)


MUTATORS: dict[str, Mutator] = {
    "application.create": create,
    "application.set_fields": set_fields,
    "application.attach": attach,
    "application.detach": detach,
    "application.submit": submit,
    "application.withdraw": withdraw,
    "application.discard": discard,
}
