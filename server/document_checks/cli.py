"""`flask document-checks worker [--once]` and `flask document-checks status`."""
from __future__ import annotations


import click
from flask import Blueprint, current_app
from sqlalchemy import func, select

from ..extensions import db
from ..worker_command import run_worker
from ..uploads.storage import storage_for
from .models import DocumentCheck
from .reading import tesseract_available
from .worker import DocumentCheckWorker

bp = Blueprint("document_checks_cli", __name__, cli_group="document-checks")

NO_TESSERACT = ("tesseract tidak terpasang di mesin ini: pemeriksaan NIK tidak berjalan "
                "(apt-get install tesseract-ocr tesseract-ocr-ind). / tesseract is not "
                "installed on this machine: NIK checks do not run.")


def make_worker(app) -> DocumentCheckWorker:
    return DocumentCheckWorker(db.engine, storage_for(app))


@bp.cli.command("worker")
@click.option("--once", is_flag=True, help="check what is waiting, then exit")
@click.option("--poll", default=5.0, show_default=True, help="seconds between passes")
def worker_command(once, poll):
    """Read the NIK on uploaded identity documents; runs until stopped (SIGTERM, Ctrl-C)."""
    if not tesseract_available():
        raise click.ClickException(NO_TESSERACT)
    run_worker(make_worker(current_app._get_current_object()), once=once, poll_seconds=poll,
               name="document check worker")


@bp.cli.command("status")
def status_command():
    """How many checks wait, run and are done, and whether tesseract is here."""
    rows = db.session.execute(select(DocumentCheck.status, DocumentCheck.outcome, func.count())
                              .group_by(DocumentCheck.status, DocumentCheck.outcome)).all()
    click.echo(f"tesseract: {'yes' if tesseract_available() else 'no'}")
    for status, outcome, count in rows:
        click.echo(f"{status} {outcome or '-'} {count}")
