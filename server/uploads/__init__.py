"""Uploads: a tus 1.0 server at /api/uploads, private storage (local or S3), content checks,
officers' previews, and reading a document at /api/documents/<id>/file and /preview."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import cli, document_routes, models, routes  # noqa: F401  (models: for migrations)

    app.register_blueprint(routes.bp)
    app.register_blueprint(cli.bp)
    api.register_blueprint(document_routes.blp)
