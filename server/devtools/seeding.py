"""Big, realistic databases, fast: citizens, their sync spaces, applications across the
catalog's services and states, requirement rows and the documents that serve them.

    seed(engine, applications=1_000_000, citizens=250_000, seed=1) -> SeedSummary

Rows go in through each model table's Core `insert()` with executemany (insertmanyvalues on
both drivers), so column defaults apply and a column added later with a default needs no
change here. Work is done in chunks of citizens, one transaction per chunk, so memory stays
flat and a 1-million-row run shows progress. Derived columns are computed by their owners:
the officer queue's keys (due date, applicant NIK) by the SQL unit of work, references in
the engine's format with the reference counters advanced past them, so the product keeps
working on a seeded database (the next submit gets the next free number).

What is not seeded: notifications, the audit trail, stored mutation results, sync clients
and officers. Seeded rows are what a pull, the officer queue and search read.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from sync import states
from sync.model import Application as EngineApplication
from sync.space import WIB, local_date

from ..accounts.models import Citizen
from ..applications import models as m
from ..applications.store import SqlUnitOfWork
from ..catalog.models import Agency, Mpp, Requirement, Service, ServiceField
from ..db_types import utcnow

T_CITIZEN = Citizen.__table__
T_SPACE = m.Space.__table__
T_APP = m.Application.__table__
T_REQ = m.ApplicationRequirement.__table__
T_DOC = m.Document.__table__
T_REF = m.ReferenceCounter.__table__

# Seeded phones live in one block (+62 899 ...) numbered on from what is there, so a second
# run adds citizens instead of colliding with the first run's unique phones.
PHONE_BLOCK = "+62899"
PHONE_DIGITS = 8
CHUNK_CITIZENS = 2_000

# A mature MPP: most applications are done; the open ones are what officers work on.
STATE_WEIGHTS = {
    states.DRAFT: 12, states.SUBMITTED: 8, states.IN_REVIEW: 5, states.REVISION_REQUESTED: 4,
    states.APPROVED: 4, states.READY: 3, states.COMPLETED: 52, states.REJECTED: 6,
    states.WITHDRAWN: 6,
}
ACCEPTED_STATES = {states.APPROVED, states.READY, states.COMPLETED}
FORMAT_CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png",
                        "pdf": "application/pdf"}

GIVEN = ("Budi", "Siti", "Agus", "Dewi", "Rizky", "Nur", "Andi", "Putri", "Teuku", "Cut",
         "Muhammad", "Aisyah", "Fajar", "Rahmat", "Indah", "Hendra", "Yusuf", "Fitri", "Irwan",
         "Wulan", "Zulfikar", "Ratna", "Dedi", "Maya")
FAMILY = ("Santoso", "Lubis", "Nasution", "Siregar", "Harahap", "Hasibuan", "Saragih",
          "Rahman", "Hidayat", "Syahputra", "Wijaya", "Pratama", "Saputra", "Lestari",
          "Kurniawan", "Daulay", "Tanjung", "Chaniago", "Piliang", "Koto")
PLACES = ("Langsa", "Medan", "Payakumbuh", "Padang", "Bukittinggi", "Manna", "Bengkulu",
          "Banda Aceh", "Lhokseumawe", "Palembang", "Jakarta")
STREETS = ("Jl. Ahmad Yani", "Jl. Sudirman", "Jl. Teuku Umar", "Jl. Cut Nyak Dhien",
           "Jl. Imam Bonjol", "Jl. Diponegoro", "Jl. Merdeka", "Jl. Pattimura")
VILLAGES = ("Gampong Jawa", "Gampong Teungoh", "Kelurahan Koto Nan Ampek", "Desa Pasar Manna",
            "Kelurahan Ibuh", "Gampong Meurandeh")
WORDS = ("usaha", "dagang", "rumah", "toko", "kelontong", "bengkel", "kuliner", "jasa",
         "pertanian", "perikanan", "kerajinan", "warung", "keluarga", "pekerjaan", "sekolah")
REGIONS = ("117401", "117402", "117403", "137601", "137602", "170101", "170102", "127101")


@dataclass
class ServiceInfo:
    code: str
    ref_prefix: str
    sla_days: int
    fields: list[dict[str, Any]]
    requirements: list[dict[str, Any]]


@dataclass
class SeedSummary:
    citizens: int = 0
    applications: int = 0
    requirements: int = 0
    documents: int = 0
    seconds: float = 0.0
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        # Each citizen also gets its sync_space row.
        return 2 * self.citizens + self.applications + self.requirements + self.documents


class _Random:
    """Value makers on one seeded generator (reproducible runs)."""

    def __init__(self, seed: int | str):
        self.r = random.Random(seed)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.r.getrandbits(128), version=4)

    def digits(self, n: int) -> str:
        return "".join(self.r.choices("0123456789", k=n))

    def nik(self, birth: dt.date, sex: str) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        serial = f"{self.r.randint(1, 9999):04d}"
        return f"{self.r.choice(REGIONS)}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial}"

    def name(self) -> str:
        return f"{self.r.choice(GIVEN)} {self.r.choice(FAMILY)}"

    def address(self) -> str:
        return (f"{self.r.choice(STREETS)} No. {self.r.randint(1, 250)}, "
                f"{self.r.choice(VILLAGES)}, {self.r.choice(PLACES)}")

    def birth_date(self) -> dt.date:
        return dt.date(1950, 1, 1) + dt.timedelta(days=self.r.randint(0, 365 * 55))

    def phone(self) -> str:
        return "+628" + self.digits(self.r.randint(9, 10))

    def words(self, max_length: int) -> str:
        text = " ".join(self.r.choices(WORDS, k=self.r.randint(1, 3))).capitalize()
        return text[:max_length]


_DIGIT_PATTERN = re.compile(r"\^\[0-9\]\{(\d+)(?:,(\d+))?\}\$\Z")


def _field_maker(spec: dict[str, Any]) -> Callable[[_Random, dict[str, Any]], Any] | None:
    """A function (rand, profile) -> a valid value for the field, or None if we cannot make
    one (the field is then left empty, as a citizen might)."""
    kind, profile_key, rules = spec["type"], spec["profile_key"], spec["validation"] or {}
    max_length = int(rules.get("max_length") or 200)
    pattern = rules.get("pattern")
    if profile_key:  # pre-filled from the profile, as a new draft is
        return lambda rand, profile: profile[profile_key]
    if kind == "nik":
        return lambda rand, profile: rand.nik(rand.birth_date(), rand.r.choice("LP"))
    if kind == "choice":
        values = [c["value"] for c in rules.get("choices") or []]
        return (lambda rand, profile: rand.r.choice(values)) if values else None
    if kind == "phone":
        return lambda rand, profile: rand.phone()
    if kind == "email":
        return lambda rand, profile: f"{rand.name().lower().replace(' ', '.')}@contoh.id"
    if kind == "number":
        low, high = int(rules.get("min", 1)), int(rules.get("max", 20))
        return lambda rand, profile: rand.r.randint(low, high)
    if kind == "date":
        return lambda rand, profile: rand.birth_date().isoformat()
    if kind == "address":
        return lambda rand, profile: rand.address()[:max_length]
    if pattern:
        digits = _DIGIT_PATTERN.match(pattern)
        if digits:
            low = int(digits.group(1))
            high = int(digits.group(2) or low)
            maker = lambda rand, profile: "1" + rand.digits(rand.r.randint(low, high) - 1)  # noqa: E731
        elif pattern.startswith("^[A-Z]{1,2} ?[0-9]{1,4}"):  # a vehicle plate
            maker = lambda rand, profile: f"BL {rand.r.randint(1, 9999)} {rand.r.choice(['AB', 'CD', 'K'])}"  # noqa: E731,E501
        elif pattern.startswith("^[A-Z0-9]"):  # a passport-like number
            maker = lambda rand, profile: "C" + rand.digits(7)  # noqa: E731
        else:
            return None
        compiled = re.compile(pattern)
        # Guard: a catalog change must not make the seed write values the form refuses.
        return lambda rand, profile: (v if compiled.search(v := maker(rand, profile)) else None)
    return lambda rand, profile: rand.words(max_length)


def load_services(conn: Connection) -> list[ServiceInfo]:
    rows = conn.execute(
        select(Service.id, Service.code, Service.sla_days, Mpp.ref_prefix)
        .join(Agency, Agency.id == Service.agency_id).join(Mpp, Mpp.id == Agency.mpp_id)
        .where(Service.active.is_(True)).order_by(Service.code)).all()
    services = []
    for row in rows:
        fields = [{"key": f.key, "type": f.type, "required": f.required,
                   "profile_key": f.profile_key, "validation": f.validation}
                  for f in conn.execute(select(ServiceField).where(
                      ServiceField.service_id == row.id).order_by(ServiceField.position))]
        for spec in fields:
            spec["make"] = _field_maker(spec)
        requirements = [{"code": r.code, "document_type": r.document_type,
                         "required": r.required, "formats": list(r.formats or [])}
                        for r in conn.execute(select(Requirement).where(
                            Requirement.service_id == row.id).order_by(Requirement.position))]
        services.append(ServiceInfo(row.code, row.ref_prefix, row.sla_days, fields,
                                    requirements))
    return services


def _insert_or_raise_counter(conn: Connection, prefix: str, year: int, last: int) -> None:
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = dialect_insert(T_REF).values(ref_prefix=prefix, year=year, last=last)
    conn.execute(statement.on_conflict_do_update(
        index_elements=["ref_prefix", "year"],
        set_={"last": func.max(T_REF.c.last, statement.excluded.last)
              if conn.dialect.name == "sqlite"
              else func.greatest(T_REF.c.last, statement.excluded.last)}))


class _Seeder:
    def __init__(self, engine: Engine, services: list[ServiceInfo], rand: _Random,
                 now: dt.datetime, counters: dict[tuple[str, int], int]):
        self.engine, self.services, self.rand, self.now = engine, services, rand, now
        self.counters = counters
        self.uow = SqlUnitOfWork(engine)
        self.state_names = list(STATE_WEIGHTS)
        self.state_weights = list(STATE_WEIGHTS.values())

    def citizen(self, number: int) -> dict[str, Any]:
        rand = self.rand
        sex = rand.r.choice("LP")
        birth = rand.birth_date()
        created = self.now - dt.timedelta(days=rand.r.uniform(30, 900))
        return {
            "id": rand.uuid(), "phone": f"{PHONE_BLOCK}{number:0{PHONE_DIGITS}d}",
            "nik": rand.nik(birth, sex), "full_name": rand.name(),
            "birth_place": rand.r.choice(PLACES), "birth_date": birth, "sex": sex,
            "address": rand.address(), "kk_number": rand.r.choice(REGIONS) + rand.digits(10),
            "email": None, "verified_keys": [], "language": "id", "version": 0,
            "created_at": created, "erased_at": None,
        }

    def application(self, citizen: dict[str, Any], version: int, out: dict[str, list]) -> str:
        rand, r = self.rand, self.rand.r
        service = r.choice(self.services)
        state = r.choices(self.state_names, self.state_weights)[0]
        profile = {key: citizen[key] for key in ("nik", "full_name", "birth_place", "sex",
                                                 "address", "kk_number", "phone", "email")}
        profile["birth_date"] = citizen["birth_date"].isoformat()
        fields = {}
        for spec in service.fields:
            # A draft is half filled; anything submitted has every required field.
            if spec["make"] is None or (state == states.DRAFT and r.random() < 0.5) or (
                    not spec["required"] and r.random() < 0.4):
                continue
            value = spec["make"](rand, profile)
            if value not in (None, ""):
                fields[spec["key"]] = value
        # Created during the citizen's life on the app, mostly in WIB daytime.
        joined = citizen["created_at"]
        created = joined + (self.now - joined) * r.random()
        created = created.astimezone(WIB).replace(hour=r.randint(7, 21)).astimezone(
            dt.timezone.utc)
        created = min(created, self.now - dt.timedelta(hours=1))
        submitted = reference = None
        updated = created + dt.timedelta(minutes=r.uniform(2, 90))
        if state != states.DRAFT:
            submitted = min(updated + dt.timedelta(minutes=r.uniform(1, 600)), self.now)
            year = local_date(submitted).year
            key = (service.ref_prefix, year)
            self.counters[key] = self.counters.get(key, 0) + 1
            reference = f"{service.ref_prefix}-{year}-{self.counters[key]:06d}"
            days = {states.SUBMITTED: 0.5, states.IN_REVIEW: 1, states.REVISION_REQUESTED: 2,
                    states.WITHDRAWN: 1}.get(state, service.sla_days + 2)
            updated = min(submitted + dt.timedelta(days=r.uniform(0, days)), self.now)
        app_id = str(rand.uuid())
        note = ""
        if state == states.REVISION_REQUESTED:
            note = "Foto dokumen kurang jelas, mohon unggah ulang."
        elif state == states.REJECTED:
            note = "Persyaratan tidak memenuhi ketentuan."
        keys = self.uow._queue_keys(EngineApplication(
            id=app_id, citizen_id=str(citizen["id"]), service_code=service.code, state=state,
            created_at=created, updated_at=updated, fields=fields, submitted_at=submitted))
        out["applications"].append({
            "id": app_id, "citizen_id": citizen["id"], "service_code": service.code,
            "state": state, "created_at": created,
            "updated_at": updated, "fields": fields,
            "reference": reference,
            "submitted_at": submitted,
            "officer_note": note, **keys, "version": version})
        rejected_one = state in (states.REVISION_REQUESTED, states.REJECTED)
        for position, req in enumerate(service.requirements):
            document_id, status, req_note = None, "pending", ""
            with_document = state != states.DRAFT and (req["required"] or r.random() < 0.5)
            if state == states.DRAFT:
                with_document = r.random() < 0.4
            if with_document:
                document_id = str(rand.uuid())
                if state in ACCEPTED_STATES or (state == states.IN_REVIEW and r.random() < 0.5):
                    status = "accepted"
                elif rejected_one:
                    status, req_note, rejected_one = "rejected", "Dokumen tidak terbaca.", False
                fmt = "webp" if "webp" in req["formats"] else (req["formats"] or ["pdf"])[0]
                out["documents"].append({
                    "id": document_id, "citizen_id": citizen["id"], "status": "ready",
                    "created_at": created + dt.timedelta(minutes=1),
                    "document_type": req["document_type"],
                    "content_type": FORMAT_CONTENT_TYPES.get(fmt, "image/webp"),
                    "size": r.randint(45_000, 200_000), "sha256": f"{r.getrandbits(256):064x}",
                    "reason": "", "source": "upload",
                    "verified_at": updated if status == "accepted" else None,
                    "expires_on": None, "version": version})
            out["requirements"].append({
                "application_id": app_id, "code": req["code"], "position": position,
                "document_id": document_id, "review_status": status,
                "officer_note": req_note})
        return state

    def chunk(self, conn: Connection, first_number: int, counts: list[int],
              summary: SeedSummary) -> None:
        out: dict[str, list] = {"citizens": [], "spaces": [], "applications": [],
                                "requirements": [], "documents": []}
        with self.uow.using(conn):
            for offset, count in enumerate(counts):
                citizen = self.citizen(first_number + offset)
                out["citizens"].append(citizen)
                out["spaces"].append({"citizen_id": citizen["id"], "version": count,
                                      "horizon": 0})
                for version in range(1, count + 1):
                    state = self.application(citizen, version, out)
                    summary.by_state[state] = summary.by_state.get(state, 0) + 1
        # Parents first (foreign keys); documents before the requirement rows naming them.
        for table, key in ((T_CITIZEN, "citizens"), (T_SPACE, "spaces"),
                           (T_APP, "applications"), (T_DOC, "documents"),
                           (T_REQ, "requirements")):
            if out[key]:
                conn.execute(table.insert(), out[key])
        summary.citizens += len(out["citizens"])
        summary.applications += len(out["applications"])
        summary.requirements += len(out["requirements"])
        summary.documents += len(out["documents"])


def seed(engine: Engine, *, applications: int, citizens: int, seed: int = 1,
         now: dt.datetime | None = None,
         progress: Callable[[SeedSummary], None] | None = None) -> SeedSummary:
    """Add `citizens` citizens owning `applications` applications in all (a skewed spread:
    many citizens with one or two, a few with dozens). Needs the catalog loaded."""
    if citizens < 1 or applications < 0:
        raise ValueError("need at least one citizen and a non-negative number of applications")
    started = time.perf_counter()
    now = now or utcnow()
    with engine.connect() as conn:
        services = load_services(conn)
        if not services:
            raise RuntimeError("no active service: load the catalog first (flask catalog load)")
        counters = {(row.ref_prefix, row.year): row.last
                    for row in conn.execute(select(T_REF))}
        first_number = conn.execute(select(func.count()).select_from(T_CITIZEN).where(
            T_CITIZEN.c.phone.like(f"{PHONE_BLOCK}%"))).scalar_one()
    if first_number + citizens > 10 ** PHONE_DIGITS:
        raise ValueError("the seeded phone block is full")
    # The stream depends on what was seeded before: a second run with the same seed must not
    # make the first run's ids again; on an empty database a seed gives the same data.
    rand = _Random(f"{seed}:{first_number}")
    # Applications per citizen: a Pareto-like spread (index drawn with a squared uniform).
    counts = [0] * citizens
    for _ in range(applications):
        counts[int(citizens * rand.r.random() ** 2)] += 1
    rand.r.shuffle(counts)
    seeder = _Seeder(engine, services, rand, now, counters)
    summary = SeedSummary()
    for start in range(0, citizens, CHUNK_CITIZENS):
        with engine.begin() as conn:
            seeder.chunk(conn, first_number + start, counts[start:start + CHUNK_CITIZENS],
                         summary)
            for (prefix, year), last in seeder.counters.items():
                _insert_or_raise_counter(conn, prefix, year, last)
        if progress:
            progress(summary)
    if engine.dialect.name == "postgresql":
        # Fresh statistics, as autovacuum would give a real database in time: the planner
        # must see a big table as big.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in (T_CITIZEN, T_SPACE, T_APP, T_REQ, T_DOC):
                conn.exec_driver_sql(f"ANALYZE {table.name}")
    summary.seconds = time.perf_counter() - started
    return summary
