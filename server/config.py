"""Configuration classes. Every setting comes from the environment with a safe default.

`load_config(name)` picks a class by name (`FLASK_CONFIG` or the argument) and reads the
environment once; `create_app` receives the result and never reads globals afterwards.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _secret_key_from_instance(instance_dir: Path) -> str:
    """The embedded default keeps one generated key in instance/, made on first start."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    if not path.exists():
        # O_EXCL: two gunicorn workers starting together must not each write a different key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` and `postgresql://` spellings; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    NAME = "base"
    TESTING = False
    DEBUG = False
    JSON_SORT_KEYS = False

    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # API / OpenAPI (flask-smorest)
    API_TITLE = "Sekali Datang API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"

    MAX_CONTENT_LENGTH = 1 * 1024 * 1024  # JSON bodies; uploads get their own cap later
    CATALOG_CACHE_MAX_AGE = 300

    # Uploads (tus at /api/uploads; files under STORAGE_DIR/uploads)
    STORAGE_BACKEND = "local"  # the only backend so far
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024  # per file
    UPLOAD_QUOTA_BYTES = 200 * 1024 * 1024  # per citizen: unfinished and ready files together
    UPLOAD_EXPIRY_HOURS = 24  # an unfinished upload is cleaned after this

    # Sign-in
    OTP_TTL_SECONDS = 300
    OTP_RESEND_SECONDS = 60
    OTP_LIMIT_PER_PHONE = "5 per hour"
    OTP_LIMIT_PER_IP = "30 per hour"
    OTP_VERIFY_LIMIT_PER_PHONE = "10 per 15 minutes"
    OTP_VERIFY_LIMIT_PER_IP = "60 per 15 minutes"
    OFFICER_LOGIN_LIMIT_PER_IP = "30 per 15 minutes"
    CITIZEN_SESSION_DAYS = 90  # sliding: a phone may be offline for weeks
    OFFICER_SESSION_HOURS = 12  # one working day at the counter
    # Our 429 handler writes Retry-After itself; the library would overwrite it on every 429.
    RATELIMIT_HEADERS_ENABLED = False
    PROXY_COUNT = 0  # reverse proxies in front, whose X-Forwarded-For is trusted

    def __init__(self, instance_dir: Path | None = None):
        self.INSTANCE_DIR = Path(instance_dir or _env("INSTANCE_DIR") or PROJECT_ROOT / "instance")
        default_db = f"sqlite:///{self.INSTANCE_DIR / 'sekali-datang.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(_env("DATABASE_URL", default_db))
        self.STORAGE_DIR = Path(_env("STORAGE_DIR") or self.INSTANCE_DIR / "storage")
        self.PWA_DIST_DIR = Path(_env("PWA_DIST_DIR") or PROJECT_ROOT / "pwa" / "dist")
        self.SECRET_KEY = _env("SECRET_KEY") or self._default_secret_key()
        self.OTP_CHANNEL = _env("OTP_CHANNEL", "log")
        self.OTP_WEBHOOK_URL = _env("OTP_WEBHOOK_URL")
        self.OTP_WEBHOOK_SECRET = _env("OTP_WEBHOOK_SECRET")
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.PROXY_COUNT = int(_env("PROXY_COUNT", "0"))
        for name in ("UPLOAD_MAX_BYTES", "UPLOAD_QUOTA_BYTES", "UPLOAD_EXPIRY_HOURS"):
            setattr(self, name, int(_env(name, str(getattr(type(self), name)))))

    def _default_secret_key(self) -> str:
        return _secret_key_from_instance(self.INSTANCE_DIR)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in dir(self) if k.isupper()}


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # A busy timeout so concurrent writers wait instead of failing at once.
        return {"connect_args": {"timeout": 15}}
    return {"pool_pre_ping": True}


class DevelopmentConfig(Config):
    NAME = "development"


class TestingConfig(Config):
    NAME = "testing"
    TESTING = True

    def _default_secret_key(self) -> str:
        return "test-secret-key-not-for-production"


class ProductionConfig(Config):
    NAME = "production"

    def _default_secret_key(self) -> str:
        raise RuntimeError(
            "SECRET_KEY must be set in the environment for the production configuration"
        )


CONFIGS = {c.NAME: c for c in (DevelopmentConfig, TestingConfig, ProductionConfig)}


def load_config(name: str | None = None, instance_dir: Path | None = None,
                **overrides) -> dict:
    name = name or _env("FLASK_CONFIG", "development")
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"unknown FLASK_CONFIG {name!r}; one of {sorted(CONFIGS)}") from None
    config = cls(instance_dir).as_dict()
    config.update(overrides)
    return config


def finalise(config: dict) -> dict:
    """Settings that follow from others, computed after overrides are applied."""
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                      engine_options(config["SQLALCHEMY_DATABASE_URI"]))
    return config
