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
- every application an officer's approve answered 200 is approved or later;
- an account holder's record is its last profile save answered 200 (or one sent after it
  that got no answer), and every sign-out answered 204 left its session revoked.

`inject_loss(...)` breaks the database on purpose (one client's last_mutation_id lowered,
one stored file removed, one journal row copied, one signed-out session made valid again):
the checker must then fail, which `--inject-loss` on run.py shows.
"""
from __future__ import annotations

import hashlib
import json
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from server.accounts.models import Citizen, DeviceSession
from server.applications import models as m
from server.audit.models import AuditEvent
from server.uploads.models import Upload
from server.uploads.storage import StorageError

LATER_THAN_APPROVED = ("approved", "ready", "completed")
# The tables, from the models: every query below is SQLAlchemy Core, so the checker reads
# SQLite and PostgreSQL alike.
T_CLIENT = m.Client.__table__
T_APP = m.Application.__table__
T_DOC = m.Document.__table__
T_AUDIT = AuditEvent.__table__
T_UPLOAD = Upload.__table__
T_CITIZEN = Citizen.__table__
T_SESSION = DeviceSession.__table__


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
        last_ids = dict(conn.execute(sa.select(T_CLIENT.c.id, T_CLIENT.c.last_mutation_id)
                                     .where(T_CLIENT.c.id.in_(clients))).all())
        journal = Counter()
        client_of = T_AUDIT.c.details["client_id"].as_string()
        for client_id, mutation_id in conn.execute(
                sa.select(client_of, T_AUDIT.c.details["mutation_id"].as_integer())
                .where(T_AUDIT.c.action.like("sync.%"), client_of.in_(clients))):
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
            rows = {r.id: r for r in conn.execute(
                sa.select(T_APP.c.id, T_APP.c.citizen_id, T_APP.c.state)
                .where(T_APP.c.id.in_(sorted(created))))}
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
                token_citizen = conn.execute(
                    sa.select(T_DOC.c.citizen_id).where(T_DOC.c.id.in_(sorted(started)))
                    .limit(1)).scalar()
            if token_citizen is not None:
                theirs = set(conn.execute(sa.select(T_APP.c.id).where(
                    T_APP.c.citizen_id == token_citizen)).scalars())
                for extra in theirs - created:
                    found.bad("duplicated applications (not made by the client)", extra)
                docs = set(conn.execute(sa.select(T_DOC.c.id).where(
                    T_DOC.c.citizen_id == token_citizen)).scalars())
                for extra in docs - started:
                    found.bad("duplicated documents (not started by the client)", extra)
            done = {d: u for d, u in cit["uploads"].items() if u["done"]}
            files = stored_files(storage_dir)
            stored = {r.id: r for r in conn.execute(
                sa.select(T_DOC.c.id, T_DOC.c.status, T_DOC.c.sha256, T_UPLOAD.c.storage_name)
                .outerjoin(T_UPLOAD, T_UPLOAD.c.document_id == T_DOC.c.id)
                .where(T_DOC.c.id.in_(sorted(done))))}
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
        states = dict(conn.execute(sa.select(T_APP.c.id, T_APP.c.state)
                                   .where(T_APP.c.id.in_(approved))).all())
        for app_id in approved:
            seen["officer approvals"] += 1
            if states.get(app_id) not in LATER_THAN_APPROVED:
                found.bad("lost officer approvals", f"{app_id}: {states.get(app_id)}")
        seen["journal entries of soak clients"] = sum(journal.values())
        _check_accounts(conn, beliefs, found, seen)
    engine.dispose()
    return found, dict(seen)


def _check_accounts(conn, beliefs: dict, found: Findings, seen: Counter) -> None:
    """The account pages' traffic: each account holder's record is its last acknowledged
    profile save (or one sent after it that got no answer), and every sign-out answered
    204 (citizens' and counter officers') left its session revoked."""
    holders = beliefs.get("accounts", [])
    names = dict(conn.execute(sa.select(T_CITIZEN.c.id, T_CITIZEN.c.full_name).where(
        T_CITIZEN.c.id.in_([uuid.UUID(h["citizen_id"]) for h in holders]))).all())
    for holder in holders:
        if holder["saved"] is None:
            continue
        seen["profile saves acknowledged (last of each)"] += 1
        stored = names.get(uuid.UUID(holder["citizen_id"]))
        if stored != holder["saved"] and stored not in holder["maybe"]:
            found.bad("lost profile saves",
                      f"citizen {holder['citizen_id']}: saved {holder['saved']!r}, "
                      f"stored {stored!r}")
    signed_out = [t for who in holders + beliefs.get("counter_officers", [])
                  for t in who["signed_out"]]
    revoked = dict(conn.execute(sa.select(T_SESSION.c.token_hash, T_SESSION.c.revoked_at)
                                .where(T_SESSION.c.token_hash.in_(signed_out))).all())
    for token in signed_out:
        seen["sign-outs acknowledged"] += 1
        if revoked.get(token) is None:
            found.bad("lost sign-outs (session still valid)", token[:12])


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
        client_of = T_AUDIT.c.details["client_id"].as_string()
        row = conn.execute(sa.select(T_AUDIT).where(
            T_AUDIT.c.action.like("sync.application.%"),
            client_of.in_([c for cit in beliefs["citizens"] for c in cit["clients"]]))
            .order_by(T_AUDIT.c.id).limit(1)).mappings().first()
        if row is not None:
            conn.execute(sa.insert(T_AUDIT).values({k: v for k, v in row.items() if k != "id"}))
            done.append(f"copied journal row {row['id']} ({row['action']})")
        signed_out = [t for h in beliefs.get("accounts", []) for t in h["signed_out"]]
        if signed_out:
            conn.execute(sa.update(T_SESSION).where(T_SESSION.c.token_hash == signed_out[0])
                         .values(revoked_at=None))
            done.append(f"un-revoked signed-out session {signed_out[0][:12]}")
        name = conn.execute(sa.select(T_UPLOAD.c.storage_name).where(
            T_UPLOAD.c.document_id.in_([d for cit in beliefs["citizens"]
                                        for d, u in cit["uploads"].items() if u["done"]]))
            .limit(1)).scalar()
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
