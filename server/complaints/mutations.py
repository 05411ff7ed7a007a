"""`complaint.file`, `complaint.confirm`, `complaint.reopen`: the citizen's side of a
complaint, made offline and pushed once through the sync engine (sync/domains.py, the seam
every domain outside the application aggregate uses). No Flask and no SQL here: the rules,
the port the engine hands the mutator (`w.uow.port("complaint")`), and its in-memory
implementation (the reference server/complaints/store.py follows).

Anonymity: the complaint row (what officers read) and the filer row (who, about which
application: the citizen's space only) are kept apart by every port; an anonymous
complaint's audit entries name no actor, so the engine's journal (which names the citizen)
is not used for them.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import marshmallow as ma
from marshmallow import validate as v

from sync import states, workdays
from sync.domains import DomainMutation
from sync.errors import Rejection, reject
from sync.model import Notification, SpaceEntry
from sync.protocol import UUIDString
from sync.space import SpaceWriter, local_date
from sync.views import day, timestamp

DOMAIN = "complaint"
FILE, CONFIRM, REOPEN = "complaint.file", "complaint.confirm", "complaint.reopen"

# Report types of SP4N-LAPOR!: complaint, suggestion, request for information.
CATEGORIES = ("pengaduan", "aspirasi", "informasi")
# received -> acknowledged (verified and forwarded) -> answered -> closed; the citizen may
# reopen an answer once (reopened -> answered again).
RECEIVED, ACKNOWLEDGED, ANSWERED, REOPENED, CLOSED = (
    "received", "acknowledged", "answered", "reopened", "closed")
STATUSES = (RECEIVED, ACKNOWLEDGED, ANSWERED, REOPENED, CLOSED)
OPEN_STATUSES = (RECEIVED, ACKNOWLEDGED, REOPENED)  # waiting for the agency
ACK_OVERDUE, ANSWER_OVERDUE = "ack_overdue", "answer_overdue"
ACK_WORKING_DAYS, ANSWER_WORKING_DAYS = 3, 5  # the national deadlines
MAX_TEXT = 4000  # characters, after trimming
MAX_PHOTOS = 3
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
REOPEN_LIMIT = 1
COMPLAINT_UPDATE = "complaint_update"  # the notification kind of every step
_NOTE_NS = uuid.UUID("2f6d8e0c-5a41-4c1b-8f0e-3d9b7a6c5e21")



def refuse(code: str, **details: Any) -> Rejection:
    """The refusal `code` (its words: server/i18n.py, "rejection.<code>")."""
    return reject(code, **details)


# ------------------------------------------------------------------------------ args

class _Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class FileArgs(_Strict):
    complaint_id = UUIDString(required=True)
    category = ma.fields.String(required=True, validate=v.OneOf(CATEGORIES))
    # Checked by the mutator (complaint_empty, complaint_too_long: the citizen's words);
    # the bound here only stops what could never be a complaint.
    text = ma.fields.String(required=True, validate=v.Length(max=4 * MAX_TEXT))
    anonymous = ma.fields.Boolean(load_default=False, truthy={True}, falsy={False})
    confidential = ma.fields.Boolean(load_default=False, truthy={True}, falsy={False})
    application_id = UUIDString(load_default=None, allow_none=True)
    mpp = ma.fields.String(load_default=None, allow_none=True, validate=v.Length(1, 40))
    agency = ma.fields.String(load_default=None, allow_none=True, validate=v.Length(1, 40))
    photos = ma.fields.List(UUIDString(), load_default=list, validate=v.Length(max=MAX_PHOTOS))


class ComplaintArgs(_Strict):
    complaint_id = UUIDString(required=True)


class ReopenArgs(ComplaintArgs):
    reason = ma.fields.String(required=True, validate=v.Length(max=4 * MAX_TEXT))


# ------------------------------------------------------------------------------ rows

@dataclass
class Answer:
    text: str
    at: dt.datetime


@dataclass
class Complaint:
    """The complaint as officers handle it: no citizen and no application id in it."""

    id: str
    reference: str
    mpp_code: str
    agency_code: str | None
    service_code: str | None
    category: str
    text: str
    anonymous: bool
    confidential: bool
    about: dict[str, Any] | None
    photos: list[str]
    filed_at: dt.datetime
    ack_due_on: dt.date
    answer_due_on: dt.date
    status: str = RECEIVED
    acknowledged_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    reopened_at: dt.datetime | None = None
    reopen_count: int = 0
    reopen_reason: str | None = None
    escalated_at: dt.datetime | None = None
    escalation: str | None = None
    revision: int = 1
    answers: list[Answer] = field(default_factory=list)


@dataclass
class Filer:
    """Who filed it, about which application: read for the citizen's own space only."""

    complaint_id: str
    citizen_id: str
    application_id: str | None
    version: int


@dataclass(frozen=True)
class Place:
    """Where a complaint goes: the MPP (its reference prefix and calendar), the agency."""

    mpp_code: str
    ref_prefix: str
    holidays: frozenset[dt.date]
    agency_code: str | None = None
    agency_name: str = ""
    counter: str = ""


def citizen_value(c: Complaint, filer: Filer) -> dict[str, Any]:
    """The complaint as the citizen's phone pulls it (`complaint/<id>`)."""
    return {
        "id": c.id, "reference": c.reference, "status": c.status, "category": c.category,
        "text": c.text, "anonymous": c.anonymous, "confidential": c.confidential,
        "about": c.about, "application_id": filer.application_id, "mpp": c.mpp_code,
        "photos": list(c.photos), "filed_at": timestamp(c.filed_at),
        "acknowledged_at": timestamp(c.acknowledged_at),
        "answered_at": timestamp(c.answered_at), "closed_at": timestamp(c.closed_at),
        "ack_due_on": day(c.ack_due_on), "answer_due_on": day(c.answer_due_on),
        "escalated": c.escalated_at is not None, "reopen_reason": c.reopen_reason,
        "answers": [{"text": a.text, "at": timestamp(a.at)} for a in c.answers],
        "may_confirm": c.status == ANSWERED,
        "may_reopen": c.status == ANSWERED and c.reopen_count < REOPEN_LIMIT,
    }


def entry(c: Complaint, filer: Filer) -> SpaceEntry:
    return SpaceEntry(f"complaint/{c.id}", filer.version, citizen_value(c, filer))


def deadlines(start: dt.date, holidays: frozenset[dt.date]) -> tuple[dt.date, dt.date]:
    """(acknowledge by, answer by): 3 and 5 working days in the MPP's calendar."""
    return (workdays.due_date(start, ACK_WORKING_DAYS, holidays),
            workdays.due_date(start, ANSWER_WORKING_DAYS, holidays))


def overdue(c: Any, today: dt.date) -> str | None:
    """Which deadline has passed: not acknowledged after 3 working days, or not answered
    after 5 (`c`: a Complaint or a row with the same attributes)."""
    if c.status in OPEN_STATUSES and today > c.answer_due_on:
        return ANSWER_OVERDUE  # the later deadline first: it is the graver
    if c.status == RECEIVED and today > c.ack_due_on:
        return ACK_OVERDUE
    return None


def note(citizen_id: str, c: Complaint, step: str, version: int,
         now: dt.datetime) -> Notification:
    """The inbox entry (and push, server/push/texts.py) of one step; its id is made from
    the complaint, the version and the step, so it is written once."""
    return Notification(
        str(uuid.uuid5(_NOTE_NS, f"{c.id}:{version}:{step}")), citizen_id, COMPLAINT_UPDATE,
        now, None, {"complaint_id": c.id, "reference": c.reference, "step": step,
                    "status": c.status, "answer_due_on": day(c.answer_due_on),
                    "ack_due_on": day(c.ack_due_on)}, version)


def clean_text(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise refuse("complaint_empty")
    if len(text) > MAX_TEXT:
        raise refuse("complaint_too_long", limit=MAX_TEXT, length=len(text))
    return text


# ------------------------------------------------------------------------------ mutators

def _about_application(w: SpaceWriter, port: Any, application_id: str
                       ) -> tuple[dict[str, Any], Place, str]:
    application = w.uow.get_application(application_id)
    if application is None or application.citizen_id != w.citizen_id:
        raise reject("application_not_found", application_id=application_id)
    if application.state == states.DRAFT:
        raise refuse("complaint_about_draft")
    service = w.uow.service(application.service_code)
    if service is None:
        raise reject("service_not_found", service_id=application.service_code)
    info = port.service_info(service.code)
    rejected = [{"code": code, "title_id": info["titles"].get(code, {}).get("id", code),
                 "title_en": info["titles"].get(code, {}).get("en", code),
                 "note": row.officer_note}
                for code, row in application.requirements.items()
                if row.review_status == "rejected"]
    about = {
        "service": {"code": service.code, "name_id": info["name_id"],
                    "name_en": info["name_en"]},
        "agency": info["agency_name"], "counter": info["counter"],
        "decision": application.state, "reason": application.officer_note or "",
        "rejected_requirements": rejected,
        "submitted_on": (day(local_date(application.submitted_at))
                         if application.submitted_at else None),
        "decided_on": (day(local_date(application.updated_at))
                       if application.updated_at else None),
    }
    place = Place(service.mpp_code, service.ref_prefix, service.holidays,
                  service.agency_code, info["agency_name"], info["counter"])
    return about, place, service.code


def _photos(w: SpaceWriter, ids: list[str]) -> list[str]:
    ids = list(dict.fromkeys(ids))
    for document_id in ids:
        document = w.uow.get_document(document_id)
        if document is None or document.citizen_id != w.citizen_id:
            raise reject("document_not_found", document_id=document_id)
        if document.status != "ready":
            raise reject("document_not_ready", document_id=document_id)
        if document.content_type not in PHOTO_TYPES:
            raise refuse("complaint_photo_not_image", document_id=document_id)
    return ids


def _audit(port: Any, w: SpaceWriter, action: str, c: Complaint, **details: Any) -> None:
    port.audit(action, c.id, None if c.anonymous else w.citizen_id, w.now,
               {"reference": c.reference, **details})


def file(w: SpaceWriter, args: dict[str, Any]) -> None:
    port = w.uow.port(DOMAIN)
    complaint_id = args["complaint_id"]
    filer = port.filer(complaint_id)
    if filer is not None and filer.citizen_id == w.citizen_id:
        return  # a retry of the same filing (another outbox of this citizen)
    if filer is not None or port.exists(complaint_id):
        raise refuse("complaint_id_unavailable", complaint_id=complaint_id)
    text = clean_text(args["text"])
    service_code = None
    if args["application_id"]:
        about, place, service_code = _about_application(w, port, args["application_id"])
    else:
        if not args["mpp"]:
            raise refuse("complaint_place_required")
        place = port.place(args["mpp"], args["agency"])
        if place is None:
            raise refuse("complaint_mpp_not_found", mpp=args["mpp"])
        if args["agency"] and place.agency_code is None:
            raise refuse("complaint_agency_not_found", agency=args["agency"])
        about = ({"agency": place.agency_name, "counter": place.counter}
                 if place.agency_code else None)
    photos = _photos(w, args["photos"])
    today = w.today
    ack_due, answer_due = deadlines(today, place.holidays)
    number = port.next_reference(place.mpp_code, today.year)
    complaint = Complaint(
        id=complaint_id, reference=f"ADU-{place.ref_prefix}-{today.year}-{number:06d}",
        mpp_code=place.mpp_code, agency_code=place.agency_code, service_code=service_code,
        category=args["category"], text=text, anonymous=args["anonymous"],
        confidential=args["confidential"], about=about, photos=photos, filed_at=w.now,
        ack_due_on=ack_due, answer_due_on=answer_due)
    port.add(complaint, Filer(complaint_id, w.citizen_id, args["application_id"], w.version))
    w.uow.put_notification(note(w.citizen_id, complaint, "received", w.version, w.now))
    _audit(port, w, "complaint.filed", complaint, category=complaint.category,
           anonymous=complaint.anonymous, confidential=complaint.confidential,
           agency=complaint.agency_code, service=service_code, photos=len(photos),
           length=len(text))


def _own(w: SpaceWriter, port: Any, complaint_id: str) -> tuple[Complaint, Filer]:
    filer = port.filer(complaint_id)
    if filer is None or filer.citizen_id != w.citizen_id:
        raise refuse("complaint_not_found", complaint_id=complaint_id)
    complaint = port.get(complaint_id)
    assert complaint is not None  # a filer row refers to its complaint
    if complaint.status == CLOSED:
        raise refuse("complaint_closed")
    if complaint.status != ANSWERED:
        raise refuse("complaint_not_answered", status=complaint.status)
    return complaint, filer


def _save(w: SpaceWriter, port: Any, before: Complaint, after: Complaint, filer: Filer,
          step: str) -> None:
    after = replace(after, revision=before.revision + 1)
    # The space lock is held (taken first by the push, and by every officer step), so the
    # revision read above is current; the port checks it anyway.
    port.update(after, before.revision, replace(filer, version=w.version))
    w.uow.put_notification(note(w.citizen_id, after, step, w.version, w.now))
    _audit(port, w, f"complaint.{step}", after)


def confirm(w: SpaceWriter, args: dict[str, Any]) -> None:
    """The citizen accepts the answer: closed."""
    port = w.uow.port(DOMAIN)
    complaint, filer = _own(w, port, args["complaint_id"])
    _save(w, port, complaint, replace(complaint, status=CLOSED, closed_at=w.now), filer,
          "confirmed")


def reopen(w: SpaceWriter, args: dict[str, Any]) -> None:
    """Not satisfied with the answer: back to the agency, once, with five working days from
    today."""
    port = w.uow.port(DOMAIN)
    complaint, filer = _own(w, port, args["complaint_id"])
    if complaint.reopen_count >= REOPEN_LIMIT:
        raise refuse("complaint_reopened_already")
    reason = clean_text(args["reason"])
    holidays = port.holidays(complaint.mpp_code)
    _, answer_due = deadlines(w.today, holidays)
    _save(w, port, complaint, replace(
        complaint, status=REOPENED, reopened_at=w.now, reopen_count=complaint.reopen_count + 1,
        reopen_reason=reason, answer_due_on=answer_due, escalated_at=None, escalation=None,
        closed_at=None), filer, "reopened")


MUTATIONS = (DomainMutation(FILE, FileArgs(), file),
             DomainMutation(CONFIRM, ComplaintArgs(), confirm),
             DomainMutation(REOPEN, ReopenArgs(), reopen))


# ------------------------------------------------------------------------------ memory

class MemoryComplaintPort:
    """The complaints' storage in sync.memory (tables undone with the transaction). Its
    catalog is the engine's ServiceSpecs: names are codes, counters empty."""

    def __init__(self, uow: Any) -> None:
        self._uow = uow
        self._complaints = uow.table(DOMAIN, "complaint")
        self._filers = uow.table(DOMAIN, "filer")
        self._counters = uow.table(DOMAIN, "counter")
        self.audit_log = uow.table(DOMAIN, "audit")

    def _services(self):
        return list(self._uow.store.services.values())

    def filer(self, complaint_id: str) -> Filer | None:
        return self._filers.get(complaint_id)

    def exists(self, complaint_id: str) -> bool:
        return self._complaints.get(complaint_id) is not None

    def get(self, complaint_id: str) -> Complaint | None:
        return self._complaints.get(complaint_id)

    def service_info(self, service_code: str) -> dict[str, Any]:
        spec = self._uow.service(service_code)
        return {"name_id": service_code, "name_en": service_code,
                "agency_name": spec.agency_code if spec else "", "counter": "", "titles": {}}

    def place(self, mpp_code: str, agency_code: str | None) -> Place | None:
        specs = [s for s in self._services() if s.mpp_code == mpp_code]
        if not specs:
            return None
        known = agency_code in {s.agency_code for s in specs}
        return Place(mpp_code, specs[0].ref_prefix, specs[0].holidays,
                     agency_code if known else None, (agency_code or "") if known else "")

    def holidays(self, mpp_code: str) -> frozenset[dt.date]:
        return next((s.holidays for s in self._services() if s.mpp_code == mpp_code),
                    frozenset())

    def next_reference(self, mpp_code: str, year: int) -> int:
        number = (self._counters.get((mpp_code, year)) or 0) + 1
        self._counters.put((mpp_code, year), number)
        return number

    def add(self, complaint: Complaint, filer: Filer) -> None:
        self._complaints.put(complaint.id, complaint)
        self._filers.put(complaint.id, filer)

    def update(self, complaint: Complaint, revision: int, filer: Filer) -> None:
        stored = self._complaints.get(complaint.id)
        if stored is None or stored.revision != revision:
            raise RuntimeError("complaint changed under the space lock")
        self._complaints.put(complaint.id, complaint)
        self._filers.put(complaint.id, filer)

    def audit(self, action: str, complaint_id: str, citizen_id: str | None,
              at: dt.datetime, details: dict[str, Any]) -> None:
        key = len(self.audit_log.rows())
        self.audit_log.put(key, {"action": action, "complaint_id": complaint_id,
                                 "actor_id": citizen_id, "at": at, "details": details})

    def changes_since(self, citizen_id: str, after: int) -> list[SpaceEntry]:
        out = []
        for filer in self._filers.rows():
            if filer.citizen_id == citizen_id and filer.version > after:
                out.append(entry(self._complaints.get(filer.complaint_id), filer))
        return out


def register() -> None:
    """Plug complaints into the engine (the SQL port registers in server/complaints)."""
    from sync import domains

    domains.register(*MUTATIONS)
    domains.register_port("memory", DOMAIN, MemoryComplaintPort)
