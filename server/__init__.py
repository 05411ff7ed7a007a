"""Sekali Datang server: the Flask application factory."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from werkzeug.middleware.proxy_fix import ProxyFix

from . import access, errors, extensions, logging_setup, web
from .config import finalise, load_config
from .web import CodeConverter


def create_app(config: Mapping[str, Any]) -> Flask:
    """Build the app from `config` over the defaults of the configuration it names (`NAME`:
    development, testing or production). The environment is never read here: entry points
    pass `config.from_environment()` (server/wsgi.py), tests build theirs explicitly."""
    app = Flask(__name__, instance_relative_config=False)
    app.url_rule_class = web.Rule  # URL builders compiled on first use (server/web.py)
    config = dict(config)
    settings = load_config(config.get("NAME"), config.get("INSTANCE_DIR"))
    settings.update(config)
    app.config.from_mapping(finalise(settings))
    from .accounts.delivery import channel_from_config
    channel_from_config(app.config)  # an unknown or half-configured OTP channel stops here
    app.config["INSTANCE_DIR"] = Path(app.config["INSTANCE_DIR"])
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    app.json.sort_keys = False
    app.url_map.converters["code"] = CodeConverter
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    logging_setup.install(app.logger)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    errors.init_app(app)
    api = extensions.init_app(app)

    from . import accounts, applications, catalog, devtools, push, review, uploads, visits
    catalog.init_app(app, api)
    accounts.init_app(app, api)
    applications.init_app(app, api)
    uploads.init_app(app, api)
    push.init_app(app, api)
    review.init_app(app, api)
    visits.init_app(app, api)
    from . import visit_queue
    visit_queue.init_app(app, api)  # the MPP floor: kiosk, counters, display (#16)
    from . import survey
    survey.init_app(app, api)
    from . import document_checks
    document_checks.init_app(app, api)
    from . import complaints
    complaints.init_app(app, api)
    from . import dashboard, staff
    dashboard.init_app(app, api)  # the supervisor's dashboard (#18)
    staff.init_app(app, api)  # staff administration and the audit log browser (#18)
    from . import walk_in
    walk_in.init_app(app, api)  # walk-in (assisted) applications at the counter (#18)
    devtools.init_app(app)  # `flask dev`; the benchmarks' no-op route only when configured
    access.init_app(app)

    web.init_app(app)
    return app
