"""The unit of work the engine needs: as small as the algorithms allow.

sync/memory.py implements it in memory; the server implements it in SQL (SQLite and
PostgreSQL). Both must honour every contract below; tests/sync runs the same property test
against each.

Rules that hold for every method:
- Reads return DETACHED copies: changing a returned object changes nothing until it is
  passed to a `put_*` method.
- Every read and write happens inside `transaction()` or (reads only) `snapshot()`; calling
  outside one is a programming error (the memory store raises RuntimeError).
- `put_*` is an upsert of the whole row (or aggregate) by its primary key.
- A transaction is all or nothing: when its block raises, every write in it is undone,
  including `next_version`, `next_reference` and client/result rows.

Locking order (to rule out deadlocks): client row (`lock_client`), then the citizen's space
(`next_version`), then reference counters (`next_reference`). The engine calls
`next_version(citizen)` BEFORE it reads any row of that citizen's space in a write
transaction, so writers of one space run one at a time and never lose each other's updates.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

from .model import (
    Application, Changes, Client, ClientGroup, Document, DocumentTypeSpec, JournalEntry,
    MutationResult, Notification, Profile, ServiceSpec, Tombstone,
)


@runtime_checkable
class UnitOfWork(Protocol):
    # ---- transactions ------------------------------------------------------------------
    def transaction(self) -> AbstractContextManager[None]:
        """A read-write transaction: commit when the block ends, roll back everything when it
        raises (and re-raise). Not nested. SQLite: BEGIN IMMEDIATE (take the write lock at
        the start, so a read of last_mutation_id cannot go stale before the write).
        PostgreSQL: READ COMMITTED is enough because of the row locks below."""
        ...

    def savepoint(self) -> AbstractContextManager[None]:
        """Inside `transaction()`: a block whose writes are undone alone when it raises (and
        re-raise); the transaction goes on, and what the block wrote commits with it when it
        ends normally. Not nested. A push applies each mutation of a batch in one
        (sync/push.py). Row locks taken inside a block that raised may be released
        (PostgreSQL releases them): the engine calls `next_version` again in the next one."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """A read-only transaction in which every read sees ONE consistent snapshot (pull
        reads the cookie and the rows in it). PostgreSQL: REPEATABLE READ READ ONLY.
        SQLite (WAL): one BEGIN ... COMMIT around all reads."""
        ...

    # ---- catalog (read-only) -----------------------------------------------------------
    def service(self, code: str) -> ServiceSpec | None:
        """The service by its catalog code ("<mpp>.<standard>"), active or not; None if the
        catalog never had it."""
        ...

    def document_type(self, code: str) -> DocumentTypeSpec | None:
        """The document type with its validity_days; None if unknown."""
        ...

    # ---- client identity ---------------------------------------------------------------
    def get_client_group(self, client_group_id: str) -> ClientGroup | None:
        ...

    def put_client_group(self, group: ClientGroup) -> None:
        """Insert a new group. Its citizen binding never changes afterwards. Two concurrent
        first pushes may both insert: the loser's transaction fails (unique key) and the
        client retries, which is safe."""
        ...

    def lock_client(self, client_id: str) -> Client | None:
        """The client row, locked until the transaction ends (PostgreSQL: SELECT ... FOR
        UPDATE; SQLite: the IMMEDIATE transaction already holds the write lock). None if the
        client has never pushed."""
        ...

    def lock_bound_client(self, client_id: str) -> tuple[Client, str] | None:
        """`lock_client`, with the citizen its group is bound to, in one read (a push checks
        the binding and locks the client at once). None if the client has never pushed."""
        ...

    def add_client_group(self, group: ClientGroup) -> None:
        """Insert the group unless one with its id exists (then do nothing, never
        overwrite). On PostgreSQL a concurrent insert of the same id makes this wait for
        that transaction; the caller reads the group back to learn the binding that won."""
        ...

    def add_client(self, client: Client) -> None:
        """Insert the client unless one with its id exists (then do nothing, never
        overwrite); the caller locks it afterwards with `lock_client`."""
        ...

    def put_client(self, client: Client) -> None:
        """Update an existing client (its last_mutation_id), or insert it."""
        ...

    def clients_of_group(self, client_group_id: str) -> list[Client]:
        """Every client of the group (pull returns their last_mutation_ids)."""
        ...

    # ---- stored results ----------------------------------------------------------------
    def get_result(self, client_id: str, mutation_id: int) -> MutationResult | None:
        """The stored rejected result, or None (then the mutation, if <= last_mutation_id,
        was applied)."""
        ...

    def put_result(self, result: MutationResult) -> None:
        """Store a rejected result; primary key (client_id, mutation_id). It is part of the
        citizen's space (index on citizen_id, version)."""
        ...

    # ---- the citizen's space: versions -------------------------------------------------
    def next_version(self, citizen_id: str) -> int:
        """Increment the citizen's space version and return it, locking the citizen's space
        row until the transaction ends (PostgreSQL: INSERT ... ON CONFLICT DO UPDATE SET
        version = version + 1 RETURNING version). Starts at 1. Because the lock is held to
        commit, versions of one citizen commit in increasing order, so a snapshot that reads
        version v sees exactly the rows with version <= v. Rolled back with the transaction.
        Never decreases, even if the citizen's rows are erased."""
        ...

    def space_version(self, citizen_id: str) -> int:
        """The citizen's current space version (0 if nothing was ever written)."""
        ...

    def horizon(self, citizen_id: str) -> int:
        """The smallest cookie still answerable incrementally: tombstones with version <=
        horizon may have been purged. 0 if none ever were. A cookie < horizon gets a reset."""
        ...

    def changes_since(self, citizen_id: str, after: int) -> Changes:
        """Every row of the citizen's space with version > after: profile, applications (as
        aggregates), documents, notifications, rejected results, tombstones. Cost must be
        proportional to the rows returned: index (citizen_id, version) on every table.
        after=0 returns the whole space."""
        ...

    # ---- the citizen's space: rows -----------------------------------------------------
    def get_profile(self, citizen_id: str) -> Profile | None:
        ...

    def put_profile(self, profile: Profile) -> None:
        ...

    def get_application(self, application_id: str) -> Application | None:
        """The application aggregate (with its requirement and discrepancy rows), whoever
        owns it: callers check citizen_id."""
        ...

    def put_application(self, application: Application) -> None:
        """Upsert the aggregate: the application row, and its requirement and discrepancy
        rows exactly as given (rows no longer in the aggregate are deleted)."""
        ...

    def delete_application(self, application_id: str) -> None:
        """Delete the application and its child rows (the engine adds the tombstone)."""
        ...

    def applications_of(self, citizen_id: str) -> list[Application]:
        """All of the citizen's applications."""
        ...

    def next_reference(self, ref_prefix: str, year: int) -> int:
        """The next number (1, 2, ...) of the (MPP prefix, year) counter, locked to commit.
        Gapless because it rolls back with the transaction."""
        ...

    def get_document(self, document_id: str) -> Document | None:
        """The document, whoever owns it: callers check citizen_id."""
        ...

    def put_document(self, document: Document) -> None:
        ...

    def put_notification(self, notification: Notification) -> None:
        ...

    def put_tombstone(self, tombstone: Tombstone) -> None:
        """Record that `key` was deleted at `version`. A later put of the same key makes the
        tombstone irrelevant (pull sends the live row)."""
        ...

    def add_journal(self, entry: JournalEntry) -> None:
        """Append an audit entry (never updated or deleted by the engine)."""
        ...

    # ---- other domains' rows (sync/domains.py) -----------------------------------------
    def port(self, domain: str) -> Any:
        """The registered storage of `domain` (sync.domains.register_port), bound to the
        open transaction or snapshot: its writes commit and roll back with it. Its rows in
        the citizen's space come back in `changes_since(...).entries`."""
        ...

