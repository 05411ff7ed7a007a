"""CI honesty: a TEST_DATABASE_URL that is set but does not answer fails the PostgreSQL half
of the matrix; it never turns it into skips that let the run pass on SQLite alone."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def closed_port() -> int:
    with socket.socket() as sock:  # bound and closed again: nothing listens there
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_silent_postgresql_fails_the_run_instead_of_skipping(tmp_path):
    env = {**os.environ,
           "TEST_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{closed_port()}/test"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs",
         "--basetemp", str(tmp_path / "pytest"),
         "tests/api/test_platform.py::test_healthz_checks_the_database"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    errors = [line for line in out.splitlines() if line.startswith("ERROR ")]
    assert any("[postgresql]" in line for line in errors), out
    assert "TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:" in out, out
    assert "does not answer" in out, out
    assert "skipped" not in out and "SKIPPED" not in out, out
