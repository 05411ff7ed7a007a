"""NIK pre-check of identity documents (issue #19): after an upload of a KTP, KK or akta
completes, a background worker (`flask document-checks worker`) reads the NIK (and a KK's
number) with tesseract; the officer's review shows whether it matches the form, and the
citizen hears of an unreadable or different NIK at once. Advice only, never a rejection."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import cli, models  # noqa: F401  (models: for migrations)

    app.register_blueprint(cli.bp)
