"""`flask dev ...`: tools for developers and benchmarks. Refused on a production
configuration: they write invented people into the database."""
from __future__ import annotations

import click
from flask import Blueprint, current_app

from ..extensions import db
from .seeding import seed

bp = Blueprint("dev_cli", __name__, cli_group="dev")


def _refuse_in_production() -> None:
    if current_app.config.get("NAME") == "production":
        click.echo("flask dev: refused, FLASK_CONFIG is production (these commands write "
                   "invented citizens into the database)", err=True)
        raise SystemExit(1)


@bp.cli.command("seed")
@click.option("--applications", type=click.IntRange(min=0), required=True,
              help="how many applications to add")
@click.option("--citizens", type=click.IntRange(min=1),
              help="how many citizens own them (default: one per 4 applications)")
@click.option("--seed", "random_seed", type=int, default=1, show_default=True,
              help="random seed: the same seed on an empty database gives the same data")
@click.option("--quiet", is_flag=True, help="no progress lines")
@click.option("--survey-share", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="share of the completed applications answered in the SKM survey")
@click.option("--complaints", type=click.IntRange(min=0), default=0, show_default=True,
              help="how many complaints to file about the seeded applications (or their MPP)")
def seed_command(applications, citizens, random_seed, quiet, survey_share, complaints):
    """Add invented citizens with applications across the catalog's services and states,
    requirement rows and documents (bulk inserts; needs the catalog loaded)."""
    _refuse_in_production()
    citizens = citizens or max(1, applications // 4)
    step = max(1, applications // 10)
    shown = [0]

    def progress(summary):
        if not quiet and summary.applications - shown[0] >= step:
            shown[0] = summary.applications
            click.echo(f"  {summary.applications:,} applications ...", err=True)

    try:
        summary = seed(db.engine, applications=applications, citizens=citizens,
                       seed=random_seed, progress=progress)
    except (RuntimeError, ValueError) as exc:
        click.echo(f"flask dev seed: {exc}", err=True)
        raise SystemExit(1) from None
    per_100k = summary.seconds / summary.rows * 100_000 if summary.rows else 0.0
    click.echo(f"Seeded {summary.citizens:,} citizens, {summary.applications:,} applications, "
               f"{summary.requirements:,} requirement rows, {summary.documents:,} documents "
               f"({summary.rows:,} rows) in {summary.seconds:.1f} s "
               f"({per_100k:.2f} s per 100k rows).")
    from ..survey.seeding import seed_answers

    answered = seed_answers(db.engine, survey_share, random_seed)
    click.echo(f"SKM: {answered.completed:,} completed applications counted, "
               f"{answered.answers:,} survey answers.")
    if complaints:
        from ..complaints.seeding import seed_complaints

        try:
            filed = seed_complaints(db.engine, complaints, random_seed)
        except RuntimeError as exc:
            click.echo(f"flask dev seed: {exc}", err=True)
            raise SystemExit(1) from None
        click.echo(f"Complaints: {filed.filed:,} filed, {filed.answered:,} answered, "
                   f"{filed.escalated:,} escalated.")
