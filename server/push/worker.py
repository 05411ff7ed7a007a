"""The push worker: fans notifications out to subscriptions and sends them.

The outbox is the `notification` table (the sync engine writes a row in the same
transaction as each state change). One pass of the worker:
1. reminders: writes tomorrow's visit reminders into citizens' spaces (sync.reminders);
2. fan-out: each recent notification not yet looked at gets a `push_message` row and, if
   its kind pushes, one `push_delivery` (created) per current subscription of its citizen;
3. claim: due deliveries become `sending` under a lease (PostgreSQL: FOR UPDATE SKIP LOCKED,
   so several workers share the outbox; SQLite: BEGIN IMMEDIATE serialises the claim);
4. send each with pywebpush outside any transaction, then record the outcome, but only if
   the lease is still ours: delivered, temporary-failure (network error, timeout, 429 with
   Retry-After, 5xx; retried with exponential backoff and jitter), or permanent-failure
   (attempts used up, 4xx; 404/410 also removes the subscription).

A lease outlives every send it covers (timeouts are bounded), so a claimed delivery is
never sent by two workers at once; a worker killed mid-send leaves a lease that runs out,
and the delivery is claimed again then. If the kill came after the push service took the
message, that message is sent a second time (at least once); its Topic and tag make the
second replace the first on the phone.

SQLAlchemy Core on its own connections (no Flask request state): the CLI gives it the
app's engine; tests run two of them in threads.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from pywebpush import WebPushException, webpush
from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from sync import reminders, states
from sync.model import REJECTED

from ..accounts.models import DeviceSession
from ..applications.models import Application, ApplicationRequirement, Notification
from ..applications.store import SqlUnitOfWork
from ..catalog.models import Agency, Mpp, Requirement, Service
from ..db_types import utcnow
from .keys import VapidKeys
from .models import (
    CREATED, DELIVERED, PERMANENT_FAILURE, SENDING, TEMPORARY_FAILURE, PushDelivery,
    PushMessage, PushSubscription,
)
from .operations import NoRedirects
from .texts import CatalogInfo, Push, compose, event_of

log = logging.getLogger(__name__)

T_NOTE = Notification.__table__
T_APP = Application.__table__
T_REQ = ApplicationRequirement.__table__
T_SUB = PushSubscription.__table__
T_MSG = PushMessage.__table__
T_DEL = PushDelivery.__table__
T_SESSION = DeviceSession.__table__

BATCH = 20  # deliveries claimed at once
FAN_OUT_BATCH = 200
REMINDER_EVERY = dt.timedelta(minutes=1)
REMINDER_LOOKBACK = dt.timedelta(days=60)  # ready applications older than this are not reminded


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """Retry-After as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


@dataclass
class Claim:
    delivery_id: int
    subscription_id: uuid.UUID
    lease_token: str
    attempts: int
    notification_id: str
    application_id: str | None
    kind: str
    data: dict[str, Any]
    endpoint: str
    p256dh: str
    auth: str
    language: str


@dataclass
class Outcome:
    status: str  # delivered, temporary-failure, permanent-failure
    status_code: int | None = None
    error: str = ""
    retry_after: float | None = None
    gone: bool = False  # the push service says the subscription no longer exists


@dataclass
class Settings:
    subject: str
    timeout: float = 10.0
    max_attempts: int = 8
    backoff_base: float = 30.0
    backoff_max: float = 3600.0
    max_age: dt.timedelta = dt.timedelta(hours=72)
    reminder_hour: int = 8

    @classmethod
    def from_config(cls, config) -> Settings:
        return cls(subject=config["VAPID_SUBJECT"], timeout=config["PUSH_TIMEOUT_SECONDS"],
                   max_attempts=config["PUSH_MAX_ATTEMPTS"],
                   backoff_base=config["PUSH_BACKOFF_BASE_SECONDS"],
                   backoff_max=config["PUSH_BACKOFF_MAX_SECONDS"],
                   max_age=dt.timedelta(hours=config["PUSH_MAX_AGE_HOURS"]),
                   reminder_hour=config["PUSH_REMINDER_HOUR"])

    @property
    def lease(self) -> dt.timedelta:
        """Covers a whole batch of sends, each bounded by the timeout (connect + read)."""
        return dt.timedelta(seconds=2 * self.timeout * (BATCH + 1) + 30)


class PushWorker:
    def __init__(self, engine: Engine, settings: Settings, keys: Callable[[], VapidKeys | None],
                 *, clock: Callable[[], dt.datetime] | None = None,
                 session: requests.Session | None = None, rng: random.Random | None = None):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.settings = settings
        self.keys = keys  # called each pass: a rotated key is picked up
        self.clock = clock or utcnow
        self.http = session or NoRedirects()  # a redirect is never followed
        self.rng = rng or random.Random()
        self.uow = SqlUnitOfWork(engine)
        self._catalog: dict[str, CatalogInfo] = {}
        self._last_reminders: dt.datetime | None = None

    # ---- transactions -----------------------------------------------------------------
    # The same seam as every writer: the sync engine's unit of work (applications/store.py).
    # A write transaction takes SQLite's write lock first (BEGIN IMMEDIATE, queued on the
    # writers' file lock), so two workers' claims run one after the other and cannot pick
    # the same row; PostgreSQL shares the outbox with FOR UPDATE SKIP LOCKED.
    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.uow.transaction():
            yield self.uow.conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.uow.snapshot():
            yield self.uow.conn

    def _insert(self, table):
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    # ---- 1. reminders -----------------------------------------------------------------
    def remind(self, now: dt.datetime) -> int:
        """Write visit reminders due now (the day before the visit); returns how many."""
        with self._read() as conn:
            rows = conn.execute(
                select(T_NOTE.c.application_id, T_NOTE.c.data)
                .join(T_APP, T_APP.c.id == T_NOTE.c.application_id)
                .where(T_NOTE.c.kind == reminders.STATE_CHANGED,
                       T_APP.c.state == states.READY,
                       T_NOTE.c.created_at >= now - REMINDER_LOOKBACK)).all()
            candidates = set()
            for application_id, data in rows:
                data = data or {}
                pickup = data.get("pickup") if isinstance(data.get("pickup"), dict) else {}
                day = reminders.parse_day(pickup.get("visit_date"))
                if data.get("state") == states.READY and day is not None and \
                        reminders.is_due(day, now, self.settings.reminder_hour):
                    candidates.add(application_id)
            if candidates:
                done = conn.execute(select(T_NOTE.c.application_id, T_NOTE.c.data).where(
                    T_NOTE.c.kind == reminders.VISIT_REMINDER,
                    T_NOTE.c.application_id.in_(candidates))).all()
                tomorrow = (now.astimezone(reminders.WIB).date()
                            + dt.timedelta(days=1)).isoformat()
                candidates -= {a for a, d in done if (d or {}).get("visit_date") == tomorrow}
        written = 0
        for application_id in sorted(candidates):
            with self.uow.transaction():  # re-checked under the space lock: written once
                if reminders.remind_visit(self.uow, application_id, now,
                                          from_hour=self.settings.reminder_hour):
                    written += 1
        return written

    # ---- 2. fan-out -------------------------------------------------------------------
    def fan_out(self, now: dt.datetime, keys: VapidKeys) -> int:
        """Look at notifications not looked at yet; returns how many deliveries were made."""
        made = 0
        with self._write() as conn:
            query = (select(T_NOTE.c.id, T_NOTE.c.citizen_id, T_NOTE.c.kind, T_NOTE.c.data)
                     .where(T_NOTE.c.created_at >= now - self.settings.max_age,
                            ~exists().where(T_MSG.c.notification_id == T_NOTE.c.id))
                     .order_by(T_NOTE.c.created_at).limit(FAN_OUT_BATCH))
            if self.dialect == "postgresql":
                # Another worker fanning the same rows out skips them instead of waiting.
                query = query.with_for_update(of=T_NOTE, skip_locked=True)
            notes = conn.execute(query).all()
            pushing = {n.citizen_id for n in notes if event_of(n.kind, n.data or {})}
            by_citizen: dict[Any, list] = {}
            if pushing:
                for sid, citizen_id in conn.execute(
                        select(T_SUB.c.id, T_SUB.c.citizen_id)
                        .join(T_SESSION, T_SESSION.c.id == T_SUB.c.session_id)
                        .where(T_SUB.c.citizen_id.in_(pushing),
                               T_SESSION.c.citizen_id == T_SUB.c.citizen_id,
                               T_SESSION.c.revoked_at.is_(None),
                               T_SESSION.c.expires_at > now,
                               # made with another key: cannot be sent to (claim removes them)
                               T_SUB.c.vapid_public_key == keys.public_key)):
                    by_citizen.setdefault(citizen_id, []).append(sid)
            for note in notes:
                subscriptions = (by_citizen.get(note.citizen_id, [])
                                 if event_of(note.kind, note.data or {}) else [])
                claimed = conn.execute(
                    self._insert(T_MSG).values(notification_id=note.id,
                                               deliveries=len(subscriptions),
                                               fanned_out_at=now)
                    .on_conflict_do_nothing(index_elements=["notification_id"])
                    .returning(T_MSG.c.notification_id)).first()
                if claimed is None or not subscriptions:
                    continue  # another worker did it, or nothing to send
                conn.execute(self._insert(T_DEL).on_conflict_do_nothing(
                    index_elements=["notification_id", "subscription_id"]), [
                    {"notification_id": note.id, "citizen_id": note.citizen_id,
                     "subscription_id": sid, "status": CREATED, "attempts": 0,
                     "next_attempt_at": now, "last_error": "", "created_at": now}
                    for sid in subscriptions])
                made += len(subscriptions)
        return made

    # ---- 3. claim ---------------------------------------------------------------------
    def claim(self, now: dt.datetime, keys: VapidKeys, limit: int = BATCH) -> list[Claim]:
        claims: list[Claim] = []
        with self._write() as conn:
            due = (select(T_DEL.c.id).where(or_(
                and_(T_DEL.c.status.in_((CREATED, TEMPORARY_FAILURE)),
                     T_DEL.c.next_attempt_at <= now),
                and_(T_DEL.c.status == SENDING, T_DEL.c.lease_until <= now)))
                .order_by(T_DEL.c.next_attempt_at, T_DEL.c.id).limit(limit))
            if self.dialect == "postgresql":
                due = due.with_for_update(skip_locked=True)
            ids = conn.execute(due).scalars().all()
            if not ids:
                return []
            rows = conn.execute(
                select(T_DEL.c.id, T_DEL.c.attempts, T_DEL.c.status, T_DEL.c.citizen_id,
                       T_NOTE.c.citizen_id.label("note_citizen"), T_NOTE.c.id.label("nid"),
                       T_NOTE.c.application_id, T_NOTE.c.kind, T_NOTE.c.data,
                       T_SUB.c.id.label("sid"), T_SUB.c.citizen_id.label("sub_citizen"),
                       T_SUB.c.endpoint, T_SUB.c.p256dh, T_SUB.c.auth, T_SUB.c.language,
                       T_SUB.c.vapid_public_key)
                .join(T_NOTE, T_NOTE.c.id == T_DEL.c.notification_id)
                .outerjoin(T_SUB, T_SUB.c.id == T_DEL.c.subscription_id)
                .where(T_DEL.c.id.in_(ids)).order_by(T_DEL.c.id)).all()
            stale_keys = []
            for row in rows:
                problem = None
                if row.sid is None:
                    problem = "subscription_removed"
                elif not (row.citizen_id == row.note_citizen == row.sub_citizen):
                    problem = "recipient_mismatch"  # never happens by construction; checked anyway
                elif row.vapid_public_key != keys.public_key:
                    problem = "vapid_key_rotated"
                    stale_keys.append(row.sid)
                elif row.attempts >= self.settings.max_attempts:
                    # A lease ran out on the last attempt (a worker died mid-send).
                    problem = "too_many_attempts"
                if problem is not None:
                    conn.execute(update(T_DEL).where(T_DEL.c.id == row.id).values(
                        status=PERMANENT_FAILURE, last_error=problem, lease_token=None,
                        lease_until=None))
                    continue
                token = str(uuid.uuid4())
                conn.execute(update(T_DEL).where(T_DEL.c.id == row.id).values(
                    status=SENDING, lease_token=token, lease_until=now + self.settings.lease,
                    attempts=row.attempts + 1))
                claims.append(Claim(row.id, row.sid, token, row.attempts + 1, row.nid,
                                    row.application_id, row.kind, dict(row.data or {}),
                                    row.endpoint, row.p256dh, row.auth, row.language))
            if stale_keys:
                self._remove_subscriptions(conn, stale_keys, "vapid_key_rotated")
        return claims

    # ---- 4. send and record -----------------------------------------------------------
    def catalog_info(self, conn: Connection, service_code: str | None) -> CatalogInfo:
        info = CatalogInfo()
        row = conn.execute(
            select(Service.id, Service.name_id, Service.name_en, Agency.counter,
                   Mpp.name.label("mpp_name"), Mpp.hours_id, Mpp.hours_en)
            .join(Agency, Agency.id == Service.agency_id).join(Mpp, Mpp.id == Agency.mpp_id)
            .where(Service.code == service_code)).first() if service_code else None
        if row is not None:
            info.service_name = {"id": row.name_id, "en": row.name_en}
            info.counter, info.mpp_name = row.counter, row.mpp_name
            info.hours = {"id": row.hours_id, "en": row.hours_en}
            for r in conn.execute(select(Requirement.code, Requirement.title_id,
                                         Requirement.title_en)
                                  .where(Requirement.service_id == row.id)):
                info.requirement_titles[r.code] = {"id": r.title_id, "en": r.title_en}
        self._catalog[service_code] = info
        return info

    @staticmethod
    def _review_of(conn: Connection, application_id: str) -> dict[str, Any]:
        """Which requirements were rejected and why, from the application itself, for a
        revision notification whose data does not say (written before the officer console
        put them there)."""
        rows = conn.execute(select(T_REQ.c.code, T_REQ.c.officer_note).where(
            T_REQ.c.application_id == application_id, T_REQ.c.review_status == REJECTED)
            .order_by(T_REQ.c.position)).all()
        note = conn.execute(select(T_APP.c.officer_note)
                            .where(T_APP.c.id == application_id)).scalar()
        return {"requirements": [{"code": r.code, "note": r.officer_note} for r in rows],
                "note": note or ""}

    def message_for(self, claim: Claim, now: dt.datetime) -> Push | None:
        service_code = claim.data.get("service_id")
        if not isinstance(service_code, str):
            service_code = None
        data = claim.data
        info = self._catalog.get(service_code)
        needs_review = (event_of(claim.kind, data) == states.REVISION_REQUESTED
                        and "requirements" not in data and claim.application_id)
        if info is None or needs_review:
            with self._read() as conn:
                if info is None:
                    info = self.catalog_info(conn, service_code)
                if needs_review:
                    data = {**data, **self._review_of(conn, claim.application_id)}
        return compose(claim.kind, data, notification_id=claim.notification_id,
                       application_id=claim.application_id or "", info=info,
                       lang=claim.language, now=now)

    def send(self, claim: Claim, message: Push, keys: VapidKeys) -> Outcome:
        try:
            webpush(
                subscription_info={"endpoint": claim.endpoint,
                                   "keys": {"p256dh": claim.p256dh, "auth": claim.auth}},
                data=json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")),
                vapid_private_key=keys.vapid,
                vapid_claims={"sub": self.settings.subject},  # fresh: webpush() mutates it
                ttl=message.ttl, headers={"Urgency": message.urgency, "Topic": message.topic},
                timeout=self.settings.timeout, requests_session=self.http)
        except WebPushException as exc:
            response = exc.response
            if response is None:
                return Outcome(TEMPORARY_FAILURE, error=str(exc)[:200])
            code = response.status_code
            error = f"{code} {response.reason or ''}".strip()
            if code in (404, 410):
                return Outcome(PERMANENT_FAILURE, code, error, gone=True)
            if code == 429 or code >= 500:
                return Outcome(TEMPORARY_FAILURE, code, error,
                               retry_after_seconds(response.headers.get("Retry-After"),
                                                   self.clock()))
            return Outcome(PERMANENT_FAILURE, code, error)
        except requests.RequestException as exc:  # timeouts, refused connections, resets
            return Outcome(TEMPORARY_FAILURE, error=f"{type(exc).__name__}: {exc}"[:200])
        return Outcome(DELIVERED, 201)

    def backoff(self, attempts: int) -> float:
        """Exponential with "equal jitter": half the step fixed, half random, so retries of
        many deliveries after one outage spread out instead of arriving together."""
        step = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempts - 1))
        return step / 2 + self.rng.uniform(0, step / 2)

    def record(self, claim: Claim, outcome: Outcome, now: dt.datetime) -> bool:
        """Store the outcome if the lease is still ours; False if it ran out meanwhile."""
        values: dict[str, Any] = {"status": outcome.status, "lease_token": None,
                                  "lease_until": None, "last_status_code": outcome.status_code,
                                  "last_error": outcome.error}
        if outcome.status == DELIVERED:
            values["delivered_at"] = now
        elif outcome.status == TEMPORARY_FAILURE:
            if claim.attempts >= self.settings.max_attempts:
                values["status"] = PERMANENT_FAILURE
                values["last_error"] = f"too_many_attempts: {outcome.error}"[:200]
            else:
                wait = self.backoff(claim.attempts)
                if outcome.retry_after is not None:
                    wait = max(wait, outcome.retry_after)
                values["next_attempt_at"] = now + dt.timedelta(seconds=wait)
        with self._write() as tx:
            if self.dialect == "postgresql":
                # An outcome lost in a database crash only means one more send (at least
                # once, which the Topic and tag absorb): no need to wait for the WAL flush.
                tx.exec_driver_sql("SET LOCAL synchronous_commit = off")
            done = tx.execute(update(T_DEL).where(
                T_DEL.c.id == claim.delivery_id, T_DEL.c.status == SENDING,
                T_DEL.c.lease_token == claim.lease_token).values(**values)).rowcount
            if done and outcome.gone:
                self._remove_subscriptions(tx, [claim.subscription_id], "gone")
        if not done:
            log.warning("push delivery %s: lease lost before its outcome (%s) was recorded",
                        claim.delivery_id, outcome.status)
        return bool(done)

    def _remove_subscriptions(self, conn: Connection, ids: list, reason: str) -> None:
        """As operations.remove, on the worker's connection."""
        conn.execute(update(T_DEL).where(T_DEL.c.subscription_id.in_(ids),
                                         T_DEL.c.status.in_((CREATED, TEMPORARY_FAILURE)))
                     .values(status=PERMANENT_FAILURE, last_error=reason, lease_token=None,
                             lease_until=None))
        conn.execute(update(T_DEL).where(T_DEL.c.subscription_id.in_(ids))
                     .values(subscription_id=None))
        conn.execute(delete(T_SUB).where(T_SUB.c.id.in_(ids)))

    # ---- passes -----------------------------------------------------------------------
    def step(self, now: dt.datetime | None = None, *, reminders_too: bool = True) -> dict:
        """One pass; returns counts. A given `now` is used throughout (tests); otherwise the
        worker's clock, read again when each outcome is recorded."""
        fixed = now is not None
        now = now or self.clock()
        keys = self.keys()
        counts = {"reminders": 0, "fanned_out": 0, "sent": 0, "delivered": 0, "failed": 0}
        if keys is None:
            return counts
        self._catalog.clear()  # the catalog may have been reloaded since the last pass
        if reminders_too:
            counts["reminders"] = self.remind(now)
            # Overdue complaints go to the MPP's supervisors (idempotent; server/complaints).
            from ..complaints.cli import escalate_in

            counts["escalated"] = escalate_in(self.uow, now)
        counts["fanned_out"] = self.fan_out(now, keys)
        claims = self.claim(now, keys)
        started = time.monotonic()
        budget = self.settings.lease.total_seconds() - self.settings.timeout - 5
        if not claims:
            return counts
        for claim in claims:
            if time.monotonic() - started > budget:
                break  # the rest of the batch: their leases run out and they are retried
            message = self.message_for(claim, now)
            if message is None:  # not a kind that pushes: fan-out never makes these
                outcome = Outcome(PERMANENT_FAILURE, error="not_a_push_kind")
            else:
                outcome = self.send(claim, message, keys)
            self.record(claim, outcome, now if fixed else self.clock())
            counts["sent"] += 1
            counts["delivered" if outcome.status == DELIVERED else "failed"] += 1
        return counts

    def drain(self, now: dt.datetime | None = None) -> dict:
        """Passes until nothing is due (`flask push worker --once`, tests)."""
        totals: dict[str, int] = {}
        first = True
        while True:
            counts = self.step(now, reminders_too=first)
            first = False
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
            if not counts["fanned_out"] and not counts["sent"]:
                return totals

    def run_forever(self, stop: threading.Event, poll: float) -> None:
        """Until `stop` is set (SIGTERM): sleep `poll` seconds when there is nothing to do."""
        while not stop.is_set():
            now = self.clock()
            due_reminders = (self._last_reminders is None
                             or now - self._last_reminders >= REMINDER_EVERY)
            try:
                counts = self.step(now, reminders_too=due_reminders)
                if due_reminders:
                    self._last_reminders = now
            except Exception:  # the database restarting, say: log, wait, go on
                log.exception("push worker pass failed; retrying")
                counts = {"fanned_out": 0, "sent": 0}
                stop.wait(max(poll, 5))
                continue
            if counts["sent"] or counts["reminders"] or counts["fanned_out"]:
                log.info("push worker: %s", counts)
            else:
                stop.wait(poll)

