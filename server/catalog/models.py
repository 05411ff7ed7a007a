"""The service catalog: MPPs, the agencies at their counters, services and their standards."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
# Field types, profile keys and document formats are the sync engine's vocabulary: one
# source (sync/model.py), which the catalog loader checks data files against.
from sync.model import DOCUMENT_FORMATS, FIELD_TYPES, PROFILE_KEYS  # noqa: F401 (re-exported)

from ..extensions import db

DELIVERY_KINDS = ("pickup", "digital")
MPP_STATUSES = ("open", "preparing")


class CatalogMeta(db.Model):
    """One row: the catalog's version, bumped by a load that changed anything."""

    __tablename__ = "catalog_meta"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime | None]


class DocumentType(db.Model):
    __tablename__ = "document_type"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # None: a verified document of this type never expires.
    validity_days: Mapped[int | None]


class Mpp(db.Model):
    __tablename__ = "mpp"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(120))
    province: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20))
    opened_on: Mapped[dt.date | None]
    ref_prefix: Mapped[str] = mapped_column(String(5), unique=True)
    hours_id: Mapped[str] = mapped_column(String(200), default="")
    hours_en: Mapped[str] = mapped_column(String(200), default="")

    agencies: Mapped[list[Agency]] = relationship(
        back_populates="mpp", order_by="Agency.position", cascade="all, delete-orphan"
    )


class Agency(db.Model):
    """A tenant of one MPP; the same national agency (kind) sits in many MPPs."""

    __tablename__ = "agency"
    __table_args__ = (UniqueConstraint("mpp_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    counter: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(default=0)
    # False once a load of its MPP no longer lists it (migration 0020): its rows stay for the
    # applications that cite its services, and an export leaves it out.
    listed: Mapped[bool] = mapped_column(default=True, server_default=true())

    mpp: Mapped[Mpp] = relationship(back_populates="agencies")
    services: Mapped[list[Service]] = relationship(
        back_populates="agency", order_by="Service.position", cascade="all, delete-orphan"
    )


class Service(db.Model):
    """A service as one agency of one MPP offers it, with its full standard."""

    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)  # "<mpp>.<standard>"
    standard_code: Mapped[str] = mapped_column(String(80), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_id: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    procedure: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    sla_days: Mapped[int]
    fee: Mapped[int] = mapped_column(default=0)
    fee_note_id: Mapped[str] = mapped_column(String(200), default="")
    fee_note_en: Mapped[str] = mapped_column(String(200), default="")
    product_id: Mapped[str] = mapped_column(String(200), default="")
    product_en: Mapped[str] = mapped_column(String(200), default="")
    delivery: Mapped[str] = mapped_column(String(20))
    legal_basis: Mapped[str] = mapped_column(String(200), default="")
    # The one visit (migration 0012): minutes at the counter, and when booking opens
    # ("ready", or "accepted": as soon as the requirements are accepted, e.g. biometrics).
    visit_minutes: Mapped[int] = mapped_column(default=15)
    visit_after: Mapped[str] = mapped_column(String(20), default="ready")
    position: Mapped[int] = mapped_column(default=0)
    # False once a load of its MPP no longer offers it; kept for applications that cite it.
    active: Mapped[bool] = mapped_column(default=True)
    # Lower-cased words of both languages, for search by words in either language.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # What the MPP's data file set over the standard (sla_days, fee, fee_note_id, fee_note_en,
    # visit_minutes), as written, so an export gives the file back (migration 0020; None on
    # rows loaded before it: the export then takes the values that differ from the standard).
    overrides: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    agency: Mapped[Agency] = relationship(back_populates="services")
    fields: Mapped[list[ServiceField]] = relationship(
        back_populates="service", order_by="ServiceField.position", cascade="all, delete-orphan"
    )
    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="service", order_by="Requirement.position", cascade="all, delete-orphan"
    )


class ServiceField(db.Model):
    """One typed field of a service's application form."""

    __tablename__ = "service_field"
    __table_args__ = (UniqueConstraint("service_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    type: Mapped[str] = mapped_column(String(20))
    label_id: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(default=False)
    profile_key: Mapped[str | None] = mapped_column(String(40))
    help_id: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    # min_length, max_length, pattern, min, max, choices: [{value, label_id, label_en}]
    validation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)

    service: Mapped[Service] = relationship(back_populates="fields")


class Requirement(db.Model):
    """A document the citizen hands in for a service (persyaratan)."""

    __tablename__ = "requirement"
    __table_args__ = (UniqueConstraint("service_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    document_type: Mapped[str] = mapped_column(ForeignKey("document_type.code"))
    title_id: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(default=True)
    formats: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes_id: Mapped[str] = mapped_column(Text, default="")
    notes_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    service: Mapped[Service] = relationship(back_populates="requirements")


# ---------------------------------------------------------------------------------------
# The one visit (migration 0012): opening hours, holidays, counters. Catalog data, loaded
# with the rest of the catalog (docs/catalog-format.md, "visits" and "holidays").

VISIT_AFTER = ("ready", "accepted")  # when a citizen may book: ready, or requirements accepted
HOLIDAY_KINDS = ("national", "cuti_bersama", "local")
CHANNELS = ("online", "walk_in", "assisted")


class Holiday(db.Model):
    """A day with no service: national (mpp_id NULL) or one MPP's local closure. Counted
    out of SLA working days and of bookable days."""

    __tablename__ = "holiday"
    __table_args__ = (UniqueConstraint("mpp_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int | None] = mapped_column(ForeignKey("mpp.id"), index=True)
    day: Mapped[dt.date] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class VisitPolicy(db.Model):
    """How an MPP takes booked visits. An MPP without one takes no bookings."""

    __tablename__ = "visit_policy"

    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), primary_key=True)
    slot_minutes: Mapped[int]
    window_min_days: Mapped[int]
    window_max_days: Mapped[int]
    max_open_bookings: Mapped[int]
    cancel_hold_minutes: Mapped[int]
    # {"0": [["08:00", "12:00"], ["13:00", "16:00"]], ...}: open intervals per weekday
    # (Monday "0"), breaks already taken out; a weekday not in it is closed.
    week: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Counter(db.Model):
    """A counter (loket) of one agency, with the services it serves and how its time is
    split between channels (percentages of desks x slot_minutes in each slot)."""

    __tablename__ = "mpp_counter"
    __table_args__ = (UniqueConstraint("mpp_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    desks: Mapped[int] = mapped_column(default=1)
    share_online: Mapped[int]
    share_walk_in: Mapped[int]
    share_assisted: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    # False once a load no longer lists it (booked slots still point at it).
    active: Mapped[bool] = mapped_column(default=True)

    services: Mapped[list[Service]] = relationship(secondary="mpp_counter_service",
                                                   order_by="Service.position")


class CounterService(db.Model):
    __tablename__ = "mpp_counter_service"

    counter_id: Mapped[int] = mapped_column(ForeignKey("mpp_counter.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), primary_key=True,
                                            index=True)


# ---------------------------------------------------------------------------------------
# Catalog administration (migration 0020, issue #18): the national standards as written,
# drafts of one scope until published, and each service's standard as it was before a
# publication changed it (applications keep the standard they were submitted under).

class ServiceStandard(db.Model):
    """A national service standard as its data file (or the national draft) wrote it,
    offered or not: what `flask catalog export` writes back."""

    __tablename__ = "service_standard"

    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


DRAFT_STATUSES = ("open", "published", "discarded")


class CatalogDraft(db.Model):
    """A change to one scope of the catalog ("national", or "mpp:<code>"), in the data
    files' shape, until it is published (through the loader's rules) or discarded."""

    __tablename__ = "catalog_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(60), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    note: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The catalog version and the digest of the scope's published data the draft started
    # from: a publication refuses a draft whose scope changed since (no lost update).
    base_version: Mapped[int]
    base_digest: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    published_at: Mapped[dt.datetime | None]
    published_version: Mapped[int | None]


class ServiceStandardVersion(db.Model):
    """One service's full standard (form, requirements, steps, SLA, fee, product...) while it
    was in force: [valid_from, valid_to), None meaning since ever / still. Written when a load
    or a publication changes a service, so an application submitted before reads the standard
    it was made under (catalog.drafts.standard_for)."""

    __tablename__ = "service_standard_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_code: Mapped[str] = mapped_column(String(120), index=True)
    catalog_version: Mapped[int]
    valid_from: Mapped[dt.datetime | None]
    valid_to: Mapped[dt.datetime | None]
    standard: Mapped[dict[str, Any]] = mapped_column(JSON)
