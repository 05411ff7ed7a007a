"""The push worker: fans notifications out to subscriptions and sends them.

The outbox is the `notification` table (the sync engine writes a row in the same
transaction as each state change). One pass of the worker:
1. reminders: writes tomorrow's visit reminders into citizens' spaces (sync.reminders);
2. fan-out: each recent notification not yet looked at gets a `push_message` row and, if
   its kind pushes, one `push_delivery` (created) per current subscription of its citizen;
3. claim: up to `Settings.batch` due deliveries become `sending` under one lease, in ONE
   statement (PostgreSQL: a FOR UPDATE SKIP LOCKED pick inside an UPDATE ... RETURNING
   joined to the notification and subscription, so several workers share the outbox;
   SQLite: UPDATE ... RETURNING in a BEGIN IMMEDIATE transaction, which serialises the
   claim). Steps 2 and 3 share one write transaction;
4. send each with pywebpush's WebPusher outside any transaction, on one keep-alive HTTP
   session, with the VAPID Authorization header signed once per push service (audience)
   and reused while it is valid;
5. record every outcome of the pass in ONE set-based UPDATE (the outcomes as a JSON
   parameter), only where the lease is still ours: delivered, temporary-failure (network
   error, timeout, 429 with Retry-After, 5xx; retried with exponential backoff and jitter),
   or permanent-failure (attempts used up, 4xx; 404/410 also removes the subscription).
   Claims the pass had no time to send (see `Settings.send_window`) are given back, due
   at once, with their attempt not counted.

Before, each outcome was its own write transaction, and each claim row its own UPDATE:
on PostgreSQL that cost more than the HTTP POST (bench/push.py --profile).

A lease outlives every send it covers (a send starts within the send window and each is
bounded by the timeout), so a claimed delivery is never sent by two workers at once; a
worker killed between claim and outcome leaves a lease that runs out, and the delivery is
claimed again then. If the kill came after the push service took the message, that
message is sent a second time (at least once); its Topic and tag make the second replace
the first on the phone.

SQLAlchemy Core on its own connections (no Flask request state): the CLI gives it the
app's engine; tests run two of them in threads or processes.
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
from urllib.parse import urlsplit

import requests
from sqlalchemy import (
    and_, bindparam, case, delete, exists, literal, or_, select, text, update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from sync import reminders, states
from sync.model import REJECTED

from ..accounts.models import DeviceSession
from ..applications.models import Application, ApplicationRequirement, Notification
from ..applications.store import SqlUnitOfWork
from ..catalog.models import Agency, CatalogMeta, Mpp, Requirement, Service
from ..db_types import UtcTimestamp, to_db, utcnow
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
T_CATALOG = CatalogMeta.__table__

BATCH = 50  # deliveries claimed at once (Settings.batch)
FAN_OUT_BATCH = 200
REMINDER_EVERY = dt.timedelta(minutes=1)
REMINDER_LOOKBACK = dt.timedelta(days=60)  # ready applications older than this are not reminded
# A VAPID token (RFC 8292) is signed for VAPID_LIFETIME (what pywebpush's webpush() gives it)
# and reused for every message to the same push service until VAPID_RENEW_BEFORE before it
# expires: signing (ES256) per message cost about 0.4 ms, some 40% of the encryption.
VAPID_LIFETIME = 12 * 3600
VAPID_RENEW_BEFORE = 10 * 60
RELEASED = "released"  # an Outcome for a claim the pass gave back unsent (not a status)


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
    subscription_id: uuid.UUID | None
    lease_token: str
    attempts: int  # counting this one
    notification_id: str
    application_id: str | None
    kind: str
    data: dict[str, Any]
    endpoint: str | None
    p256dh: str | None
    auth: str | None
    language: str | None
    problem: str | None = None  # why it is not sent at all (ends as permanent-failure)


@dataclass
class Outcome:
    status: str  # delivered, temporary-failure, permanent-failure, or RELEASED
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
    batch: int = BATCH
    # Sends of a pass start within this many seconds of its claim; what is left is given
    # back (due at once) when the pass records its outcomes. Bounds the lease, and so how
    # long the deliveries of a killed worker wait, whatever the batch and the timeouts.
    send_window: float = 60.0

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
        """Covers the last send the window lets start (connect and read each bounded by the
        timeout) and the pass's outcome transaction after it."""
        return dt.timedelta(seconds=self.send_window + 2 * self.timeout + 30)


def _stamp(value: dt.datetime) -> str:
    """A timestamp for the outcomes' JSON: naive UTC with microseconds, the text SQLAlchemy
    stores in SQLite (so comparisons with bound values stay textual-correct) and a literal
    PostgreSQL reads as `timestamp`."""
    return to_db(value).isoformat(sep=" ", timespec="microseconds")


class _Statements:
    """The worker's hot statements, built once per dialect: building a Core statement and
    its cache key on every call cost more than SQLite running it (bench/push.py --profile)."""

    def __init__(self, dialect: str):
        now = bindparam("now", type_=UtcTimestamp())
        due = T_DEL.alias("due")
        due_where = or_(
            and_(due.c.status.in_((CREATED, TEMPORARY_FAILURE)), due.c.next_attempt_at <= now),
            and_(due.c.status == SENDING, due.c.lease_until <= now))
        pick = (select(due.c.id).where(due_where)
                .order_by(due.c.next_attempt_at, due.c.id).limit(bindparam("limit")))
        # A row whose attempts are used up (its lease ran out on the last one: a worker died
        # mid-send) ends here instead of being sent again.
        fresh = T_DEL.c.attempts < bindparam("max_attempts")
        claim_values = {
            "status": case((fresh, literal(SENDING)), else_=literal(PERMANENT_FAILURE)),
            "attempts": case((fresh, T_DEL.c.attempts + 1), else_=T_DEL.c.attempts),
            "lease_token": case((fresh, bindparam("token"))),
            "lease_until": case((fresh, bindparam("until", type_=UtcTimestamp()))),
            "last_error": case((fresh, T_DEL.c.last_error), else_=literal("too_many_attempts")),
        }
        joined = [T_NOTE.c.citizen_id.label("note_citizen"), T_NOTE.c.id.label("nid"),
                  T_NOTE.c.application_id, T_NOTE.c.kind, T_NOTE.c.data,
                  T_SUB.c.id.label("sid"), T_SUB.c.citizen_id.label("sub_citizen"),
                  T_SUB.c.endpoint, T_SUB.c.p256dh, T_SUB.c.auth, T_SUB.c.language,
                  T_SUB.c.vapid_public_key]
        if dialect == "postgresql":
            # One statement: pick (skipping rows another worker holds), lease, and read
            # what to send. A row another worker changed meanwhile is re-checked by FOR UPDATE.
            picked = pick.with_for_update(skip_locked=True).cte("picked")
            claimed = (update(T_DEL).where(T_DEL.c.id == picked.c.id).values(claim_values)
                       .returning(T_DEL.c.id, T_DEL.c.status, T_DEL.c.attempts,
                                  T_DEL.c.citizen_id, T_DEL.c.notification_id,
                                  T_DEL.c.subscription_id)
                       .cte("claimed"))
            self.claim = (
                select(claimed.c.id, claimed.c.status, claimed.c.attempts,
                       claimed.c.citizen_id, *joined)
                .select_from(claimed.join(T_NOTE, T_NOTE.c.id == claimed.c.notification_id)
                             .outerjoin(T_SUB, T_SUB.c.id == claimed.c.subscription_id))
                .order_by(claimed.c.id))
            self.claimed_rows = None
        else:
            # SQLite: one UPDATE ... RETURNING under the write lock (BEGIN IMMEDIATE), then
            # the rows it leased read with their notification and subscription.
            self.claim = (update(T_DEL).where(T_DEL.c.id.in_(pick.scalar_subquery()))
                          .values(claim_values).returning(T_DEL.c.id))
            self.claimed_rows = (
                select(T_DEL.c.id, T_DEL.c.status, T_DEL.c.attempts, T_DEL.c.citizen_id,
                       *joined)
                .select_from(T_DEL.join(T_NOTE, T_NOTE.c.id == T_DEL.c.notification_id)
                             .outerjoin(T_SUB, T_SUB.c.id == T_DEL.c.subscription_id))
                .where(T_DEL.c.id.in_(bindparam("ids", expanding=True)))
                .order_by(T_DEL.c.id))
        self.catalog_key = select(T_CATALOG.c.version, T_CATALOG.c.content_hash).where(
            T_CATALOG.c.id == 1)
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        self.insert_message = (insert(T_MSG).on_conflict_do_nothing(
            index_elements=["notification_id"]).returning(T_MSG.c.notification_id))
        # executemany (psycopg pipelines it): measured faster here than one multi-row
        # INSERT ... RETURNING, which PostgreSQL took 4x longer to run for 200 rows.
        self.insert_delivery = insert(T_DEL).on_conflict_do_nothing(
            index_elements=["notification_id", "subscription_id"])
        # Every outcome of a pass in one statement, from one JSON parameter (one statement
        # text whatever the batch: prepared once); only rows still leased to this pass.
        # `keep` (a claim given back unsent) leaves its last code and error as they were.
        assignments = """
            status = v.status, attempts = v.attempts, lease_token = NULL, lease_until = NULL,
            last_status_code = CASE WHEN v.keep THEN {d}.last_status_code ELSE v.code END,
            last_error = CASE WHEN v.keep THEN {d}.last_error ELSE v.error END,
            next_attempt_at = COALESCE(v.next_at, {d}.next_attempt_at),
            delivered_at = COALESCE(v.delivered_at, {d}.delivered_at)"""
        guard = (f"{{d}}.id = v.id AND {{plus}}{{d}}.status = '{SENDING}' "
                 "AND {d}.lease_token = :token")
        if dialect == "postgresql":
            self.record = text(
                "UPDATE push_delivery AS d SET" + assignments.format(d="d")
                + " FROM jsonb_to_recordset(CAST(:outcomes AS jsonb)) AS v(id integer, "
                "status text, attempts integer, code integer, error text, next_at timestamp, "
                "delivered_at timestamp, keep boolean) WHERE " + guard.format(d="d", plus="")
                + " RETURNING d.id")
        else:
            # The unary + keeps SQLite from driving the join by ix_push_delivery_due (status):
            # it would rescan the JSON for every `sending` row (0.9 s with 2,000 of them);
            # with it, each outcome finds its row by primary key (about 1 ms for 50).
            fields = ("id", "status", "attempts", "code", "error", "next_at", "delivered_at",
                      "keep")
            self.record = text(
                "WITH v AS (SELECT " + ", ".join(
                    f"json_extract(value, '$.{f}') AS {f}" for f in fields)
                + " FROM json_each(:outcomes)) UPDATE push_delivery SET"
                + assignments.format(d="push_delivery") + " FROM v WHERE "
                + guard.format(d="push_delivery", plus="+") + " RETURNING push_delivery.id")


_STATEMENTS: dict[str, _Statements] = {}


def _statements(dialect: str) -> _Statements:
    if dialect not in _STATEMENTS:
        _STATEMENTS[dialect] = _Statements(dialect)
    return _STATEMENTS[dialect]


class PushWorker:
    def __init__(self, engine: Engine, settings: Settings, keys: Callable[[], VapidKeys | None],
                 *, clock: Callable[[], dt.datetime] | None = None,
                 session: requests.Session | None = None, rng: random.Random | None = None):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.settings = settings
        self.keys = keys  # called each pass: a rotated key is picked up
        self.clock = clock or utcnow
        self.wall = time.time  # a VAPID token's expiry is checked against the real clock
        self.http = session or NoRedirects()  # a redirect is never followed; keep-alive
        self.rng = rng or random.Random()
        self.uow = SqlUnitOfWork(engine)
        self.sql = _statements(self.dialect)
        self._catalog: dict[str, CatalogInfo] = {}
        self._catalog_key: tuple | None = None  # the catalog _catalog was read from
        # (public key, subject, audience) -> (expires, headers): signed VAPID tokens.
        self._vapid: dict[tuple[str, str, str], tuple[int, dict[str, str]]] = {}
        self._last_reminders: dt.datetime | None = None

    # ---- transactions -----------------------------------------------------------------
    # The same seam as every writer: the sync engine's unit of work (applications/store.py).
    # A write transaction takes SQLite's write lock first (BEGIN IMMEDIATE, queued on the
    # writers' file lock), so two workers' claims run one after the other and cannot pick
    # the same row; PostgreSQL shares the outbox with FOR UPDATE SKIP LOCKED.
    @contextmanager
    def _write(self, *, relaxed: bool = False) -> Iterator[Connection]:
        """`relaxed`: on PostgreSQL, commit without waiting for the WAL flush. For the
        pass's claim and outcome: losing one in a database crash only means a message sent
        once more (at least once, which the Topic and tag absorb), never one lost."""
        with self.uow.transaction():
            conn = self.uow.conn
            if relaxed and self.dialect == "postgresql":
                conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.uow.snapshot():
            yield self.uow.conn

    # ---- 1. reminders -----------------------------------------------------------------
    def remind(self, now: dt.datetime) -> int:
        """Write visit reminders due now (the day before the visit); returns how many."""
        if now.astimezone(reminders.WIB).hour < self.settings.reminder_hour:
            return 0  # nothing is due before that hour (reminders.is_due)
        with self._read() as conn:
            rows = conn.execute(
                select(T_NOTE.c.application_id, T_NOTE.c.data)
                .join(T_APP, T_APP.c.id == T_NOTE.c.application_id)
                .where(T_NOTE.c.kind == reminders.STATE_CHANGED,
                       T_APP.c.state == states.READY,
                       T_NOTE.c.created_at >= now - REMINDER_LOOKBACK,
                       # only moves to ready that booked a visit (read in Python below)
                       T_NOTE.c.data[("pickup", "visit_date")].as_string().is_not(None))
            ).all()
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

    # ---- 2. fan-out -------------------------------------------------------------------
    def fan_out(self, now: dt.datetime, keys: VapidKeys) -> int:
        """Look at notifications not looked at yet; returns how many deliveries were made."""
        with self._write() as conn:
            return self._fan_out(conn, now, keys)

    def _fan_out(self, conn: Connection, now: dt.datetime, keys: VapidKeys) -> int:
        query = (select(T_NOTE.c.id, T_NOTE.c.citizen_id, T_NOTE.c.kind, T_NOTE.c.data)
                 .where(T_NOTE.c.created_at >= now - self.settings.max_age,
                        ~exists().where(T_MSG.c.notification_id == T_NOTE.c.id))
                 .order_by(T_NOTE.c.created_at).limit(FAN_OUT_BATCH))
        if self.dialect == "postgresql":
            # Another worker fanning the same rows out skips them instead of waiting.
            query = query.with_for_update(of=T_NOTE, skip_locked=True)
        notes = conn.execute(query).all()
        if not notes:
            return 0
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
        targets = {note.id: (note, by_citizen.get(note.citizen_id, [])
                             if event_of(note.kind, note.data or {}) else [])
                   for note in notes}
        # One multi-row INSERT for the markers; the ones another worker inserted first are
        # not returned, and their deliveries are that worker's to make.
        ours = conn.execute(self.sql.insert_message, [
            {"notification_id": nid, "deliveries": len(subs), "fanned_out_at": now}
            for nid, (_note, subs) in targets.items()]).scalars().all()
        rows = [{"notification_id": nid, "citizen_id": targets[nid][0].citizen_id,
                 "subscription_id": sid, "status": CREATED, "attempts": 0,
                 "next_attempt_at": now, "last_error": "", "created_at": now}
                for nid in ours for sid in targets[nid][1]]
        if rows:  # none exist yet: the notification's marker was inserted just now
            conn.execute(self.sql.insert_delivery, rows)
        return len(rows)

    # ---- 3. claim ---------------------------------------------------------------------
    def claim(self, now: dt.datetime, keys: VapidKeys, limit: int | None = None) -> list[Claim]:
        """Lease up to `limit` due deliveries (all of them under one lease token)."""
        with self._write() as conn:
            return self._claim(conn, now, keys, limit or self.settings.batch)

    def _claim(self, conn: Connection, now: dt.datetime, keys: VapidKeys,
               limit: int) -> list[Claim]:
        token = str(uuid.uuid4())
        params = {"now": now, "limit": limit, "max_attempts": self.settings.max_attempts,
                  "token": token, "until": now + self.settings.lease}
        if self.sql.claimed_rows is None:
            rows = conn.execute(self.sql.claim, params).all()
        else:
            ids = conn.execute(self.sql.claim, params).scalars().all()
            rows = conn.execute(self.sql.claimed_rows, {"ids": ids}).all() if ids else []
        if not rows:
            return []
        catalog_key = tuple(conn.execute(self.sql.catalog_key).first() or ())
        if catalog_key != self._catalog_key:  # the catalog was reloaded: read names again
            self._catalog.clear()
            self._catalog_key = catalog_key
        claims = []
        for row in rows:
            if row.status != SENDING:
                continue  # attempts used up: ended by the claim itself (too_many_attempts)
            problem = None
            if row.sid is None:
                problem = "subscription_removed"
            elif not (row.citizen_id == row.note_citizen == row.sub_citizen):
                problem = "recipient_mismatch"  # never happens by construction; checked anyway
            elif row.vapid_public_key != keys.public_key:
                problem = "vapid_key_rotated"  # the outcome removes the subscription
            claims.append(Claim(row.id, row.sid, token, row.attempts, row.nid,
                                row.application_id, row.kind, dict(row.data or {}),
                                row.endpoint, row.p256dh, row.auth, row.language, problem))
        return claims

    # ---- 4. send ----------------------------------------------------------------------
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


    def vapid_headers(self, keys: VapidKeys, endpoint: str) -> dict[str, str]:
        """The Authorization header for the push service of `endpoint` (its origin is the
        token's audience), signed once and reused until shortly before it expires."""
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        key = (keys.public_key, self.settings.subject, audience)
        wall = self.wall()
        cached = self._vapid.get(key)
        if cached is None or cached[0] - VAPID_RENEW_BEFORE <= wall:
            if cached is None and len(self._vapid) > 1000:  # keys rotated many times
                self._vapid.clear()
            expires = int(wall) + VAPID_LIFETIME
            # A fresh claims dict: sign() is given exactly these (webpush() mutated its own).
            cached = self._vapid[key] = (expires, keys.vapid.sign(
                {"sub": self.settings.subject, "aud": audience, "exp": expires}))
        return cached[1]

    def send(self, claim: Claim, message: Push, keys: VapidKeys) -> Outcome:
        """Encrypt (aes128gcm, a new ECDH key per message, inside WebPusher) and POST on the
        worker's keep-alive session; what pywebpush's webpush() does, with the VAPID header
        from vapid_headers() instead of a signature per message."""
        # Imported here: pywebpush brings aiohttp (~0.1 s of every process's start), and
        # only the push worker's sending needs it, not the web workers or the other commands.
        from pywebpush import WebPushException, WebPusher

        headers = {**self.vapid_headers(keys, claim.endpoint),
                   "Urgency": message.urgency, "Topic": message.topic}
        try:
            response = WebPusher(
                {"endpoint": claim.endpoint, "keys": {"p256dh": claim.p256dh,
                                                      "auth": claim.auth}},
                requests_session=self.http).send(
                json.dumps(message.payload, ensure_ascii=False,
                           separators=(",", ":")).encode(),
                headers, ttl=message.ttl, content_encoding="aes128gcm",
                timeout=self.settings.timeout)
        except WebPushException as exc:
            return Outcome(TEMPORARY_FAILURE, error=str(exc)[:200])
        except requests.RequestException as exc:  # timeouts, refused connections, resets
            return Outcome(TEMPORARY_FAILURE, error=f"{type(exc).__name__}: {exc}"[:200])
        code = response.status_code
        if code <= 202:
            return Outcome(DELIVERED, code)
        error = f"{code} {response.reason or ''}".strip()
        if code in (404, 410):
            return Outcome(PERMANENT_FAILURE, code, error, gone=True)
        if code == 429 or code >= 500:
            return Outcome(TEMPORARY_FAILURE, code, error,
                           retry_after_seconds(response.headers.get("Retry-After"),
                                               self.clock()))
        return Outcome(PERMANENT_FAILURE, code, error)  # 3xx (never followed) and other 4xx

    # ---- 5. record --------------------------------------------------------------------
    def backoff(self, attempts: int) -> float:
        """Exponential with "equal jitter": half the step fixed, half random, so retries of
        many deliveries after one outage spread out instead of arriving together."""
        step = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempts - 1))
        return step / 2 + self.rng.uniform(0, step / 2)


    def _outcome_row(self, claim: Claim, outcome: Outcome, now: dt.datetime) -> dict:
        row: dict[str, Any] = {
            "id": claim.delivery_id, "status": outcome.status, "attempts": claim.attempts,
            "code": outcome.status_code, "error": outcome.error, "next_at": None,
            "delivered_at": None, "keep": False}
        if outcome.status == RELEASED:  # not sent: not an attempt; due again at once
            row["attempts"] = claim.attempts - 1
            row["status"] = CREATED if row["attempts"] == 0 else TEMPORARY_FAILURE
            row["keep"] = True
        elif claim.problem is not None:  # not sent either
            row["attempts"] = claim.attempts - 1
        elif outcome.status == DELIVERED:
            row["delivered_at"] = _stamp(now)
        elif outcome.status == TEMPORARY_FAILURE:
            if claim.attempts >= self.settings.max_attempts:
                row["status"] = PERMANENT_FAILURE
                row["error"] = f"too_many_attempts: {outcome.error}"[:200]
            else:
                wait = self.backoff(claim.attempts)
                if outcome.retry_after is not None:
                    wait = max(wait, outcome.retry_after)
                row["next_at"] = _stamp(now + dt.timedelta(seconds=wait))
        return row

    def record_all(self, results: list[tuple[Claim, Outcome]], now: dt.datetime) -> set[int]:
        """Store the pass's outcomes in one statement, each only if its lease is still ours;
        returns the delivery ids stored. Subscriptions the push service says are gone (and
        those made with a rotated key) are removed in the same transaction."""
        if not results:
            return set()
        by_token: dict[str, list[tuple[Claim, Outcome]]] = {}
        for claim, outcome in results:
            by_token.setdefault(claim.lease_token, []).append((claim, outcome))
        recorded: set[int] = set()
        with self._write(relaxed=True) as conn:
            for token, group in by_token.items():  # one group per pass
                outcomes = json.dumps([self._outcome_row(c, o, now) for c, o in group],
                                      separators=(",", ":"))
                done = set(conn.execute(self.sql.record,
                                        {"outcomes": outcomes, "token": token}).scalars())
                recorded |= done
                for reason, ids in (
                        ("gone", {c.subscription_id for c, o in group
                                  if o.gone and c.delivery_id in done}),
                        ("vapid_key_rotated", {c.subscription_id for c, o in group
                                               if c.problem == "vapid_key_rotated"
                                               and c.delivery_id in done})):
                    if ids:
                        self._remove_subscriptions(conn, sorted(ids), reason)
        for claim, outcome in results:
            if claim.delivery_id not in recorded:
                log.warning("push delivery %s: lease lost before its outcome (%s) was "
                            "recorded", claim.delivery_id, outcome.status)
        return recorded

    def record(self, claim: Claim, outcome: Outcome, now: dt.datetime) -> bool:
        """Store one outcome if the lease is still ours; False if it ran out meanwhile."""
        return claim.delivery_id in self.record_all([(claim, outcome)], now)

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

    # ---- passes -----------------------------------------------------------------------
    def step(self, now: dt.datetime | None = None, *, reminders_too: bool = True) -> dict:
        """One pass; returns counts. A given `now` is used throughout (tests); otherwise the
        worker's clock, read again when the outcomes are recorded."""
        fixed = now is not None
        now = now or self.clock()
        keys = self.keys()
        counts = {"reminders": 0, "fanned_out": 0, "claimed": 0, "sent": 0, "delivered": 0,
                  "failed": 0}
        if keys is None:
            return counts
        if reminders_too:
            counts["reminders"] = self.remind(now)
            # Overdue complaints go to the MPP's supervisors (idempotent; server/complaints).
            from ..complaints.cli import escalate_in

            counts["escalated"] = escalate_in(self.uow, now)
        with self._write(relaxed=True) as conn:  # fan-out and claim: one transaction
            counts["fanned_out"] = self._fan_out(conn, now, keys)
            claims = self._claim(conn, now, keys, self.settings.batch)
        counts["claimed"] = len(claims)
        if not claims:
            return counts
        started = time.monotonic()
        results: list[tuple[Claim, Outcome]] = []
        for claim in claims:
            if claim.problem is not None:
                results.append((claim, Outcome(PERMANENT_FAILURE, error=claim.problem)))
                continue
            if time.monotonic() - started > self.settings.send_window:
                results.append((claim, Outcome(RELEASED)))  # the next pass takes it
                continue
            message = self.message_for(claim, now)
            if message is None:  # not a kind that pushes: fan-out never makes these
                outcome = Outcome(PERMANENT_FAILURE, error="not_a_push_kind")
            else:
                outcome = self.send(claim, message, keys)
            results.append((claim, outcome))
            counts["sent"] += 1
            counts["delivered" if outcome.status == DELIVERED else "failed"] += 1
        self.record_all(results, now if fixed else self.clock())
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
            if not counts["fanned_out"] and not counts["claimed"]:
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
                stop.wait(max(poll, 5))
                continue
            if counts["claimed"] or counts["reminders"] or counts["fanned_out"]:
                log.info("push worker: %s", counts)
            else:
                stop.wait(poll)

