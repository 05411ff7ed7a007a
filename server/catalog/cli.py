"""`flask catalog ...`: operations on the service catalog."""
from __future__ import annotations

import click
from flask import Blueprint

from ..extensions import db
from .loader import CatalogLoadError, load_catalog

bp = Blueprint("catalog_cli", __name__, cli_group="catalog")


@bp.cli.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def load_command(paths):
    """Load catalog data files (or folders of them) in one transaction, upserting by code."""
    try:
        summary = load_catalog(paths, db.session)
    except CatalogLoadError as exc:
        db.session.rollback()
        click.echo(f"Katalog tidak dimuat; tidak ada yang berubah / Catalog not loaded; "
                   f"nothing changed ({len(exc.errors)} error(s)):", err=True)
        for error in exc.errors:
            click.echo(f"  {error}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    state = "changed" if summary.changed else "unchanged"
    click.echo(
        f"Loaded {len(summary.files)} file(s): {summary.document_types} document types, "
        f"{summary.standards} service standards, {summary.mpps} MPPs, {summary.agencies} "
        f"agencies, {summary.services} services ({summary.deactivated} withdrawn); "
        f"catalog version {summary.version} ({state}).")


@bp.cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
def export_command(directory):
    """Write the published catalog as data files (one per scope, as data/catalog holds them):
    loading them changes nothing, exporting again gives the same bytes."""
    from .export import export_dir

    written = export_dir(db.session, directory)
    click.echo(f"Wrote {len(written)} file(s) to {directory}: "
               + ", ".join(p.name for p in written))
