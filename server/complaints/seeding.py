"""Invented complaints, for development and demos (never in production: `flask dev seed`
refuses it). Written through the live path, so every rule holds: each is filed by the
`complaint.file` mutator in an engine transaction (its owner's space locked, a reference
taken, the filer row apart), on the owner's submitted applications or about their MPP,
filed over the last weeks so that some are overdue; then some are answered by an officer of
the agency (the console's step: the citizen's next pull and inbox get it) and the overdue
ones escalated.
"""
from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from sync import states
from sync.errors import Rejection
from sync.space import SpaceWriter

from ..accounts.models import Officer
from ..applications.models import Application
from ..applications.store import SqlUnitOfWork
from ..catalog.models import Agency, Mpp
from . import models as m
from .mutations import CATEGORIES, file
from .operations import _officer_change, escalate
from .store import audit

TEXTS = ("Berkas saya ditolak padahal sudah sesuai persyaratan.",
         "Antrian di loket sangat lama, lebih dari dua jam.",
         "Petugas meminta fotokopi yang tidak tercantum di persyaratan.",
         "Mohon ruang tunggu ditambah kursi dan kipas angin.",
         "Berapa lama proses penerbitan dokumen ini?",
         "Informasi di situs berbeda dengan yang disampaikan petugas.")
ANSWERS = ("Terima kasih. Kami sudah memeriksa berkas Anda; silakan unggah ulang dokumen yang "
           "jelas dan lengkap.", "Mohon maaf atas ketidaknyamanan. Kami menambah petugas di jam "
           "sibuk.", "Terima kasih atas sarannya; akan kami tindak lanjuti bulan ini.")


@dataclass
class ComplaintSeedSummary:
    filed: int = 0
    answered: int = 0
    escalated: int = 0


def seed_complaints(engine: Engine, count: int, seed: int = 1,
                    now: dt.datetime | None = None) -> ComplaintSeedSummary:
    summary = ComplaintSeedSummary()
    if count <= 0:
        return summary
    r = random.Random(f"complaints-{seed}")
    now = now or dt.datetime.now(dt.timezone.utc)
    uow = SqlUnitOfWork(engine)
    with engine.connect() as conn:
        apps = conn.execute(select(Application.id, Application.citizen_id)
                            .where(Application.state != states.DRAFT)
                            .order_by(Application.id).limit(count * 4)).all()
        mpps = conn.execute(select(Mpp.code)).scalars().all()
    if not apps:
        raise RuntimeError("no submitted applications to complain about: seed applications "
                           "first (flask dev seed --applications N)")
    for i in range(count):
        application_id, citizen_id = r.choice(apps)
        filed_at = now - dt.timedelta(days=r.randint(0, 20), hours=r.randint(0, 8))
        args = {"complaint_id": str(uuid.UUID(int=r.getrandbits(128), version=4)),
                "category": r.choice(CATEGORIES), "text": r.choice(TEXTS),
                "anonymous": r.random() < 0.3, "confidential": r.random() < 0.2,
                "application_id": application_id if r.random() < 0.8 else None,
                "mpp": r.choice(mpps), "agency": None, "photos": []}
        try:
            with uow.transaction():
                writer = SpaceWriter(uow, str(citizen_id), filed_at, actor="citizen",
                                     actor_id=str(citizen_id))
                file(writer, args)
        except Rejection:
            continue
        summary.filed += 1
        if r.random() < 0.5 and _answer(uow, args["complaint_id"], r, filed_at, now):
            summary.answered += 1
    with uow.transaction():
        summary.escalated = escalate(uow.conn, now)
    return summary


def _answer(uow: SqlUnitOfWork, complaint_id: str, r: random.Random,
            filed_at: dt.datetime, now: dt.datetime) -> bool:
    """An officer of the complaint's agency (or a supervisor of its MPP) answers it."""
    with uow.transaction():
        conn = uow.conn
        row = conn.execute(select(m.Complaint.__table__).where(
            m.Complaint.__table__.c.id == complaint_id)).one()
        officer_id = conn.execute(
            select(Officer.id).where(
                (Officer.agency_id == row.agency_id) if row.agency_id is not None else
                ((Officer.role == "supervisor") & (Officer.mpp_id == row.mpp_id)))
            .order_by(Officer.id).limit(1)).scalar()
        if officer_id is None:
            officer_id = conn.execute(select(Officer.id).join(
                Agency, Agency.mpp_id == Officer.mpp_id).where(
                Officer.role == "supervisor", Agency.mpp_id == row.mpp_id)
                .order_by(Officer.id).limit(1)).scalar()
        if officer_id is None:
            return False
        at = min(now, filed_at + dt.timedelta(days=r.randint(0, 9), hours=r.randint(1, 6)))
        _officer_change(conn, row, row.revision, "answered", at, status="answered",
                        answered_at=at, acknowledged_at=at, assignee_id=officer_id)
        conn.execute(insert(m.ComplaintAnswer.__table__).values(
            complaint_id=complaint_id, officer_id=officer_id, text=r.choice(ANSWERS), at=at))
        audit(conn, "complaint.answer", complaint_id, at, actor_kind="officer",
              actor_id=str(officer_id), details={"reference": row.reference, "seeded": True})
    return True
