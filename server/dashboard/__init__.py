"""The supervisor's dashboard (issue #18): figures per agency and service for a period, from
a rollup of the journal (models.py, operations.py)."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import cli, models, routes  # noqa: F401

    api.register_blueprint(routes.blp)
    app.cli.add_command(cli.dashboard)
