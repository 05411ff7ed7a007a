"""`flask push keys [--rotate]` and `flask push worker [--once]`."""
from __future__ import annotations


import click
from flask import Blueprint, current_app

from ..extensions import db
from ..worker_command import run_worker
from . import keys as vapid_keys
from .models import PushSubscription
from .operations import remove
from .worker import PushWorker, Settings

bp = Blueprint("push_cli", __name__, cli_group="push")


@bp.cli.command("keys")
@click.option("--rotate", is_flag=True,
              help="make a new key; subscriptions made with the old one are removed")
def keys_command(rotate):
    """Show the VAPID public key (the PWA's applicationServerKey), or rotate the key."""
    try:
        keys = vapid_keys.current(current_app)
        if rotate:
            keys = vapid_keys.rotate(current_app.config)
            current_app.extensions["push_keys"] = keys
            # Browsers subscribed with the old key: the push service would refuse our new
            # signature, so they are removed now (queued deliveries end as
            # permanent-failure); each PWA subscribes again when it sees the new key.
            stale = db.session.scalars(select_stale(keys.public_key)).all()
            remove(db.session, stale, "vapid_key_rotated")
            db.session.commit()
            click.echo(f"Rotated. {len(stale)} subscription(s) made with the old key removed.",
                       err=True)
    except vapid_keys.KeyError_ as exc:
        raise click.ClickException(str(exc)) from None
    if keys is None:
        raise click.ClickException("push is not configured: set VAPID_PRIVATE_KEY or "
                                   "VAPID_PRIVATE_KEY_FILE (production makes no key itself)")
    click.echo(f"source: {keys.source}", err=True)
    click.echo(keys.public_key)


def select_stale(public_key: str):
    from sqlalchemy import select

    return select(PushSubscription.id).where(PushSubscription.vapid_public_key != public_key)


def make_worker(app) -> PushWorker:
    return PushWorker(db.engine, Settings.from_config(app.config),
                      lambda: vapid_keys.current(app))


@bp.cli.command("worker")
@click.option("--once", is_flag=True, help="send what is due, then exit")
def worker_command(once):
    """Send push notifications from the outbox; runs until stopped (SIGTERM, Ctrl-C)."""
    app = current_app._get_current_object()
    try:
        if vapid_keys.current(app) is None:
            raise click.ClickException("push is not configured: set VAPID_PRIVATE_KEY or "
                                       "VAPID_PRIVATE_KEY_FILE")
    except vapid_keys.KeyError_ as exc:
        raise click.ClickException(str(exc)) from None
    run_worker(make_worker(app), once=once, poll_seconds=app.config["PUSH_POLL_SECONDS"],
               name="push worker")
