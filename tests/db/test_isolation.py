"""What one test writes, the next test never sees: the database a test gets always holds
exactly the template's rows (tests/conftest.py). On PostgreSQL the same database is reused
and put back after each test, so these tests check the put-back against a fresh copy of the
template, after writes to every table, sequence advances, schema changes and a session the
test left open."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.config import normalise_database_url
from tests.conftest import dispose, make_app


def engine_for(url: str) -> sa.Engine:
    return sa.create_engine(normalise_database_url(url), poolclass=sa.pool.NullPool)


def contents(url: str) -> dict:
    """Every row of every table (in a storage-independent order), and every sequence."""
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            metadata = sa.MetaData()
            metadata.reflect(conn)
            found = {table.name: sorted(map(repr, conn.execute(sa.select(table)).all()))
                     for table in metadata.sorted_tables}
            if conn.dialect.name == "postgresql":
                found["(sequences)"] = conn.execute(sa.text(
                    "SELECT sequencename, last_value FROM pg_sequences "
                    "WHERE schemaname = 'public' ORDER BY 1")).all()
            return found
    finally:
        engine.dispose()


def write_everywhere(url: str) -> None:
    """Empty every table (children first), add a row, change a kept row, use every sequence."""
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            metadata = sa.MetaData()
            metadata.reflect(conn)
            conn.execute(sa.text("UPDATE service SET name_en = 'changed by a test'"))
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
            conn.execute(sa.text(
                "INSERT INTO alembic_version (version_num) VALUES ('not-a-revision')"))
            if conn.dialect.name == "postgresql":
                for name in conn.execute(sa.text(
                        "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
                        ).scalars():
                    conn.execute(sa.text(f"SELECT nextval('{name}')"))
    finally:
        engine.dispose()


def add_audited_rows(url: str, instance) -> None:
    """An officer made through the CLI: an officer row and an audit_event row (a table whose
    trigger refuses DELETE: the put-back must still empty it)."""
    app = make_app(url, instance)
    try:
        result = app.test_cli_runner().invoke(args=[
            "accounts", "create-officer", "--username", "isolation", "--full-name", "Isolation",
            "--role", "admin", "--password", "kata-sandi-panjang-1"])
        assert result.exit_code == 0, result.output
    finally:
        dispose(app)


def writes_are_gone_for_the_next_test(databases, tmp_path) -> None:
    template = databases.new()
    fresh = contents(template)
    assert fresh["service"] and fresh["alembic_version"], "the template holds the catalog"
    databases.drop(template)

    used = databases.new()
    write_everywhere(used)
    changed = contents(used)
    assert all(rows == [] for name, rows in changed.items()
               if name not in ("alembic_version", "(sequences)"))
    add_audited_rows(used, tmp_path / "instance")
    assert contents(used)["audit_event"]
    databases.drop(used)

    after = databases.new()
    if databases.name == "postgresql":
        assert after == used, "PostgreSQL reuses the database it put back"
    try:
        assert contents(after) == fresh
    finally:
        databases.drop(after)


def test_the_next_test_gets_the_templates_rows_after_writes_everywhere(databases, tmp_path):
    writes_are_gone_for_the_next_test(databases, tmp_path)


def test_the_put_back_works_without_superuser_rights(postgresql_databases, tmp_path,
                                                     monkeypatch):
    """Where the test role is no superuser (triggers cannot be turned off), it TRUNCATEs."""
    monkeypatch.setattr(postgresql_databases, "_superuser", False)
    writes_are_gone_for_the_next_test(postgresql_databases, tmp_path)


def test_a_session_left_open_neither_blocks_nor_survives_the_put_back(postgresql_databases):
    dbs = postgresql_databases
    url = dbs.new()
    engine = engine_for(url)
    conn = engine.connect()
    conn.execute(sa.text("LOCK TABLE citizen IN ACCESS EXCLUSIVE MODE"))
    conn.execute(sa.text("DELETE FROM requirement"))  # uncommitted: the test ended mid-way
    try:
        dbs.drop(url)
        with pytest.raises(sa.exc.OperationalError):  # the server closed that session
            conn.execute(sa.text("SELECT 1"))
    finally:
        conn.invalidate()
        engine.dispose()
    again = dbs.new()
    try:
        assert again == url
        assert contents(again)["requirement"], "the rolled-back delete left the rows"
    finally:
        dbs.drop(again)


def test_a_schema_change_gets_the_database_replaced(postgresql_databases):
    dbs = postgresql_databases
    url = dbs.new()
    engine = engine_for(url)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE citizen ADD COLUMN left_by_a_test integer"))
    engine.dispose()
    dbs.drop(url)
    replacement = dbs.new()
    try:
        assert replacement != url
        with dbs.admin.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM pg_database WHERE datname = :n"),
                                {"n": sa.engine.make_url(url).database}).scalar() == 0
        engine = engine_for(replacement)
        with engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("citizen")}
        engine.dispose()
        assert "left_by_a_test" not in columns
    finally:
        dbs.drop(replacement)
