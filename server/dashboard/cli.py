"""`flask dashboard catch-up`: apply the journal to the dashboard's rollup now (the dashboard
does it on every request; a scheduler may run this to keep each request's share small)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..db_types import utcnow
from ..extensions import db
from . import operations as ops

dashboard = AppGroup("dashboard", help="The supervisor's dashboard.")


@dashboard.command("catch-up")
def catch_up():
    """Apply the journal rows written since the last catch-up to the rollup."""
    n = ops.catch_up(db.session, utcnow())
    db.session.commit()
    click.echo(f"Applied {n} journal rows.")
