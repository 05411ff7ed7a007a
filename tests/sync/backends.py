"""Servers the sync tests run against. A backend is a factory of `Server`s: each Server is
one empty database with the demo catalog loaded, and an engine (unit of work) over it.

To run the property test and the engine tests on another unit of work (SQLite, PostgreSQL),
add a class with the same methods to BACKENDS (or register it from a conftest): the tests
use nothing else.
"""
from __future__ import annotations

from collections.abc import Callable

from sync.memory import MemoryStore, MemoryUnitOfWork
from sync.model import JournalEntry, ServiceSpec
from sync.store import UnitOfWork

from . import catalog


class MemoryServer:
    name = "memory"

    def __init__(self) -> None:
        self.store = MemoryStore()
        for doc_type in catalog.document_types():
            self.store.add_document_type(doc_type)
        for spec in catalog.services().values():
            self.store.add_service(spec)
        self.uow: UnitOfWork = MemoryUnitOfWork(self.store)

    def restart(self) -> None:
        """A new engine over the same data (what a server process restart is)."""
        self.uow = MemoryUnitOfWork(self.store)

    def add_service(self, spec: ServiceSpec) -> None:
        """A service beyond the demo catalog (e.g. one no longer offered)."""
        self.store.add_service(spec)

    def journal(self) -> list[JournalEntry]:
        return self.store.journal_entries()

    def purge_tombstones(self, citizen_id: str, upto_version: int) -> None:
        with self.uow.transaction():
            self.uow.purge_tombstones(citizen_id, upto_version)

    def close(self) -> None:
        pass


BACKENDS: dict[str, Callable[[], MemoryServer]] = {"memory": MemoryServer}
