"""Catalog queries: no HTTP here, only the session and the models."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from .models import Agency, CatalogMeta, DocumentType, Mpp, Service


@dataclass
class MppRow:
    mpp: Mpp
    agency_count: int
    service_count: int

    def __getattr__(self, name):
        return getattr(self.mpp, name)


def _service_counts(session: Session, by) -> dict:
    rows = session.execute(
        select(by, func.count(Service.id)).select_from(Service).join(Agency)
        .where(Service.active.is_(True)).group_by(by))
    return dict(rows.all())


def list_mpps(session: Session) -> list[MppRow]:
    agencies = dict(session.execute(
        select(Agency.mpp_id, func.count(Agency.id)).group_by(Agency.mpp_id)).all())
    services = _service_counts(session, Agency.mpp_id)
    mpps = session.scalars(select(Mpp).order_by(Mpp.status, Mpp.name)).all()
    return [MppRow(m, agencies.get(m.id, 0), services.get(m.id, 0)) for m in mpps]


def get_mpp(session: Session, code: str) -> MppRow | None:
    mpp = session.scalars(select(Mpp).where(Mpp.code == code)
                          .options(selectinload(Mpp.agencies))).one_or_none()
    if mpp is None:
        return None
    per_agency = _service_counts(session, Agency.id)
    for agency in mpp.agencies:
        agency.service_count = per_agency.get(agency.id, 0)
    return MppRow(mpp, len(mpp.agencies), sum(per_agency.get(a.id, 0) for a in mpp.agencies))


def search_services(session: Session, *, mpp: str | None = None, agency: str | None = None,
                    q: str | None = None, limit: int = 100, offset: int = 0
                    ) -> tuple[list[Service], int]:
    """Active services, filtered by MPP and agency code; every word of q must match."""
    query = select(Service).join(Service.agency).join(Agency.mpp).where(Service.active.is_(True))
    if mpp:
        query = query.where(Mpp.code == mpp)
    if agency:
        query = query.where(Agency.code == agency)
    patterns = [_like_pattern(word) for word in (q or "").lower().split()]
    for pattern in patterns:
        query = query.where(Service.search_text.like(pattern, escape="\\"))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    order = [Mpp.code, Agency.position, Service.position]
    if patterns:
        # Services whose name holds every word come before those matched elsewhere
        # (a passport service before a service that merely asks for a passport).
        in_name = and_(*(or_(func.lower(Service.name_id).like(p, escape="\\"),
                             func.lower(Service.name_en).like(p, escape="\\"))
                         for p in patterns))
        order.insert(0, case((in_name, 0), else_=1))
    rows = session.scalars(
        query.order_by(*order).limit(limit).offset(offset)
        .options(joinedload(Service.agency).joinedload(Agency.mpp),
                 selectinload(Service.requirements))
    ).unique().all()
    return list(rows), total or 0


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def get_service(session: Session, code: str) -> Service | None:
    return session.scalars(
        select(Service).where(Service.code == code).options(
            joinedload(Service.agency).joinedload(Agency.mpp),
            selectinload(Service.fields), selectinload(Service.requirements))
    ).unique().one_or_none()


def mpp_exists(session: Session, code: str) -> bool:
    return session.scalar(select(Mpp.id).where(Mpp.code == code)) is not None


def list_document_types(session: Session) -> list[DocumentType]:
    return list(session.scalars(select(DocumentType).order_by(DocumentType.code)))


def catalog_version(session: Session) -> CatalogMeta:
    meta = session.get(CatalogMeta, 1)
    return meta if meta is not None else CatalogMeta(id=1, version=0, content_hash="")

