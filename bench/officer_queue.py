"""The officer queue's latency (GET /api/officer/applications) with 1 million applications in
PostgreSQL. Goal: p95 <= 150 ms for every kind of call.

The database is `sd_bench_queue_<size>` on BENCH_PG_URL's server, seeded with
`flask dev seed --applications <size>` and KEPT between runs (seeding 1M takes about 9
minutes on a 2-core machine): a later run reuses it when it holds at least <size>
applications, and only migrates it (`flask db upgrade`, a no-op when current) and adds its
officers. `--fresh` drops and seeds it again; `--drop` removes it at the end.

The officers are made with the accounts operations (as tests/api/conftest.py does): a
verifier of the agency with the most queued applications (measured in the database, not
named here) and a supervisor of that agency's MPP. Calls, each answered by gunicorn (2 sync
workers) and timed from this process, alternating case by case so every case sees the same
machine load:
  - the default queue (every queue state), one state (`state=submitted`), a search by
    reference (`q=<a reference in scope>`) and by NIK (`q=<a NIK in scope>`), for both.
Then the EXPLAIN (ANALYZE, BUFFERS) of the statements the queue runs against `application`
(captured from server/review/operations.queue, not retyped here) for the verifier's and the
supervisor's default queue.

    .venv/bin/python bench/officer_queue.py [--size 1000000] [--requests 100] [--fresh] [--drop]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa

if __package__ in (None, ""):  # `python bench/officer_queue.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

P95_GOAL_MS = 150.0
QUEUE_PATH = "/api/officer/applications"


# ---- the kept database ------------------------------------------------------------------------
def kept_database(size: int, fresh: bool) -> tuple[common.Scratch, float | None]:
    """`sd_bench_queue_<size>`, migrated, catalogued and seeded; reused when it already holds
    `size` applications. Returns the scratch and the seeding time (None when reused)."""
    from server.config import normalise_database_url

    admin = sa.create_engine(normalise_database_url(common.PG_ADMIN_URL),
                             isolation_level="AUTOCOMMIT")
    name = f"sd_bench_queue_{size}"
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    scratch = common.Scratch("postgresql", url,
                             Path(tempfile.mkdtemp(prefix="sd_bench_queue_")) / "instance")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": name}).first() is not None
        if exists and fresh:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = False
    if exists:
        held = application_count(scratch)
        if held is not None and held >= size:
            print(f"  reusing {name}: {held:,} applications (--fresh seeds it again)")
            common.prepare(scratch, catalog=False)  # migrate only: a no-op when current
            admin.dispose()
            return scratch, None
        print(f"  {name} holds {held or 0:,} applications (an interrupted seed?): re-seeding")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    common.prepare(scratch, catalog=True)
    started = time.perf_counter()
    subprocess.run([str(common.BIN / "flask"), "dev", "seed", "--applications", str(size)],
                   cwd=common.ROOT, env=scratch.env(), check=True)
    seconds = time.perf_counter() - started
    with sa.create_engine(normalise_database_url(url)).connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
    return scratch, seconds


def application_count(scratch: common.Scratch) -> int | None:
    from server.config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(scratch.url))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM application")).scalar_one()
    except sa.exc.ProgrammingError:  # not migrated yet
        return None
    finally:
        engine.dispose()


def drop_database(scratch: common.Scratch) -> None:
    from server.config import normalise_database_url

    admin = sa.create_engine(normalise_database_url(common.PG_ADMIN_URL),
                             isolation_level="AUTOCOMMIT")
    name = sa.engine.make_url(scratch.url).database
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# ---- officers and what they search for --------------------------------------------------------
def officers_and_targets(scratch: common.Scratch) -> dict:
    """A verifier of the busiest agency and a supervisor of its MPP (new sessions each run),
    and a reference and a NIK from that agency's queue to search for."""
    import uuid

    from server.access import session_lifetime
    from server.accounts import operations as ops
    from server.accounts.models import utcnow
    from server.applications.models import Application
    from server.catalog.models import Agency, Mpp, Service
    from server.extensions import db
    from server.review.operations import QUEUE_STATES

    app = scratch.app()
    with app.app_context():
        busiest = db.session.execute(
            sa.select(Mpp.code, Agency.code, sa.func.count())
            .select_from(Application)
            .join(Service, Service.code == Application.service_code)
            .join(Agency, Agency.id == Service.agency_id).join(Mpp, Mpp.id == Agency.mpp_id)
            .where(Application.state.in_(QUEUE_STATES))
            .group_by(Mpp.code, Agency.code).order_by(sa.func.count().desc())).first()
        mpp, agency, queued = busiest
        sample = db.session.execute(
            sa.select(Application.reference, Application.applicant_nik)
            .join(Service, Service.code == Application.service_code)
            .join(Agency, Agency.id == Service.agency_id).join(Mpp, Mpp.id == Agency.mpp_id)
            .where(Mpp.code == mpp, Agency.code == agency, Application.state.in_(QUEUE_STATES),
                   Application.applicant_nik.is_not(None))
            .order_by(Application.id).limit(1)).one()
        now = utcnow()
        out = {"mpp": mpp, "agency": agency, "queued": queued, "reference": sample.reference,
               "nik": sample.applicant_nik}
        for role, agency_code in (("verifier", agency), ("supervisor", None)):
            officer = ops.create_officer(
                db.session, username=f"bench-{role}-{uuid.uuid4().hex[:8]}",
                password=f"Bench-{uuid.uuid4().hex}", full_name=f"Petugas bench {role}",
                role=role, mpp_code=mpp, agency_code=agency_code, now=now)
            token, _ = ops.issue_session(db.session, now=now, officer=officer,
                                         lifetime=session_lifetime("officer"))
            out[role] = {"id": officer.id, "token": token}
        db.session.commit()
    common.dispose(app)
    return out


# ---- timing -----------------------------------------------------------------------------------
def timed_get(base_url: str, token: str, params: dict) -> tuple[float, dict]:
    url = f"{base_url}{QUEUE_PATH}?{urllib.parse.urlencode(params)}" if params else \
        f"{base_url}{QUEUE_PATH}"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            body = resp.read()
    except urllib.error.HTTPError as err:
        raise RuntimeError(f"GET {url} answered {err.code}: {err.read()[:300]!r}") from None
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, json.loads(body)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def explain_queue(scratch: common.Scratch, officer_id: int) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements ops.queue runs on `application` for the
    officer's default queue (captured at the cursor, run again under EXPLAIN)."""
    from server.accounts.models import Officer
    from server.extensions import db
    from server.review import operations as ops

    app = scratch.app()
    with app.test_request_context():
        officer = db.session.get(Officer, officer_id)
        out = common.explain_statements(
            db.engine,
            lambda: ops.queue(officer, state=None, service=None, q=None, limit=50, offset=0,
                              now=dt.datetime.now(dt.UTC)),
            lambda s: "FROM application" in s and s.lstrip().upper().startswith("SELECT"))
    common.dispose(app)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000,
                        help="applications in the database (default 1,000,000)")
    parser.add_argument("--requests", type=int, default=100, help="timed calls per case")
    parser.add_argument("--fresh", action="store_true", help="drop and seed the database again")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args(argv)
    if why := common.postgres_available():
        print(f"queue benchmark skipped: {why}")
        return 0
    print(f"officer queue benchmark: {args.size:,} applications, PostgreSQL, gunicorn 2 sync "
          f"workers; {common.machine_note()}")
    scratch, seeded = kept_database(args.size, args.fresh)
    if seeded is not None:
        print(f"  seeded {args.size:,} applications with `flask dev seed` in {seeded:.1f} s "
              f"(kept as {sa.engine.make_url(scratch.url).database}; reused next time)")
    try:
        who = officers_and_targets(scratch)
        print(f"  verifier of {who['mpp']}/{who['agency']} ({who['queued']:,} queued "
              f"applications in that agency), supervisor of {who['mpp']}")
        cases = []
        for role in ("verifier", "supervisor"):
            cases += [(f"{role}, default queue", role, {}),
                      (f"{role}, state=submitted", role, {"state": "submitted"}),
                      (f"{role}, q=reference", role, {"q": who["reference"]}),
                      (f"{role}, q=NIK", role, {"q": who["nik"]})]
        timings = {name: [] for name, _, _ in cases}
        totals = {}
        with common.Server(scratch, workers=2) as server:
            for _ in range(3):  # warm both workers and the caches
                for name, role, params in cases:
                    timed_get(server.base_url, who[role]["token"], params)
            for _ in range(args.requests):
                for name, role, params in cases:
                    ms, body = timed_get(server.base_url, who[role]["token"], params)
                    timings[name].append(ms)
                    totals[name] = body["total"]
        for name, _, params in cases:  # a search that finds nothing measures nothing
            if params.get("q") and totals[name] < 1:
                raise RuntimeError(f"{name}: the search found nothing ({params})")
        print("\nEXPLAIN (ANALYZE, BUFFERS) of the queue's statements on `application`:")
        for role in ("verifier", "supervisor"):
            print(f"\n -- {role}, default queue:")
            print(explain_queue(scratch, who[role]["id"]))
    finally:
        if args.drop:
            drop_database(scratch)
    rows = []
    for name, _, _ in cases:
        rows.append(common.Row(f"{name} p50 (total {totals[name]:,})",
                               statistics.median(timings[name]), unit=" ms",
                               higher_is_better=False))
        rows.append(common.Row(f"{name} p95", percentile(timings[name], 95), P95_GOAL_MS,
                               higher_is_better=False, unit=" ms"))
    ok = common.print_table(f"officer queue latency, {args.size:,} applications (PostgreSQL)",
                            rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
