"""Citizens, officers and their device sessions."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import cli, routes

    api.register_blueprint(routes.blp)
    app.register_blueprint(cli.bp)
