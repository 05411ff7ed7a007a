"""The sync tests' Server, backed by the real SQL unit of work on SQLite or PostgreSQL.

Each Server is a database holding exactly the migrated template's rows (the demo catalog):
a copy of the template's file on SQLite, on PostgreSQL one database put back to the
template's rows when the previous Server closed (tests/conftest.py). The engine talks to
server/applications/store.py exactly as in production.
"""
from __future__ import annotations

import sqlite3
import uuid

import sqlalchemy as sa
from sqlalchemy import select

from server.accounts.models import Citizen
from server.applications.store import SqlUnitOfWork
from server.catalog.models import Agency, Mpp, Requirement, Service, ServiceField
from server.config import engine_options, normalise_database_url
from server.extensions import listen_on_pool_once
from sync.model import JournalEntry, ServiceSpec
from tests.conftest import close_process_databases, process_databases, shared_engine


def databases(kind: str):
    """The test process's factory of `kind`, shared with the `app` fixtures (tests/conftest.py
    builds each template once per process and closes them when the session ends)."""
    return process_databases(kind)


def close_all() -> None:
    close_process_databases()


class SqlServer:
    def __init__(self, kind: str):
        self.kind = kind
        self.databases = databases(kind)
        self.url = self.databases.new()
        self._connect()

    def _connect(self) -> None:
        url = normalise_database_url(self.url)
        # The process's engine for this database (tests/conftest.py, shared_engine): its
        # pool is emptied when the database is dropped, and the SQL it compiled is kept for
        # the next Server on a database of the same name (Hypothesis makes one per example).
        self.engine = shared_engine(url, **engine_options(url))
        self.uow = SqlUnitOfWork(self.engine)

    @property
    def name(self) -> str:
        return self.kind

    def add_citizen(self, citizen_id: str) -> None:
        """The account row a citizen's space refers to (made at sign-in in production)."""
        with self.engine.begin() as conn:
            conn.execute(sa.insert(Citizen.__table__).values(
                id=uuid.UUID(str(citizen_id)), verified_keys=[], language="id", version=0,
                created_at=sa.func.current_timestamp()))

    def restart(self) -> None:
        """As after a server process restart: every connection closed, and a new unit of
        work (none of the old one's state) over the same database. The engine's compiled
        SQL, which holds no data, is kept."""
        self.engine.dispose()
        self._connect()

    def add_service(self, spec: ServiceSpec) -> None:
        """A service beyond the demo catalog, written as the catalog loader would."""
        with self.engine.begin() as conn:
            mpp_id = conn.execute(select(Mpp.id).where(Mpp.code == spec.mpp_code)).scalar_one()
            agency_id = conn.execute(select(Agency.id).where(
                Agency.mpp_id == mpp_id, Agency.code == spec.agency_code)).scalar()
            if agency_id is None:
                agency_id = conn.execute(sa.insert(Agency.__table__).values(
                    mpp_id=mpp_id, code=spec.agency_code, kind=spec.agency_code,
                    name=spec.agency_code, counter="", position=99
                ).returning(Agency.__table__.c.id)).scalar_one()
            service_id = conn.execute(sa.insert(Service.__table__).values(
                code=spec.code, standard_code=spec.code.split(".", 1)[1], agency_id=agency_id,
                name_id=spec.code, name_en=spec.code, description_id="", description_en="",
                procedure=[], sla_days=1, fee=0, fee_note_id="", fee_note_en="", product_id="",
                product_en="", delivery="pickup", legal_basis="", position=99,
                active=spec.active, search_text=spec.code,
            ).returning(Service.__table__.c.id)).scalar_one()
            for position, f in enumerate(spec.fields):
                conn.execute(sa.insert(ServiceField.__table__).values(
                    service_id=service_id, key=f.key, type=f.type, label_id=f.key,
                    label_en=f.key, required=f.required, profile_key=f.profile_key,
                    help_id="", help_en="", validation=dict(f.validation), position=position))
            for position, r in enumerate(spec.requirements):
                conn.execute(sa.insert(Requirement.__table__).values(
                    service_id=service_id, code=r.code, document_type=r.document_type,
                    title_id=r.code, title_en=r.code, required=r.required,
                    formats=list(r.formats), notes_id="", notes_en="", position=position))

    def journal(self) -> list[JournalEntry]:
        with self.uow.snapshot():
            return self.uow.journal_entries()

    def purge_tombstones(self, citizen_id: str, upto_version: int) -> None:
        with self.uow.transaction():
            self.uow.purge_tombstones(citizen_id, upto_version)

    def close(self) -> None:
        if self.kind == "sqlite":
            # The database is deleted next: its last connection need not wait for the disk
            # when it checkpoints the WAL on closing (an fsync, 20-30 ms per Server here).
            listen_on_pool_once(self.engine, "close", _skip_fsync)  # the engine is shared
        self.engine.dispose()
        self.databases.drop(self.url)


def _skip_fsync(dbapi_connection, _record) -> None:
    try:
        dbapi_connection.execute("PRAGMA synchronous=OFF")
    except sqlite3.Error:  # in a transaction: it closes as it would have
        pass
