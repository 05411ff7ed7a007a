"""`flask complaints escalate`: mark overdue complaints and send them to the MPP's
supervisors (the push worker's loop does the same on every pass; both are idempotent)."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from ..db_types import utcnow
from ..extensions import db

complaints = AppGroup("complaints", help="Pengaduan / complaints.")


def escalate_in(uow, now: dt.datetime) -> int:
    """Escalate in one write transaction of the sync engine's unit of work (SQLite: after
    the writers' lock, like every other writer)."""
    from .operations import escalate

    with uow.transaction():
        return escalate(uow.conn, now)


@complaints.command("escalate")
def escalate_command():
    """Escalate every complaint past its deadline (acknowledge 3, answer 5 working days)."""
    from ..applications.store import SqlUnitOfWork

    count = escalate_in(SqlUnitOfWork(db.engine), utcnow())
    click.echo(f"{count} pengaduan dieskalasi / {count} complaint(s) escalated.")
