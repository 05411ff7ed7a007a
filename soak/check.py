"""The soak's checker: what every simulated client believes was applied, against the database.

Beliefs (written by run.py as JSON; `python -m soak.check BELIEFS.json DATABASE_URL
STORAGE_DIR` checks them again) and what each must match:
- a client's acknowledged `last_mutation_id` <= `sync_client.last_mutation_id` (lost if
  the server is behind), and equal once the client's outbox is empty (an unasked-for
  mutation otherwise);
- every mutation the client was told `applied` has exactly one `sync.*` row in
  `audit_event` with its client_id and mutation_id (none: lost; two: duplicated); no
  (client, mutation) of any soak client appears twice in the journal;
- every application it created (applied) exists, belongs to its citizen, and is not a
  draft if its submit was applied; the citizen has no application it did not create;
- every upload whose last PATCH answered 204 has its document `ready` with the same
  sha256, and the stored file hashes to it; the citizen has no document it did not start;
- every application an officer's approve answered 200 is approved or later.

`inject_loss(...)` breaks the database on purpose (one client's last_mutation_id lowered,
one stored file removed, one journal row copied): the checker must then fail, which
`--inject-loss` on run.py shows.
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from server.uploads.storage import StorageError

LATER_THAN_APPROVED = ("approved", "ready", "completed")


def stored_files(storage_dir: Path):
    """Where the server kept the uploaded files: STORAGE_DIR on disk, or the S3 bucket when
    the soak ran with STORAGE_BACKEND=s3 (read from the same environment as the server)."""
    from server.config import from_environment
    from server.uploads.storage import LocalStorage, S3Storage, s3_client

    config = from_environment()
    if config["STORAGE_BACKEND"] == "s3":
        return S3Storage(s3_client(config), config["S3_BUCKET"], config["S3_PREFIX"] or "")
    return LocalStorage(storage_dir / "uploads")


@dataclass
class Findings:
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def bad(self, kind: str, text: str) -> None:
        self.counts[kind] += 1
        if len(self.problems) < 40:
            self.problems.append(f"{kind}: {text}")

    @property
    def lost(self) -> int:
        return sum(n for k, n in self.counts.items() if k.startswith("lost"))

    @property
    def duplicated(self) -> int:
        return sum(n for k, n in self.counts.items() if k.startswith("duplicated"))


def _engine(url: str):
    from server.config import normalise_database_url

    return sa.create_engine(normalise_database_url(url))


def check(beliefs: dict, database_url: str, storage_dir: Path) -> tuple[Findings, dict]:
    found, seen = Findings(), Counter()
    citizens = beliefs["citizens"]
    clients = [c for cit in citizens for c in cit["clients"]]
    engine = _engine(database_url)
    with engine.connect() as conn:
        last_ids = dict(conn.execute(sa.text(
            "SELECT id, last_mutation_id FROM sync_client WHERE id = ANY(:ids)"),
            {"ids": clients}).all())
        journal = Counter()
        for client_id, mutation_id in conn.execute(sa.text(
                "SELECT details->>'client_id', (details->>'mutation_id')::bigint "
                "FROM audit_event WHERE action LIKE 'sync.%' "
                "AND details->>'client_id' = ANY(:ids)"), {"ids": clients}):
            journal[(client_id, mutation_id)] += 1
        for (client_id, mutation_id), n in journal.items():
            if n > 1:
                found.bad("duplicated journal entries",
                          f"client {client_id} mutation {mutation_id} applied {n} times")
        for cit in citizens:
            token_citizen = None
            for client_id in cit["clients"]:
                server_last = last_ids.get(client_id, 0)
                mine = [(int(k), v) for k, v in cit["mutations"].items()
                        if v["client_id"] == client_id]
                acked = max([k for k, v in mine if v["status"] in ("applied", "rejected")],
                            default=0)
                seen["clients"] += 1
                if server_last < acked:
                    found.bad("lost mutations (server behind the client)",
                              f"client {client_id}: acknowledged {acked}, server {server_last}")
                elif server_last > acked and not cit["outbox_left"]:
                    found.bad("duplicated (server ahead of a drained client)",
                              f"client {client_id}: acknowledged {acked}, server {server_last}")
                for mid, m in mine:
                    if m["status"] == "applied":
                        seen["applied mutations"] += 1
                        if journal[(client_id, mid)] == 0:
                            found.bad("lost mutations (not in the journal)",
                                      f"client {client_id} mutation {mid} {m['name']}")
                    elif m["status"] == "rejected":
                        seen["rejected mutations"] += 1
                        seen[f"rejected: {m.get('error')}"] += 1
            created = {m["args"]["application_id"] for m in cit["mutations"].values()
                       if m["name"] == "application.create" and m["status"] == "applied"}
            submitted = {m["args"]["application_id"] for m in cit["mutations"].values()
                         if m["name"] == "application.submit" and m["status"] == "applied"}
            started = set(cit["uploads"])
            rows = {r.id: r for r in conn.execute(sa.text(
                "SELECT id, citizen_id::text AS citizen_id, state FROM application "
                "WHERE id = ANY(:ids)"), {"ids": sorted(created)})}
            for app_id in created:
                seen["applications created"] += 1
                row = rows.get(app_id)
                if row is None:
                    found.bad("lost applications", app_id)
                    continue
                token_citizen = row.citizen_id
                if app_id in submitted:
                    seen["applications submitted"] += 1
                    if row.state == "draft":
                        found.bad("lost submits", f"{app_id} is still a draft")
            if token_citizen is None and started:
                token_citizen = conn.execute(sa.text(
                    "SELECT citizen_id::text FROM document WHERE id = ANY(:ids) LIMIT 1"),
                    {"ids": sorted(started)}).scalar()
            if token_citizen is not None:
                theirs = set(conn.execute(sa.text(
                    "SELECT id FROM application WHERE citizen_id = CAST(:c AS uuid)"),
                    {"c": token_citizen}).scalars())
                for extra in theirs - created:
                    found.bad("duplicated applications (not made by the client)", extra)
                docs = set(conn.execute(sa.text(
                    "SELECT id FROM document WHERE citizen_id = CAST(:c AS uuid)"),
                    {"c": token_citizen}).scalars())
                for extra in docs - started:
                    found.bad("duplicated documents (not started by the client)", extra)
            done = {d: u for d, u in cit["uploads"].items() if u["done"]}
            files = stored_files(storage_dir)
            stored = {r.id: r for r in conn.execute(sa.text(
                "SELECT d.id, d.status, d.sha256, u.storage_name FROM document d "
                "LEFT JOIN upload u ON u.document_id = d.id WHERE d.id = ANY(:ids)"),
                {"ids": sorted(done)})}
            for document_id, upload in done.items():
                seen["uploads completed (204)"] += 1
                row = stored.get(document_id)
                if row is None or row.status != "ready" or row.sha256 != upload["sha256"]:
                    found.bad("lost uploads (document)", f"{document_id}: {row and row.status}")
                    continue
                name = row.storage_name or "?"
                digest = hashlib.sha256()
                try:
                    for chunk in files.read(name):
                        digest.update(chunk)
                except (OSError, StorageError):  # missing, or a piece of it lost
                    digest = None
                if digest is None or digest.hexdigest() != upload["sha256"]:
                    found.bad("lost uploads (stored file)", f"{document_id}: {name}")
        approved = [a for o in beliefs["officers"] for a in o["approved"]]
        states = dict(conn.execute(sa.text("SELECT id, state FROM application WHERE id = "
                                           "ANY(:ids)"), {"ids": approved}).all())
        for app_id in approved:
            seen["officer approvals"] += 1
            if states.get(app_id) not in LATER_THAN_APPROVED:
                found.bad("lost officer approvals", f"{app_id}: {states.get(app_id)}")
        seen["journal entries of soak clients"] = sum(journal.values())
    engine.dispose()
    return found, dict(seen)


def inject_loss(beliefs: dict, database_url: str, storage_dir: Path) -> list[str]:
    """Break the database the way a bug would, so the checker is seen to fail."""
    done = []
    engine = _engine(database_url)
    with engine.begin() as conn:
        for cit in beliefs["citizens"]:
            if cit["acked"] > 0:
                conn.execute(sa.text("UPDATE sync_client SET last_mutation_id = "
                                     "last_mutation_id - 1 WHERE id = :c"),
                             {"c": cit["clients"][-1]})
                done.append(f"lowered last_mutation_id of client {cit['clients'][-1]}")
                break
        row = conn.execute(sa.text(
            "SELECT * FROM audit_event WHERE action LIKE 'sync.application.%' "
            "AND details->>'client_id' = ANY(:ids) ORDER BY id LIMIT 1"),
            {"ids": [c for cit in beliefs["citizens"] for c in cit["clients"]]}).mappings().first()
        if row is not None:
            copy = {k: v for k, v in row.items() if k != "id"}
            columns = ", ".join(copy)
            values = ", ".join(f":{k}" for k in copy)
            copy["details"] = json.dumps(copy["details"])
            conn.execute(sa.text(f"INSERT INTO audit_event ({columns}) VALUES ({values})"), copy)
            done.append(f"copied journal row {row['id']} ({row['action']})")
        name = conn.execute(sa.text(
            "SELECT u.storage_name FROM upload u WHERE u.document_id = ANY(:ids) LIMIT 1"),
            {"ids": [d for cit in beliefs["citizens"] for d, u in cit["uploads"].items()
                     if u["done"]]}).scalar()
    if name:
        stored_files(storage_dir).delete(name)
        done.append(f"removed stored file {name}")
    engine.dispose()
    return done


def report(found: Findings, seen: dict) -> bool:
    print("\n== soak checker: the clients' beliefs against the database ==")
    for key in sorted(seen):
        print(f"  {key:<48} {seen[key]:>8,}")
    kinds = sorted({k for k in found.counts} | {"lost mutations (not in the journal)",
                                                 "duplicated journal entries"})
    for kind in kinds:
        print(f"  {kind:<48} {found.counts.get(kind, 0):>8,}")
    print(f"  {'LOST (all kinds)':<48} {found.lost:>8,}")
    print(f"  {'DUPLICATED (all kinds)':<48} {found.duplicated:>8,}")
    for problem in found.problems:
        print(f"    - {problem}")
    return found.lost == 0 and found.duplicated == 0


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 3:
        print("usage: python -m soak.check BELIEFS.json DATABASE_URL STORAGE_DIR")
        return 2
    beliefs = json.loads(Path(args[0]).read_text())
    found, seen = check(beliefs, args[1], Path(args[2]))
    return 0 if report(found, seen) else 1


if __name__ == "__main__":
    sys.exit(main())
