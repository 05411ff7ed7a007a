"""The request's unit of work: one connection and one transaction per request, committed once.

This is the pattern every domain package copies (accounts, review, uploads, push ... and the
ones to come):

- **Operations only flush.** An operation takes the ORM session (`db.session`) and, if it
  runs the sync engine, the engine's unit of work; it adds, updates and flushes, and never
  commits, rolls back, or opens a transaction of its own.
- **The request commits once.** `after_request` commits when the answer is a success
  (status < 400) and rolls back anything else (a refusal, a crash, a commit that fails is
  a 500, never a lost write answered as a success). A write that must stay although the
  request is refused (a failure counter, the audit row of a denied attempt) is followed
  by `request_work().keep()` just before the raise.
- **One connection.** `db.session` joins this connection and its transaction (its own
  `commit()` then only flushes), and the sync engine works on the same one
  (`with request_work().engine() as uow:`), so both see each other's writes and commit
  together.
- **Where the lock is taken.** A request whose method may write (POST, PUT, PATCH, DELETE)
  begins as a writer: on SQLite `BEGIN IMMEDIATE`, after the writers' file lock the sync
  engine's writers queue on (SqlUnitOfWork.lock_writers), so nothing it reads can go stale
  before it writes. A deferred read transaction on SQLite cannot become a write once
  another writer has committed ("database is locked" at once; the busy timeout does not
  help): that was the 500 of every read-then-write route under load. GET, HEAD and OPTIONS
  read in a deferred transaction (a WAL snapshot: readers never wait). A read route that
  must write (an audit row of who looked) calls `request_work().write()`: its read ends
  there and what follows runs in a short write transaction. Such a write only appends; it
  never updates what was read before (that read is not repeated under the lock).
- **Views that run the engine's own transactions** (the sync push: one transaction per
  batch; tus uploads: bytes arrive outside any transaction) are marked
  `@own_transactions` (or call `request_work().release()`): the request's work then only
  authenticates, and ends before the view runs; using it afterwards is an error (it would
  wait on the lock the engine's transaction holds).

On PostgreSQL the same code runs; a writer's BEGIN takes no lock there, so a count that
concurrent requests change is updated atomically (`UPDATE ... SET n = n + 1 RETURNING`),
never read and written back.

Why not retry whole transactions on "database is locked" instead: a request has effects
outside the database (a code sent by SMS, a file stored) that a retry would repeat, and
every route would have to be written to be replayable.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from .applications.store import SqlUnitOfWork

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RequestWork:
    """One request's connection and transaction (opened at first use)."""

    def __init__(self, engine: Engine, store: SqlUnitOfWork, writer: bool,
                 reads_alone: bool = False):
        self._engine, self.store, self.writer = engine, store, writer
        # An @own_transactions view's work only authenticates (one read) before it is
        # released: on PostgreSQL that read runs outside a transaction (autocommit: no BEGIN
        # and COMMIT round trips, two of a one-mutation push's dozen, #20).
        self.reads_alone = reads_alone
        self.kept = False
        self.released = False
        self._conn: Connection | None = None
        self._tx = None
        self._locked = False

    @property
    def connection(self) -> Connection:
        """The connection, inside this request's transaction (begun now if none is open)."""
        if self.released:
            raise RuntimeError("this view runs its own transactions: the request's unit of "
                               "work ended before it (see server/transactions.py)")
        if self._conn is None:
            self._conn = self._engine.connect()
        if self._tx is None:
            self._begin()
        return self._conn

    def _begin(self) -> None:
        conn = self._conn
        if conn.dialect.name == "postgresql" and self.reads_alone:
            # Reset when the connection goes back to the pool; a slid expiry (write()) ends
            # the read and writes in a transaction of its own.
            conn.execution_options(isolation_level="AUTOCOMMIT" if not self.writer
                                   else conn.default_isolation_level)
        if conn.dialect.name == "sqlite":
            if self.writer:
                self._locked = self.store.lock_writers()
            conn.execution_options(sqlite_begin="IMMEDIATE" if self.writer else "DEFERRED")
        try:
            self._tx = conn.begin()
        except BaseException:
            self._unlock()
            raise

    def _unlock(self) -> None:
        if self._locked:
            self._locked = False
            self.store.unlock_writers()

    def _end(self, commit: bool, *, expire: bool = True) -> None:
        """End the open transaction (the ORM session lets go of it first: flushed when
        committing, emptied when rolling back)."""
        from .extensions import db

        session = db.session()  # the request's Session itself, not the scoped proxy
        try:
            if commit:
                if not expire:
                    session.expire_on_commit = False
                try:
                    session.commit()  # joined: flushes, and leaves the transaction to us
                finally:
                    session.expire_on_commit = True
            else:
                session.rollback()  # joined: this rolls our transaction back too
            if self._tx is not None:
                tx, self._tx = self._tx, None
                if commit:
                    tx.commit()
                elif tx.is_active:
                    tx.rollback()
        finally:
            if not commit and self._tx is not None:
                self._tx = None
            self._unlock()

    # ---- what routes call ---------------------------------------------------------------
    @contextmanager
    def engine(self, *, savepoint: bool = False) -> Iterator[SqlUnitOfWork]:
        """The sync engine's unit of work on this request's transaction. ORM changes are
        flushed first, so the engine sees them. `savepoint`: the engine's writes are undone
        alone if the block raises (an officer action the state machine refuses), whatever
        the request then commits."""
        from .extensions import db

        conn = self.connection
        db.session.flush()
        nested = conn.begin_nested() if savepoint else None
        try:
            with self.store.using(conn):
                yield self.store
        except BaseException:
            if nested is not None and nested.is_active:
                nested.rollback()
            raise
        if nested is not None:
            nested.commit()

    def write(self) -> None:
        """From here on, write: a read transaction ends and what follows runs in a write
        transaction (on SQLite BEGIN IMMEDIATE). What was read stays loaded, not re-read."""
        if self.writer:
            return
        if self._tx is not None:
            self._end(commit=True, expire=False)
        self.writer = True

    def keep(self) -> None:
        """Commit what is written so far even if the request ends in a refusal (4xx)."""
        self.kept = True

    def release(self) -> None:
        """End the work before a view that runs the engine's own transactions: commit
        (authentication may have slid the session's expiry), and let go of the connection.
        Loaded objects stay readable (detached, not expired)."""
        if self.released:
            return
        from .extensions import db

        db.session.flush()  # what was only added (a slid expiry) begins the transaction now
        if self._tx is not None:
            self._end(commit=True, expire=False)
        db.session.close()
        self._close_connection()
        self.released = True

    # ---- what the hooks call ------------------------------------------------------------
    def finish(self, success: bool) -> None:
        if self.released:
            return
        commit = success or self.kept
        if commit:
            from .extensions import db

            db.session.flush()  # what was only added begins the transaction now
        if self._tx is not None:
            self._end(commit=commit)

    def close(self) -> None:
        try:
            if self._tx is not None:
                self._end(commit=False)
        finally:
            self._unlock()
            self._close_connection()

    def _close_connection(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()


def engine_store() -> SqlUnitOfWork:
    """The app's sync engine unit of work (one per app: it holds no state between
    transactions beyond a catalog cache)."""
    from .applications.store import SqlUnitOfWork
    from .extensions import db

    store = current_app.extensions.get("sync_uow")
    if store is None:
        store = current_app.extensions["sync_uow"] = SqlUnitOfWork(db.engine)
    return store


def request_work() -> RequestWork:
    """This request's unit of work (made at first use)."""
    work = g.get("_request_work")
    if work is None:
        from .extensions import db

        view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
        own = getattr(view, "own_transactions", False)
        writer = request.method not in READ_METHODS and not own
        work = g._request_work = RequestWork(db.engine, engine_store(), writer,
                                             reads_alone=own)
    return work


def active_work() -> RequestWork | None:
    """The request's unit of work if this is a request (the ORM session binds to it)."""
    if not has_request_context():
        return None
    return request_work()


def own_transactions(view):
    """Mark a view that runs the sync engine's own transactions: the request's unit of
    work only authenticates (a read) and is released before the view runs."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        request_work().release()
        return view(*args, **kwargs)

    wrapper.own_transactions = True
    return wrapper


def _after_request(response):
    work = g.get("_request_work")
    if work is not None:
        work.finish(response.status_code < 400)
    return response


def _teardown_request(_exc) -> None:
    from .extensions import db

    work = g.pop("_request_work", None)
    try:
        if work is not None:
            work.close()
    finally:
        db.session.remove()


def init_app(app: Flask) -> None:
    app.after_request(_after_request)
    app.teardown_request(_teardown_request)
