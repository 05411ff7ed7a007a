"""Uploads: a tus 1.0 server at /api/uploads, private storage and content checks."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import cli, models, routes  # noqa: F401  (models: the table, for migrations)

    app.register_blueprint(routes.bp)
    app.register_blueprint(cli.bp)
