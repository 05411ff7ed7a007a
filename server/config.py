"""Configuration classes: every setting has a safe default, and may come from the environment.

Only an entry point reads the environment: `server/wsgi.py` (gunicorn, the Procfile, the
`flask` command) calls `from_environment()` and hands the result to `create_app`. The app
factory itself builds its settings from the class defaults and the dict it is given, so a
test's app never sees the developer's shell (a `STORAGE_BACKEND=s3` there stays there).
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NO_ENVIRONMENT: Mapping[str, str] = {}


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
    # How sign-in codes reach phones (accounts/delivery.py): "log" writes them to the server
    # log (development, tests); production has no default and refuses "log".
    DEFAULT_OTP_CHANNEL: str | None = "log"
    TESTING = False
    DEBUG = False
    # Officer passwords: the argon2.profiles parameters new hashes get (accounts/operations).
    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"
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
    STORAGE_BACKEND = "local"  # "local" (STORAGE_DIR) or "s3" (S3_BUCKET): uploads/storage.py
    S3_PREFIX = "uploads/"  # key prefix inside S3_BUCKET
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
    PROFILE_LIMIT_PER_CITIZEN = "30 per minute"  # PATCH /api/me
    CITIZEN_SESSION_DAYS = 90  # sliding: a phone may be offline for weeks
    OFFICER_SESSION_HOURS = 12  # one working day at the counter
    # Our 429 handler writes Retry-After itself; the library would overwrite it on every 429.
    RATELIMIT_HEADERS_ENABLED = False
    PROXY_COUNT = 0  # reverse proxies in front, whose X-Forwarded-For is trusted

    # Web push (server/push). Keys: VAPID_PRIVATE_KEY (PEM or base64url raw) or
    # VAPID_PRIVATE_KEY_FILE; neither: generated once into INSTANCE_DIR/vapid_private_key.pem
    # (not in production, where push stays off until a key is configured).
    VAPID_SUBJECT = "mailto:admin@localhost"
    PUSH_ALLOW_INSECURE = False  # accept http://127.0.0.1 / localhost endpoints (dev, tests)
    # The push services' own hosts (exact; "*.name": one label under name, as WNS's regional
    # hosts); https on port 443 only. "*" accepts any public https host (server/push/operations).
    PUSH_ENDPOINT_HOSTS = ("fcm.googleapis.com", "updates.push.services.mozilla.com",
                           "web.push.apple.com", "*.notify.windows.com")
    PUSH_TIMEOUT_SECONDS = 10.0  # one POST to a push service
    PUSH_MAX_ATTEMPTS = 8  # then permanent-failure
    PUSH_BACKOFF_BASE_SECONDS = 30.0  # doubled per attempt, with jitter
    PUSH_BACKOFF_MAX_SECONDS = 3600.0
    PUSH_MAX_AGE_HOURS = 72  # older notifications stay in the inbox but are not pushed
    PUSH_POLL_SECONDS = 1.0  # the worker's sleep when there is nothing to do
    PUSH_REMINDER_HOUR = 8  # visit reminders go out from 08:00 WIB the day before
    QUEUE_NO_SHOW_CALLS = 3  # the MPP floor: a number is marked absent after this many calls

    # Benchmarks only (bench/README.md): registers POST /api/bench/noop, the baseline the
    # push rate is divided by. Never a product route; ignored in production.
    BENCH_NOOP_ROUTE = False

    def __init__(self, instance_dir: Path | None = None,
                 environ: Mapping[str, str] = NO_ENVIRONMENT):
        def _env(name: str, default: str | None = None) -> str | None:
            value = environ.get(name)
            return value if value not in (None, "") else default

        self.INSTANCE_DIR = Path(instance_dir or _env("INSTANCE_DIR") or PROJECT_ROOT / "instance")
        default_db = f"sqlite:///{self.INSTANCE_DIR / 'sekali-datang.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(_env("DATABASE_URL", default_db))
        self.STORAGE_DIR = Path(_env("STORAGE_DIR") or self.INSTANCE_DIR / "storage")
        self.PWA_DIST_DIR = Path(_env("PWA_DIST_DIR") or PROJECT_ROOT / "pwa" / "dist")
        self.SECRET_KEY = _env("SECRET_KEY")  # unset: default_secret_key(), in finalise()
        self.OTP_CHANNEL = _env("OTP_CHANNEL", self.DEFAULT_OTP_CHANNEL)
        self.OTP_WEBHOOK_URL = _env("OTP_WEBHOOK_URL")
        self.OTP_WEBHOOK_SECRET = _env("OTP_WEBHOOK_SECRET")
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.PROXY_COUNT = int(_env("PROXY_COUNT", "0"))
        self.BENCH_NOOP_ROUTE = (_env("BENCH_NOOP_ROUTE", "") in ("1", "true", "yes")
                                 and self.NAME != "production")
        for name in ("UPLOAD_MAX_BYTES", "UPLOAD_QUOTA_BYTES", "UPLOAD_EXPIRY_HOURS"):
            setattr(self, name, int(_env(name, str(getattr(type(self), name)))))
        self.STORAGE_BACKEND = _env("STORAGE_BACKEND", type(self).STORAGE_BACKEND)
        # S3 credentials are not settings: boto3 reads AWS_ACCESS_KEY_ID... or an instance role.
        self.S3_BUCKET = _env("S3_BUCKET")
        self.S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL")  # unset: AWS itself
        self.S3_REGION = _env("S3_REGION")
        self.S3_PREFIX = _env("S3_PREFIX", type(self).S3_PREFIX)
        self.VAPID_PRIVATE_KEY = _env("VAPID_PRIVATE_KEY")
        self.VAPID_PRIVATE_KEY_FILE = _env("VAPID_PRIVATE_KEY_FILE")
        self.VAPID_PUBLIC_KEY = _env("VAPID_PUBLIC_KEY")  # checked against the private key
        self.VAPID_SUBJECT = _env("VAPID_SUBJECT", type(self).VAPID_SUBJECT)
        self.PUSH_ALLOW_INSECURE = _env("PUSH_ALLOW_INSECURE", "") in ("1", "true", "yes")
        hosts = _env("PUSH_ENDPOINT_HOSTS")
        if hosts:
            self.PUSH_ENDPOINT_HOSTS = tuple(h.strip() for h in hosts.split(",") if h.strip())
        for name in ("PUSH_TIMEOUT_SECONDS", "PUSH_BACKOFF_BASE_SECONDS",
                     "PUSH_BACKOFF_MAX_SECONDS", "PUSH_POLL_SECONDS"):
            setattr(self, name, float(_env(name, str(getattr(type(self), name)))))
        for name in ("PUSH_MAX_ATTEMPTS", "PUSH_MAX_AGE_HOURS", "PUSH_REMINDER_HOUR"):
            setattr(self, name, int(_env(name, str(getattr(type(self), name)))))
        self.QUEUE_NO_SHOW_CALLS = int(_env("QUEUE_NO_SHOW_CALLS",
                                            str(type(self).QUEUE_NO_SHOW_CALLS)))
        # The floor's clock for tests through gunicorn (an ISO instant with its offset);
        # honoured only by the testing configuration (server/visit_queue/routes.py).
        self.QUEUE_CLOCK_AT = _env("QUEUE_CLOCK_AT")

    @classmethod
    def default_secret_key(cls, instance_dir: Path) -> str:
        return _secret_key_from_instance(instance_dir)

    @classmethod
    def check(cls, config: dict) -> None:
        """Refuse settings this configuration must not run with (production only)."""

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in dir(self) if k.isupper()}


def engine_options(url: str) -> dict:
    # hide_parameters: a failed statement's error (and so its logged traceback) never
    # carries the values bound to it: phone numbers, NIKs, names.
    if url.startswith("sqlite"):
        # A busy timeout so concurrent writers wait instead of failing at once.
        return {"connect_args": {"timeout": 15}, "hide_parameters": True}
    # No pool_pre_ping: a closed pooled connection is dropped at checkout without a round
    # trip (server/extensions.py, _drop_closed_connection).
    return {"hide_parameters": True}


class DevelopmentConfig(Config):
    NAME = "development"


class TestingConfig(Config):
    NAME = "testing"
    TESTING = True
    # argon2-cffi's cheapest parameters (0.05 ms a hash instead of 0.2 s): tests make many
    # officers; what is tested is that passwords are argon2id hashes checked by the library.
    ARGON2_PROFILE = "CHEAPEST"

    @classmethod
    def default_secret_key(cls, instance_dir: Path) -> str:
        return "test-secret-key-not-for-production"


class ProductionConfig(Config):
    NAME = "production"
    DEFAULT_OTP_CHANNEL = None

    @classmethod
    def default_secret_key(cls, instance_dir: Path) -> str:
        raise RuntimeError(
            "SECRET_KEY must be set in the environment for the production configuration"
        )

    @classmethod
    def check(cls, config: dict) -> None:
        if config.get("OTP_CHANNEL") in (None, "", "log"):
            raise RuntimeError(
                "OTP_CHANNEL must name a real channel (webhook, with OTP_WEBHOOK_URL and "
                "OTP_WEBHOOK_SECRET) for the production configuration: the log channel would "
                "write every sign-in code to the server log")


CONFIGS = {c.NAME: c for c in (DevelopmentConfig, TestingConfig, ProductionConfig)}


def config_class(name: str | None) -> type[Config]:
    try:
        return CONFIGS[name or "development"]
    except KeyError:
        raise RuntimeError(f"unknown FLASK_CONFIG {name!r}; one of {sorted(CONFIGS)}") from None


def load_config(name: str | None = None, instance_dir: Path | None = None,
                environ: Mapping[str, str] = NO_ENVIRONMENT, **overrides) -> dict:
    """The settings of configuration `name` (default: development): the class defaults, then
    what `environ` names (nothing unless an entry point passes the environment), then
    `overrides`."""
    config = config_class(name)(instance_dir, environ).as_dict()
    config.update(overrides)
    return config


def from_environment(environ: Mapping[str, str] | None = None) -> dict:
    """The settings an entry point serves with: FLASK_CONFIG picks the class, the other
    variables (README, "Configuration") fill it in. Only server/wsgi.py calls this."""
    environ = os.environ if environ is None else environ
    return load_config(environ.get("FLASK_CONFIG") or None, environ=environ)


def finalise(config: dict) -> dict:
    """Settings that follow from others, computed after overrides are applied; refuses a
    configuration that must not run (production without a secret or a real OTP channel)."""
    cls = config_class(config.get("NAME"))
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = cls.default_secret_key(Path(config["INSTANCE_DIR"]))
    cls.check(config)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                      engine_options(config["SQLALCHEMY_DATABASE_URI"]))
    return config
