"""The NIK pre-check worker: reads identity documents in the background, never in a request.

One pass (`drain`):
1. enqueue: each ready, uploaded document attached to a requirement of an identity type (KTP,
   KK, akta; results.IDENTITY_TYPES) and not yet in `document_check` gets a `pending` row
   (insert ... on conflict do nothing: two workers enqueue it once);
2. claim: a pending job, or a running one whose lease ran out (its worker died), becomes
   `running` under a new lease (PostgreSQL: FOR UPDATE SKIP LOCKED, so workers on other
   machines share the queue; SQLite: BEGIN IMMEDIATE serialises the claim); a job claimed
   MAX_ATTEMPTS times already is finished as unreadable instead: never a stuck job;
3. read the file with tesseract outside any transaction (reading.py);
4. record the result, only if the lease is still ours, and in the same transaction tell the
   citizen, through a `document_check` notification in their space, of each application
   where the NIK on the scan is unreadable or differs from the form.

The same seams as the push worker (server/push/worker.py): SQLAlchemy Core on the sync
engine's unit of work, so the notification bumps the citizen's space version.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from sync import states
from sync.model import READY as DOCUMENT_READY
from sync.space import SpaceWriter

from ..applications.models import Application, ApplicationRequirement, Document
from ..applications.store import SqlUnitOfWork
from ..catalog.models import Requirement, Service
from ..db_types import utcnow
from ..uploads.models import Upload
from ..uploads.storage import Storage
from . import results
from .models import DONE, PENDING, RUNNING, UNREADABLE, DocumentCheck
from .reading import OcrUnavailable, Reading, read_document

log = logging.getLogger(__name__)

T_CHECK = DocumentCheck.__table__
T_DOC = Document.__table__
T_UP = Upload.__table__
T_REQ = ApplicationRequirement.__table__
T_APP = Application.__table__
T_SVC = Service.__table__
T_SPEC = Requirement.__table__

NOTIFICATION = "document_check"
MAX_ATTEMPTS = 3
MAX_FILE_BYTES = 60 * 1024 * 1024
ENQUEUE_BATCH = 200
# States in which the citizen can still act on the document (replace it before review).
TELL_IN = frozenset({states.DRAFT, states.SUBMITTED, states.REVISION_REQUESTED})


@dataclass
class Job:
    document_id: str
    document_type: str
    lease_token: str
    storage_name: str | None
    content_type: str


class DocumentCheckWorker:
    def __init__(self, engine: Engine, storage: Storage, *,
                 clock: Callable[[], dt.datetime] | None = None,
                 reader: Callable[[bytes, str, str], Reading] = read_document,
                 lease: dt.timedelta = dt.timedelta(minutes=10)):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.storage = storage
        self.clock = clock or utcnow
        self.reader = reader
        self.lease = lease  # four rotations of OCR fit in it many times over
        self.uow = SqlUnitOfWork(engine)

    def _insert(self, table):
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    # ---- 1. enqueue -------------------------------------------------------------------
    def enqueue(self) -> int:
        now = self.clock()
        with self.uow.transaction():
            conn = self.uow.conn
            rows = conn.execute(
                select(T_DOC.c.id, T_SPEC.c.document_type)
                .join(T_UP, T_UP.c.document_id == T_DOC.c.id)
                .join(T_REQ, T_REQ.c.document_id == T_DOC.c.id)
                .join(T_APP, T_APP.c.id == T_REQ.c.application_id)
                .join(T_SVC, T_SVC.c.code == T_APP.c.service_code)
                .join(T_SPEC, and_(T_SPEC.c.service_id == T_SVC.c.id,
                                   T_SPEC.c.code == T_REQ.c.code))
                .where(T_DOC.c.status == DOCUMENT_READY, T_UP.c.completed_at.is_not(None),
                       T_SPEC.c.document_type.in_(results.IDENTITY_TYPES),
                       ~exists().where(T_CHECK.c.document_id == T_DOC.c.id))
                .limit(ENQUEUE_BATCH)).all()
            kinds: dict[str, str] = {}
            for document_id, document_type in rows:
                kinds.setdefault(document_id, document_type)
            made = 0
            for document_id, document_type in kinds.items():
                inserted = conn.execute(
                    self._insert(T_CHECK).values(
                        document_id=document_id, document_type=document_type, status=PENDING,
                        attempts=0, niks=[], detail="", created_at=now)
                    .on_conflict_do_nothing(index_elements=["document_id"])
                    .returning(T_CHECK.c.document_id)).first()
                made += inserted is not None
        return made

    # ---- 2. claim ---------------------------------------------------------------------
    def claim(self) -> Job | None:
        while True:
            job = self._claim_one()
            if job != "gave_up":
                return job

    def _claim_one(self) -> Job | None | str:
        now = self.clock()
        with self.uow.transaction():
            conn = self.uow.conn
            due = (select(T_CHECK.c.document_id, T_CHECK.c.attempts, T_CHECK.c.document_type)
                   .where(or_(T_CHECK.c.status == PENDING,
                              and_(T_CHECK.c.status == RUNNING, T_CHECK.c.lease_until <= now)))
                   .order_by(T_CHECK.c.created_at, T_CHECK.c.document_id).limit(1))
            if self.dialect == "postgresql":
                due = due.with_for_update(skip_locked=True)
            row = conn.execute(due).first()
            if row is None:
                return None
            if row.attempts >= MAX_ATTEMPTS:
                # It stopped a worker every time (or timed out): finished, never stuck.
                conn.execute(update(T_CHECK).where(T_CHECK.c.document_id == row.document_id)
                             .values(status=DONE, outcome=UNREADABLE, lease_token=None,
                                     lease_until=None, finished_at=now,
                                     detail=f"gave_up_after_{row.attempts}_attempts"))
                self._tell(row.document_id, now)
                return "gave_up"
            token = str(uuid.uuid4())
            conn.execute(update(T_CHECK).where(T_CHECK.c.document_id == row.document_id)
                         .values(status=RUNNING, lease_token=token, lease_until=now + self.lease,
                                 attempts=row.attempts + 1))
            file = conn.execute(select(T_UP.c.storage_name, T_DOC.c.content_type)
                                .join(T_DOC, T_DOC.c.id == T_UP.c.document_id)
                                .where(T_UP.c.document_id == row.document_id)).first()
        return Job(row.document_id, row.document_type, token,
                   file.storage_name if file else None, file.content_type if file else "")

    # ---- 3. read ----------------------------------------------------------------------
    def read(self, job: Job) -> Reading:
        if job.storage_name is None:
            return Reading(UNREADABLE, detail="file_missing")
        size = self.storage.size(job.storage_name)
        if size is None:
            return Reading(UNREADABLE, detail="file_missing")
        if size > MAX_FILE_BYTES:
            return Reading(UNREADABLE, detail=f"file_too_large: {size} bytes")
        with self.storage.open(job.storage_name) as f:
            data = f.read()
        return self.reader(data, job.content_type, job.document_type)

    # ---- 4. record and tell -----------------------------------------------------------
    def record(self, job: Job, reading: Reading) -> bool:
        now = self.clock()
        with self.uow.transaction():
            done = self.uow.conn.execute(
                update(T_CHECK).where(T_CHECK.c.document_id == job.document_id,
                                      T_CHECK.c.status == RUNNING,
                                      T_CHECK.c.lease_token == job.lease_token)
                .values(status=DONE, outcome=reading.outcome, niks=reading.niks,
                        kk_number=reading.kk_number, rotation=reading.rotation,
                        detail=reading.detail[:500], lease_token=None, lease_until=None,
                        finished_at=now)).rowcount
            if done:
                self._tell(job.document_id, now)
        return bool(done)

    def _tell(self, document_id: str, now: dt.datetime) -> int:
        """Inside the recording transaction: a notification for each application using the
        document whose result the citizen should hear of."""
        conn = self.uow.conn
        check = conn.execute(select(T_CHECK).where(T_CHECK.c.document_id == document_id)).first()
        uses = conn.execute(select(T_REQ.c.application_id, T_REQ.c.code)
                            .where(T_REQ.c.document_id == document_id)
                            .order_by(T_REQ.c.application_id, T_REQ.c.code)).all()
        told = 0
        for application_id, code in uses:
            found = self.uow.get_application(application_id)
            if found is None or found.state not in TELL_IN:
                continue
            service = self.uow.service(found.service_code)
            result = results.compare(check, service.fields if service else (), found.fields)
            if not results.tells_citizen(result):
                continue
            title = conn.execute(select(T_SPEC.c.title_id, T_SPEC.c.title_en)
                                 .join(T_SVC, T_SVC.c.id == T_SPEC.c.service_id)
                                 .where(T_SVC.c.code == found.service_code,
                                        T_SPEC.c.code == code)).first()
            writer = SpaceWriter(self.uow, found.citizen_id, now, actor=states.SYSTEM,
                                 actor_id="document_check")
            application = self.uow.get_application(application_id)
            writer.notify(NOTIFICATION, application, requirement=code, document_id=document_id,
                          title={"id": title.title_id, "en": title.title_en} if title else None,
                          reference=application.reference,
                          service_id=application.service_code, **results.for_citizen(result))
            writer.journal("document_check", application.id, requirement_code=code,
                           result=result["result"])
            told += 1
        return told

    # ---- the loop ---------------------------------------------------------------------
    def run_one(self) -> str | None:
        """Claim, read and record one job; its outcome, or None when there is none."""
        job = self.claim()
        if job is None:
            return None
        try:
            reading = self.read(job)
        except OcrUnavailable:
            raise
        except Exception as exc:  # a reader bug on one file must not stop the queue
            log.exception("document check of %s failed", job.document_id)
            reading = Reading(UNREADABLE, detail=f"error: {type(exc).__name__}")
        self.record(job, reading)
        return reading.outcome

    def drain(self) -> dict[str, int]:
        counts = {"enqueued": self.enqueue(), "read": 0, "unreadable": 0}
        while (outcome := self.run_one()) is not None:
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def run_forever(self, stop: threading.Event, poll_seconds: float) -> None:
        while not stop.is_set():
            try:
                counts = self.drain()
                if counts["read"] or counts["unreadable"]:
                    log.info("document checks: %s", counts)
            except OcrUnavailable:
                raise
            except Exception:
                log.exception("document check pass failed")
            stop.wait(poll_seconds)
