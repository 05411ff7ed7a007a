"""A complete in-memory unit of work: what the property tests run on, and a reference for
the SQL implementation.

`MemoryStore` is the data (what a database holds); `MemoryUnitOfWork` is one engine's handle
on it. A server restart is a new `MemoryUnitOfWork` over the same `MemoryStore`.

Transactions are serialisable: one lock for the whole store, held from the start of a
transaction or snapshot to its end. Rollback replays an undo log of every dict write, so a
rejected mutation leaves no trace (versions, reference counters and client rows included).
Reads hand out deep copies, writes store deep copies: the same "detached rows" contract as
SQL. Rows of one citizen's space are kept together, so `changes_since` costs the size of one
citizen's space, never the whole store.
"""
from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import domains
from .model import (
    Application, Changes, Client, ClientGroup, Document, DocumentTypeSpec, JournalEntry,
    MutationResult, Notification, Profile, ServiceSpec, Tombstone,
)

_MISSING = object()
PROFILE, APPLICATION, DOCUMENT, NOTIFICATION, RESULT, TOMBSTONE = (
    "profile", "application", "document", "notification", "result", "tombstone")


class MemoryStore:
    """The data. Catalog rows are loaded with `add_service` / `add_document_type` (outside
    transactions, like a catalog load before the server starts)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.services: dict[str, ServiceSpec] = {}
        self.document_types: dict[str, DocumentTypeSpec] = {}
        self.client_groups: dict[str, ClientGroup] = {}
        self.clients: dict[str, Client] = {}
        self.space_versions: dict[str, int] = {}
        self.horizons: dict[str, int] = {}
        self.references: dict[tuple[str, int], int] = {}
        # citizen_id -> {(kind, id): row}; locator: (kind, id) -> citizen_id
        self.spaces: dict[str, dict[tuple[str, Any], Any]] = {}
        self.locator: dict[tuple[str, Any], str] = {}
        self.journal: dict[int, JournalEntry] = {}
        # other domains' tables (sync/domains.py): (domain, table) -> {key: row}
        self.tables: dict[tuple[str, str], dict[Any, Any]] = {}

    def add_service(self, spec: ServiceSpec) -> None:
        with self.lock:
            self.services[spec.code] = spec

    def add_document_type(self, spec: DocumentTypeSpec) -> None:
        with self.lock:
            self.document_types[spec.code] = spec

    def journal_entries(self) -> list[JournalEntry]:
        with self.lock:
            return [copy.deepcopy(self.journal[i]) for i in sorted(self.journal)]


class MemoryUnitOfWork:
    """sync.store.UnitOfWork over a MemoryStore. Safe to share between threads."""

    def __init__(self, store: MemoryStore | None = None) -> None:
        self.store = store if store is not None else MemoryStore()
        self._local = threading.local()

    # ---- transactions ------------------------------------------------------------------
    @property
    def _mode(self) -> str | None:
        return getattr(self._local, "mode", None)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.store.lock:
            if self._mode is not None:
                raise RuntimeError("transactions do not nest")
            self._local.mode, self._local.undo, self._local.savepoint = "write", [], False
            try:
                yield
            except BaseException:
                self._rollback(0)
                raise
            finally:
                self._local.mode, self._local.undo = None, []

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        self._write()
        if self._local.savepoint:
            raise RuntimeError("savepoints do not nest")
        mark, self._local.savepoint = len(self._local.undo), True
        try:
            yield
        except BaseException:
            self._rollback(mark)
            raise
        finally:
            self._local.savepoint = False

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        with self.store.lock:
            if self._mode is not None:
                raise RuntimeError("transactions do not nest")
            self._local.mode = "read"
            try:
                yield
            finally:
                self._local.mode = None

    def _rollback(self, mark: int) -> None:
        """Undo the writes after the first `mark` ones, newest first."""
        undo = self._local.undo
        while len(undo) > mark:
            container, key, previous = undo.pop()
            if previous is _MISSING:
                container.pop(key, None)
            else:
                container[key] = previous

    def _read(self) -> None:
        if self._mode is None:
            raise RuntimeError("read outside a transaction or snapshot")

    def _write(self) -> None:
        if self._mode != "write":
            raise RuntimeError("write outside a transaction")

    def _set(self, container: dict, key: Any, value: Any) -> None:
        self._write()
        self._local.undo.append((container, key, container.get(key, _MISSING)))
        container[key] = value

    def _pop(self, container: dict, key: Any) -> None:
        self._write()
        if key in container:
            self._local.undo.append((container, key, container[key]))
            del container[key]

    # space rows
    def _space_get(self, kind: str, row_id: Any) -> Any:
        self._read()
        citizen = self.store.locator.get((kind, row_id))
        if citizen is None:
            return None
        return copy.deepcopy(self.store.spaces[citizen][(kind, row_id)])

    def _space_put(self, kind: str, row_id: Any, citizen_id: str, row: Any) -> None:
        self._write()
        owner = self.store.locator.get((kind, row_id))
        if owner is not None and owner != citizen_id:
            # Rows never change owner; the engine never asks for it.
            raise RuntimeError(f"{kind} {row_id} belongs to another citizen")
        if citizen_id not in self.store.spaces:
            self._set(self.store.spaces, citizen_id, {})
        self._set(self.store.spaces[citizen_id], (kind, row_id), copy.deepcopy(row))
        self._set(self.store.locator, (kind, row_id), citizen_id)

    def _space_delete(self, kind: str, row_id: Any) -> None:
        self._write()
        citizen = self.store.locator.get((kind, row_id))
        if citizen is not None:
            self._pop(self.store.spaces[citizen], (kind, row_id))
            self._pop(self.store.locator, (kind, row_id))

    # ---- catalog -----------------------------------------------------------------------
    def service(self, code: str) -> ServiceSpec | None:
        self._read()
        return self.store.services.get(code)

    def document_type(self, code: str) -> DocumentTypeSpec | None:
        self._read()
        return self.store.document_types.get(code)

    # ---- client identity ---------------------------------------------------------------
    def get_client_group(self, client_group_id: str) -> ClientGroup | None:
        self._read()
        return copy.deepcopy(self.store.client_groups.get(client_group_id))

    def put_client_group(self, group: ClientGroup) -> None:
        existing = self.store.client_groups.get(group.id)
        if existing is not None and existing.citizen_id != group.citizen_id:
            raise RuntimeError("a client group's citizen never changes")
        self._set(self.store.client_groups, group.id, copy.deepcopy(group))

    def lock_client(self, client_id: str) -> Client | None:
        self._write()  # a lock is taken in a write transaction
        return copy.deepcopy(self.store.clients.get(client_id))

    def lock_bound_client(self, client_id: str) -> tuple[Client, str] | None:
        client = self.lock_client(client_id)
        if client is None:
            return None
        return client, self.store.client_groups[client.client_group_id].citizen_id

    def add_client_group(self, group: ClientGroup) -> None:
        self._write()
        if group.id not in self.store.client_groups:
            self._set(self.store.client_groups, group.id, copy.deepcopy(group))

    def add_client(self, client: Client) -> None:
        self._write()
        if client.id not in self.store.clients:
            self._set(self.store.clients, client.id, copy.deepcopy(client))

    def put_client(self, client: Client) -> None:
        self._set(self.store.clients, client.id, copy.deepcopy(client))

    def clients_of_group(self, client_group_id: str) -> list[Client]:
        self._read()
        return [copy.deepcopy(c) for c in self.store.clients.values()
                if c.client_group_id == client_group_id]

    # ---- stored results ----------------------------------------------------------------
    def get_result(self, client_id: str, mutation_id: int) -> MutationResult | None:
        return self._space_get(RESULT, (client_id, mutation_id))

    def put_result(self, result: MutationResult) -> None:
        self._space_put(RESULT, (result.client_id, result.mutation_id), result.citizen_id,
                        result)

    # ---- versions ----------------------------------------------------------------------
    def next_version(self, citizen_id: str) -> int:
        version = self.store.space_versions.get(citizen_id, 0) + 1
        self._set(self.store.space_versions, citizen_id, version)
        return version

    def space_version(self, citizen_id: str) -> int:
        self._read()
        return self.store.space_versions.get(citizen_id, 0)

    def horizon(self, citizen_id: str) -> int:
        self._read()
        return self.store.horizons.get(citizen_id, 0)

    def changes_since(self, citizen_id: str, after: int) -> Changes:
        self._read()
        out = Changes()
        lists: dict[str, list[Any]] = {APPLICATION: out.applications, DOCUMENT: out.documents,
                 NOTIFICATION: out.notifications, RESULT: out.results,
                 TOMBSTONE: out.tombstones}
        for (kind, _), row in self.store.spaces.get(citizen_id, {}).items():
            if row.version <= after:
                continue
            if kind == PROFILE:
                out.profile = copy.deepcopy(row)
            else:
                lists[kind].append(copy.deepcopy(row))
        out.entries = domains.space_entries("memory", self, citizen_id, after)
        return out

    def purge_tombstones(self, citizen_id: str, upto_version: int) -> int:
        """Maintenance: drop the citizen's tombstones with version <= upto_version and move
        the horizon there (cookies older than it get a reset). Returns how many went."""
        gone = [key for key, row in self.store.spaces.get(citizen_id, {}).items()
                if key[0] == TOMBSTONE and row.version <= upto_version]
        for kind, row_id in gone:
            self._space_delete(kind, row_id)
        if upto_version > self.store.horizons.get(citizen_id, 0):
            self._set(self.store.horizons, citizen_id, upto_version)
        return len(gone)

    # ---- rows --------------------------------------------------------------------------
    def get_profile(self, citizen_id: str) -> Profile | None:
        return self._space_get(PROFILE, citizen_id)

    def put_profile(self, profile: Profile) -> None:
        self._space_put(PROFILE, profile.citizen_id, profile.citizen_id, profile)

    def get_application(self, application_id: str) -> Application | None:
        return self._space_get(APPLICATION, application_id)

    def put_application(self, application: Application) -> None:
        self._space_put(APPLICATION, application.id, application.citizen_id, application)

    def delete_application(self, application_id: str) -> None:
        self._space_delete(APPLICATION, application_id)

    def applications_of(self, citizen_id: str) -> list[Application]:
        self._read()
        return [copy.deepcopy(row) for (kind, _), row
                in self.store.spaces.get(citizen_id, {}).items() if kind == APPLICATION]

    def next_reference(self, ref_prefix: str, year: int) -> int:
        number = self.store.references.get((ref_prefix, year), 0) + 1
        self._set(self.store.references, (ref_prefix, year), number)
        return number

    def get_document(self, document_id: str) -> Document | None:
        return self._space_get(DOCUMENT, document_id)

    def put_document(self, document: Document) -> None:
        self._space_put(DOCUMENT, document.id, document.citizen_id, document)

    def put_notification(self, notification: Notification) -> None:
        self._space_put(NOTIFICATION, notification.id, notification.citizen_id, notification)

    def put_tombstone(self, tombstone: Tombstone) -> None:
        self._space_put(TOMBSTONE, (tombstone.citizen_id, tombstone.key), tombstone.citizen_id,
                        tombstone)

    def add_journal(self, entry: JournalEntry) -> None:
        self._set(self.store.journal, len(self.store.journal), copy.deepcopy(entry))

    # ---- other domains (sync/domains.py) -----------------------------------------------
    def port(self, domain: str) -> Any:
        return domains.port("memory", domain, self)

    def table(self, domain: str, name: str) -> MemoryTable:
        """A domain's table in this store, read and written inside this unit of work's
        transaction (writes undone on rollback, rows copied in and out)."""
        return MemoryTable(self, (domain, name))


class MemoryTable:
    """One table of a domain's memory port: {key: row}, with the store's transaction rules."""

    def __init__(self, uow: MemoryUnitOfWork, name: tuple[str, str]) -> None:
        self._uow, self._name = uow, name

    def _rows(self) -> dict[Any, Any]:
        return self._uow.store.tables.get(self._name, {})

    def get(self, key: Any) -> Any:
        self._uow._read()
        return copy.deepcopy(self._rows().get(key))

    def rows(self) -> list[Any]:
        self._uow._read()
        return [copy.deepcopy(row) for row in self._rows().values()]

    def put(self, key: Any, row: Any) -> None:
        uow = self._uow
        if self._name not in uow.store.tables:
            uow._set(uow.store.tables, self._name, {})
        uow._set(uow.store.tables[self._name], key, copy.deepcopy(row))

    def delete(self, key: Any) -> None:
        rows = self._uow.store.tables.get(self._name)
        if rows is not None:
            self._uow._pop(rows, key)
