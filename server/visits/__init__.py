"""The one visit: free slots, booking one visit for several applications, reschedule and
cancel (the kiosk, the counter's queue and the call display come later)."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from ..accounts.operations import ERASERS, EXPORTERS
    from . import models, operations, routes  # noqa: F401  (models: tables)

    api.register_blueprint(routes.blp)
    # Module-level lists shared by every app a process makes: register once. The eraser
    # runs first: a booking's stops refer to the applications that a later eraser deletes.
    if operations.erase not in ERASERS:
        ERASERS.insert(0, operations.erase)
    if operations.export not in EXPORTERS:
        EXPORTERS.append(operations.export)
