"""Applications, documents and the rest of a citizen's sync space, and the sync API."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import data_rights, models, routes  # noqa: F401  (registered on import)

    api.register_blueprint(routes.blp)
