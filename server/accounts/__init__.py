"""Citizens, officers and their device sessions."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import cli, operations, routes

    operations.use_password_profile(app.config["ARGON2_PROFILE"])
    api.register_blueprint(routes.blp)
    app.register_blueprint(cli.bp)
