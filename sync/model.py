"""Plain rows the engine reads and writes through the unit of work (sync/store.py).

No ORM: a unit of work hands out detached copies and takes them back with `put_*`, so the
same engine runs on the in-memory store and on SQL. Ids are strings: client-made UUIDs in
canonical lower-case form for applications, documents, clients and client groups; the
citizen id is whatever the server's account id is, as a string.

Every row of a citizen's space carries `version`: the citizen's space version at the row's
last change (see `UnitOfWork.next_version`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The vocabulary of forms and documents: the one source, which the server's catalog loader
# and account profile import.
FIELD_TYPES = ("text", "textarea", "number", "date", "choice", "nik", "phone", "address", "email")
PROFILE_KEYS = ("nik", "full_name", "birth_place", "birth_date", "sex", "address", "kk_number",
                "phone", "email")
DOCUMENT_FORMATS = ("jpeg", "png", "webp", "pdf")
CONTENT_TYPE_FORMATS = {"image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp",
                        "application/pdf": "pdf"}

# Review status of one requirement of one application (officer-owned, except that a
# citizen's new document on a rejected requirement makes it "resubmitted").
PENDING, ACCEPTED, REJECTED, RESUBMITTED = "pending", "accepted", "rejected", "resubmitted"
REVIEW_STATUSES = (PENDING, ACCEPTED, REJECTED, RESUBMITTED)

# Document status (set by the upload pipeline).
UPLOADING, READY, INVALID = "uploading", "ready", "invalid"
DOCUMENT_STATUSES = (UPLOADING, READY, INVALID)
# Where a document came from: the citizen's upload, or issued into the wallet by an agency.
SOURCE_UPLOAD, SOURCE_WALLET = "upload", "wallet"


# --------------------------------------------------------------------------------------
# Catalog (read-only to the engine)

@dataclass(frozen=True)
class FieldSpec:
    key: str
    type: str
    required: bool = False
    profile_key: str | None = None
    # min_length, max_length, pattern, min, max, choices: [{value, label_id, label_en}]
    validation: Mapping[str, Any] = field(default_factory=dict)

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(c["value"] for c in self.validation.get("choices", ()))


@dataclass(frozen=True)
class RequirementSpec:
    code: str
    document_type: str
    required: bool = True
    formats: tuple[str, ...] = DOCUMENT_FORMATS


@dataclass(frozen=True)
class ServiceSpec:
    """One service as an MPP offers it; `code` is the catalog's "<mpp>.<standard>"."""

    code: str
    ref_prefix: str  # the MPP's, e.g. "LGS"
    fields: tuple[FieldSpec, ...] = ()
    requirements: tuple[RequirementSpec, ...] = ()
    mpp_code: str = ""
    agency_code: str = ""
    active: bool = True
    sla_days: int | None = None  # working days from submission (0: finished in the visit)
    holidays: frozenset[dt.date] = frozenset()  # its MPP's, skipped by SLA working days

    def field(self, key: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.key == key), None)

    def requirement(self, code: str) -> RequirementSpec | None:
        return next((r for r in self.requirements if r.code == code), None)

    def field_with_profile_key(self, profile_key: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.profile_key == profile_key), None)


@dataclass(frozen=True)
class DocumentTypeSpec:
    code: str
    validity_days: int | None  # None: a verified document of this type never expires


# --------------------------------------------------------------------------------------
# A citizen's space

@dataclass
class Profile:
    """The citizen's MPP record. `verified`: keys whose value an authority confirmed."""

    citizen_id: str
    values: dict[str, Any] = field(default_factory=dict)
    verified: set[str] = field(default_factory=set)
    version: int = 0


@dataclass
class ApplicationRequirement:
    code: str
    document_id: str | None = None
    review_status: str = PENDING
    officer_note: str = ""


@dataclass
class Discrepancy:
    """A draft value that differs from a verified profile value (kept, not overwritten)."""

    field: str
    profile_key: str
    draft_value: Any
    record_value: Any


@dataclass
class Application:
    """An application with its per-requirement rows and discrepancies: one aggregate.

    `fields` are the citizen's (form values by field key); `state` moves only along
    sync.states; `officer_note`, `reference`, and each requirement's `review_status` and
    `officer_note` are written by officers and the engine, never by a citizen's value.
    """

    id: str
    citizen_id: str
    service_code: str
    state: str
    created_at: dt.datetime
    updated_at: dt.datetime
    fields: dict[str, Any] = field(default_factory=dict)
    requirements: dict[str, ApplicationRequirement] = field(default_factory=dict)
    discrepancies: dict[str, Discrepancy] = field(default_factory=dict)
    reference: str | None = None  # e.g. LGS-2026-000123, given at first submit
    submitted_at: dt.datetime | None = None  # the latest submit
    officer_note: str = ""
    # The officer who started the latest review, and when (officer-owned, not in the pull).
    reviewer_id: str | None = None
    review_started_at: dt.datetime | None = None
    # Set when marked ready: where and when to collect, what originals to bring
    # ({counter, hours, bring, visit_date}), and the visit ticket's code (sync/tickets.py).
    pickup: dict[str, Any] | None = None
    ticket_code: str | None = None
    version: int = 0

    def requirement(self, code: str) -> ApplicationRequirement:
        """The row for `code`, created (pending, no document) if the service gained it."""
        row = self.requirements.get(code)
        if row is None:
            row = self.requirements[code] = ApplicationRequirement(code)
        return row


@dataclass
class Document:
    """An upload or a wallet document of one citizen. Verified documents (verified_at set)
    form the wallet; `expires_on` is the first day a verified document is no longer
    accepted (None: never expires)."""

    id: str
    citizen_id: str
    status: str
    created_at: dt.datetime
    document_type: str | None = None  # None until declared or fixed by the first attach
    content_type: str = ""
    size: int = 0
    sha256: str = ""
    reason: str = ""  # why the upload is invalid
    source: str = SOURCE_UPLOAD
    verified_at: dt.datetime | None = None
    expires_on: dt.date | None = None
    version: int = 0

    @property
    def format(self) -> str | None:
        return CONTENT_TYPE_FORMATS.get(self.content_type)

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


@dataclass
class Notification:
    id: str
    citizen_id: str
    kind: str  # "state_changed", "requirement_rejected", ...
    created_at: dt.datetime
    application_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0


@dataclass
class MutationResult:
    """The stored result of a REJECTED mutation (an applied one is implied by the client's
    last_mutation_id and needs no row). Part of the citizen's space."""

    client_id: str
    mutation_id: int
    citizen_id: str
    name: str
    error: dict[str, Any]
    version: int = 0
    status: str = "rejected"


@dataclass
class Tombstone:
    citizen_id: str
    key: str  # the pull key that was deleted, e.g. "application/<id>"
    version: int


@dataclass
class ClientGroup:
    id: str
    citizen_id: str


@dataclass
class Client:
    id: str
    client_group_id: str
    last_mutation_id: int = 0


@dataclass
class JournalEntry:
    """Append-only audit of every applied change: who, what, when, by which mutation.
    `detail` names field keys and codes, never personal values."""

    citizen_id: str
    version: int
    at: dt.datetime
    actor: str  # citizen, officer, system
    actor_id: str
    action: str  # a mutation name or an officer action
    application_id: str | None = None
    client_id: str | None = None
    mutation_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Visit:
    """A booked visit as the citizen's space holds it (`visit/<id>`): its value is made by
    the server's visits domain, which owns bookings; the engine only carries it."""

    id: str
    version: int
    value: dict[str, Any]


@dataclass
class SpaceEntry:
    """A row of another domain in the citizen's space (sync/domains.py): pulled under `key`
    (e.g. `survey/<application id>`) with the value its domain made."""

    key: str
    version: int
    value: dict[str, Any]


@dataclass
class Changes:
    """What `UnitOfWork.changes_since` returns: rows of one citizen with version > after."""

    profile: Profile | None = None
    applications: list[Application] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    results: list[MutationResult] = field(default_factory=list)
    tombstones: list[Tombstone] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    entries: list[SpaceEntry] = field(default_factory=list)  # other domains (sync/domains.py)
