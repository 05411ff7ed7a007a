"""The supervisor's dashboard at scale: `GET /api/dashboard` for the busiest MPP over a year.

The database is officer_queue.py's kept `sd_bench_queue_<size>` (1,000,000 applications seeded
by `flask dev seed`, reused between runs; `--fresh` seeds it again). The seeder writes no
journal, so this script fills the dashboard's rollup (migration 0018, server/dashboard) from
the seeded applications in SQL, as `catch_up` would have from their journal: one fact row per
submitted application (ready 0-239 h after submit for ready and completed ones, completed a day
later, one revision and one rejected requirement for a quarter of them), their rejections,
officers' actions per day, and the sums catch_up keeps beside them (per service and day; the
ready-hours histogram per month; the backlog's counts per service, state, day, due date and
reviewer, which the first request's catch-up folds as it does once a day in service).
Then, through gunicorn (2 workers), timed in turn:
- a supervisor of the busiest MPP: the whole dashboard for the last 365 days, and one CSV;
- a verifier of that MPP's busiest agency: their agency's dashboard for 365 days.
Each request also runs `catch_up` (nothing new to apply after a first one: its cost is one
indexed read). The catch-up's own cost is measured apart: journal rows (the engine's shape)
for existing applications, applied per second. Prints the EXPLAIN of the cohort query.

    .venv/bin/python bench/dashboard.py [--size N] [--requests N] [--fresh] [--drop]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import sqlalchemy as sa

if __package__ in (None, ""):  # `python bench/dashboard.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common
from bench.officer_queue import drop_database, kept_database, percentile

P95_GOAL_MS = 300.0
CATCH_UP_ROWS = 20_000

FILL = [
    "DELETE FROM ops_officer_day", "DELETE FROM ops_rejection", "DELETE FROM ops_application",
    "DELETE FROM ops_service_day", "DELETE FROM ops_ready_hours", "DELETE FROM ops_backlog",
    "DELETE FROM ops_backlog_settled",
    """INSERT INTO ops_application (application_id, mpp_id, agency_id, service_code, citizen_id,
         submitted_at, due_on, ready_at, completed_at, closed_state, revisions, rejections,
         state, queued_on, queue_due_on, reviewer_id)
       SELECT a.id, g.mpp_id, g.id, a.service_code, a.citizen_id, a.submitted_at, a.due_on,
         CASE WHEN a.state IN ('ready', 'completed')
              THEN a.submitted_at + (abs(hashtext(a.id)) % 240) * interval '1 hour' END,
         CASE WHEN a.state = 'completed'
              THEN a.submitted_at + (abs(hashtext(a.id)) % 240 + 24) * interval '1 hour' END,
         CASE WHEN a.state IN ('completed', 'rejected', 'withdrawn') THEN a.state END,
         CASE WHEN abs(hashtext(a.id || 'r')) % 4 = 0 THEN 1 ELSE 0 END,
         CASE WHEN abs(hashtext(a.id || 'r')) % 4 = 0 THEN 1 ELSE 0 END,
         a.state, date(a.submitted_at + interval '7 hours'), a.due_on, a.reviewer_id
       FROM application a JOIN service s ON s.code = a.service_code
       JOIN agency g ON g.id = s.agency_id WHERE a.submitted_at IS NOT NULL""",
    """INSERT INTO ops_rejection (application_id, mpp_id, agency_id, service_code,
         requirement_code, reason, at)
       SELECT o.application_id, o.mpp_id, o.agency_id, o.service_code,
         (SELECT r.code FROM application_requirement r WHERE r.application_id = o.application_id
          ORDER BY r.position LIMIT 1),
         (ARRAY['blurry', 'expired', 'mismatch'])[abs(hashtext(o.application_id)) % 3 + 1],
         o.submitted_at + interval '1 day'
       FROM ops_application o WHERE o.rejections > 0 AND EXISTS (
         SELECT 1 FROM application_requirement r WHERE r.application_id = o.application_id)""",
    """INSERT INTO ops_officer_day (day, officer_id, service_code, action, mpp_id, agency_id, n)
       SELECT date(o.submitted_at), (abs(hashtext(o.application_id)) % 6)::text,
         o.service_code, 'start_review', min(o.mpp_id), min(o.agency_id), count(*)
       FROM ops_application o
       GROUP BY 1, 2, 3""",
    # The sums catch_up keeps beside the facts (operations._contribution), made in one go.
    """INSERT INTO ops_service_day (day, service_code, mpp_id, agency_id, submitted, decided,
         first_time_right, revisions, ready, ready_within_sla, completed, rejected, withdrawn)
       SELECT date(o.submitted_at + interval '7 hours'), o.service_code, min(o.mpp_id),
         min(o.agency_id), count(*),
         sum(CASE WHEN o.ready_at IS NOT NULL OR o.closed_state = 'rejected' THEN 1 ELSE 0 END),
         sum(CASE WHEN o.ready_at IS NOT NULL AND o.revisions = 0 THEN 1 ELSE 0 END),
         sum(o.revisions),
         sum(CASE WHEN o.ready_at IS NOT NULL THEN 1 ELSE 0 END),
         sum(CASE WHEN o.ready_at IS NOT NULL AND o.due_on IS NOT NULL
                   AND date(o.ready_at + interval '7 hours') <= o.due_on THEN 1 ELSE 0 END),
         sum(CASE WHEN o.completed_at IS NOT NULL THEN 1 ELSE 0 END),
         sum(CASE WHEN o.closed_state = 'rejected' THEN 1 ELSE 0 END),
         sum(CASE WHEN o.closed_state = 'withdrawn' THEN 1 ELSE 0 END)
       FROM ops_application o GROUP BY 1, 2""",
    """INSERT INTO ops_ready_hours (month, service_code, hours, mpp_id, agency_id, n)
       SELECT date_trunc('month', o.submitted_at + interval '7 hours')::date, o.service_code,
         floor(extract(epoch FROM o.ready_at - o.submitted_at) / 3600)::int,
         min(o.mpp_id), min(o.agency_id), count(*)
       FROM ops_application o WHERE o.ready_at IS NOT NULL GROUP BY 1, 2, 3""",
    # The backlog's counts (operations._contribution's fourth part); the first request's
    # catch-up folds the settled ones (operations._settle), as once a day in service.
    """INSERT INTO ops_backlog (service_code, state, day, due_on, reviewer_id, mpp_id,
         agency_id, n)
       SELECT o.service_code, o.state, o.queued_on, coalesce(o.queue_due_on, DATE '9999-12-31'),
         coalesce(o.reviewer_id, ''), min(o.mpp_id), min(o.agency_id), count(*)
       FROM ops_application o
       WHERE o.state IN ('submitted', 'in_review', 'revision_requested', 'approved', 'ready')
       GROUP BY 1, 2, 3, 4, 5""",
    """INSERT INTO ops_rollup_state (id, last_event_id, settled_on)
       SELECT 1, coalesce(max(id), 0), NULL FROM audit_event
       ON CONFLICT (id) DO UPDATE SET last_event_id = excluded.last_event_id,
         settled_on = NULL""",
]


def fill_rollup(scratch: common.Scratch) -> tuple[int, float]:
    from server.config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(scratch.url))
    started = time.perf_counter()
    with engine.begin() as conn:
        for statement in FILL:
            conn.execute(sa.text(statement))
        facts = conn.execute(sa.text("SELECT count(*) FROM ops_application")).scalar_one()
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text(
            "VACUUM ANALYZE ops_application, ops_rejection, ops_officer_day, ops_service_day, "
            "ops_ready_hours, ops_backlog"))
    engine.dispose()
    return facts, time.perf_counter() - started


def callers(scratch: common.Scratch) -> dict:
    """A supervisor of the MPP with most applications submitted in the last year, and a
    verifier of its busiest agency (new sessions each run)."""
    from server.access import session_lifetime
    from server.accounts import operations as ops
    from server.dashboard.models import OpsApplication
    from server.catalog.models import Agency, Mpp
    from server.db_types import utcnow
    from server.extensions import db

    app = scratch.app()
    with app.app_context():
        now = utcnow()
        since = now - dt.timedelta(days=365)
        mpp, agency, n = db.session.execute(
            sa.select(Mpp.code, Agency.code, sa.func.count())
            .select_from(OpsApplication).join(Agency, Agency.id == OpsApplication.agency_id)
            .join(Mpp, Mpp.id == Agency.mpp_id).where(OpsApplication.submitted_at >= since)
            .group_by(Mpp.code, Agency.code).order_by(sa.func.count().desc())).first()
        in_mpp = db.session.scalar(
            sa.select(sa.func.count()).select_from(OpsApplication)
            .join(Mpp, Mpp.id == OpsApplication.mpp_id)
            .where(Mpp.code == mpp, OpsApplication.submitted_at >= since))
        out = {"mpp": mpp, "agency": agency, "in_agency": n, "in_mpp": in_mpp}
        for role, agency_code in (("supervisor", None), ("verifier", agency)):
            officer = ops.create_officer(
                db.session, username=f"bench-dash-{role}-{uuid.uuid4().hex[:8]}",
                password=f"Bench-{uuid.uuid4().hex}", full_name=f"Petugas bench {role}",
                role=role, mpp_code=mpp, agency_code=agency_code, now=now)
            token, _ = ops.issue_session(db.session, now=now, officer=officer,
                                         lifetime=session_lifetime("officer"))
            out[role] = {"id": officer.id, "token": token}
        db.session.commit()
    common.dispose(app)
    return out


def catch_up_rate(scratch: common.Scratch) -> tuple[int, float]:
    """Journal rows as the engine writes them (a revision requested, a requirement rejected,
    made ready) for existing applications, applied by catch_up: rows and seconds."""
    from server.audit.models import AuditEvent
    from server.dashboard import operations as dash
    from server.dashboard.models import OpsApplication
    from server.db_types import utcnow
    from server.extensions import db

    app = scratch.app()
    with app.app_context():
        ids = db.session.scalars(sa.select(OpsApplication.application_id)
                                 .order_by(OpsApplication.application_id)
                                 .limit(CATCH_UP_ROWS // 2)).all()
        at = utcnow() - dt.timedelta(minutes=5)
        rows = []
        for app_id in ids:
            rows.append({"at": at, "actor_kind": "officer", "actor_id": "1",
                         "action": "sync.review_requirement", "target_kind": "application",
                         "target_id": app_id, "outcome": "ok",
                         "details": {"requirement_code": "ktp", "review_status": "rejected",
                                     "reason": "blurry", "version": 1}})
            rows.append({"at": at, "actor_kind": "officer", "actor_id": "1",
                         "action": "sync.request_revision", "target_kind": "application",
                         "target_id": app_id, "outcome": "ok",
                         "details": {"previous": "in_review", "state": "revision_requested",
                                     "version": 2}})
        db.session.execute(sa.insert(AuditEvent), rows)
        db.session.commit()
        started = time.perf_counter()
        applied = dash.catch_up(db.session, utcnow())
        db.session.commit()
        seconds = time.perf_counter() - started
    common.dispose(app)
    return applied, seconds


def timed_get(base_url: str, token: str, path: str, params: dict) -> tuple[float, bytes]:
    url = f"{base_url}{path}?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            body = resp.read()
    except urllib.error.HTTPError as err:
        raise RuntimeError(f"GET {url} answered {err.code}: {err.read()[:300]!r}") from None
    return (time.perf_counter() - started) * 1000, body


def explain_cohort(scratch: common.Scratch, officer_id: int, first, last) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the report's statements on the rollup tables."""
    from server.accounts.models import Officer
    from server.dashboard import operations as dash
    from server.db_types import utcnow
    from server.extensions import db

    app = scratch.app()
    with app.app_context():
        officer = db.session.get(Officer, officer_id)
        scope = dash.scope_for(db.session, officer, None, None)
        out = common.explain_statements(
            db.engine, lambda: dash.report(db.session, officer, scope, first, last, utcnow()),
            lambda s: any(t in s for t in ("FROM ops_", "FROM application "))
            and "ops_rollup_state" not in s, width=140, plan_lines=12)
    common.dispose(app)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000,
                        help="applications in the database (default 1,000,000)")
    parser.add_argument("--requests", type=int, default=40, help="timed calls per case")
    parser.add_argument("--fresh", action="store_true", help="drop and seed the database again")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args(argv)
    if why := common.postgres_available():
        print(f"dashboard benchmark skipped: {why}")
        return 0
    print(f"dashboard benchmark: {args.size:,} applications, PostgreSQL, gunicorn 2 sync "
          f"workers; {common.machine_note()}")
    scratch, seeded = kept_database(args.size, args.fresh)
    if seeded is not None:
        print(f"  seeded {args.size:,} applications with `flask dev seed` in {seeded:.1f} s")
    try:
        facts, seconds = fill_rollup(scratch)
        print(f"  rollup filled from the seeded applications: {facts:,} fact rows in "
              f"{seconds:.1f} s")
        who = callers(scratch)
        print(f"  busiest MPP over the last 365 days: {who['mpp']} ({who['in_mpp']:,} "
              f"applications; busiest agency {who['agency']}: {who['in_agency']:,})")
        today = dt.date.today()
        period = {"first": (today - dt.timedelta(days=364)).isoformat(),
                  "last": today.isoformat()}
        cases = [("supervisor, MPP, 365 days", "supervisor", "/api/dashboard"),
                 ("supervisor, services.csv, 365 days", "supervisor",
                  "/api/dashboard/services.csv"),
                 ("verifier, own agency, 365 days", "verifier", "/api/dashboard")]
        timings = {name: [] for name, _, _ in cases}
        with common.Server(scratch, workers=2) as server:
            for _ in range(3):  # warm both workers and the caches
                for name, role, path in cases:
                    timed_get(server.base_url, who[role]["token"], path, period)
            for _ in range(args.requests):
                for name, role, path in cases:
                    ms, body = timed_get(server.base_url, who[role]["token"], path, period)
                    timings[name].append(ms)
                    if path == "/api/dashboard":
                        submitted = json.loads(body)["totals"]["submitted"]
                        if submitted < 1:
                            raise RuntimeError(f"{name}: the dashboard counted nothing")
        print("\nEXPLAIN (ANALYZE, BUFFERS) of the supervisor's report statements:")
        print(explain_cohort(scratch, who["supervisor"]["id"],
                             dt.date.fromisoformat(period["first"]), today))
        applied, catch_seconds = catch_up_rate(scratch)
    finally:
        if args.drop:
            drop_database(scratch)
    rows = []
    for name, _, _ in cases:
        rows.append(common.Row(f"{name} p50", statistics.median(timings[name]), unit=" ms",
                               higher_is_better=False))
        rows.append(common.Row(f"{name} p95", percentile(timings[name], 95), P95_GOAL_MS,
                               higher_is_better=False, unit=" ms"))
    rows.append(common.Row(f"catch-up: {applied:,} journal rows applied, rows/s",
                           applied / catch_seconds if catch_seconds else 0.0, unit=""))
    ok = common.print_table(f"dashboard latency, {args.size:,} applications (PostgreSQL)", rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
