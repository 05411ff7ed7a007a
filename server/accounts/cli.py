"""`flask accounts ...`: officer accounts and support tokens."""
from __future__ import annotations

import click
from flask import Blueprint

from ..access import session_lifetime
from ..audit.operations import record
from ..errors import ApiError
from ..extensions import db
from . import operations as ops
from ..db_types import utcnow
from .models import Citizen

bp = Blueprint("accounts_cli", __name__, cli_group="accounts")


def _fail(err: ApiError) -> None:
    db.session.rollback()
    click.echo(f"{err.message} {err.details or ''}".strip(), err=True)
    raise SystemExit(1)


@bp.cli.command("create-officer")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--role", type=click.Choice(["verifier", "supervisor", "admin"]), required=True)
@click.option("--mpp", help="MPP code (verifier, supervisor)")
@click.option("--agency", help="agency code within the MPP (verifier)")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="prompted for when not given")
def create_officer(username, full_name, role, mpp, agency, password):
    """Create an officer account (verifier of one agency, supervisor of one MPP, or admin)."""
    try:
        officer = ops.create_officer(db.session, username=username, password=password,
                                     full_name=full_name, role=role, mpp_code=mpp,
                                     agency_code=agency, now=utcnow())
    except ApiError as err:
        _fail(err)
    record("officer.created", target_kind="officer", target_id=officer.id,
           details={"role": role, "via": "cli"})
    db.session.commit()
    scope = f" at {mpp}" + (f"/{agency}" if agency else "") if mpp else ""
    click.echo(f"Created {role} '{username}'{scope} (id {officer.id}).")


@bp.cli.command("citizen-token")
@click.argument("phone")
@click.option("--device-name", default="support (CLI)")
def citizen_token(phone, device_name):
    """Print a bearer token for the citizen with PHONE, creating the account if needed."""
    try:
        normalised = ops.parse_phone(phone)
    except ApiError as err:
        _fail(err)
    now = utcnow()
    citizen = db.session.query(Citizen).filter_by(phone=normalised).one_or_none()
    if citizen is None:
        citizen = Citizen(phone=normalised, created_at=now)
        db.session.add(citizen)
        db.session.flush()
    token, device = ops.issue_session(db.session, now=now, citizen=citizen,
                                      lifetime=session_lifetime("citizen"),
                                      device_name=device_name)
    record("citizen.token_issued", target_kind="citizen", target_id=citizen.id,
           details={"session": str(device.id), "via": "cli"})
    db.session.commit()
    click.echo(token)
