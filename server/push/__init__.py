"""Web push: VAPID keys, subscriptions per device session, and the worker that sends the
notifications the sync engine writes (the outbox). See worker.py for the delivery rules."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from ..accounts.operations import ERASERS, EXPORTERS, SESSION_ENDED
    from . import cli, models, operations, routes  # noqa: F401  (models: tables)

    api.register_blueprint(routes.blp)
    app.register_blueprint(cli.bp)
    # Module-level lists shared by every app a process makes: register once.
    for registry, hook in ((SESSION_ENDED, operations.sessions_ended),
                           (ERASERS, operations.erase), (EXPORTERS, operations.export)):
        if hook not in registry:
            registry.append(hook)
