"""`flask dev seed`: N applications give N rows in valid states, on each backend (the
`databases` fixture runs it on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from server.extensions import db
from sync import states
from sync.rules import nik_problem
from tests.conftest import dispose, make_app


def test_seed_command_adds_applications_in_valid_states(databases, tmp_path):
    url = databases.new()
    app = make_app(url, tmp_path / "instance")
    try:
        result = app.test_cli_runner().invoke(
            args=["dev", "seed", "--applications", "300", "--citizens", "40", "--quiet"])
        assert result.exit_code == 0, result.output
        assert "300 applications" in result.output
        with app.app_context(), db.engine.connect() as conn:
            count = lambda sql: conn.execute(sa.text(sql)).scalar_one()  # noqa: E731
            assert count("SELECT count(*) FROM application") == 300
            assert count("SELECT count(*) FROM citizen") == 40
            assert count("SELECT count(*) FROM sync_space") == 40
            found = set(conn.execute(sa.text("SELECT DISTINCT state FROM application"))
                        .scalars())
            assert found <= set(states.STATES) and len(found) > 3
            # Every application has its service's requirement rows, and every submitted one
            # a unique reference below its counter, so the next submit cannot collide.
            assert count("SELECT count(*) FROM application a WHERE NOT EXISTS (SELECT 1 FROM "
                         "application_requirement r WHERE r.application_id = a.id)") == 0
            assert count("SELECT count(*) FROM application WHERE state <> 'draft' AND "
                         "(reference IS NULL OR submitted_at IS NULL OR due_on IS NULL)") == 0
            top = conn.execute(sa.text("SELECT max(reference) FROM application "
                                       "WHERE reference LIKE 'LGS-%'")).scalar_one()
            last = conn.execute(sa.text(
                "SELECT last FROM reference_counter WHERE ref_prefix = 'LGS' AND year = :y"),
                {"y": int(top.split("-")[1])}).scalar_one()
            assert int(top.split("-")[2]) <= last
            # Each space version counts its applications; documents served are ready.
            assert count("SELECT count(*) FROM sync_space s WHERE s.version <> (SELECT "
                         "count(*) FROM application a WHERE a.citizen_id = s.citizen_id)") == 0
            assert count("SELECT count(*) FROM application_requirement r LEFT JOIN document d "
                         "ON d.id = r.document_id WHERE r.document_id IS NOT NULL AND "
                         "(d.id IS NULL OR d.status <> 'ready')") == 0
            for nik, birth, sex in conn.execute(sa.text(
                    "SELECT nik, birth_date, sex FROM citizen")):
                birth = dt.date.fromisoformat(birth) if isinstance(birth, str) else birth
                assert nik_problem(nik, birth, sex) is None
        # A second run adds to the first (seeded phones are numbered on).
        again = app.test_cli_runner().invoke(
            args=["dev", "seed", "--applications", "10", "--citizens", "5", "--quiet"])
        assert again.exit_code == 0, again.output
        with app.app_context(), db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM application")).scalar_one() == 310
    finally:
        dispose(app)
        databases.drop(url)


def test_seed_is_refused_in_production(sqlite_databases, tmp_path):
    url = sqlite_databases.new()
    # production refuses to start without a secret key and a real sign-in code channel
    app = make_app(url, tmp_path / "instance", NAME="production", SECRET_KEY="x" * 40,
                   OTP_CHANNEL="webhook", OTP_WEBHOOK_URL="https://sms.example/send",
                   OTP_WEBHOOK_SECRET="shared-secret")
    try:
        result = app.test_cli_runner().invoke(args=["dev", "seed", "--applications", "5"])
        assert result.exit_code == 1
        assert "production" in result.output
        with app.app_context(), db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM application")).scalar_one() == 0
    finally:
        dispose(app)
        sqlite_databases.drop(url)
