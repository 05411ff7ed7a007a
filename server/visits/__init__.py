"""The one visit: free slots, booking one visit for several applications, reschedule and
cancel (the kiosk, the counter's queue and the call display come later)."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import models, routes  # noqa: F401  (models: tables)

    api.register_blueprint(routes.blp)
