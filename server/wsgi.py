"""The entry point: the app configured from the environment (README, "Configuration").

gunicorn serves `server.wsgi:app`; the Procfile, the Makefile and the README run the `flask`
command as `flask --app server.wsgi ...`. This is the only place the environment is read.
"""
from __future__ import annotations

from . import create_app
from .config import from_environment

app = create_app(from_environment())
