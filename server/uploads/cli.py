"""`flask uploads ...`: housekeeping of resumable uploads."""
from __future__ import annotations

import click
from flask import Blueprint, current_app

from ..applications.routes import unit_of_work
from ..extensions import db
from ..db_types import utcnow
from .operations import clean_expired
from .storage import storage_for

bp = Blueprint("uploads_cli", __name__, cli_group="uploads")


@bp.cli.command("clean")
def clean_command():
    """Delete expired unfinished uploads' partial files; their documents become invalid."""
    db.session.close()
    count = clean_expired(unit_of_work(), storage_for(current_app), utcnow())
    click.echo(f"{count} unggahan kedaluwarsa dibersihkan / expired upload(s) cleaned")
