"""`flask queue ...`: keys for an MPP's kiosks and call displays (devices, not people)."""
from __future__ import annotations

import click
from flask import Blueprint

from ..audit.operations import record
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from . import operations as ops
from .models import DISPLAY, KIOSK

bp = Blueprint("queue_cli", __name__, cli_group="queue")


def _make(mpp: str, kind: str, name: str) -> None:
    try:
        device, key = ops.make_device(db.session, mpp, kind, name, utcnow())
    except ApiError as err:
        db.session.rollback()
        click.echo(f"{err.message} {err.details or ''}".strip(), err=True)
        raise SystemExit(1) from None
    record(f"queue.{kind}_key_made", target_kind="queue_device", target_id=device.id,
           details={"mpp": mpp, "name": device.name, "via": "cli"})
    db.session.commit()
    click.echo(f"{kind} {device.id} ({device.name}) at {mpp}; key (shown once, only its hash "
               f"is kept):", err=True)
    click.echo(key)


@bp.cli.command("kiosk-key")
@click.argument("mpp")
@click.option("--name", default="", help="Where it stands, e.g. 'Kios lobi'")
def kiosk_key(mpp, name):
    """Make a key for a check-in kiosk of MPP (prints it once)."""
    _make(mpp, KIOSK, name)


@bp.cli.command("display-key")
@click.argument("mpp")
@click.option("--name", default="", help="Where it hangs, e.g. 'TV ruang tunggu'")
def display_key(mpp, name):
    """Make a key for a call display of MPP (prints it once)."""
    _make(mpp, DISPLAY, name)


@bp.cli.command("revoke-device")
@click.argument("device_id", type=int)
def revoke_device(device_id):
    """Revoke a kiosk or display key by its device id."""
    try:
        device = ops.revoke_device(db.session, device_id, utcnow())
    except ApiError as err:
        db.session.rollback()
        click.echo(err.message, err=True)
        raise SystemExit(1) from None
    record("queue.device_revoked", target_kind="queue_device", target_id=device.id,
           details={"via": "cli"})
    db.session.commit()
    click.echo(f"revoked {device.kind} {device.id}")
