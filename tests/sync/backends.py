"""Servers the sync tests run against. A backend is a factory of `Server`s: each Server is
one empty database with the demo catalog loaded, and an engine (unit of work) over it.

To run the property test (test_sync_properties.py) and the unit-of-work contract
(test_unit_of_work_contract.py) on another unit of work (SQLite, PostgreSQL), add a class
with the methods of MemoryServer below to BACKENDS (or register it from a conftest): those
tests use nothing else, and use UUIDs for every id so SQL columns can hold them. The
example-based tests in tests/unit run on the memory store only.
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

    def add_citizen(self, citizen_id: str) -> None:
        """Make the account `citizen_id` exist (SQL: the citizen row the space refers to)."""

    def restart(self) -> None:
        """A new engine over the same data (what a server process restart is)."""
        self.uow = MemoryUnitOfWork(self.store)

    def add_service(self, spec: ServiceSpec) -> None:
        """A service beyond the demo catalog (e.g. one no longer offered)."""
        self.store.add_service(spec)

    def journal(self) -> list[JournalEntry]:
        """Every journal entry (UnitOfWork.add_journal) of every citizen, oldest first."""
        return self.store.journal_entries()

    def purge_tombstones(self, citizen_id: str, upto_version: int) -> None:
        with self.uow.transaction():
            self.uow.purge_tombstones(citizen_id, upto_version)

    def close(self) -> None:
        pass


BACKENDS: dict[str, Callable[[], MemoryServer]] = {"memory": MemoryServer}
