"""The public SKM results of one MPP over a year of 1,000,000 answers. Goal: p95 <= 100 ms for
the JSON (GET /api/mpps/<mpp>/skm?period=<year>), the printable page (/skm/<mpp>) and the CSV.

The year is seeded by server/survey/seeding.py's `synthetic_year`: `--responses` answer rows
at the MPP with the most services, spread over its services (a few busy ones take most) and
the year's working days, each with its daily sums updated exactly as a live answer updates
them (INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n), and 1.6 times as many
completed applications in the population. Before timing, the sums are checked against the
answer rows. The results read only the daily sums (services x working days rows, whatever
the number of answers); the same figures computed from the answer rows themselves are timed
once, in-process, to show what the sums save.

Calls are answered by gunicorn (2 sync workers) and timed from this process, `GET /healthz`
alternately beside them (the machine's load shows in the table).

    .venv/bin/python bench/survey_ikm.py [--responses 1000000] [--requests 200]
                                         [--kinds sqlite,postgresql]
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

if __package__ in (None, ""):  # `python bench/survey_ikm.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

P95_GOAL_MS = 100.0


def busiest_mpp(session) -> str:
    from server.catalog.models import Agency, Mpp, Service

    return session.execute(
        sa.select(Mpp.code).join(Agency, Agency.mpp_id == Mpp.id)
        .join(Service, Service.agency_id == Agency.id)
        .group_by(Mpp.code).order_by(sa.func.count().desc(), Mpp.code).limit(1)).scalar_one()


def seed(scratch: common.Scratch, responses: int, year: int) -> tuple[str, float, int]:
    from server.extensions import db
    from server.survey.models import SurveyDaily
    from server.survey.seeding import daily_matches_rows, synthetic_year

    app = scratch.app()
    with app.app_context():
        mpp = busiest_mpp(db.session)
        started = time.perf_counter()
        step = max(responses // 5, 1)

        def progress(done: int) -> None:
            if done % step < 20_000 or done == responses:
                print(f"  {done:,} answers ({time.perf_counter() - started:.0f} s)", flush=True)

        synthetic_year(db.engine, mpp, responses, year, progress=progress)
        if scratch.kind == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE survey_daily")
                conn.exec_driver_sql("ANALYZE survey_response")
        seconds = time.perf_counter() - started
        if not daily_matches_rows(db.engine, mpp):
            raise SystemExit("the daily sums disagree with the answer rows")
        with db.engine.connect() as conn:  # a new snapshot: after the seeding's commits
            daily_rows = conn.scalar(sa.select(sa.func.count()).select_from(SurveyDaily))
    common.dispose(app)
    return mpp, seconds, daily_rows


def from_rows_once(scratch: common.Scratch, mpp: str, year: int) -> float:
    """What the page would cost without the sums: the same figures grouped from the rows."""
    from server.extensions import db
    from server.survey import skm
    from server.survey.models import SurveyResponse

    app = scratch.app()
    with app.app_context():
        started = time.perf_counter()
        db.session.execute(
            sa.select(SurveyResponse.service_code, sa.func.count(),
                      *[sa.func.sum(getattr(SurveyResponse, k)) for k in skm.ELEMENTS])
            .where(SurveyResponse.mpp_code == mpp,
                   SurveyResponse.day.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
            .group_by(SurveyResponse.service_code)).all()
        seconds = time.perf_counter() - started
    common.dispose(app)
    return seconds * 1000


def cpu_per_call(scratch: common.Scratch, urls: list[str], calls: int = 30) -> list[float]:
    """Median CPU time of one call in-process (the Flask test client, this thread's
    time.thread_time: the app's Python and, on SQLite, the query; never time spent waiting
    for a core), so the cost shows apart from how loaded the shared machine is."""
    app = scratch.app()
    client = app.test_client()
    out = []
    for url in urls:
        client.get(url)
        spent = []
        for _ in range(calls):
            started = time.thread_time()
            assert client.get(url).status_code == 200
            spent.append((time.thread_time() - started) * 1000)
        out.append(statistics.median(spent))
    common.dispose(app)
    return out


def timed(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return (time.perf_counter() - started) * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def run(kind: str, responses: int, requests: int) -> bool:
    year = dt.date.today().year - 1
    with common.scratch_database(kind) as scratch:
        print(f"\n{kind}: seeding {responses:,} answers for {year} ...", flush=True)
        mpp, seed_seconds, daily_rows = seed(scratch, responses, year)
        rows_ms = from_rows_once(scratch, mpp, year)
        cpu_json, cpu_page = cpu_per_call(scratch, [f"/api/mpps/{mpp}/skm?period={year}",
                                                    f"/skm/{mpp}?period={year}"])
        with common.Server(scratch, workers=2) as server:
            base = server.base_url
            urls = {"json": f"{base}/api/mpps/{mpp}/skm?period={year}",
                    "page": f"{base}/skm/{mpp}?period={year}",
                    "csv": f"{base}/api/mpps/{mpp}/skm.csv?period={year}",
                    "quarter json": f"{base}/api/mpps/{mpp}/skm?period={year}-Q3"}
            with urllib.request.urlopen(urls["json"]) as response:
                import json

                unit = json.loads(response.read())["unit"]
            assert unit["responses"] == responses, unit
            for url in urls.values():  # warm: the first call of each worker loads the app
                for _ in range(4):
                    timed(url)
            times: dict[str, list[float]] = {name: [] for name in urls}
            health: list[float] = []
            for _ in range(requests):
                for name, url in urls.items():
                    times[name].append(timed(url))
                    health.append(timed(f"{base}/healthz"))
        rows = [common.Row(f"{name} p95", p95(values), P95_GOAL_MS, False, " ms")
                for name, values in times.items()]
        rows += [common.Row(f"{name} p50", statistics.median(values), None, False, " ms")
                 for name, values in times.items()]
        rows += [common.Row("json CPU per call, in-process (median)", cpu_json, None, False,
                            " ms"),
                 common.Row("page CPU per call, in-process (median)", cpu_page, None, False,
                            " ms"),
                 common.Row("healthz p95 (beside)", p95(health), None, False, " ms"),
                 common.Row("same figures from the answer rows, once", rows_ms, None, False,
                            " ms"),
                 common.Row("answers in the year", unit["responses"], None),
                 common.Row("population (completed applications)", unit["population"], None),
                 common.Row("daily-sum rows read", daily_rows, None),
                 common.Row("seeding", seed_seconds, None, False, " s")]
        print(f"IKM of {mpp} for {year}: {unit['ikm']} ({unit['band']['grade']})")
        return common.print_table(f"SKM public results, {kind}, MPP {mpp}, {responses:,} "
                                  f"answers in {year}, {requests} calls each", rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--kinds", default="sqlite,postgresql")
    args = parser.parse_args()
    print(common.machine_note())
    ok = True
    for kind in args.kinds.split(","):
        if kind == "postgresql" and (why := common.postgres_available()):
            print(f"postgresql: SKIPPED ({why})")
            continue
        ok = run(kind, args.responses, args.requests) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
