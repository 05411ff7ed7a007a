"""Run every sync test on the SQL unit of work too (SQLite, and PostgreSQL where
TEST_DATABASE_URL is given), beside the in-memory one."""
from __future__ import annotations

import pytest

from .backends import BACKENDS
from .sql_backends import SqlServer, close_all

BACKENDS["sqlite"] = lambda: SqlServer("sqlite")
BACKENDS["postgresql"] = lambda: SqlServer("postgresql")


@pytest.fixture(scope="session", autouse=True)
def _drop_sql_databases():
    yield
    close_all()
