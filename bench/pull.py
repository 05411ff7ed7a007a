"""Pull latency for one citizen when the database holds 1 million applications, over the same
pull when it holds 10 thousand (PostgreSQL). Goal: at most 1.2.

Two scratch PostgreSQL databases are seeded (`flask dev seed`'s code) with the small and the
big count; in each, one more citizen gets a realistic small space through the sync API
(5 drafts, their fields filled in). Both are served by gunicorn (2 workers) at the same
time and the pulls alternate between them, so both see the same machine load:
  - full pull (cookie null: the whole space), what a new or reset device asks for;
  - incremental pull (the current cookie, nothing changed), what every device asks for
    most often.
The EXPLAIN (ANALYZE, BUFFERS) of the changes-since queries the store runs on the big
database is printed (the statements are captured from SqlUnitOfWork, not retyped here).

    .venv/bin/python -m bench.pull [--big 1000000] [--small 10000] [--pulls 200]
"""
from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

if __package__ in (None, ""):  # `python bench/pull.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common  # noqa: E402

RATIO_GOAL = 1.2
SPACE = [("langsa.dukcapil.kk-baru", {"full_name": "Siti Rahmah", "reason": "pisah-kk"}),
         ("langsa.imigrasi.paspor-baru", {"full_name": "Siti Rahmah"}),
         ("langsa.dukcapil.akta-kelahiran", {}),
         ("payakumbuh.dukcapil.kia", {}),
         ("langsa.dukcapil.ktp-el-cetak-ulang", {})]


def seed(scratch: common.Scratch, applications: int) -> float:
    from server.devtools.seeding import seed as seed_rows
    from server.extensions import db

    app = scratch.app()
    with app.app_context():
        summary = seed_rows(db.engine, applications=applications,
                            citizens=max(1, applications // 4))
    common.dispose(app)
    return summary.seconds


def small_space(server: common.Server, token: str) -> dict:
    """The bench citizen's phone: 5 drafts with some fields, pushed like the PWA would."""
    group, client = str(uuid.uuid4()), str(uuid.uuid4())
    mutations, next_id = [], 1
    for service, fields in SPACE:
        app_id = str(uuid.uuid4())
        mutations.append({"id": next_id, "name": "application.create",
                          "args": {"application_id": app_id, "service_id": service}})
        next_id += 1
        if fields:
            mutations.append({"id": next_id, "name": "application.set_fields",
                              "args": {"application_id": app_id, "fields": fields}})
            next_id += 1
    status, body = server.post("/api/sync/push", {"protocol": 1, "client_group_id": group,
                                                  "client_id": client,
                                                  "mutations": mutations}, token)
    if status != 200 or any(r["status"] != "applied" for r in body["results"]):
        raise RuntimeError(f"building the bench citizen's space failed: {status} {body}")
    status, body = server.post("/api/sync/pull", {"protocol": 1, "client_group_id": group,
                                                  "cookie": None}, token)
    return {"group": group, "cookie": body["cookie"], "entries": len(body["patch"])}


def timed_pull(server: common.Server, token: str, group: str, cookie) -> float:
    started = time.perf_counter()
    status, body = server.post("/api/sync/pull", {"protocol": 1, "client_group_id": group,
                                                  "cookie": cookie}, token)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"pull answered {status}: {body}")
    return elapsed


def explain_changes_since(scratch: common.Scratch, token: str) -> str:
    """EXPLAIN ANALYZE of every statement SqlUnitOfWork.changes_since runs for the citizen."""
    from server.access import hash_token
    from server.accounts.models import DeviceSession
    from server.applications.store import SqlUnitOfWork
    from server.extensions import db

    app = scratch.app()
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            citizen_id = conn.execute(sa.select(DeviceSession.citizen_id).where(
                DeviceSession.token_hash == hash_token(token))).scalar_one()
        uow = SqlUnitOfWork(engine)

        def changes() -> None:
            with uow.snapshot():
                uow.changes_since(str(citizen_id), 0)

        out = common.explain_statements(
            engine, changes, lambda s: s.lstrip().upper().startswith("SELECT"), width=110)
    common.dispose(app)
    return out


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=1_000_000, help="applications, big database")
    parser.add_argument("--small", type=int, default=10_000, help="applications, small one")
    parser.add_argument("--pulls", type=int, default=200, help="pulls of each kind per database")
    args = parser.parse_args(argv)
    if why := common.postgres_available():
        print(f"pull benchmark skipped: {why}")
        return 0
    print(f"pull benchmark: {args.small:,} vs {args.big:,} applications, PostgreSQL, "
          f"gunicorn 2 sync workers each; {common.machine_note()}")
    with contextlib.ExitStack() as stack:
        sides = {}
        for label, count in (("small", args.small), ("big", args.big)):
            scratch = stack.enter_context(common.scratch_database("postgresql"))
            seconds = seed(scratch, count)
            print(f"  seeded {count:,} applications (with citizens, requirement rows, "
                  f"documents) in {seconds:.1f} s")
            token = common.citizen_tokens(scratch, 1)[0]
            server = stack.enter_context(common.Server(scratch, workers=2))
            sides[label] = {"scratch": scratch, "server": server, "token": token,
                            **small_space(server, token), "full": [], "incremental": []}
        for _ in range(5):  # warm both servers' workers and caches
            for side in sides.values():
                timed_pull(side["server"], side["token"], side["group"], None)
        for _ in range(args.pulls):  # alternate: both sides see the same machine load
            for side in sides.values():
                side["full"].append(timed_pull(side["server"], side["token"], side["group"],
                                               None))
                side["incremental"].append(timed_pull(side["server"], side["token"],
                                                      side["group"], side["cookie"]))
        print(f"  the citizen's space: {sides['big']['entries']} entries in a full pull")
        print("\nEXPLAIN (ANALYZE, BUFFERS) of changes_since on the big database:")
        print(explain_changes_since(sides["big"]["scratch"], sides["big"]["token"]))
    rows = []
    for kind in ("full", "incremental"):
        small = statistics.median(sides["small"][kind])
        big = statistics.median(sides["big"][kind])
        rows += [
            common.Row(f"{kind} pull p50, {args.small:,} apps", small, unit=" ms",
                       higher_is_better=False),
            common.Row(f"{kind} pull p50, {args.big:,} apps", big, unit=" ms",
                       higher_is_better=False),
            common.Row(f"{kind} pull p95, {args.big:,} apps",
                       percentile(sides["big"][kind], 95), unit=" ms",
                       higher_is_better=False),
            common.Row(f"{kind} pull p50 big / small", big / small, RATIO_GOAL, False),
        ]
    ok = common.print_table("pull latency, one citizen (PostgreSQL)", rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
