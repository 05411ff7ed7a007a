"""The complaints' storage for the sync engine in SQL (sync/domains.py's "sql" port, on the
push transaction's own connection: everything commits or rolls back with the mutation), and
the row <-> Complaint mapping the officer operations share. SQLAlchemy Core, as the engine's
own store (server/applications/store.py)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from sync.model import SpaceEntry

from ..applications.store import _dialect_insert
from ..audit.models import AuditEvent
from ..catalog.calendar import holidays_of
from ..catalog.models import Agency, Mpp, Requirement, Service
from . import models as m
from .mutations import DOMAIN, Answer, Complaint, Filer, Place, entry

T = m.Complaint.__table__
T_ANSWER = m.ComplaintAnswer.__table__
T_FILER = m.ComplaintFiler.__table__
T_COUNTER = m.ComplaintCounter.__table__
T_AUDIT = AuditEvent.__table__


def complaint_query():
    """The complaint rows with their MPP's and agency's codes (what Complaint names)."""
    return (select(T, Mpp.code.label("mpp_code"), Agency.code.label("agency_code"))
            .join(Mpp, Mpp.id == T.c.mpp_id).outerjoin(Agency, Agency.id == T.c.agency_id))


def answers_of(conn: Connection, ids: list[str]) -> dict[str, list]:
    out: dict[str, list] = {i: [] for i in ids}
    if ids:
        for r in conn.execute(select(T_ANSWER).where(T_ANSWER.c.complaint_id.in_(ids))
                              .order_by(T_ANSWER.c.id)):
            out[r.complaint_id].append(r)
    return out


def to_complaint(row, answers) -> Complaint:
    return Complaint(
        id=row.id, reference=row.reference, mpp_code=row.mpp_code,
        agency_code=row.agency_code, service_code=row.service_code, category=row.category,
        text=row.text, anonymous=row.anonymous, confidential=row.confidential,
        about=row.about, photos=list(row.photos or []), filed_at=row.filed_at,
        ack_due_on=row.ack_due_on, answer_due_on=row.answer_due_on, status=row.status,
        acknowledged_at=row.acknowledged_at, answered_at=row.answered_at,
        closed_at=row.closed_at, reopened_at=row.reopened_at, reopen_count=row.reopen_count,
        reopen_reason=row.reopen_reason, escalated_at=row.escalated_at,
        escalation=row.escalation, revision=row.revision,
        answers=[Answer(a.text, a.at) for a in answers])


def audit(conn: Connection, action: str, complaint_id: str, at: dt.datetime, *,
          actor_kind: str, actor_id: str | None, details: dict[str, Any]) -> None:
    """An audit row on this connection. An anonymous complainant's is written with no
    actor id (a complaint's audit rows never name its filer when it is anonymous)."""
    conn.execute(insert(T_AUDIT).values(
        at=at, actor_kind=actor_kind, actor_id=actor_id, action=action,
        target_kind="complaint", target_id=complaint_id, outcome="ok", details=details))


class SqlComplaintPort:
    def __init__(self, uow: Any) -> None:
        self.conn: Connection = uow.conn

    def filer(self, complaint_id: str) -> Filer | None:
        r = self.conn.execute(select(T_FILER).where(T_FILER.c.complaint_id == complaint_id)
                              ).first()
        return None if r is None else Filer(r.complaint_id, str(r.citizen_id),
                                            r.application_id, r.version)

    def exists(self, complaint_id: str) -> bool:
        return self.conn.execute(select(T.c.id).where(T.c.id == complaint_id)).first() \
            is not None

    def get(self, complaint_id: str) -> Complaint | None:
        row = self.conn.execute(complaint_query().where(T.c.id == complaint_id)).first()
        if row is None:
            return None
        return to_complaint(row, answers_of(self.conn, [row.id])[row.id])

    def service_info(self, service_code: str) -> dict[str, Any]:
        conn = self.conn
        row = conn.execute(select(Service.id, Service.name_id, Service.name_en,
                                  Agency.name.label("agency_name"), Agency.counter)
                           .join(Agency, Agency.id == Service.agency_id)
                           .where(Service.code == service_code)).one()
        titles = {r.code: {"id": r.title_id, "en": r.title_en} for r in conn.execute(
            select(Requirement.code, Requirement.title_id, Requirement.title_en)
            .where(Requirement.service_id == row.id))}
        return {"name_id": row.name_id, "name_en": row.name_en,
                "agency_name": row.agency_name, "counter": row.counter, "titles": titles}

    def place(self, mpp_code: str, agency_code: str | None) -> Place | None:
        mpp = self.conn.execute(select(Mpp.id, Mpp.code, Mpp.ref_prefix)
                                .where(Mpp.code == mpp_code)).first()
        if mpp is None:
            return None
        agency = self.conn.execute(select(Agency.code, Agency.name, Agency.counter).where(
            Agency.mpp_id == mpp.id, Agency.code == agency_code)).first() \
            if agency_code else None
        return Place(mpp.code, mpp.ref_prefix, self.holidays(mpp.code),
                     agency.code if agency else None, agency.name if agency else "",
                     agency.counter if agency else "")

    def holidays(self, mpp_code: str) -> frozenset[dt.date]:
        return holidays_of(self.conn, mpp_code)

    def next_reference(self, mpp_code: str, year: int) -> int:
        mpp_id = select(Mpp.id).where(Mpp.code == mpp_code).scalar_subquery()
        statement = (_dialect_insert(self.conn.dialect.name)(T_COUNTER)
                     .values(mpp_id=mpp_id, year=year, last=1)
                     .on_conflict_do_update(index_elements=["mpp_id", "year"],
                                            set_={"last": T_COUNTER.c.last + 1})
                     .returning(T_COUNTER.c.last))
        return self.conn.execute(statement).scalar_one()

    def add(self, c: Complaint, filer: Filer) -> None:
        conn = self.conn
        mpp_id = conn.execute(select(Mpp.id).where(Mpp.code == c.mpp_code)).scalar_one()
        agency_id = conn.execute(select(Agency.id).where(
            Agency.mpp_id == mpp_id, Agency.code == c.agency_code)).scalar_one() \
            if c.agency_code else None
        conn.execute(insert(T).values(
            id=c.id, reference=c.reference, mpp_id=mpp_id, agency_id=agency_id,
            service_code=c.service_code, category=c.category, text=c.text,
            anonymous=c.anonymous, confidential=c.confidential, about=c.about,
            photos=c.photos, status=c.status, filed_at=c.filed_at, ack_due_on=c.ack_due_on,
            answer_due_on=c.answer_due_on, reopen_count=0, revision=c.revision))
        conn.execute(insert(T_FILER).values(
            complaint_id=c.id, citizen_id=uuid.UUID(filer.citizen_id),
            application_id=filer.application_id, version=filer.version))

    def update(self, c: Complaint, revision: int, filer: Filer) -> None:
        """The citizen's steps change these columns only (answers are the officers')."""
        done = self.conn.execute(update(T).where(T.c.id == c.id, T.c.revision == revision)
                                 .values(status=c.status, closed_at=c.closed_at,
                                         reopened_at=c.reopened_at,
                                         reopen_count=c.reopen_count,
                                         reopen_reason=c.reopen_reason,
                                         answer_due_on=c.answer_due_on,
                                         escalated_at=c.escalated_at,
                                         escalation=c.escalation, revision=c.revision)
                                 ).rowcount
        if done != 1:
            raise RuntimeError("complaint changed under the space lock")
        self.conn.execute(update(T_FILER).where(T_FILER.c.complaint_id == c.id)
                          .values(version=filer.version))

    def audit(self, action: str, complaint_id: str, citizen_id: str | None,
              at: dt.datetime, details: dict[str, Any]) -> None:
        audit(self.conn, action, complaint_id, at, actor_kind="citizen",
              actor_id=citizen_id, details=details)

    def changes_since(self, citizen_id: str, after: int) -> list[SpaceEntry]:
        return space_entries(self.conn, citizen_id, after)


def space_entries(conn: Connection, citizen_id, after: int) -> list[SpaceEntry]:
    rows = conn.execute(
        complaint_query().add_columns(T_FILER.c.application_id.label("filer_application"),
                                      T_FILER.c.version.label("space_version"),
                                      T_FILER.c.citizen_id.label("filer_citizen"))
        .join(T_FILER, T_FILER.c.complaint_id == T.c.id)
        .where(T_FILER.c.citizen_id == uuid.UUID(str(citizen_id)),
               T_FILER.c.version > after)).all()
    answers = answers_of(conn, [r.id for r in rows])
    return [entry(to_complaint(r, answers[r.id]),
                  Filer(r.id, str(r.filer_citizen), r.filer_application, r.space_version))
            for r in rows]


def register() -> None:
    from sync import domains

    domains.register_port("sql", DOMAIN, SqlComplaintPort)
