"""Applications, documents and the rest of a citizen's sync space, and the sync API."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import models, routes  # noqa: F401  (models: the tables, for migrations)

    api.register_blueprint(routes.blp)
