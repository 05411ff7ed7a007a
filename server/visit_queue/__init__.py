"""The MPP floor (issue #16): kiosk check-in by the visit ticket or as a walk-in, queue
numbers per agency and day, the counter's line with call next / recall / no-show / transfer /
serve / complete, the call display, the citizen's phone told when close and when called,
and the measures. Booking itself is server/visits."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from ..accounts.operations import ERASERS, EXPORTERS
    from . import cli, models, operations, routes  # noqa: F401  (models: tables)

    api.spec.components.security_scheme(
        "deviceKey", {"type": "apiKey", "in": "header", "name": routes.DEVICE_HEADER,
                      "description": "A kiosk or display key from `flask queue kiosk-key` / "
                                     "`flask queue display-key` (sdq_...)"})
    api.register_blueprint(routes.blp)
    app.register_blueprint(cli.bp)
    # Module-level lists shared by every app a process makes: register once. The eraser
    # runs first of all (tickets refer to bookings, stops and applications).
    if operations.erase not in ERASERS:
        ERASERS.insert(0, operations.erase)
    if operations.export not in EXPORTERS:
        EXPORTERS.append(operations.export)
