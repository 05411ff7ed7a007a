"""The satisfaction survey (SKM, Permen PANRB 14/2017): `survey.submit` through the sync
engine (one answer per completed application), responses kept apart from who answered,
daily sums per service, the IKM published per MPP, suggestions for supervisors."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import mutations
    mutations.register()
    from . import models, routes, store  # noqa: F401  (models: tables)
    store.register()
    api.register_blueprint(routes.blp)
    app.register_blueprint(routes.pages)
    from ..accounts.operations import ERASERS, EXPORTERS
    from .operations import erase, export
    if erase not in ERASERS:  # module-level lists shared by every app a process makes
        ERASERS.append(erase)
    if export not in EXPORTERS:
        EXPORTERS.append(export)
