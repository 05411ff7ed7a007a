"""Load and fault soak: simulated citizens and officers against gunicorn, one gunicorn
worker killed with SIGKILL and (PostgreSQL) the database restarted during the run, then the
checker (soak/check.py). Loopback only; every phase bounded in time.

    .venv/bin/python -m soak.run [--database postgresql|sqlite] [--duration 300]
                                 [--citizens 200] [--officers 3] [--accounts 20] ...

`--database sqlite` is the embedded default as `make run` serves it (2 workers x 4 threads,
a SQLite file under a temporary instance directory); there is no database restart then.
Beside the syncing citizens and the reviewing officers, both modes run the account pages'
traffic that once answered 500 on SQLite: citizens editing their profile, exporting their
data, asking for codes and signing out (`--accounts`), and officers signing in with their
password and out again (`--counter-officers`).

Exit status: 0 only if nothing was lost or duplicated, no 5xx came outside the restart
window, no client met a protocol error, and both faults were injected.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import sqlalchemy as sa

if __package__ in (None, ""):  # `python soak/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common
from soak import actors, check


# ---- what citizens may do: from the catalog API, nothing named here ---------------------------
def plan_from_catalog(base_url: str) -> tuple[str, actors.Plan]:
    """The MPP with the most services a soak citizen can complete: every required field
    fillable by the seeder's value makers, every required document accepted as JPEG and PNG."""
    from server.devtools.seeding import PLACES, REGIONS, _field_maker, _Random

    def get(path):
        with urllib.request.urlopen(base_url + path, timeout=30) as resp:
            return json.loads(resp.read())

    def items(body):
        return body["items"] if isinstance(body, dict) else body

    best = None
    for mpp in items(get("/api/mpps")):
        code = mpp["code"]
        eligible = []
        for summary in items(get(f"/api/services?mpp={code}")):
            service = get(f"/api/services/{summary['code']}")
            if not service.get("active", True):
                continue
            required = [r for r in service["requirements"] if r["required"]]
            if not required or any({"jpeg", "png"} - set(r["formats"]) for r in required):
                continue
            makers = {}
            for spec in service["fields"]:
                maker = _field_maker(spec)
                if maker is None and spec["required"]:
                    break
                if maker is not None:
                    makers[spec["key"]] = maker
            else:
                eligible.append({"code": service["code"], "makers": makers,
                                 "requirements": [r["code"] for r in required]})
        if eligible and (best is None or len(eligible) > len(best[1])):
            best = (code, eligible)
    if best is None:
        raise SystemExit("soak: no service in the catalog a simulated citizen can complete")

    def make_fields(service, rand: random.Random):
        """One invented person's coherent values (the NIK encodes the birth date and sex),
        as the seeder makes its citizens."""
        r = _Random(rand.getrandbits(64))
        sex, birth = r.r.choice("LP"), r.birth_date()
        profile = {"nik": r.nik(birth, sex), "full_name": r.name(),
                   "birth_place": r.r.choice(PLACES), "birth_date": birth.isoformat(),
                   "sex": sex, "address": r.address(), "phone": r.phone(),
                   "kk_number": r.r.choice(REGIONS) + r.digits(10),
                   "email": f"{r.name().lower().replace(' ', '.')}@contoh.id"}
        out = {}
        for key, maker in service["makers"].items():
            value = maker(r, profile)
            if value not in (None, ""):
                out[key] = value
        return out

    return best[0], actors.Plan(best[1], make_fields)


def make_account_holders(scratch: common.Scratch, count: int, sessions: int = 4
                         ) -> list[dict]:
    """Citizens for the account pages, each with a few device sessions (one is signed out
    now and then, and the next one used)."""
    return common.citizens(scratch, count, sessions=sessions, device_name="soak",
                           phone=lambda n: f"+62857{n:08d}")


def make_counter_officers(scratch: common.Scratch, mpp: str, count: int) -> list[dict]:
    """Verifiers who sign in with their password (no session made for them here)."""
    from server.accounts import operations as ops
    from server.accounts.models import utcnow
    from server.extensions import db

    app = scratch.app()
    out = []
    with app.app_context():
        for n in range(count):
            username, password = f"loket-{n}-{uuid.uuid4().hex[:6]}", f"Loket-{uuid.uuid4().hex}"
            ops.create_officer(db.session, username=username, password=password,
                               full_name=f"Petugas loket {n}", role="supervisor",
                               mpp_code=mpp, now=utcnow())
            out.append({"username": username, "password": password})
        db.session.commit()
    common.dispose(app)
    return out


def make_officers(scratch: common.Scratch, mpp: str, count: int) -> list[dict]:
    """Supervisors of the MPP (they see every agency's queue), made with the accounts
    operations as tests/api/conftest.py does, each with a device session."""
    from server.access import session_lifetime
    from server.accounts import operations as ops
    from server.accounts.models import utcnow
    from server.extensions import db

    app = scratch.app()
    out = []
    with app.app_context():
        now = utcnow()
        for n in range(count):
            officer = ops.create_officer(
                db.session, username=f"soak-{n}-{uuid.uuid4().hex[:6]}",
                password=f"Soak-{uuid.uuid4().hex}", full_name=f"Petugas soak {n}",
                role="supervisor", mpp_code=mpp, now=now)
            token, _ = ops.issue_session(db.session, now=now, officer=officer,
                                         lifetime=session_lifetime("officer"))
            out.append({"name": officer.username, "token": token})
        db.session.commit()
    common.dispose(app)
    return out


# ---- faults --------------------------------------------------------------------------------
def gunicorn_workers(pid_file: Path) -> list[int]:
    master = int(pid_file.read_text().strip())
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def kill_a_worker(server: common.Server, events: list) -> None:
    workers = gunicorn_workers(server.pid_file)
    victim = random.choice(workers)
    os.kill(victim, 9)
    events.append((time.monotonic(), (f"SIGKILL to gunicorn worker {victim} "
                                      f"(of {len(workers)}: {workers})")))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now_workers = gunicorn_workers(server.pid_file)
        if len(now_workers) >= len(workers) and victim not in now_workers:
            events.append((time.monotonic(), f"gunicorn replaced it: workers {now_workers}"))
            return
    events.append((time.monotonic(), "gunicorn did not replace the killed worker in 60 s"))


def pytest_running() -> list[str]:
    """`pgrep -f pytest` (anything of a test run, its browsers included), as pid + program."""
    out = subprocess.run(["pgrep", "-af", "pytest"], capture_output=True, text=True,
                         check=False).stdout
    return [" ".join(line.split()[:3])[:100] for line in out.splitlines()
            if str(os.getpid()) != line.split()[0]]


def restart_postgres(scratch: common.Scratch, events: list, wait: float) -> tuple[float, float]:
    """Restart the shared PostgreSQL cluster, but never under someone's pytest run (waits up
    to `wait` seconds for a moment without one). Returns the window (start, back)."""
    deadline = time.monotonic() + wait
    while (busy := pytest_running()) and time.monotonic() < deadline:
        time.sleep(2)
    if busy:
        events.append((time.monotonic(), (f"PostgreSQL restart SKIPPED: {len(busy)} pytest "
                                          f"processes kept running, e.g. {busy[:3]}")))
        return (0.0, 0.0)
    version = max(os.listdir("/etc/postgresql"))
    start = time.monotonic()
    events.append((start, f"PostgreSQL {version}/main restart begins"))
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                   check=True, timeout=120, capture_output=True)
    engine = check._engine(scratch.url)
    while True:
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            break
        except sa.exc.OperationalError:
            time.sleep(0.2)
    engine.dispose()
    back = time.monotonic()
    events.append((back, f"PostgreSQL answers again ({back - start:.1f} s)"))
    return (start, back)


# ---- the run -------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql",
                   help="sqlite: the embedded default (no database restart)")
    p.add_argument("--duration", type=float, default=300, help="seconds of load (default 300)")
    p.add_argument("--citizens", type=int, default=200)
    p.add_argument("--officers", type=int, default=3)
    p.add_argument("--accounts", type=int, default=20,
                   help="citizens on the account pages (profile, export, codes, sign-out)")
    p.add_argument("--counter-officers", type=int, default=2,
                   help="officers signing in with their password and out again")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (>= 2)")
    p.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    p.add_argument("--kill-at", type=float, default=0.3, help="fraction of the run")
    p.add_argument("--restart-at", type=float, default=0.6, help="fraction of the run")
    p.add_argument("--no-restart", action="store_true", help="do not restart PostgreSQL")
    p.add_argument("--restart-grace", type=float, default=10.0,
                   help="seconds after PostgreSQL is back still counted as its window")
    p.add_argument("--drain", type=float, default=120.0,
                   help="seconds after the load for outboxes to empty")
    p.add_argument("--think", type=float, nargs=2, default=(1.0, 4.0),
                   help="a citizen's pause between steps, min and max seconds")
    p.add_argument("--chunk", type=int, default=32 * 1024, help="tus PATCH size, bytes")
    p.add_argument("--gap-rate", type=float, default=0.1,
                   help="share of pushes sent without their head (409 mutation_gap)")
    p.add_argument("--timeout", type=float, default=30.0, help="client request timeout, s")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--inject-loss", action="store_true",
                   help="break the database before checking: the checker must fail")
    p.add_argument("--keep", action="store_true", help="keep the database and beliefs")
    args = p.parse_args(argv)
    if args.workers < 2:
        p.error("--workers must be at least 2 (a worker is killed during the run)")
    if args.database == "sqlite":
        args.no_restart = True  # nothing to restart: the database is a file
    elif why := common.postgres_available():
        print(f"soak: {why}")
        return 1
    rand = random.Random(args.seed)
    print(f"soak: {args.citizens} citizens, {args.officers} officers, {args.accounts} on the "
          f"account pages, {args.counter_officers} signing in, {args.duration:g} s, gunicorn "
          f"{args.workers} workers x {args.threads} threads, {args.database}; "
          f"{common.machine_note()}")
    events: list[tuple[float, str]] = []
    with common.scratch_database(args.database, keep=args.keep) as scratch:
        tokens = common.citizen_tokens(scratch, args.citizens, device_name="soak")
        holders_made = make_account_holders(scratch, args.accounts)
        # PROXY_COUNT=1: the account pages' devices each come from their own address
        # (X-Forwarded-For), as behind a proxy, so per-address limits count each alone.
        with common.Server(scratch, workers=args.workers, threads=args.threads,
                           extra_env={"PROXY_COUNT": "1"}) as server:
            mpp, plan = plan_from_catalog(server.base_url)
            print(f"  MPP {mpp}: {len(plan.services)} services a citizen can complete "
                  f"({', '.join(s['code'] for s in plan.services[:4])}, ...)")
            officers_made = make_officers(scratch, mpp, args.officers)
            counters_made = make_counter_officers(scratch, mpp, args.counter_officers)
            traffic = actors.Traffic()
            knobs = actors.Knobs(tuple(args.think), args.chunk, args.gap_rate, 2.0, 300.0)

            def http(address=None):
                return actors.Http("127.0.0.1", server.port, traffic, args.timeout, address)

            citizens = [actors.Citizen(n, token, http(), plan, knobs, rand.getrandbits(64))
                        for n, token in enumerate(tokens)]
            officers = [actors.Officer(o["name"], o["token"], http(), rand.getrandbits(64),
                                       (1.0, 3.0)) for o in officers_made]
            holders = [actors.AccountHolder(n, h["id"], h["phone"], h["tokens"],
                                            http(f"10.20.{n // 250}.{n % 250 + 1}"),
                                            rand.getrandbits(64), (2.0, 6.0))
                       for n, h in enumerate(holders_made)]
            counters = [actors.CounterOfficer(c["username"], c["password"],
                                              http(f"10.30.0.{n + 1}"), rand.getrandbits(64),
                                              (4.0, 10.0))
                        for n, c in enumerate(counters_made)]
            t0 = time.monotonic()
            stop_at = t0 + args.duration
            hard = stop_at + args.drain
            threads = [threading.Thread(target=c.run, args=(stop_at, hard), daemon=True)
                       for c in citizens]
            threads += [threading.Thread(target=o.run, args=(stop_at,), daemon=True)
                        for o in officers + holders + counters]
            for n, t in enumerate(threads):
                t.start()
                if n < len(citizens):  # citizens arrive over the first tenth of the run
                    time.sleep(args.duration * 0.1 / max(1, len(citizens)))
            time.sleep(max(0.0, t0 + args.duration * args.kill_at - time.monotonic()))
            kill_a_worker(server, events)
            window = (0.0, 0.0)
            if not args.no_restart:
                time.sleep(max(0.0, t0 + args.duration * args.restart_at - time.monotonic()))
                window = restart_postgres(scratch, events, wait=args.duration * 0.3)
            for t in threads:
                t.join(timeout=max(0.0, hard + 5 - time.monotonic()))
            hung = sum(t.is_alive() for t in threads)
            events.append((time.monotonic(), f"load over; {hung} actor threads still running"))
        beliefs = {"citizens": [c.belief() for c in citizens],
                   "officers": [o.belief() for o in officers],
                   "accounts": [h.belief() for h in holders],
                   "counter_officers": [c.belief() for c in counters]}
        beliefs_file = scratch.instance_dir.parent / "soak-beliefs.json"
        beliefs_file.write_text(json.dumps(beliefs))
        storage = scratch.instance_dir / "storage"
        if args.inject_loss:
            for what in check.inject_loss(beliefs, scratch.url, storage):
                print(f"  INJECTED: {what}")
        found, seen = check.check(beliefs, scratch.url, storage)
        if args.keep:
            print(f"  kept: {scratch.url}, beliefs {beliefs_file}, storage {storage}")
        ok = report(args, t0, events, window, traffic, citizens, officers + holders + counters,
                    found, seen)
    return 0 if ok else 1


def report(args, t0, events, window, traffic, citizens, officers, found, seen) -> bool:
    print("\n== faults ==")
    for at, text in events:
        print(f"  t={at - t0:7.1f} s  {text}")
    start, back = window
    end = back + args.restart_grace if back else 0.0

    def in_window(at: float) -> bool:
        return bool(back) and start <= at <= end

    fives_in = [e for e in traffic.server_errors if in_window(e[0])]
    fives_out = [e for e in traffic.server_errors if not in_window(e[0])]
    lost_in = [e for e in traffic.unanswered if in_window(e[0])]
    lost_out = [e for e in traffic.unanswered if not in_window(e[0])]
    print("\n== traffic ==")
    for key in sorted(traffic.by_status):
        print(f"  {key:<32} {traffic.by_status[key]:>8,}")
    for kind in sorted(traffic.latencies):
        values = traffic.latencies[kind]
        p95 = statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]
        print(f"  latency {kind:<24} p50 {statistics.median(values) * 1000:8.1f} ms  "
              f"p95 {p95 * 1000:8.1f} ms  (n={len(values):,})")
    protocol = [e for c in citizens for e in c.belief()["protocol_errors"]] + \
               [e for o in officers for e in o.protocol_errors]
    drained = sum(1 for c in citizens if not c.outbox)
    rows = [
        ("5xx during the database restart window", len(fives_in), None),
        ("5xx outside it", len(fives_out), 0),
        ("unanswered requests (reset, refused, timeout) in the window", len(lost_in), None),
        ("unanswered requests outside it (worker kill, load)", len(lost_out), None),
        ("pushes resent after no answer or a 5xx", sum(c.resent for c in citizens), None),
        ("409 mutation_gap answered and resumed", sum(c.gaps for c in citizens), None),
        ("citizens whose outbox drained", drained, None),
        ("client protocol errors", len(protocol), 0),
    ]
    print(f"\n== soak: {args.duration:g} s, {args.citizens} citizens ==")
    for name, value, goal in rows:
        verdict = "" if goal is None else ("PASS" if value <= goal else "FAIL")
        print(f"  {name:<62} {value:>8,}  {verdict}")
    kill_at = next((at for at, text in events if "SIGKILL" in text), None)
    near_kill = [e for e in lost_out if kill_at is not None and kill_at <= e[0] <= kill_at + 5]
    print(f"    of which within 5 s of the SIGKILL: {len(near_kill)}")
    reasons: dict[str, int] = {}
    for _, kind, why in lost_out:
        reasons[f"{kind} {why}"] = reasons.get(f"{kind} {why}", 0) + 1
    for key in sorted(reasons):
        print(f"    unanswered outside the window: {key}: {reasons[key]}")
    for kind in sorted({e[1] for e in fives_out}):
        print(f"    5xx outside the window on {kind}: "
              f"{sum(1 for e in fives_out if e[1] == kind)}")
    for text in protocol[:20]:
        print(f"    - {text}")
    ok = check.report(found, seen)
    faults_ok = any("SIGKILL" in t for _, t in events) and (args.no_restart or bool(back))
    if not faults_ok:
        print("  FAIL: a fault was not injected (see the faults above)")
    ok = ok and not fives_out and not protocol and faults_ok
    print(f"\nsoak result: {'PASS' if ok else 'FAIL'}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
