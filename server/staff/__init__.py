"""Staff administration in the officer console (issue #18): officers managed by supervisors
and admins without a shell, and the audit log browser."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import routes

    api.register_blueprint(routes.blp)
