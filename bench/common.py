"""Shared helpers of the benchmarks (bench/README.md): scratch databases, gunicorn, wrk,
citizens with tokens, and the result table every script ends with.

Every bench prints ratios measured side by side in one run: absolute times alone mean little
on a shared 2-core machine. Import as `from bench import common` (run scripts as
`python -m bench.<name>` or `python bench/<name>.py` from the project root).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/, not the root, on the path
    sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.config import normalise_database_url  # noqa: E402

BIN = Path(sys.executable).parent
DEMO_CATALOG = ROOT / "data" / "catalog"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECRET_KEY = "bench-secret-key-not-for-production"


# ---- scratch databases ----------------------------------------------------------------------
@dataclass
class Scratch:
    """A scratch database with its own instance directory (secret key, storage)."""

    kind: str  # "sqlite" or "postgresql"
    url: str
    instance_dir: Path

    def app(self, **config):
        return create_app({"NAME": "development", "SQLALCHEMY_DATABASE_URI": self.url,
                           "INSTANCE_DIR": self.instance_dir,
                           "STORAGE_DIR": self.instance_dir / "storage",
                           "SECRET_KEY": SECRET_KEY, **config})

    def env(self) -> dict[str, str]:
        """The environment a server process (gunicorn, flask CLI) needs for this database."""
        env = dict(os.environ)
        env.update({"FLASK_CONFIG": "development", "FLASK_APP": "server.wsgi",
                    "DATABASE_URL": self.url, "SECRET_KEY": SECRET_KEY,
                    "INSTANCE_DIR": str(self.instance_dir),
                    "STORAGE_DIR": str(self.instance_dir / "storage")})
        return env


def postgres_available() -> str | None:
    """None if the PostgreSQL at BENCH_PG_URL answers, else why not."""
    try:
        engine = sa.create_engine(normalise_database_url(PG_ADMIN_URL))
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return None
    except sa.exc.OperationalError as exc:
        return f"PostgreSQL at {PG_ADMIN_URL} does not answer: {exc.orig}"


@contextlib.contextmanager
def scratch_database(kind: str, *, migrate: bool = True, catalog: bool = True,
                     keep: bool = False) -> Iterator[Scratch]:
    """A new database (SQLite file in a temp dir, or PostgreSQL `sd_bench_<random>`),
    migrated and loaded with the demo catalog, removed afterwards unless `keep`."""
    base = Path(tempfile.mkdtemp(prefix=f"sd_bench_{kind}_"))
    admin = None
    if kind == "sqlite":
        url = f"sqlite:///{base / 'bench.db'}"
    elif kind == "postgresql":
        admin = sa.create_engine(normalise_database_url(PG_ADMIN_URL),
                                 isolation_level="AUTOCOMMIT",
                                 # the soak restarts PostgreSQL: a pooled connection from
                                 # before must not fail the final DROP DATABASE
                                 pool_pre_ping=True)
        name = f"sd_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = admin.url.set(database=name).render_as_string(hide_password=False)
    else:
        raise ValueError(f"unknown database kind {kind!r}")
    scratch = Scratch(kind, url, base / "instance")
    try:
        if migrate:
            prepare(scratch, catalog=catalog)
        yield scratch
    finally:
        if not keep:
            if admin is not None:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            shutil.rmtree(base, ignore_errors=True)
        if admin is not None:
            admin.dispose()


def prepare(scratch: Scratch, catalog: bool = True) -> None:
    """What `flask db upgrade` and `flask catalog load data/catalog` do, in-process."""
    from flask_migrate import upgrade

    from server.catalog.loader import load_catalog
    from server.extensions import db

    app = scratch.app()
    with app.app_context():
        upgrade()
        if catalog:
            load_catalog([DEMO_CATALOG], db.session)
            db.session.commit()
        dispose(app)


def dispose(app) -> None:
    from server.extensions import db

    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def explain_statements(engine, run, keep, *, width: int = 150, indent: str = "  ",
                       plan_lines: int | None = None) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements `run()` sends (PostgreSQL): they are
    captured at the cursor, so what is explained is exactly what the code sends, then each
    one `keep(statement)` accepts is run again under EXPLAIN, with its plan's first
    `plan_lines` lines (all by default)."""
    captured: list = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    out = []
    with engine.connect() as conn:
        for statement, parameters in captured:
            if not keep(statement):
                continue
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                        parameters).scalars().all()
            out.append(indent + " ".join(statement.split())[:width] + " ...\n" + indent * 3
                       + ("\n" + indent * 3).join(plan[:plan_lines]))
    return "\n".join(out)


def citizens(scratch: Scratch, count: int, sessions: int = 1, device_name: str = "bench",
             phone=None) -> list[dict]:
    """`count` new citizens, each with `sessions` device sessions, made with the accounts
    operations (as `flask accounts citizen-token` does): [{"id", "phone", "tokens"}].
    `phone(n)` names the n-th citizen's number (random +62877... numbers by default)."""
    from server.access import session_lifetime
    from server.accounts import operations as ops
    from server.accounts.models import Citizen, utcnow
    from server.extensions import db

    phone = phone or (lambda _n: f"+62877{uuid.uuid4().int % 10 ** 8:08d}")
    app = scratch.app()
    out = []
    with app.app_context():
        now = utcnow()
        for n in range(count):
            citizen = Citizen(phone=phone(n), created_at=now)
            db.session.add(citizen)
            db.session.flush()
            tokens = [ops.issue_session(db.session, now=now, citizen=citizen,
                                        lifetime=session_lifetime("citizen"),
                                        device_name=device_name)[0]
                      for _ in range(sessions)]
            out.append({"id": str(citizen.id), "phone": citizen.phone, "tokens": tokens})
        db.session.commit()
    dispose(app)
    return out


def citizen_tokens(scratch: Scratch, count: int, device_name: str = "bench") -> list[str]:
    """Bearer tokens of `count` new citizens, one session each."""
    return [c["tokens"][0] for c in citizens(scratch, count, device_name=device_name)]


# ---- gunicorn -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the app on a scratch database. Stopped by SIGTERM to the pid in its
    --pid file (the pid of a wrapping shell would not be gunicorn's master)."""

    def __init__(self, scratch: Scratch, *, workers: int = 2, threads: int = 1,
                 extra_env: dict[str, str] | None = None):
        self.scratch, self.workers, self.threads = scratch, workers, threads
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.pid_file = scratch.instance_dir.parent / f"gunicorn-{self.port}.pid"
        self.log_file = scratch.instance_dir.parent / f"gunicorn-{self.port}.log"
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = self.scratch.env()
        env.update(self.extra_env)
        command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}",
                   "--workers", str(self.workers), "--pid", str(self.pid_file),
                   "--backlog", "2048", "--log-level", "warning"]
        if self.threads > 1:
            command += ["--threads", str(self.threads)]
        command.append("server.wsgi:app")
        self._log = open(self.log_file, "wb")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); log: "
                                   f"{self.log_file.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz in {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            self.process.terminate()  # never wrote its pid file: it is our direct child
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
        self.process = None

    def __exit__(self, *exc) -> None:
        self.stop()

    def post(self, path: str, body: dict, token: str | None = None) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base_url + path, json.dumps(body).encode(),
                                         headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")


# ---- wrk ----------------------------------------------------------------------------------
@dataclass
class Load:
    """What one wrk run measured (latencies in milliseconds)."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_200: int  # answers other than 200, plus socket errors and timeouts
    bad: int = 0  # 200 answers whose body the script judged wrong (e.g. a rejected mutation)
    extra: dict = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed: `make bench` installs it "
                         "(apt-get install -y wrk)")
    return path


def run_wrk(url: str, script: Path, *, connections: int, seconds: float,
            env: dict[str, str] | None = None) -> Load:
    """wrk with one thread per connection (each connection is one sync client with its own
    Lua state). The script's done() prints one JSON line after a `BENCH_RESULT ` marker."""
    command = [require_wrk(), "-t", str(connections), "-c", str(connections),
               "-d", f"{seconds:g}s", "--timeout", "10s", "-s", str(script), url]
    run_env = dict(os.environ)
    run_env.update(env or {})
    out = subprocess.run(command, cwd=ROOT, env=run_env, capture_output=True, text=True,
                         check=True, timeout=seconds + 120).stdout
    for line in out.splitlines():
        if line.startswith("BENCH_RESULT "):
            data = json.loads(line[len("BENCH_RESULT "):])
            return Load(requests=data["requests"], seconds=data["duration_us"] / 1e6,
                        p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000,
                        non_200=data["non_200"] + data["socket_errors"],
                        bad=data.get("bad", 0), extra=data)
    raise RuntimeError(f"wrk printed no BENCH_RESULT line:\n{out}")


# ---- reporting ----------------------------------------------------------------------------
def machine_note() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{dt.datetime.now().isoformat(timespec='minutes')}, {os.cpu_count()} cores "
            f"({cpu}), load {load:.1f} at start, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


@dataclass
class Row:
    name: str
    measured: float
    goal: float | None = None  # None: informational
    higher_is_better: bool = True
    unit: str = ""

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return ""
        ok = self.measured >= self.goal if self.higher_is_better else self.measured <= self.goal
        return "PASS" if ok else "MISS"

    @property
    def goal_text(self) -> str:
        if self.goal is None:
            return ""
        return f"{'>=' if self.higher_is_better else '<='} {self.goal:g}{self.unit}"


def print_table(title: str, rows: list[Row]) -> bool:
    """Print the result table; True if every goal passed."""
    width = max(len(r.name) for r in rows) if rows else 10
    print(f"\n== {title} ==")
    print(f"{'measure'.ljust(width)}  {'measured':>12}  {'goal':>12}  result")
    for r in rows:
        value = f"{r.measured:,.3f}" if abs(r.measured) < 10 else f"{r.measured:,.0f}"
        print(f"{r.name.ljust(width)}  {value + r.unit:>12}  {r.goal_text:>12}  {r.verdict}")
    return all(r.verdict != "MISS" for r in rows)
