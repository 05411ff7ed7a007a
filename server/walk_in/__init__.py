"""Walk-in (assisted) applications at the counter (issue #18): an officer starts an
application for a citizen who came without the app, identified by phone (a one-time code)
or a note that they have none, and NIK; fills the form with them, photographs the documents
with the console's camera (the PWA's capture code, the same tus uploads) and submits. The
application is written through the sync engine's own mutators into the citizen's space, so
it is a normal application from then on; a `walk_in` row marks it as assisted for figures."""
from flask import Flask


def init_app(app: Flask, api) -> None:
    from . import routes

    api.register_blueprint(routes.blp)
    app.register_blueprint(routes.tus_bp)
