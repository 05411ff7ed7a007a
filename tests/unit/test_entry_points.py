"""Configuration is read from the environment at the entry point only (server/wsgi.py), and
every Procfile line works on a fresh machine: run in an empty environment (`env -i`, PATH to
the venv), as a platform that knows nothing of the Makefile would run it."""
from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from server import create_app
from server.config import from_environment
from server.uploads.storage import LocalStorage, storage_for
from tests.conftest import dispose, make_app

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent

HOSTILE_SHELL = {
    "FLASK_CONFIG": "production",
    "DATABASE_URL": "postgresql://intruder@203.0.113.7:5432/not_the_test_database",
    "STORAGE_BACKEND": "s3",
    "S3_BUCKET": "someones-real-bucket",
    "S3_ENDPOINT_URL": "http://203.0.113.7:9000",
    "SECRET_KEY": "the-shells-secret-key-0123456789",
    "OTP_CHANNEL": "webhook",
    "INSTANCE_DIR": "/nonexistent/instance",
    "UPLOAD_MAX_BYTES": "1",
    "PUSH_ALLOW_INSECURE": "1",
}


def test_a_testing_app_ignores_the_developers_shell(monkeypatch, tmp_path):
    for name, value in HOSTILE_SHELL.items():
        monkeypatch.setenv(name, value)
    url = f"sqlite:///{tmp_path / 'test.db'}"
    app = make_app(url, tmp_path / "instance")
    try:
        config = app.config
        assert config["NAME"] == "testing" and config["TESTING"]
        assert config["SQLALCHEMY_DATABASE_URI"] == url
        assert config["STORAGE_BACKEND"] == "local" and config["S3_BUCKET"] is None
        assert isinstance(storage_for(app), LocalStorage)
        assert config["SECRET_KEY"] == "test-secret-key-not-for-production"
        assert config["OTP_CHANNEL"] == "log"
        assert config["UPLOAD_MAX_BYTES"] == 10 * 1024 * 1024
        assert config["PUSH_ALLOW_INSECURE"] is False
        assert config["INSTANCE_DIR"] == tmp_path / "instance"
        assert app.test_client().get("/healthz").get_json()["database"] == "ok"
    finally:
        dispose(app)


def test_the_entry_point_reads_the_environment(tmp_path):
    environ = {**HOSTILE_SHELL, "FLASK_CONFIG": "testing", "INSTANCE_DIR": str(tmp_path),
               "DATABASE_URL": "postgres://u@db.internal/sekali", "PROXY_COUNT": "2",
               "PUSH_ENDPOINT_HOSTS": "push.example, other.example"}
    config = from_environment(environ)
    assert config["NAME"] == "testing"
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.internal/sekali"
    assert (config["STORAGE_BACKEND"], config["S3_BUCKET"]) == ("s3", "someones-real-bucket")
    assert config["SECRET_KEY"] == HOSTILE_SHELL["SECRET_KEY"]
    assert (config["UPLOAD_MAX_BYTES"], config["PROXY_COUNT"]) == (1, 2)
    assert config["PUSH_ENDPOINT_HOSTS"] == ("push.example", "other.example")
    assert config["INSTANCE_DIR"] == tmp_path
    # An empty environment is the development defaults.
    default = from_environment({})
    assert default["NAME"] == "development" and default["STORAGE_BACKEND"] == "local"


def test_server_wsgi_builds_the_app_from_the_environment(tmp_path):
    """The module gunicorn and `flask --app server.wsgi` load, in a process of its own."""
    env = {"PATH": os.environ["PATH"], "INSTANCE_DIR": str(tmp_path), "UPLOAD_MAX_BYTES": "12345",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'entry.db'}"}
    out = subprocess.run(
        [sys.executable, "-c", "import json; from server.wsgi import app; print(json.dumps("
         "[app.config[k] for k in ('NAME', 'UPLOAD_MAX_BYTES', 'SQLALCHEMY_DATABASE_URI')]))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["development", 12345, f"sqlite:///{tmp_path / 'entry.db'}"]


PRODUCTION = {"FLASK_CONFIG": "production", "SECRET_KEY": "s" * 48,
              "OTP_CHANNEL": "webhook", "OTP_WEBHOOK_URL": "https://sms.example/send",
              "OTP_WEBHOOK_SECRET": "shared-secret"}


@pytest.mark.parametrize("change, refusal", [
    ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
    ({"OTP_CHANNEL": None}, "OTP_CHANNEL must name a real channel"),
    ({"OTP_CHANNEL": "log"}, "OTP_CHANNEL must name a real channel"),
    ({"OTP_CHANNEL": "carrier-pigeon"}, "unknown OTP_CHANNEL"),
    ({"OTP_WEBHOOK_SECRET": None}, "needs OTP_WEBHOOK_URL and OTP_WEBHOOK_SECRET"),
])
def test_production_refuses_to_start_without_a_secret_and_a_real_otp_channel(
        tmp_path, change, refusal):
    environ = {**PRODUCTION, "INSTANCE_DIR": str(tmp_path / "instance"),
               "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}"}
    environ = {k: v for k, v in {**environ, **change}.items() if v is not None}
    with pytest.raises((RuntimeError, ValueError), match=refusal):
        create_app(from_environment(environ))
    assert not (tmp_path / "instance" / "secret_key").exists()  # no key was made up for it


def test_production_starts_with_a_secret_and_the_webhook_channel(tmp_path):
    environ = {**PRODUCTION, "INSTANCE_DIR": str(tmp_path / "instance"),
               "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}"}
    app = create_app(from_environment(environ))
    try:
        assert app.config["NAME"] == "production" and app.config["OTP_CHANNEL"] == "webhook"
        assert app.config["SECRET_KEY"] == PRODUCTION["SECRET_KEY"]
    finally:
        dispose(app)


# ---- the Procfile on a fresh machine ------------------------------------------------------

def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """What `env -i PATH=.venv/bin:...` leaves: no FLASK_APP, no Makefile, no shell."""
    return {"PATH": f"{VENV_BIN}:/usr/bin:/bin", "HOME": str(tmp_path),
            "INSTANCE_DIR": str(tmp_path / "instance"), **extra}


def run_line(command: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["/bin/sh", "-c", command], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180, **kwargs)


def test_the_procfile_names_release_web_and_the_workers():
    # checks: the NIK pre-check worker (server/document_checks), beside the push worker.
    assert set(procfile()) == {"release", "web", "worker", "checks"}


def test_procfile_release_and_worker_run_in_an_empty_environment(tmp_path):
    env = clean_env(tmp_path)
    release = run_line(procfile()["release"], env)
    assert release.returncode == 0, release.stderr
    with sqlite3.connect(tmp_path / "instance" / "sekali-datang.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM service").fetchone() == (0,)  # migrated
    assert (tmp_path / "instance" / "secret_key").exists()  # development's generated key
    # The worker line, once through the outbox (its dry run) instead of forever.
    worker = run_line(procfile()["worker"] + " --once", env)
    assert worker.returncode == 0, worker.stderr
    assert "fanned_out=0" in worker.stdout and "sent=0" in worker.stdout, worker.stdout
    # The NIK check worker's line, once through its queue.
    checks = run_line(procfile()["checks"] + " --once", env)
    assert checks.returncode == 0, checks.stderr
    assert "enqueued=0" in checks.stdout and "read=0" in checks.stdout, checks.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_procfile_web_serves_in_an_empty_environment(tmp_path):
    port = free_port()
    env = clean_env(tmp_path, PORT=str(port))
    release = run_line(procfile()["release"], env)
    assert release.returncode == 0, release.stderr
    web = procfile()["web"].replace("0.0.0.0", "127.0.0.1")  # traffic stays on this machine
    assert web != procfile()["web"]
    log = open(tmp_path / "web.log", "wb")
    # exec: the shell becomes gunicorn's master, so the pid we hold is the one to stop.
    process = subprocess.Popen(["/bin/sh", "-c", "exec " + web], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline, answer = time.monotonic() + 60, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    answer = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.2)
        assert answer == {"status": "ok", "database": "ok"}, (
            process.poll(), (tmp_path / "web.log").read_text()[-2000:])
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    assert shlex.split(web)[0] == "gunicorn"
