"""Complaints (pengaduan, SP4N-LAPOR!): filed offline through the sync engine, handled in
the officer console with the national deadlines, escalated when overdue."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from ..accounts.operations import ERASERS, EXPORTERS
    from . import cli, models, mutations, operations, routes, store  # noqa: F401

    mutations.register()  # complaint.file, .confirm, .reopen (sync/domains.py)
    store.register()

    api.register_blueprint(routes.blp)
    app.cli.add_command(cli.complaints)
    # Module-level lists shared by every app a process makes: register once. Before the
    # applications' eraser (the filer row names an application id, not a key).
    if operations.erase not in ERASERS:
        ERASERS.insert(0, operations.erase)
    if operations.export not in EXPORTERS:
        EXPORTERS.append(operations.export)
