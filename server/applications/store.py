"""The sync engine's unit of work (sync/store.py) in SQL, for SQLite and PostgreSQL.

SQLAlchemy Core on purpose, not the ORM: a push runs many of these small statements inside
the write lock, and Core does the same work in a fraction of the Python time (measured here:
about 4.5 ms of Python per push with the ORM, a third of that or less with Core). Every
method follows the contract written in sync/store.py; read that first.

What keeps a push short (it runs under SQLite's write lock, one at a time):
- The statements of the hot path are built once, with bound parameters (`_STATEMENTS`):
  building a select() and computing its cache key cost more than running it on SQLite.
- Service specs are cached across transactions, keyed by the catalog's version
  (`catalog_meta`, bumped in the same transaction by every `flask catalog load` that changes
  anything): each transaction reads that one row, the first time it asks for a service, and
  so sees a reload at once. The catalog tables have no other writer; one that is added must
  bump the version too.
- `put_application` rewrites the requirement and discrepancy rows, and forgets a tombstone,
  only when what this transaction loaded says they changed (or it loaded nothing); and it
  UPDATEs only the application's columns that changed since this transaction read the row.
- The statements of a mutation run on the driver's cursor (`_Raw`: SQLAlchemy's SQL text
  and column types, compiled once, without its per-execution work), the application with
  its requirement and discrepancy rows in one statement, the client row and the space
  version as UPDATEs (an INSERT ... ON CONFLICT only the first time).
- A push applies its batch in one transaction, each mutation in a `savepoint` (on
  PostgreSQL the previous one's RELEASE and the next SAVEPOINT go in one round trip), so a
  batch has one BEGIN, one client lock and one commit (one disk wait), not one per mutation.
  Inside a transaction, once a citizen's space is locked (`next_version`), the applications
  and the record this transaction read or wrote of that citizen are kept and handed out as
  copies instead of read again (`_keep`: `get_application`, `get_profile`): every writer of a space
  takes that lock first (sync/store.py), so nobody else can change them before the commit.
  A savepoint that rolls back forgets everything kept (the rows it undid, and on PostgreSQL
  the locks it took).
"""
from __future__ import annotations

import copy
import datetime as dt
import fcntl
import threading
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    JSON, bindparam, delete, func, insert, literal_column, select, text, true, type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from sync import domains, workdays
from sync.model import (
    PROFILE_KEYS, Application, ApplicationRequirement, Changes, Client, ClientGroup, Discrepancy,
    Document, DocumentTypeSpec, FieldSpec, JournalEntry, MutationResult, Notification, Profile,
    RequirementSpec, ServiceSpec, Tombstone,
)
from sync.space import local_date

from ..accounts.models import Citizen
from ..audit.models import AuditEvent
from ..extensions import prepare_engine
from ..catalog.calendar import holidays_of
from ..catalog.models import (
    Agency, CatalogMeta, DocumentType, Mpp, Requirement, Service, ServiceField,
)
from . import models as m

T_SPACE = m.Space.__table__
T_GROUP = m.ClientGroup.__table__
T_CLIENT = m.Client.__table__
T_RESULT = m.MutationResult.__table__
T_TOMB = m.Tombstone.__table__
T_REF = m.ReferenceCounter.__table__
T_APP = m.Application.__table__
T_REQ = m.ApplicationRequirement.__table__
T_DISC = m.Discrepancy.__table__
T_DOC = m.Document.__table__
T_NOTE = m.Notification.__table__
T_CITIZEN = Citizen.__table__
T_AUDIT = AuditEvent.__table__
T_CATALOG = CatalogMeta.__table__
JOURNAL_COLUMNS = ["at", "actor_kind", "actor_id", "action", "target_kind", "target_id",
                   "outcome", "details"]


def _dialect_insert(dialect: str):
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


class _Row(dict):
    """A row of a hot statement (_Raw): by column name, as a key or an attribute."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class _Raw:
    """A hot statement run on the driver's own cursor: SQLAlchemy's SQL text and its type
    conversions (UUIDs, JSON, UTC timestamps: the columns' own processors), compiled once
    per dialect and set of parameter names, without the per-execution machinery that cost
    2-3 times what SQLite took to run the statement (profile: bench/README.md, #20).
    Listeners of the engine's before_cursor_execute still see every statement (the tests
    that count statements, bench/common.explain_statements)."""

    def __init__(self, statement, dialect, column_keys: list[str] | None = None):
        compiled = statement.compile(dialect=dialect, column_keys=column_keys)
        self.sql = compiled.string
        self.positional = compiled.positional
        self.names = list(compiled.positiontup) if compiled.positional else list(compiled.binds)
        self.defaults = {name: bind.effective_value for name, bind in compiled.binds.items()
                         if not bind.required and bind.value is not None}
        self.processors = dict(compiled._bind_processors)
        self.dialect = dialect
        self.columns = [column.keyname for column in compiled._result_columns]
        self.types = [column.type for column in compiled._result_columns]
        self._row_processors: list | None = None

    def run(self, conn: Connection, params: dict[str, Any]) -> Any:
        """Execute with `params` (by bind name); the driver's cursor, results unread."""
        values = []
        defaults, processors = self.defaults, self.processors
        for name in self.names:
            value = params[name] if name in params else defaults[name]
            processor = processors.get(name)  # also for None: JSON stores null as 'null'
            values.append(processor(value) if processor is not None else value)
        bound = (None if not values  # no parameters: psycopg's simple query, where a
                 # string may hold several statements
                 else tuple(values) if self.positional else dict(zip(self.names, values)))
        cursor = None
        try:
            cursor = conn.connection.driver_connection.cursor()
            if conn.dispatch.before_cursor_execute:
                conn.dispatch.before_cursor_execute(conn, cursor, self.sql, bound, None, False)
            if bound is None:
                cursor.execute(self.sql)
            else:
                cursor.execute(self.sql, bound)
        except Exception as exc:  # wrapped as SQLAlchemy would (a lost connection too)
            conn._handle_dbapi_exception(exc, self.sql, bound, cursor, None)
        return cursor

    def rows(self, conn: Connection, params: dict[str, Any]) -> list[_Row]:
        cursor = self.run(conn, params)
        fetched = cursor.fetchall()
        processors = self._row_processors
        if processors is None and fetched:
            processors = self._row_processors = [
                type_._cached_result_processor(self.dialect, description[1])
                for type_, description in zip(self.types, cursor.description)]
        cursor.close()
        if not fetched:
            return []
        columns = self.columns
        return [_Row((name, processor(value) if processor is not None else value)
                     for name, processor, value in zip(columns, processors, row))
                for row in fetched]

    def first(self, conn: Connection, params: dict[str, Any]) -> _Row | None:
        rows = self.rows(conn, params)
        return rows[0] if rows else None

    def write(self, conn: Connection, params: dict[str, Any]) -> int:
        cursor = self.run(conn, params)
        count = cursor.rowcount
        cursor.close()
        return count


class _Statements:
    """The hot path's statements, built once per dialect (they differ only in FOR UPDATE and
    the INSERT ... ON CONFLICT flavour), with bound parameters named after their columns."""

    def __init__(self, dialect: str):
        self.dialect = dialect
        self.catalog_key = select(T_CATALOG.c.version, T_CATALOG.c.content_hash).where(
            T_CATALOG.c.id == 1)
        self.group = select(T_GROUP).where(T_GROUP.c.id == bindparam("id"))
        self.lock_client = select(T_CLIENT).where(T_CLIENT.c.id == bindparam("id"))
        # With the catalog's key (what service() reads first in every transaction), so a
        # push's transaction asks for both in one round trip.
        self.lock_bound_client = select(
            T_CLIENT, T_GROUP.c.citizen_id,
            self.catalog_key.with_only_columns(T_CATALOG.c.version).scalar_subquery()
            .label("catalog_version"),
            self.catalog_key.with_only_columns(T_CATALOG.c.content_hash).scalar_subquery()
            .label("catalog_hash"),
        ).join(T_GROUP, T_GROUP.c.id == T_CLIENT.c.client_group_id).where(
            T_CLIENT.c.id == bindparam("id"))
        if dialect == "postgresql":
            self.lock_client = self.lock_client.with_for_update()
            self.lock_bound_client = self.lock_bound_client.with_for_update(of=T_CLIENT)
        self.clients_of_group = select(T_CLIENT).where(
            T_CLIENT.c.client_group_id == bindparam("client_group_id")).order_by(T_CLIENT.c.id)
        self.result = select(T_RESULT).where(T_RESULT.c.client_id == bindparam("client_id"),
                                             T_RESULT.c.mutation_id == bindparam("mutation_id"))
        self.bump_version = (
            _dialect_insert(dialect)(T_SPACE)
            .values(citizen_id=bindparam("citizen_id"), version=1, horizon=0)
            .on_conflict_do_update(index_elements=["citizen_id"],
                                   set_={"version": T_SPACE.c.version + 1})
            .returning(T_SPACE.c.version))
        self.increment_version = (update(T_SPACE)
                                  .where(T_SPACE.c.citizen_id == bindparam("citizen_id"))
                                  .values(version=T_SPACE.c.version + 1)
                                  .returning(T_SPACE.c.version))
        self.update_client = (update(T_CLIENT).where(T_CLIENT.c.id == bindparam("id"))
                              .values(client_group_id=bindparam("client_group_id"),
                                      last_mutation_id=bindparam("last_mutation_id")))
        self.citizen = select(T_CITIZEN).where(T_CITIZEN.c.id == bindparam("id"))
        ids = bindparam("ids", expanding=True)
        self.requirements_of = (select(T_REQ).where(T_REQ.c.application_id.in_(ids))
                                .order_by(T_REQ.c.application_id, T_REQ.c.position))
        self.discrepancies_of = select(T_DISC).where(T_DISC.c.application_id.in_(ids))
        self.delete_requirements = delete(T_REQ).where(T_REQ.c.application_id == bindparam("id"))
        self.delete_discrepancies = delete(T_DISC).where(
            T_DISC.c.application_id == bindparam("id"))
        self.insert_requirements = insert(T_REQ)
        self.insert_discrepancies = insert(T_DISC)
        self.forget_tombstone = delete(T_TOMB).where(T_TOMB.c.citizen_id == bindparam("cid"),
                                                     T_TOMB.c.key == bindparam("key"))
        self.insert_journal = insert(T_AUDIT)
        # One name: savepoints do not nest (UnitOfWork.savepoint).
        self.savepoint = text("SAVEPOINT sync_step")
        self.savepoint_again = text("RELEASE SAVEPOINT sync_step; SAVEPOINT sync_step")
        self.release_savepoint = text("RELEASE SAVEPOINT sync_step")
        self.rollback_to_savepoint = text("ROLLBACK TO SAVEPOINT sync_step")
        self.document = select(T_DOC).where(T_DOC.c.id == bindparam("id"))
        # The application with its requirement and discrepancy rows in one statement: each
        # child table as a JSON array of arrays (a requirement's position first; sorted in
        # Python, as json_group_array has no ORDER BY before SQLite 3.44).
        if dialect == "postgresql":
            def rows_of(*columns):
                return func.coalesce(func.json_agg(func.json_build_array(*columns)),
                                     literal_column("'[]'::json"))
            draft, record = T_DISC.c.draft_value, T_DISC.c.record_value
        else:
            def rows_of(*columns):
                return func.json_group_array(func.json_array(*columns))
            draft, record = func.json(T_DISC.c.draft_value), func.json(T_DISC.c.record_value)
        requirements = (select(rows_of(T_REQ.c.position, T_REQ.c.code, T_REQ.c.document_id,
                                       T_REQ.c.review_status, T_REQ.c.officer_note))
                        .where(T_REQ.c.application_id == T_APP.c.id).scalar_subquery())
        discrepancies = (select(rows_of(T_DISC.c.field, T_DISC.c.profile_key, draft, record))
                         .where(T_DISC.c.application_id == T_APP.c.id).scalar_subquery())
        self.application_whole = select(
            T_APP, type_coerce(requirements, JSON).label("requirement_rows"),
            type_coerce(discrepancies, JSON).label("discrepancy_rows"),
        ).where(T_APP.c.id == bindparam("id"))
        self._upserts: dict = {}

    def upsert(self, table, columns: frozenset[str], keys: tuple[str, ...]):
        """INSERT ... ON CONFLICT (keys) DO UPDATE SET every other given column to the value
        inserted (DO NOTHING when there is none), for rows given as parameters."""
        cache_key = (table.name, columns, keys)
        statement = self._upserts.get(cache_key)
        if statement is None:
            statement = _dialect_insert(self.dialect)(table)
            changed = {c: statement.excluded[c] for c in sorted(columns) if c not in keys}
            if changed:
                statement = statement.on_conflict_do_update(index_elements=list(keys),
                                                            set_=changed)
            else:
                statement = statement.on_conflict_do_nothing(index_elements=list(keys))
            self._upserts[cache_key] = statement
        return statement


_STATEMENTS = {name: _Statements(name) for name in ("sqlite", "postgresql")}
# The hot statements compiled for each engine (its dialect and driver), shared by every unit
# of work over it: a server has one, but a tool or test that makes several units of work on
# one engine (a restart, an app per test) compiles them once.
_RAWS: weakref.WeakKeyDictionary[Engine, dict[Any, _Raw]] = weakref.WeakKeyDictionary()


def _same(a: Any, b: Any) -> bool:
    """Equal as stored: of one type all the way down (1, 1.0 and True are equal in Python,
    not in a JSON column)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _stored_copy(values: dict[str, Any]) -> dict[str, Any]:
    """An application row's values as stored, safe from later changes to the aggregate
    (its JSON columns are mutable)."""
    return {**values, "fields": copy.deepcopy(values["fields"]),
            "pickup": copy.deepcopy(values["pickup"])}


def _json_copy(value: Any) -> Any:
    """A JSON value (dicts, lists, scalars) copied all the way down: faster than deepcopy."""
    if isinstance(value, dict):
        return {key: _json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_copy(item) for item in value]
    return value


def _copy_application(a: Application) -> Application:
    """A detached copy (sync/store.py: reads return copies), made field by field: a kept
    application is copied at every read and write of a batch, and deepcopy costs several
    times this."""
    copied = copy.copy(a)
    copied.fields = _json_copy(a.fields)
    copied.pickup = _json_copy(a.pickup)
    copied.requirements = {code: copy.copy(r) for code, r in a.requirements.items()}
    copied.discrepancies = {key: Discrepancy(d.field, d.profile_key, _json_copy(d.draft_value),
                                             _json_copy(d.record_value))
                            for key, d in a.discrepancies.items()}
    return copied


def _copy_profile(profile: Profile | None) -> Profile | None:
    if profile is None:
        return None
    return Profile(profile.citizen_id, _json_copy(profile.values), set(profile.verified),
                   profile.version)


def _uid(citizen_id: str) -> uuid.UUID:
    return citizen_id if isinstance(citizen_id, uuid.UUID) else uuid.UUID(str(citizen_id))


def bump_space_version(conn: Connection, citizen_id) -> int:
    """Increment a citizen's space version on `conn` and return it (locks the space row to
    commit). Shared by the unit of work and by server code that changes the space outside
    the engine (the profile form), so every change reaches the next pull."""
    return conn.execute(_STATEMENTS[conn.dialect.name].bump_version,
                        {"citizen_id": _uid(citizen_id)}).scalar_one()


class SqlUnitOfWork:
    """One engine's handle on the database. Safe to share between threads: each thread's
    transaction has its own connection; the service cache is shared (see _catalog)."""

    def __init__(self, engine: Engine | Connection):
        if isinstance(engine, Connection):  # a session's bind inside a request
            engine = engine.engine
        self.engine = prepare_engine(engine)
        self.dialect = engine.dialect.name
        self._sql = _STATEMENTS[self.dialect]
        database = engine.url.database if self.dialect == "sqlite" else None
        self._writer_lock_path = (
            f"{database}-writers.lock"
            if database and database != ":memory:" and not database.startswith("file:")
            else None)
        self._local = threading.local()
        # (catalog key, {service code: ServiceSpec}), replaced whole when the key changes.
        self._catalog: tuple[tuple | None, dict[str, ServiceSpec]] = (None, {})
        self._raws = _RAWS.setdefault(engine, {})  # the hot path's statements, compiled

    def _raw(self, key: Any, statement=None, column_keys: list[str] | None = None) -> _Raw:
        """The hot statement `key` (an attribute of _Statements, or any key with the
        statement given), compiled for this engine's dialect and driver once."""
        raw = self._raws.get(key)
        if raw is None:
            if statement is None:
                statement = getattr(self._sql, key)
            raw = self._raws[key] = _Raw(statement, self.engine.dialect, column_keys)
        return raw

    def _raw_upsert(self, table, values: dict, keys: tuple[str, ...]) -> None:
        columns = frozenset(values)
        key = ("upsert", table.name, columns, keys)
        raw = self._raws.get(key) or self._raw(key, self._sql.upsert(table, columns, keys),
                                               sorted(columns))
        raw.write(self.conn, values)

    def _begin_local(self, conn: Connection) -> None:
        """Per-transaction state: the connection; the service specs this transaction has
        looked up (None until the first service() call reads the catalog key); what it
        loaded of each application (for put_application to skip unchanged rows)."""
        local = self._local
        local.conn, local.services = conn, None
        local.savepoint, local.savepoint_made = False, False
        self._forget_kept()

    def _forget_kept(self) -> None:
        """Forget what this transaction read or wrote of the spaces, and which spaces it
        locked (a new transaction; a savepoint rolled back)."""
        local = self._local
        local.loaded, local.rows = {}, {}
        # Citizens whose space this transaction locked (next_version); the applications
        # (by id) and records (by citizen) of those spaces as last read or written.
        local.locked, local.applications, local.profiles = set(), {}, {}

    def _end_local(self) -> None:
        self._local.conn, self._local.services = None, None
        self._forget_kept()

    # ---- transactions ------------------------------------------------------------------
    @property
    def conn(self) -> Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            raise RuntimeError("unit of work used outside transaction() or snapshot()")
        return conn

    @contextmanager
    def _open(self, read_only: bool = False, **options) -> Iterator[None]:
        if getattr(self._local, "conn", None) is not None:
            raise RuntimeError("transactions do not nest")
        with self.engine.connect() as conn:
            conn = conn.execution_options(**options) if options else conn
            self._begin_local(conn)
            sqlite_read_only = read_only and self.dialect == "sqlite"
            try:
                if sqlite_read_only:  # a write inside a snapshot is a bug: make it fail
                    # On the driver's connection: through SQLAlchemy it would open a transaction.
                    conn.connection.driver_connection.execute("PRAGMA query_only = ON")
                with conn.begin():
                    yield
            finally:
                self._end_local()
                if sqlite_read_only:
                    conn.connection.driver_connection.execute("PRAGMA query_only = OFF")

    @contextmanager
    def using(self, conn: Connection) -> Iterator[None]:
        """Work inside a transaction someone else opened on `conn` (the request's session,
        for data export and erasure); committing stays theirs."""
        if getattr(self._local, "conn", None) is not None:
            raise RuntimeError("transactions do not nest")
        self._begin_local(conn)
        try:
            yield
        finally:
            self._end_local()

    def transaction(self):
        """See UnitOfWork.transaction."""
        if self.dialect == "sqlite":
            return self._sqlite_write()
        return self._open()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """See UnitOfWork.savepoint. PostgreSQL: the previous savepoint is released only when
        the next one is made, in the same round trip (a savepoint left at the commit just
        commits); SQLite's savepoints cost no round trip, so each is released at its end."""
        local = self._local
        conn = self.conn
        if local.savepoint:
            raise RuntimeError("savepoints do not nest")
        postgresql = self.dialect == "postgresql"
        self._raw("savepoint_again" if postgresql and local.savepoint_made
                  else "savepoint").write(conn, {})
        local.savepoint = local.savepoint_made = True
        try:
            yield
        except BaseException:
            self._raw("rollback_to_savepoint").write(conn, {})
            self._forget_kept()
            raise
        else:
            if not postgresql:
                self._raw("release_savepoint").write(conn, {})
        finally:
            local.savepoint = False

    @contextmanager
    def _sqlite_write(self) -> Iterator[None]:
        """BEGIN IMMEDIATE, after taking the writers' file lock (_writer_lock_path)."""
        if getattr(self._local, "conn", None) is not None:  # before locking: never twice
            raise RuntimeError("transactions do not nest")
        locked = self.lock_writers()
        try:
            with self._open(sqlite_begin="IMMEDIATE"):
                yield
        finally:
            if locked:
                self.unlock_writers()

    def lock_writers(self) -> bool:
        """Queue on the writers' file lock (SQLite; see _writer_lock); True if taken. The
        request's unit of work takes it too before its BEGIN IMMEDIATE, so every writer of
        the process and of the machine waits in one queue."""
        lock = self._writer_lock()
        if lock is None:
            return False
        fcntl.flock(lock, fcntl.LOCK_EX)
        return True

    def unlock_writers(self) -> None:
        fcntl.flock(self._writer_lock(), fcntl.LOCK_UN)

    def _writer_lock(self):
        """This thread's handle on the writers' lock file, or None (an in-memory database,
        or a lock file that cannot be made: then SQLite's busy timeout alone orders writers).

        Why: SQLite gives its write lock to one connection; the others poll for it, sleeping
        1, 2, 5, 10 ... up to 100 ms between tries (the busy handler), so under contention a
        waiting push sleeps long after the lock is free, and p99 grows. Writers of this unit
        of work first queue on an flock() of one file next to the database, which the kernel
        hands over the moment it is released, in every process of the machine. SQLite's own
        lock still decides correctness; other writers (the ORM, the push worker) keep
        waiting on the busy timeout as before."""
        local = self._local
        handle = getattr(local, "writer_lock", None)
        if handle is None and self._writer_lock_path is not None:
            try:  # one open file per thread: flock excludes other threads of the process too
                handle = local.writer_lock = open(self._writer_lock_path, "ab")  # noqa: SIM115
            except OSError:
                self._writer_lock_path = None
        return handle

    def snapshot(self):
        if self.dialect == "postgresql":
            return self._open(read_only=True, isolation_level="REPEATABLE READ",
                              postgresql_readonly=True)
        return self._open(read_only=True)  # one deferred BEGIN: a WAL read snapshot

    def _upsert(self, table, values: dict, keys: list[str]) -> None:
        self.conn.execute(self._sql.upsert(table, frozenset(values), tuple(keys)), values)

    # ---- catalog -----------------------------------------------------------------------
    def _catalog_key(self) -> tuple | None:
        """What identifies the catalog's content: its version and hash (None before any
        load)."""
        row = self._raw("catalog_key").first(self.conn, {})
        return None if row is None else (row.version, row.content_hash)

    def service(self, code: str) -> ServiceSpec | None:
        local = self._local
        if getattr(local, "services", None) is None:  # the first call of this transaction
            local.catalog_key = self._catalog_key()  # (raises outside a transaction)
            local.services = {}
        if code in local.services:
            return local.services[code]
        key, shared = self._catalog
        spec = shared.get(code) if key is not None and key == local.catalog_key else None
        if spec is None:
            spec = self._load_service(code)
            # Shared only if it is the content of this key: under READ COMMITTED a load may
            # have committed between reading the key and the spec (read the key again), and
            # a service that does not exist yet is not remembered beyond this transaction.
            if (spec is not None and local.catalog_key is not None
                    and self._catalog_key() == local.catalog_key):
                key, shared = self._catalog
                if key != local.catalog_key:
                    shared = {}
                    self._catalog = (local.catalog_key, shared)
                shared[code] = spec
        local.services[code] = spec
        return spec

    def _load_service(self, code: str) -> ServiceSpec | None:
        conn = self.conn
        row = conn.execute(
            select(Service.id, Service.code, Service.active, Service.sla_days, Mpp.ref_prefix,
                   Mpp.code.label("mpp"), Agency.code.label("agency"))
            .join(Agency, Agency.id == Service.agency_id).join(Mpp, Mpp.id == Agency.mpp_id)
            .where(Service.code == code)).first()
        spec = None
        if row is not None:
            fields = tuple(
                FieldSpec(key=f.key, type=f.type, required=f.required, profile_key=f.profile_key,
                          validation=f.validation or {})
                for f in conn.execute(select(ServiceField).where(
                    ServiceField.service_id == row.id).order_by(ServiceField.position)))
            requirements = tuple(
                RequirementSpec(code=r.code, document_type=r.document_type, required=r.required,
                                formats=tuple(r.formats))
                for r in conn.execute(select(Requirement).where(
                    Requirement.service_id == row.id).order_by(Requirement.position)))
            spec = ServiceSpec(code=row.code, ref_prefix=row.ref_prefix, fields=fields,
                               requirements=requirements, mpp_code=row.mpp,
                               agency_code=row.agency, active=row.active,
                               sla_days=row.sla_days, holidays=holidays_of(conn, row.mpp))
        return spec

    def document_type(self, code: str) -> DocumentTypeSpec | None:
        row = self.conn.execute(select(DocumentType.code, DocumentType.validity_days)
                                .where(DocumentType.code == code)).first()
        return DocumentTypeSpec(row.code, row.validity_days) if row else None

    # ---- client identity ---------------------------------------------------------------
    def get_client_group(self, client_group_id: str) -> ClientGroup | None:
        row = self._raw("group").first(self.conn, {"id": client_group_id})
        return ClientGroup(row.id, str(row.citizen_id)) if row else None

    def put_client_group(self, group: ClientGroup) -> None:
        self.conn.execute(insert(T_GROUP).values(id=group.id, citizen_id=_uid(group.citizen_id)))

    def _insert_if_absent(self, table, values: dict, keys: list[str]) -> None:
        self.conn.execute(_dialect_insert(self.dialect)(table).values(**values)
                          .on_conflict_do_nothing(index_elements=keys))

    def add_client_group(self, group: ClientGroup) -> None:
        self._insert_if_absent(T_GROUP, {"id": group.id, "citizen_id": _uid(group.citizen_id)},
                               ["id"])

    def add_client(self, client: Client) -> None:
        self._insert_if_absent(T_CLIENT, {"id": client.id,
                                          "client_group_id": client.client_group_id,
                                          "last_mutation_id": client.last_mutation_id}, ["id"])

    def lock_client(self, client_id: str) -> Client | None:
        row = self._raw("lock_client").first(self.conn, {"id": client_id})
        return Client(row.id, row.client_group_id, row.last_mutation_id) if row else None

    def lock_bound_client(self, client_id: str) -> tuple[Client, str] | None:
        row = self._raw("lock_bound_client").first(self.conn, {"id": client_id})
        if row is None:
            return None
        local = self._local
        if local.services is None:  # as service() would read it first (see there)
            local.catalog_key = (None if row.catalog_version is None
                                 else (row.catalog_version, row.catalog_hash))
            local.services = {}
        return (Client(row.id, row.client_group_id, row.last_mutation_id),
                str(row.citizen_id))

    def put_client(self, client: Client) -> None:
        values = {"id": client.id, "client_group_id": client.client_group_id,
                  "last_mutation_id": client.last_mutation_id}
        # An UPDATE of the row push locked: cheaper than INSERT ... ON CONFLICT (SQLite
        # tries the insert, and its indexes, first).
        if self._raw("update_client").write(self.conn, values) != 1:
            self._raw_upsert(T_CLIENT, values, ("id",))

    def clients_of_group(self, client_group_id: str) -> list[Client]:
        rows = self.conn.execute(self._sql.clients_of_group,
                                 {"client_group_id": client_group_id})
        return [Client(r.id, r.client_group_id, r.last_mutation_id) for r in rows]

    # ---- stored results ----------------------------------------------------------------
    def get_result(self, client_id: str, mutation_id: int) -> MutationResult | None:
        row = self.conn.execute(self._sql.result, {"client_id": client_id,
                                                   "mutation_id": mutation_id}).first()
        return self._result(row) if row else None

    @staticmethod
    def _result(row) -> MutationResult:
        return MutationResult(client_id=row.client_id, mutation_id=row.mutation_id,
                              citizen_id=str(row.citizen_id), name=row.name, error=row.error,
                              version=row.version, status=row.status)

    def put_result(self, result: MutationResult) -> None:
        self._upsert(T_RESULT, {
            "client_id": result.client_id, "mutation_id": result.mutation_id,
            "citizen_id": _uid(result.citizen_id), "name": result.name, "status": result.status,
            "error": result.error, "version": result.version}, ["client_id", "mutation_id"])

    # ---- versions ----------------------------------------------------------------------
    def next_version(self, citizen_id: str) -> int:
        # The space row exists after the citizen's first write: UPDATE ... RETURNING, and
        # the INSERT ... ON CONFLICT only for the first.
        params = {"citizen_id": _uid(citizen_id)}
        row = self._raw("increment_version").first(self.conn, params)
        if row is None:
            row = self._raw("bump_version").first(self.conn, params)
        self._local.locked.add(citizen_id)
        return row.version

    def space_version(self, citizen_id: str) -> int:
        return self.conn.execute(select(T_SPACE.c.version).where(
            T_SPACE.c.citizen_id == _uid(citizen_id))).scalar() or 0

    def horizon(self, citizen_id: str) -> int:
        return self.conn.execute(select(T_SPACE.c.horizon).where(
            T_SPACE.c.citizen_id == _uid(citizen_id))).scalar() or 0

    def purge_tombstones(self, citizen_id: str, upto_version: int) -> int:
        """Delete tombstones with version <= upto_version and raise the horizon to it."""
        cid = _uid(citizen_id)
        deleted = self.conn.execute(delete(T_TOMB).where(
            T_TOMB.c.citizen_id == cid, T_TOMB.c.version <= upto_version)).rowcount
        self.conn.execute(update(T_SPACE).where(T_SPACE.c.citizen_id == cid,
                                                T_SPACE.c.horizon < upto_version)
                          .values(horizon=upto_version))
        return deleted

    def changes_since(self, citizen_id: str, after: int) -> Changes:
        cid, conn = _uid(citizen_id), self.conn
        changes = Changes()
        # after=0 is the whole space: the profile too, even if it never changed since sign-up.
        citizen = conn.execute(select(T_CITIZEN).where(
            T_CITIZEN.c.id == cid, T_CITIZEN.c.version > after if after else true())).first()
        if citizen is not None:
            changes.profile = self._profile(citizen)  # None while the record is empty
        apps = conn.execute(select(T_APP).where(T_APP.c.citizen_id == cid,
                                                T_APP.c.version > after)).all()
        changes.applications = self._applications(apps)
        changes.documents = [self._document(r) for r in conn.execute(select(T_DOC).where(
            T_DOC.c.citizen_id == cid, T_DOC.c.version > after))]
        changes.notifications = [self._notification(r) for r in conn.execute(select(T_NOTE).where(
            T_NOTE.c.citizen_id == cid, T_NOTE.c.version > after))]
        changes.results = [self._result(r) for r in conn.execute(select(T_RESULT).where(
            T_RESULT.c.citizen_id == cid, T_RESULT.c.version > after))]
        changes.tombstones = [Tombstone(str(r.citizen_id), r.key, r.version)
                              for r in conn.execute(select(T_TOMB).where(
                                  T_TOMB.c.citizen_id == cid, T_TOMB.c.version > after))]
        from ..visits.operations import space_visits  # the visits domain owns bookings

        changes.visits = space_visits(conn, cid, after)
        changes.entries = domains.space_entries("sql", self, citizen_id, after)
        return changes

    def port(self, domain: str) -> Any:
        """A domain's storage on this transaction's connection (sync/domains.py)."""
        return domains.port("sql", domain, self)

    # ---- profile -----------------------------------------------------------------------
    @staticmethod
    def _profile(row) -> Profile | None:
        """The record, or None for an account whose record was never written and is empty."""
        values = {}
        for key in PROFILE_KEYS:
            value = getattr(row, key)
            if value is None:
                continue
            # Form values travel as text; the record's date is compared as ISO text too.
            values[key] = value.isoformat() if isinstance(value, dt.date) else value
        if not values and not row.verified_keys and not row.version:
            return None
        return Profile(citizen_id=str(row.id), values=values,
                       verified=set(row.verified_keys or []), version=row.version)

    def get_profile(self, citizen_id: str) -> Profile | None:
        local = self._local
        if citizen_id in local.locked and citizen_id in local.profiles:
            return _copy_profile(local.profiles[citizen_id])
        row = self._raw("citizen").first(self.conn, {"id": _uid(citizen_id)})
        profile = self._profile(row) if row is not None else None  # None if empty
        if citizen_id in local.locked:
            local.profiles[citizen_id] = _copy_profile(profile)
        return profile

    def put_profile(self, profile: Profile) -> None:
        values: dict[str, Any] = {key: profile.values.get(key) for key in PROFILE_KEYS}
        if isinstance(values.get("birth_date"), str):
            values["birth_date"] = dt.date.fromisoformat(values["birth_date"])
        values["verified_keys"] = sorted(profile.verified)
        values["version"] = profile.version
        result = self.conn.execute(update(T_CITIZEN).where(
            T_CITIZEN.c.id == _uid(profile.citizen_id)).values(**values))
        if result.rowcount != 1:
            raise LookupError(f"no citizen {profile.citizen_id}")
        # Read again when asked: the record as stored (a date as ISO text, no empty keys)
        # is not always the object that was put.
        self._local.profiles.pop(profile.citizen_id, None)

    # ---- applications ------------------------------------------------------------------
    def _applications(self, rows) -> list[Application]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        requirements: dict[str, dict[str, ApplicationRequirement]] = {i: {} for i in ids}
        for r in self.conn.execute(self._sql.requirements_of, {"ids": ids}):
            requirements[r.application_id][r.code] = ApplicationRequirement(
                r.code, r.document_id, r.review_status, r.officer_note)
        discrepancies: dict[str, dict[str, Discrepancy]] = {i: {} for i in ids}
        for d in self.conn.execute(self._sql.discrepancies_of, {"ids": ids}):
            discrepancies[d.application_id][d.field] = Discrepancy(
                d.field, d.profile_key, d.draft_value, d.record_value)
        loaded = self._local.loaded
        for i in ids:
            loaded[i] = self._child_rows(requirements[i], discrepancies[i])
        return [self._application(r, requirements[r.id], discrepancies[r.id]) for r in rows]

    @staticmethod
    def _application(r, requirements: dict[str, ApplicationRequirement],
                     discrepancies: dict[str, Discrepancy]) -> Application:
        return Application(
            id=r.id, citizen_id=str(r.citizen_id), service_code=r.service_code, state=r.state,
            created_at=r.created_at, updated_at=r.updated_at,
            fields=dict(r.fields or {}),
            requirements=requirements, discrepancies=discrepancies,
            reference=r.reference, submitted_at=r.submitted_at,
            officer_note=r.officer_note, reviewer_id=r.reviewer_id,
            review_started_at=r.review_started_at,
            pickup=r.pickup, ticket_code=r.ticket_code,
            version=r.version)

    @staticmethod
    def _child_rows(requirements: dict[str, ApplicationRequirement],
                    discrepancies: dict[str, Discrepancy]) -> tuple[tuple, dict]:
        """An application's requirement rows (in order: the order is their position) and
        discrepancy rows as plain values, to compare what is put with what was loaded.
        Values are compared by repr: 1, 1.0 and True are equal in Python but not in JSON."""
        return (tuple((code, r.document_id, r.review_status, r.officer_note)
                      for code, r in requirements.items()),
                {key: (d.field, d.profile_key, repr(d.draft_value), repr(d.record_value))
                 for key, d in discrepancies.items()})

    def _keep(self, kept: dict, key: str, citizen_id: str, value: Any) -> None:
        """Keep `value` (a copy) for this transaction if it holds the citizen's space lock;
        else forget any older copy."""
        if citizen_id in self._local.locked:
            kept[key] = value
        else:
            kept.pop(key, None)

    def get_application(self, application_id: str) -> Application | None:
        local = self._local
        kept = local.applications.get(application_id)
        if kept is not None and kept.citizen_id in local.locked:
            return _copy_application(kept)
        row = self._raw("application_whole").first(self.conn, {"id": application_id})
        if row is None:
            return None
        requirements = {code: ApplicationRequirement(code, document_id, status, note)
                        for _, code, document_id, status, note
                        in sorted(row.requirement_rows, key=lambda r: r[0])}
        discrepancies = {field: Discrepancy(field, key, draft, record)
                         for field, key, draft, record in row.discrepancy_rows}
        local.loaded[row.id] = self._child_rows(requirements, discrepancies)
        local.rows[row.id] = _stored_copy(row)
        application = self._application(row, requirements, discrepancies)
        self._keep(local.applications, application.id, application.citizen_id,
                   _copy_application(application))
        return application

    def put_application(self, application: Application) -> None:
        conn = self.conn
        self._write_application_row({
            "id": application.id, "citizen_id": _uid(application.citizen_id),
            "service_code": application.service_code, "state": application.state,
            "created_at": application.created_at,
            "updated_at": application.updated_at,
            "fields": application.fields, "reference": application.reference,
            "submitted_at": application.submitted_at,
            "officer_note": application.officer_note,
            "reviewer_id": application.reviewer_id,
            "review_started_at": application.review_started_at,
            "pickup": application.pickup, "ticket_code": application.ticket_code,
            **self._queue_keys(application),
            "version": application.version})
        # What this transaction last loaded or wrote of the application's child rows; None
        # if nothing (then the rows may be anything, and a tombstone may exist).
        loaded = self._local.loaded
        before = loaded.get(application.id)
        now = self._child_rows(application.requirements, application.discrepancies)
        sql = self._sql
        if before is None or before[0] != now[0]:
            conn.execute(sql.delete_requirements, {"id": application.id})
            if application.requirements:
                conn.execute(sql.insert_requirements, [
                    {"application_id": application.id, "code": code, "position": position,
                     "document_id": row.document_id, "review_status": row.review_status,
                     "officer_note": row.officer_note}
                    for position, (code, row) in enumerate(application.requirements.items())])
        if before is None or before[1] != now[1]:
            conn.execute(sql.delete_discrepancies, {"id": application.id})
            if application.discrepancies:
                conn.execute(sql.insert_discrepancies, [
                    {"application_id": application.id, "field": d.field,
                     "profile_key": d.profile_key, "draft_value": d.draft_value,
                     "record_value": d.record_value}
                    for d in application.discrepancies.values()])
        if before is None:  # a row loaded in this transaction exists, so has no tombstone
            self._forget_tombstone(application.citizen_id, f"application/{application.id}")
        loaded[application.id] = now
        self._keep(self._local.applications, application.id, application.citizen_id,
                   _copy_application(application))
        if application.state == "completed":  # the survey's population (counted once)
            from ..survey.store import record_completion

            record_completion(conn, application)

    def _write_application_row(self, values: dict[str, Any]) -> None:
        """UPDATE only the columns that changed since this transaction read or wrote the
        row (a set_fields: fields, updated_at, version), so SQLite maintains one index of
        the nine and checks no foreign key; the whole row's upsert when it has no copy."""
        rows = self._local.rows
        before = rows.get(values["id"])
        changed = (None if before is None else
                   tuple(sorted(key for key, value in values.items()
                                if key != "id" and not _same(before[key], value))))
        if changed is None or (changed and self._update_application(changed).write(
                self.conn, {**values, "application_id": values["id"]}) != 1):
            self._raw_upsert(T_APP, values, ("id",))
        rows[values["id"]] = _stored_copy(values)

    def _update_application(self, columns: tuple[str, ...]) -> _Raw:
        raw = self._raws.get(("update_application", columns))
        if raw is None:
            raw = self._raw(("update_application", columns), update(T_APP).where(
                T_APP.c.id == bindparam("application_id")).values(
                    {key: bindparam(key) for key in columns}))
        return raw

    def _queue_keys(self, application: Application) -> dict[str, Any]:
        """The columns the officer queue orders and searches by, derived here so that every
        write keeps them right: the SLA due date (working days from the latest submit, in
        WIB) and the applicant's NIK (the form field with profile_key nik)."""
        service = self.service(application.service_code)
        due_on = nik = None
        # Submitted once, the due date is the one of the standard it was submitted under: a
        # later publication of the catalog (another SLA) does not move it. Computed again only
        # when the submission time changes (a resubmission after a revision).
        stored = self._local.rows.get(application.id)
        if (stored is not None and application.submitted_at is not None
                and stored.get("due_on") is not None
                and _same(stored["submitted_at"], application.submitted_at)):
            due_on = stored["due_on"]
        if service is not None:
            if due_on is None and application.submitted_at is not None \
                    and service.sla_days is not None:
                due_on = workdays.due_date(local_date(application.submitted_at),
                                           service.sla_days, service.holidays)
            field = service.field_with_profile_key("nik")
            value = application.fields.get(field.key) if field is not None else None
            nik = value if isinstance(value, str) and len(value) <= 16 else None
        return {"due_on": due_on, "applicant_nik": nik}

    def delete_application(self, application_id: str) -> None:
        conn = self.conn
        self._local.loaded.pop(application_id, None)
        self._local.rows.pop(application_id, None)
        self._local.applications.pop(application_id, None)
        conn.execute(self._sql.delete_requirements, {"id": application_id})
        conn.execute(self._sql.delete_discrepancies, {"id": application_id})
        conn.execute(delete(T_APP).where(T_APP.c.id == application_id))

    def applications_of(self, citizen_id: str) -> list[Application]:
        rows = self.conn.execute(select(T_APP).where(T_APP.c.citizen_id == _uid(citizen_id))
                                 .order_by(T_APP.c.created_at, T_APP.c.id)).all()
        return self._applications(rows)

    def next_reference(self, ref_prefix: str, year: int) -> int:
        statement = (_dialect_insert(self.dialect)(T_REF)
                     .values(ref_prefix=ref_prefix, year=year, last=1)
                     .on_conflict_do_update(index_elements=["ref_prefix", "year"],
                                            set_={"last": T_REF.c.last + 1})
                     .returning(T_REF.c.last))
        return self.conn.execute(statement).scalar_one()

    # ---- documents, notifications, tombstones, journal ---------------------------------
    @staticmethod
    def _document(r) -> Document:
        return Document(id=r.id, citizen_id=str(r.citizen_id), status=r.status,
                        created_at=r.created_at, document_type=r.document_type,
                        content_type=r.content_type, size=r.size, sha256=r.sha256,
                        reason=r.reason, source=r.source, verified_at=r.verified_at,
                        expires_on=r.expires_on, version=r.version)

    def get_document(self, document_id: str) -> Document | None:
        row = self.conn.execute(self._sql.document, {"id": document_id}).first()
        return self._document(row) if row else None

    def put_document(self, document: Document) -> None:
        self._upsert(T_DOC, {
            "id": document.id, "citizen_id": _uid(document.citizen_id),
            "status": document.status, "created_at": document.created_at,
            "document_type": document.document_type, "content_type": document.content_type,
            "size": document.size, "sha256": document.sha256, "reason": document.reason,
            "source": document.source, "verified_at": document.verified_at,
            "expires_on": document.expires_on, "version": document.version}, ["id"])
        self._forget_tombstone(document.citizen_id, f"document/{document.id}")

    @staticmethod
    def _notification(r) -> Notification:
        return Notification(id=r.id, citizen_id=str(r.citizen_id), kind=r.kind,
                            created_at=r.created_at,
                            application_id=r.application_id,
                            data=dict(r.data or {}), version=r.version)

    def put_notification(self, notification: Notification) -> None:
        self._upsert(T_NOTE, {
            "id": notification.id, "citizen_id": _uid(notification.citizen_id),
            "kind": notification.kind, "created_at": notification.created_at,
            "application_id": notification.application_id, "data": notification.data,
            "version": notification.version}, ["id"])

    def put_tombstone(self, tombstone: Tombstone) -> None:
        self._upsert(T_TOMB, {"citizen_id": _uid(tombstone.citizen_id), "key": tombstone.key,
                              "version": tombstone.version}, ["citizen_id", "key"])

    def _forget_tombstone(self, citizen_id: str, key: str) -> None:
        self.conn.execute(self._sql.forget_tombstone, {"cid": _uid(citizen_id), "key": key})

    def add_journal(self, entry: JournalEntry) -> None:
        """The engine's journal is the audit log: one append-only trail for everything."""
        self._raw("insert_journal", column_keys=JOURNAL_COLUMNS).write(self.conn, dict(
            at=entry.at, actor_kind=entry.actor, actor_id=entry.actor_id,
            action=f"sync.{entry.action}",
            target_kind="application" if entry.application_id else "citizen",
            target_id=entry.application_id or entry.citizen_id, outcome="ok",
            details={"version": entry.version, "citizen_id": entry.citizen_id,
                     "client_id": entry.client_id, "mutation_id": entry.mutation_id,
                     **entry.detail}))

    def journal_entries(self) -> list[JournalEntry]:
        """Every journal entry, oldest first (tests compare it with the memory store's)."""
        rows = self.conn.execute(select(T_AUDIT).where(T_AUDIT.c.action.like("sync.%"))
                                 .order_by(T_AUDIT.c.id))
        out = []
        for r in rows:
            detail = dict(r.details)
            out.append(JournalEntry(
                citizen_id=detail.pop("citizen_id"), version=detail.pop("version"),
                at=r.at,
                actor=r.actor_kind, actor_id=r.actor_id, action=r.action[len("sync."):],
                application_id=r.target_id if r.target_kind == "application" else None,
                client_id=detail.pop("client_id"), mutation_id=detail.pop("mutation_id"),
                detail=detail))
        return out



