"""Upgrading an empty database gives exactly the models: no pending autogenerate diff."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from server.extensions import db
from tests.conftest import dispose, make_app


def test_upgrade_from_empty_matches_the_models_and_downgrades(databases, tmp_path):
    url = databases.new(empty=True)
    app = make_app(url, tmp_path / "instance")
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            downgrade(revision="base")
            with db.engine.connect() as conn:
                tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
            assert tables == set()
    finally:
        dispose(app)
        databases.drop(url)
