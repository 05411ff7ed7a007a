"""Shared fixtures: an isolated app and database per test, on SQLite and on PostgreSQL.

Database-facing tests take the `app` (or `client`, `runner`) fixture and run once per
backend. PostgreSQL comes from TEST_DATABASE_URL; where it is unset or the server does not
answer, those runs skip and say why. Each test gets its own database, copied from a template
that was migrated and loaded with the demo catalog once per session.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from server import create_app
from server.catalog.loader import load_catalog
from server.config import normalise_database_url
from server.extensions import db

ROOT = Path(__file__).resolve().parent.parent
DEMO_CATALOG = ROOT / "data" / "catalog"
BACKENDS = ("sqlite", "postgresql")


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


def build_database(url: str, instance_dir: Path, catalog: bool = True) -> None:
    app = make_app(url, instance_dir)
    with app.app_context():
        upgrade()
        if catalog:
            load_catalog([DEMO_CATALOG], db.session)
            db.session.commit()
    dispose(app)


class SqliteDatabases:
    name = "sqlite"

    def __init__(self, base: Path):
        self.base = base
        self.template = base / "template.db"
        build_database(self.url(self.template), base / "instance-template")

    @staticmethod
    def url(path: Path) -> str:
        return f"sqlite:///{path}"

    def new(self, empty: bool = False) -> str:
        path = self.base / f"{uuid.uuid4().hex}.db"
        if not empty:
            shutil.copyfile(self.template, path)
        return self.url(path)

    def drop(self, url: str) -> None:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


class PostgresDatabases:
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

    def new(self, empty: bool = False) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:8]}"
        self._create(name, None if empty else self.template_name)
        return self.url(name)

    def drop(self, url: str) -> None:
        name = sa.engine.make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self.drop(self.url(self.template_name))
        self.admin.dispose()


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory):
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgresql_databases(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL: TEST_DATABASE_URL is not set (CI sets it; see README)")
    try:
        dbs = PostgresDatabases(url, tmp_path_factory.mktemp("pg"))
    except sa.exc.OperationalError as exc:
        # Set but silent is a broken CI, not an absent service: fail every PostgreSQL run
        # rather than pass on the SQLite half of the matrix.
        pytest.fail(f"PostgreSQL at TEST_DATABASE_URL={url} does not answer: {exc.orig}",
                    pytrace=False)
    yield dbs
    dbs.close()


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
