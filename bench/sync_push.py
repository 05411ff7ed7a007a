"""Sync push throughput over a no-op endpoint of the same app, on SQLite (WAL) and PostgreSQL.

For each database: a scratch database, gunicorn with 2 workers (BENCH_NOOP_ROUTE=1 so the
no-op baseline exists), N citizens each with one sync client that first creates a draft
(mutation 1), then wrk drives all clients at once (one connection each, ids 2, 3, ... in
order; tools: bench/sync_clients.lua):
  1. the no-op endpoint with the same bodies (the framework's own cost),
  2. pushes of ONE application.set_fields each (a committed transaction each),
  3. pushes of TEN set_fields each (10 transactions a request; mutations/s counted),
  4. pushes of 100 (the PWA's batch limit, MAX_MUTATIONS_PER_PUSH).
Afterwards the server's sync_client rows must account for every mutation answered applied.

Goals (issue #20): push / no-op; the push's p99; and what a batch costs against a single
push, as mutations/s of batched pushes over the single push's rate: a push of 10 may cost at
most 3x a push of 1 (>= 10/3 = 3.3x the rate), a push of 100 at most 15x (>= 100/15 = 6.7x).

    .venv/bin/python -m bench.sync_push [--seconds 10] [--clients 16] [--only sqlite]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

if __package__ in (None, ""):  # `python bench/sync_push.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common  # noqa: E402

SERVICE = "langsa.dukcapil.kk-baru"  # has a free-text full_name field
LUA = Path(__file__).with_name("sync_clients.lua")
GOALS = {"sqlite": 0.30, "postgresql": 0.18}
P99_GOAL_MS = 100.0
# A batch of n may cost at most this many single pushes: rate(batch) / rate(1) >= n / cost.
BATCH_COST = {10: 3.0, 100: 15.0}
# (name, path, mutations a request, bearer token sent, share of the clients). Pushes of 100
# run a quarter of the clients (at least 2, one per worker: the server stays saturated, so
# mutations/s is the same): with all 16, a request would queue behind 15 others of 100
# transactions each, seconds long, close to wrk's timeout on a busy machine.
RUNS = (("noop", "/api/bench/noop", 1, "0", 1), ("push", "/api/sync/push", 1, "1", 1),
        ("push10", "/api/sync/push", 10, "1", 1), ("push100", "/api/sync/push", 100, "1", 4))


def make_clients(server: common.Server, tokens: list[str], path: Path) -> None:
    """One client per citizen: bind it and create its draft (mutation 1), as a phone would
    before editing. Written as lines for the Lua script."""
    lines = []
    for token in tokens:
        group, client, app = (str(uuid.uuid4()) for _ in range(3))
        status, body = server.post("/api/sync/push", {
            "protocol": 1, "client_group_id": group, "client_id": client,
            "mutations": [{"id": 1, "name": "application.create",
                           "args": {"application_id": app, "service_id": SERVICE}}]}, token)
        if status != 200 or body["results"][0]["status"] != "applied":
            raise RuntimeError(f"creating the draft failed: {status} {body}")
        lines.append(f"{token} {group} {client} {app}")
    path.write_text("\n".join(lines) + "\n")


def applied_on_server(scratch: common.Scratch, clients_file: Path) -> int:
    """Mutations the server applied after the drafts: sum of (last_mutation_id - 1)."""
    ids = [line.split()[2] for line in clients_file.read_text().splitlines()]
    engine = sa.create_engine(common.normalise_database_url(scratch.url))
    with engine.connect() as conn:
        total = conn.execute(sa.text(
            "SELECT COALESCE(SUM(last_mutation_id - 1), 0) FROM sync_client WHERE id IN "
            "(" + ",".join(f"'{i}'" for i in ids) + ")")).scalar_one()
    engine.dispose()
    return int(total)


def durability(scratch: common.Scratch) -> str:
    """How commits reach the disk, as the app's own connections set it."""
    app = scratch.app()
    from server.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        if scratch.kind == "sqlite":
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[
                conn.exec_driver_sql("PRAGMA synchronous").scalar()]
            text = f"journal_mode={mode}, synchronous={sync}"
        else:
            text = ", ".join(f"{name}={conn.exec_driver_sql(f'SHOW {name}').scalar()}"
                             for name in ("synchronous_commit", "fsync", "wal_sync_method"))
    common.dispose(app)
    return text


def bench_backend(kind: str, clients: int, seconds: float) -> tuple[list[common.Row], dict]:
    with common.scratch_database(kind) as scratch:
        note = durability(scratch)
        tokens = common.citizen_tokens(scratch, clients)
        with common.Server(scratch, workers=2, extra_env={"BENCH_NOOP_ROUTE": "1"}) as server, \
                tempfile.TemporaryDirectory() as tmp:
            runs = {}
            for name, path, batch, auth, share in RUNS:
                clients_file = Path(tmp) / f"{name}.clients"
                connections = max(2, clients // share)
                make_clients(server, tokens[:connections], clients_file)
                load = common.run_wrk(server.base_url, LUA, connections=connections,
                                      seconds=seconds, env={
                                          "BENCH_CLIENTS": str(clients_file),
                                          "BENCH_PATH": path, "BENCH_BATCH": str(batch),
                                          "BENCH_FIRST_ID": "2", "BENCH_AUTH": auth})
                load.extra["connections"] = connections
                if name != "noop":
                    load.extra["applied_on_server"] = applied_on_server(scratch, clients_file)
                    load.extra["answered_applied"] = (load.requests - load.non_200
                                                      - load.bad) * batch
                runs[name] = load
    noop, push, push10, push100 = (runs[name] for name, *_ in RUNS)
    label = "SQLite (WAL)" if kind == "sqlite" else "PostgreSQL"
    rows = [
        common.Row(f"{label}: no-op requests/s", noop.rps),
        common.Row(f"{label}: push requests/s (1 mutation)", push.rps),
        common.Row(f"{label}: push / no-op", push.rps / noop.rps, GOALS[kind]),
        common.Row(f"{label}: push p50 latency", push.p50_ms, unit=" ms",
                   higher_is_better=False),
        common.Row(f"{label}: push p99 latency", push.p99_ms, P99_GOAL_MS, False, " ms"),
        common.Row(f"{label}: no-op p99 latency", noop.p99_ms, unit=" ms",
                   higher_is_better=False),
        common.Row(f"{label}: pushes of 10, mutations/s", push10.rps * 10),
        common.Row(f"{label}: pushes of 10 / single push, mutations/s",
                   push10.rps * 10 / push.rps, round(10 / BATCH_COST[10], 2)),
        common.Row(f"{label}: push of 10 p99 latency", push10.p99_ms, unit=" ms",
                   higher_is_better=False),
        common.Row(f"{label}: pushes of 100, mutations/s", push100.rps * 100),
        common.Row(f"{label}: pushes of 100 / single push, mutations/s",
                   push100.rps * 100 / push.rps, round(100 / BATCH_COST[100], 2)),
        common.Row(f"{label}: push of 100 p99 latency", push100.p99_ms, unit=" ms",
                   higher_is_better=False),
        # Correctness under load: every answer 200 and applied, none lost or extra.
        common.Row(f"{label}: non-200 or not applied", float(
            sum(r.non_200 + r.bad for r in runs.values())), 0, False),
    ]
    details = {name: vars(load) for name, load in runs.items()}
    details["durability"] = note
    return rows, details


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--clients", type=int, default=16,
                        help="concurrent sync clients (citizens), one connection each")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    common.require_wrk()
    print(f"sync push benchmark: {args.clients} clients, {args.seconds:g} s a measurement, "
          f"gunicorn 2 sync workers; {common.machine_note()}")
    rows: list[common.Row] = []
    for kind in ("sqlite", "postgresql"):
        if args.only and kind != args.only:
            continue
        if kind == "postgresql" and (why := common.postgres_available()):
            print(f"skipped PostgreSQL: {why}")
            continue
        backend_rows, details = bench_backend(kind, args.clients, args.seconds)
        rows += backend_rows
        print(f"{kind}: commits {details['durability']}")
        for name, *_ in RUNS:
            d = details[name]
            extra = d["extra"]
            server_side = (f", applied on server {extra['applied_on_server']} "
                           f"(answered applied {extra['answered_applied']})"
                           if "applied_on_server" in extra else "")
            print(f"  {name:7} {extra['connections']:2d} clients, {d['requests']:7d} requests "
                  f"in {d['seconds']:.1f} s, "
                  f"p50 {d['p50_ms']:.1f} ms, p99 {d['p99_ms']:.1f} ms, "
                  f"max {extra['max_us'] / 1000:.0f} ms, non-200 {d['non_200']}, "
                  f"(409 {extra['gaps']}, 5xx {extra['server_errors']}, socket errors "
                  f"{extra['socket_errors']}), not applied {d['bad']}{server_side}")
    ok = common.print_table("sync push throughput (gunicorn, 2 workers)", rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
