"""The officer console's server side: queue, review actions, visit tickets, activity."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import routes  # noqa: F401  (registered on import)

    api.register_blueprint(routes.blp)
