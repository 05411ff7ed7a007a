"""The MPP service catalog: models, loader, queries, API and CLI."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import admin, cli, routes

    api.register_blueprint(routes.blp)
    api.register_blueprint(admin.blp)
    app.register_blueprint(cli.bp)
