"""Shared fixtures: an isolated app and database per test, on SQLite and on PostgreSQL.

Database-facing tests take the `app` (or `client`, `runner`) fixture and run once per
backend. PostgreSQL comes from TEST_DATABASE_URL; where it is unset those runs skip and say
why, where it is set and the server does not answer they fail. Each test starts from the
template's rows: a template is migrated and loaded with the demo catalog once per test process
(the run, or each pytest-xdist worker of `make test`); on
SQLite each test gets a copy of its file, on PostgreSQL one database per test process is put
back to the template's rows after each test (PostgresDatabases says how, and proves it).
"""
from __future__ import annotations

import copy
import functools
import json
import os
import shutil
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from hypothesis import HealthCheck, Phase, settings

from server import create_app
from server.catalog.loader import (CatalogLoadError, catalog_files, load_documents,
                                   read_documents)
from server.config import normalise_database_url
from server.extensions import db

# Hypothesis profiles, chosen with `pytest --hypothesis-profile NAME`: "ci" (the default, what
# `make test` runs), "dev" (a quick look while editing: a tenth of the examples) and "debug"
# (dev, and the first failure reported unshrunk). Tests that need a fixed budget (the OpenAPI
# fuzz) say so in their own @settings.
settings.register_profile(
    "ci", max_examples=100, stateful_step_count=80, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.register_profile("dev", parent=settings.get_profile("ci"), max_examples=10,
                          stateful_step_count=30)
settings.register_profile("debug", parent=settings.get_profile("dev"),
                          phases=(Phase.explicit, Phase.reuse, Phase.generate))
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
DEMO_CATALOG = ROOT / "data" / "catalog"
BACKENDS = ("sqlite", "postgresql")


# One engine per test database per process, shared by every app built on it. An engine keeps
# the SQL it compiled (SQLAlchemy's statement cache lives in the engine, keyed by its
# dialect), and each test building a fresh one compiled its statements again: 14% of an API
# test's time. A test database is reused under the same name (PostgreSQL: put back; SQLite: a
# fresh copy of the template at the same path), so its engine can be too; its pool is emptied
# whenever the database is put back or dropped (`release_engines`), so no connection to the
# previous test's database is ever handed out. Flask-SQLAlchemy makes its engines in
# `_make_engine` (internal): the tests' factory takes its place, for the test process only.
_ENGINES: dict[tuple[str, str], sa.Engine] = {}


def shared_engine(url, **options) -> sa.Engine:
    """The process's engine for this URL and these options (made on first use)."""
    url = sa.engine.make_url(url)
    key = (url.render_as_string(hide_password=False), repr(sorted(options.items())))
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = sa.create_engine(url, **options)
    return engine


def release_engines(database: str, forget: bool = False) -> None:
    """Empty the pools of the engines on `database` (a PostgreSQL name or an SQLite path):
    it is about to be put back or dropped. `forget`: it will not come back."""
    for key, engine in list(_ENGINES.items()):
        if engine.url.database == database:
            engine.dispose()
            if forget:
                del _ENGINES[key]


def _test_make_engine(bind_key, options, app):
    options = dict(options)
    return shared_engine(options.pop("url"), **options)


db._make_engine = _test_make_engine


def make_app(database_url: str, instance_dir: Path, **extra):
    return create_app({
        "NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_DIR": instance_dir,
        "STORAGE_DIR": instance_dir / "storage",
        **extra,
    })


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@functools.cache
def demo_catalog_documents() -> list:
    """The demo catalog's files as read (YAML parsed), once per process: load_catalog's
    first steps. Parsing them was a second of each template's build, and a process builds
    one per database."""
    docs, errors = read_documents(catalog_files([DEMO_CATALOG]))
    if errors:
        raise CatalogLoadError(errors)
    return docs


def build_database(url: str, instance_dir: Path, catalog: bool = True) -> None:
    app = make_app(url, instance_dir)
    with app.app_context():
        upgrade()
        if catalog:
            # load_catalog([DEMO_CATALOG]) from the documents it reads (the same checks and
            # writes); a copy, so no build sees what another's loading may have changed.
            load_documents(copy.deepcopy(demo_catalog_documents()), db.session)
            db.session.commit()
    dispose(app)


class SqliteDatabases:
    name = "sqlite"

    def __init__(self, base: Path):
        self.base = base
        self.template = base / "template.db"
        self._free: list[Path] = []    # paths of dropped copies, for the next one
        self._copies: set[Path] = set()  # copies in use
        build_database(self.url(self.template), base / "instance-template")
        release_engines(str(self.template), forget=True)

    @staticmethod
    def url(path: Path) -> str:
        return f"sqlite:///{path}"

    def new(self, empty: bool = False) -> str:
        """A copy of the template (or an empty file): at a path a dropped copy had, so that
        its engine is reused (shared_engine), else at a new one."""
        if empty:
            return self.url(self.base / f"{uuid.uuid4().hex}.db")
        path = self._free.pop() if self._free else self.base / f"{uuid.uuid4().hex}.db"
        # Copied beside it and renamed into place: a new file (inode), never the old one
        # rewritten under a connection that might still be open on it.
        part = path.with_suffix(".part")
        shutil.copyfile(self.template, part)
        part.replace(path)
        self._copies.add(path)
        return self.url(path)

    def drop(self, url: str) -> None:
        path = Path(url.removeprefix("sqlite:///"))
        release_engines(str(path), forget=path not in self._copies)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if path in self._copies:
            self._copies.discard(path)
            self._free.append(path)


class PostgresDatabases:
    """PostgreSQL databases for one test process (one pytest-xdist worker, or the only one).

    A database is made once from the template (migrated, demo catalog loaded) and then reused:
    `drop` does not drop it but puts it back as the template had it, so the next test gets
    the template's exact rows again. Creating a database per test cost 0.03-0.6 s (more under
    load); putting one back costs a few milliseconds, and nothing when the test only read.

    How a database is put back (`_restore`), each step checked:
    - other sessions on it (a test's leftover engine) are terminated, as DROP ... FORCE did,
      and waited for (`_end_other_sessions`);
    - a snapshot of every table's rows, copied into the schema SNAPSHOT of the template when
      it was built, says what each table held; one query finds the tables whose rows differ
      now (any row for an empty table, an md5 of all rows for the others), checks the
      schema and sets every sequence back to its value in the template;
    - those tables are emptied (with their triggers off: audit_event refuses DELETE) and
      refilled from the snapshot, in one round trip (`_refill_statements`);
    - the same query must then find no difference, and the schema (tables, columns,
      constraints, indexes, triggers, functions of `public`) must be the template's;
      otherwise the database is dropped for real and the next test gets a new copy.
    """

    name = "postgresql"

    def __init__(self, admin_url: str, base: Path):
        self.admin = sa.create_engine(normalise_database_url(admin_url),
                                      isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        with self.admin.connect() as conn:  # raises if the server is not there
            conn.execute(sa.text("SELECT 1"))
        self._drop_leftovers()
        self.prefix = f"sd_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template_name = f"{self.prefix}_tmpl"
        self._create(self.template_name)
        build_database(self.url(self.template_name), base / "instance-template-pg")
        release_engines(self.template_name, forget=True)  # CREATE ... TEMPLATE: no sessions
        self._free: list[str] = []          # put back, ready for the next test
        self._reusable: set[str] = set()    # copies of the template (not the empty ones)
        self._engines: dict[str, sa.Engine] = {}
        self._snapshot()

    def url(self, name: str) -> str:
        return self.admin.url.set(database=name).render_as_string(hide_password=False)

    def _drop_leftovers(self) -> None:
        """Databases of test runs that were killed before their teardown (sd_test_<pid>_...)."""
        with self.admin.connect() as conn:
            names = conn.execute(sa.text(
                "SELECT datname FROM pg_database WHERE datname LIKE 'sd\\_test\\_%'")).scalars()
            for name in list(names):
                pid = name.split("_")[2]
                if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def _create(self, name: str, template: str | None = None) -> None:
        extra = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{extra}'))
            # Commits do not wait for the WAL to reach the disk (4-6 ms each on this machine's
            # disk, 0.4 ms without; the sync property test commits thousands of times). What
            # a committed transaction shows to every other session, and every lock and
            # isolation rule, is unchanged: only a crash of the PostgreSQL server itself could
            # lose the last commits, and no test crashes it. Every session on the database
            # (the app's, gunicorn's, the sync tests') starts with this setting.
            conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))

    def _snapshot(self) -> None:
        """Copy every table of the template into SNAPSHOT and prepare the restore statements."""
        engine = sa.create_engine(normalise_database_url(self.url(self.template_name)),
                                  poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as conn:
                metadata = sa.MetaData()
                metadata.reflect(conn)
                tables = [t.name for t in metadata.sorted_tables]  # parents first
                conn.execute(sa.text(f'CREATE SCHEMA "{SNAPSHOT}"'))
                self._rows_md5: dict[str, str | None] = {}
                for name in tables:
                    conn.execute(sa.text(
                        f'CREATE TABLE "{SNAPSHOT}"."{name}" AS TABLE public."{name}"'))
                    self._rows_md5[name] = conn.execute(sa.text(_rows_md5(SNAPSHOT, name))).scalar()
                self._columns = {name: conn.execute(sa.text(
                    "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) "
                    "FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) AND attnum > 0 "
                    "AND NOT attisdropped AND attgenerated = ''"), {"t": f'public."{name}"'}
                ).scalar() for name in tables}
                sequences = conn.execute(sa.text(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), "
                    "last_value, start_value FROM pg_sequences WHERE schemaname = 'public'")
                ).all()
                self._schema = conn.execute(sa.text(_SCHEMA_FINGERPRINT)).scalar()
                self._superuser = conn.execute(sa.text(
                    "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
        finally:
            engine.dispose()
        self._tables = tables
        # Tables whose foreign keys reach each table (directly or through others).
        referrers: dict[str, set[str]] = {name: set() for name in tables}
        for table in metadata.tables.values():
            for fk in table.foreign_keys:
                referrers[fk.column.table.name].add(table.name)
        self._reach: dict[str, set[str]] = {}
        for name in tables:
            seen, todo = {name}, [name]
            while todo:
                for child in referrers[todo.pop()] - seen:
                    seen.add(child)
                    todo.append(child)
            self._reach[name] = seen
        differs = []
        for name in tables:
            if self._rows_md5[name] is None:
                differs.append(f"""CASE WHEN EXISTS (SELECT FROM public."{name}")
                                   THEN '{name}' END""")
            else:
                differs.append(f"""CASE WHEN ({_rows_md5('public', name)})
                                   IS DISTINCT FROM '{self._rows_md5[name]}' THEN '{name}' END""")
        differs_sql = f"array_remove(ARRAY[{', '.join(differs)}]::text[], NULL)"
        self._differs_sql = sa.text(f"SELECT {differs_sql}")
        # nextval after setval(seq, v, true) gives v + 1, as in the template; a sequence
        # never used there (last_value NULL) starts again at its start value.
        setvals = [f"setval('{seq}', {value}, true)" if value is not None
                   else f"setval('{seq}', {start}, false)" for seq, value, start in sequences]
        # One round trip for the common case: the schema's fingerprint, the tables whose
        # rows differ, and every sequence set back (a sequence moves without any row change:
        # a failed INSERT uses a value). Where the schema differs, the setvals' effect does
        # not matter (the database is dropped), and a setval that fails drops it too.
        self._check_sql = sa.text(
            f"SELECT ({_SCHEMA_FINGERPRINT}) AS schema, {differs_sql} AS differs"
            + "".join(f", {setval}" for setval in setvals))

    def new(self, empty: bool = False) -> str:
        if not empty and self._free:
            return self.url(self._free.pop())
        name = f"{self.prefix}_{uuid.uuid4().hex[:8]}"
        self._create(name, None if empty else self.template_name)
        if not empty:
            self._reusable.add(name)
        return self.url(name)

    def drop(self, url: str) -> None:
        name = sa.engine.make_url(url).database
        release_engines(name)
        if name in self._reusable and self._restore(name):
            self._free.append(name)
            return
        self._drop(name)

    def _drop(self, name: str) -> None:
        release_engines(name, forget=True)
        self._reusable.discard(name)
        engine = self._engines.pop(name, None)
        if engine is not None:
            engine.dispose()
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def _restore(self, name: str) -> bool:
        """Put the database back as the template had it; False where that cannot be shown."""
        if name not in self._engines:
            self._engines[name] = sa.create_engine(
                normalise_database_url(self.url(name)), pool_size=1, max_overflow=0)
        try:
            with self._engines[name].begin() as conn:
                if not self._end_other_sessions(conn):
                    return False
                check = conn.execute(self._check_sql).one()
                if check.schema != self._schema:
                    return False
                differs = set(check.differs)
                if differs:
                    # One round trip (statements without parameters, sent together).
                    conn.exec_driver_sql(";\n".join(self._refill_statements(differs)))
                    if conn.execute(self._differs_sql).scalar():
                        return False
            return True
        except sa.exc.DBAPIError:
            return False

    @staticmethod
    def _end_other_sessions(conn, seconds: float = 10.0) -> bool:
        """Terminate every other session on this database and wait until each has gone.

        Usually the only ones are the test's own connections, closed a moment ago by the
        disposal of its engines, whose server processes are still on their way out.
        pg_terminate_backend(pid, timeout) waited for them in steps of 100 ms (most of a
        test's teardown); polled here every 2 ms, they are gone in one or two polls."""
        pids = conn.execute(sa.text(
            "SELECT coalesce(array_agg(pid), '{}') FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        if pids:  # a statement of its own: in one WHERE, either condition may be tried first
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) pid"),
                         {"pids": pids})
        deadline = time.monotonic() + seconds
        while pids:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
            # pg_stat_activity is read once per transaction unless its snapshot is cleared.
            conn.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
            pids = conn.execute(sa.text(
                "SELECT coalesce(array_agg(pid), '{}') FROM pg_stat_activity "
                "WHERE pid = ANY(:pids)"), {"pids": pids}).scalar()
        return True

    def _refill_statements(self, differs: set[str]) -> list[str]:
        """Empty the tables whose rows differ and refill them from the snapshot.

        Triggers must not fire (audit_event refuses DELETE): a superuser turns them off for
        the transaction and DELETEs only those tables (a few ms): with the triggers off no
        foreign key is checked or cascades, and every other table already holds the
        template's rows, so once these are refilled every reference is the template's.
        Anyone else TRUNCATEs (no row triggers, but new files for every table: 0.1-0.3 s),
        which must take every table whose foreign keys reach them too."""
        if self._superuser:
            redo = [t for t in self._tables if t in differs]
            statements = ["SET LOCAL session_replication_role = replica"]
            statements += [f'DELETE FROM public."{table}"' for table in reversed(redo)]
        else:
            redo = [t for t in self._tables
                    if t in set().union(*(self._reach[name] for name in differs))]
            statements = ["TRUNCATE " + ", ".join(f'public."{table}"' for table in redo)]
        for table in redo:  # parents first
            if self._rows_md5[table] is not None:
                columns = self._columns[table]
                statements.append(
                    f'INSERT INTO public."{table}" ({columns}) OVERRIDING SYSTEM '
                    f'VALUE SELECT {columns} FROM "{SNAPSHOT}"."{table}"')
        return statements

    def close(self) -> None:
        # Each DROP DATABASE waits for a checkpoint (about a second each here, at the end of
        # every test process); sent together, their checkpoint requests are served at once.
        with ThreadPoolExecutor() as pool:
            list(pool.map(self._drop, [*self._reusable, self.template_name]))
        self.admin.dispose()


SNAPSHOT = "sd_test_template_rows"

# What `public` is made of; a test that changed it (DDL) leaves a database that is dropped.
_SCHEMA_FINGERPRINT = """
SELECT md5(concat_ws('|',
  (SELECT string_agg(concat_ws(':', c.oid, c.relname, c.relkind, c.relnatts), ','
                     ORDER BY c.oid)
     FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace),
  (SELECT string_agg(concat_ws(':', a.attrelid, a.attnum, a.atttypid, a.attnotnull,
                               a.attisdropped, a.atthasdef), ',' ORDER BY a.attrelid, a.attnum)
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0),
  (SELECT string_agg(oid::text, ',' ORDER BY oid) FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace),
  (SELECT string_agg(t.oid::text, ',' ORDER BY t.oid) FROM pg_trigger t
     JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace),
  (SELECT string_agg(oid::text, ',' ORDER BY oid) FROM pg_proc
    WHERE pronamespace = 'public'::regnamespace),
  (SELECT string_agg(oid::text, ',' ORDER BY oid) FROM pg_type
    WHERE typnamespace = 'public'::regnamespace)))
"""


def _rows_md5(schema: str, table: str) -> str:
    """An md5 of all the rows of a table, in an order that does not depend on storage."""
    return (f"""SELECT md5(string_agg(r::text, E'\\n' ORDER BY r::text))
                FROM "{schema}"."{table}" r""")


# One database factory per backend per test process (each pytest-xdist worker is one), shared
# by the fixtures below and the sync tests' SQL servers (tests/sync/sql_backends.py), so each
# template is migrated and loaded once per process; closed when the session ends.
_process_databases: dict[str, SqliteDatabases | PostgresDatabases] = {}
_process_folders: list[Path] = []


def process_databases(kind: str) -> SqliteDatabases | PostgresDatabases:
    """This process's factory of `kind` ("sqlite", "postgresql"), made on first use. Without
    TEST_DATABASE_URL the PostgreSQL runs skip; with it set and the server silent they fail."""
    if kind not in _process_databases:
        base = Path(tempfile.mkdtemp(prefix=f"sd-test-{kind}-"))
        _process_folders.append(base)
        if kind == "sqlite":
            _process_databases[kind] = SqliteDatabases(base)
        else:
            url = os.environ.get("TEST_DATABASE_URL")
            if not url:
                pytest.skip("PostgreSQL: TEST_DATABASE_URL is not set (CI sets it; see README)")
            try:
                _process_databases[kind] = PostgresDatabases(url, base)
            except sa.exc.OperationalError as exc:
                # Set but silent is a broken CI, not an absent service: fail every PostgreSQL
                # run rather than pass on the SQLite half of the matrix.
                pytest.fail(f"PostgreSQL at TEST_DATABASE_URL={url} does not answer: "
                            f"{exc.orig}", pytrace=False)
    return _process_databases[kind]


def close_process_databases() -> None:
    while _process_databases:
        dbs = _process_databases.popitem()[1]
        if isinstance(dbs, PostgresDatabases):
            dbs.close()
    while _process_folders:
        shutil.rmtree(_process_folders.pop(), ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_databases():
    yield process_databases("sqlite")
    close_process_databases()


@pytest.fixture(scope="session")
def postgresql_databases():
    yield process_databases("postgresql")
    close_process_databases()


@pytest.fixture(params=BACKENDS)
def databases(request):
    """The database factory for one backend; tests using it run once per backend."""
    return request.getfixturevalue(f"{request.param}_databases")


@pytest.fixture
def database_url(databases):
    url = databases.new()
    yield url
    databases.drop(url)


@pytest.fixture
def app(database_url, tmp_path):
    app = make_app(database_url, tmp_path / "instance")
    yield app
    dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# The order the run's test files are handed out in: `make test` runs pytest-xdist with
# `--dist loadfile --no-loadscope-reorder`, which gives whole files to the workers in
# collection order. Longest first, by the seconds each file took in a whole run (kept in
# tests/durations.json; `--store-durations` updates the files a run took), so that the run
# ends on short files and no worker is left alone with a long one. A browser test spends
# most of its time waiting (on the app's timers, the network, the service worker: about half
# a core) while the others are CPU-bound, so the browser files are spread evenly among the
# rest: the cores stay busy instead of three workers waiting on three browsers at once.
DURATIONS = Path(__file__).with_name("durations.json")
# Files whose cost depends on the test media cache (tests/media/cache.py) count at their cost
# without it, measured on a fresh clone: with it they are quick, and early costs nothing.
COLD_SECONDS = {"tests/media/test_quality_calibration.py": 75.0}
UNKNOWN_FILE_SECONDS = 5.0  # a file not in durations.json yet


def pytest_addoption(parser):
    parser.addoption("--store-durations", action="store_true",
                     help=f"write each test file's seconds in this run to {DURATIONS.name}")


def spread(few: list, many: list) -> list:
    """`few` and `many` merged, each in its own order, `few` at even intervals in `many`."""
    keyed = [((i + 0.5) / len(few), 0, x) for i, x in enumerate(few)]
    keyed += [((j + 0.5) / len(many), 1, x) for j, x in enumerate(many)]
    return [x for *_, x in sorted(keyed, key=lambda k: k[:2])]


def file_order(files: list[str], seconds: dict[str, float]) -> list[str]:
    """Longest first, the browser files spread among the others (ties: collection order)."""
    def longest_first(group):
        return sorted(group, key=lambda f: -seconds.get(f, UNKNOWN_FILE_SECONDS))
    browser = [f for f in files if f.startswith("tests/e2e/")]
    rest = [f for f in files if not f.startswith("tests/e2e/")]
    return spread(longest_first(browser), longest_first(rest))


def pytest_collection_modifyitems(session, config, items):
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    seconds = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
    for path, cold in COLD_SECONDS.items():
        seconds[path] = max(seconds.get(path, 0.0), cold)
    items[:] = [item for f in file_order(list(files), seconds) for item in files[f]]


_RUN_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report):
    """(In the controller under xdist: every worker's reports arrive there.)"""
    path = report.nodeid.split("::", 1)[0]
    _RUN_SECONDS[path] = _RUN_SECONDS.get(path, 0.0) + report.duration


def pytest_sessionfinish(session, exitstatus):
    if (session.config.getoption("--store-durations")
            and not os.environ.get("PYTEST_XDIST_WORKER") and _RUN_SECONDS):
        # Merged into what is there: a run of one folder updates that folder's files only.
        seconds = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
        seconds.update({f: round(s, 1) for f, s in _RUN_SECONDS.items()})
        DURATIONS.write_text(json.dumps(seconds, indent=0, sort_keys=True) + "\n")
