"""Resumable uploads (tus 1.0) as operations with no HTTP in them.

Every database change runs in the sync engine's unit of work (`with uow.transaction()`), and
the document row is only ever written through sync/documents.py (`register_upload`,
`finish_upload`), so each change bumps the citizen's space version and reaches the next pull.
The `upload` row is written with Core on the same connection, in the same transaction.

Transactions stay short: a PATCH claims the upload in one (compare-and-set on offset and the
claim), streams the body with no transaction open, then records the new offset (and, after
the last byte, the content checks' verdict) in a second one.
"""
from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import and_, func, insert, or_, select, update

from sync.documents import finish_upload, register_upload
from sync.errors import Rejection
from sync.model import INVALID, UPLOADING

from ..applications.models import Document
from ..db_types import utcnow
from ..errors import ApiError
from .checks import ACCEPTED_TYPES, JPEG, Verdict, inspect, normalise_type
from .metadata import has_location, strip_location
from .models import Upload
from .previews import can_preview, make_preview
from .storage import AbortWrite, Storage

log = logging.getLogger(__name__)

T_UP = Upload.__table__
T_DOC = Document.__table__
# A PATCH's claim is renewed while its bytes keep coming; one silent for LOCK_LEASE is dead
# (a phone whose connection dropped, leaving a half-open socket; a killed worker) and the
# client's next PATCH may take over after a HEAD. Short, because a dropped link is the
# normal case on a weak connection and the citizen should not wait minutes to resume.
LOCK_LEASE = dt.timedelta(seconds=30)
# Before writing after a pause this long, a PATCH checks that its claim is still its own
# (and renews it): a stalled writer never writes over its successor's bytes.
CLAIM_CHECK_AFTER = dt.timedelta(seconds=5)
CHECKSUM_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
MAX_FILENAME = 255


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    quota_bytes: int
    expiry: dt.timedelta

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(int(config["UPLOAD_MAX_BYTES"]), int(config["UPLOAD_QUOTA_BYTES"]),
                   dt.timedelta(hours=float(config["UPLOAD_EXPIRY_HOURS"])))


class CheckSlots:
    """How many content checks (decode a whole image or walk a PDF, then make a preview)
    run at once: at most `per_process` in this process, and one citizen's at most
    `per_citizen`. An upload costs its sender little (a 50 KB PNG can decode to 48 MB) and
    a worker's threads are few, so one citizen cannot occupy them all: their next check is
    refused at once (429, retry later); a check waits at most `wait` seconds for a free
    slot of the process, then is refused (503). Either way the last piece's offset is not
    recorded, so the client resends it and the check runs then.

    In-process (per gunicorn worker; a machine runs `workers x per_process` at most): one
    citizen's uploads reaching two workers may run one check in each. A limit across
    machines would need a shared counter (Redis), which this deployment does not require.
    """

    def __init__(self, per_process: int, per_citizen: int, wait: float):
        self.per_citizen, self.wait = per_citizen, wait
        self._process = threading.BoundedSemaphore(per_process)
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()

    @contextlib.contextmanager
    def slot(self, citizen_id: str) -> Iterator[None]:
        with self._lock:
            if self._running[citizen_id] >= self.per_citizen:
                raise ApiError(429, "upload_checks_busy", {"retry_after": CHECK_RETRY_AFTER},
                               headers={"Retry-After": str(CHECK_RETRY_AFTER)})
            self._running[citizen_id] += 1
        try:
            if not self._process.acquire(timeout=self.wait):
                raise ApiError(503, "upload_checks_busy", {"retry_after": CHECK_RETRY_AFTER},
                               headers={"Retry-After": str(CHECK_RETRY_AFTER)})
            try:
                yield
            finally:
                self._process.release()
        finally:
            with self._lock:
                self._running[citizen_id] -= 1
                if not self._running[citizen_id]:
                    del self._running[citizen_id]


CHECK_RETRY_AFTER = 5  # seconds
UNLIMITED = CheckSlots(per_process=1 << 20, per_citizen=1 << 20, wait=0)


@dataclass(frozen=True)
class Declared:
    document_id: str
    content_type: str
    sha256: str
    filename: str = ""


# ---- request values --------------------------------------------------------------------

def parse_metadata(header: str | None) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64(value)` pairs (value optional)."""
    pairs: dict[str, str] = {}
    for item in (header or "").split(","):
        item = item.strip()
        if not item:
            continue
        key, _, encoded = item.partition(" ")
        encoded = encoded.strip()
        if not key or key in pairs or " " in encoded:
            raise _bad_metadata(key or "_")
        try:
            pairs[key] = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise _bad_metadata(key) from None
    return pairs


def _bad_metadata(field: str) -> ApiError:
    return ApiError(400, "upload_metadata_invalid", {"field": field}, params={"field": field})


def declared_from(metadata: dict[str, str]) -> Declared:
    raw_id = metadata.get("document_id", "")
    try:
        document_id = str(uuid.UUID(raw_id))
    except ValueError:
        raise _bad_metadata("document_id") from None
    if raw_id != document_id:
        raise _bad_metadata("document_id")  # canonical lower-case only: no aliases of one id
    sha256 = metadata.get("sha256", "")
    if not SHA256_HEX.match(sha256):
        raise _bad_metadata("sha256")
    content_type = normalise_type(metadata.get("content_type", ""))
    if not content_type:
        raise _bad_metadata("content_type")
    if content_type not in ACCEPTED_TYPES:
        raise ApiError(415, "upload_type_not_accepted", {"accepted": list(ACCEPTED_TYPES)})
    filename = metadata.get("filename", "")
    if len(filename) > MAX_FILENAME or "\x00" in filename:
        raise _bad_metadata("filename")
    return Declared(document_id, content_type, sha256, filename)


def parse_checksum(header: str | None):
    """Upload-Checksum: `<algorithm> <base64 digest>` -> (hash factory, digest) or None."""
    if header is None:
        return None
    algorithm, _, encoded = header.strip().partition(" ")
    factory = CHECKSUM_ALGORITHMS.get(algorithm.lower())
    if factory is None:
        raise ApiError(400, "upload_checksum_unsupported",
                       {"supported": sorted(CHECKSUM_ALGORITHMS)})
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, "upload_checksum_invalid") from None
    if len(digest) != factory().digest_size:
        raise ApiError(400, "upload_checksum_invalid")
    return factory, digest


# ---- reading ---------------------------------------------------------------------------

def _find(conn, upload_id: str, citizen_id, now: dt.datetime):
    """The caller's live upload, or 404 (unknown or another citizen's) / 410 (gone)."""
    row = conn.execute(select(T_UP).where(T_UP.c.id == upload_id)).first()
    if row is None or str(row.citizen_id) != str(citizen_id):
        raise ApiError(404, "upload_not_found")
    if row.terminated:
        raise ApiError(410, "upload_gone")
    if row.completed_at is None and row.expires_at <= now:
        raise ApiError(410, "upload_expired")
    return row


def get_upload(uow, upload_id: str, citizen_id, now: dt.datetime):
    with uow.snapshot():
        return _find(uow.conn, upload_id, citizen_id, now)


def _lock_is_live(row, now: dt.datetime) -> bool:
    return row.lock_token is not None and row.locked_at > now - LOCK_LEASE


# ---- creation --------------------------------------------------------------------------

def create_upload(uow, storage: Storage, citizen_id, *, length: int, declared: Declared,
                  now: dt.datetime, limits: Limits):
    """The upload for `declared.document_id` -> (row, created). A retried creation by the
    same citizen returns the same upload; another citizen's id (or a document that is not
    an upload in progress) is a 409 that says nothing about the document."""
    if length > limits.max_bytes:
        raise ApiError(413, "upload_too_large", {"max_bytes": limits.max_bytes},
                       params={"limit": _mb(limits.max_bytes)})
    citizen = str(citizen_id)
    name = None
    try:
        with uow.transaction():
            conn = uow.conn
            try:
                document = register_upload(uow, citizen, declared.document_id, now,
                                           content_type=declared.content_type, size=length,
                                           sha256=declared.sha256)
            except Rejection:
                raise ApiError(409, "document_id_unavailable") from None
            existing = conn.execute(
                select(T_UP).where(T_UP.c.document_id == declared.document_id)).first()
            if existing is not None:
                if existing.terminated:
                    raise ApiError(410, "upload_gone")
                if existing.length != length or existing.sha256 != declared.sha256:
                    raise ApiError(409, "upload_mismatch")
                return existing, False
            if document.status != UPLOADING:
                raise ApiError(409, "document_id_unavailable")
            used = conn.execute(
                select(func.coalesce(func.sum(T_UP.c.length), 0))
                .select_from(T_UP.join(T_DOC, T_DOC.c.id == T_UP.c.document_id))
                .where(T_UP.c.citizen_id == uuid.UUID(citizen), T_UP.c.terminated.is_(False),
                       T_DOC.c.status != INVALID)).scalar_one()
            if used + length > limits.quota_bytes:
                raise ApiError(413, "upload_quota_exceeded",
                               {"quota_bytes": limits.quota_bytes, "used_bytes": int(used)},
                               params={"limit": _mb(limits.quota_bytes)})
            name = storage.new_name()
            storage.create(name)
            values = {
                "id": secrets.token_urlsafe(32), "document_id": declared.document_id,
                "citizen_id": uuid.UUID(citizen), "length": length, "offset": 0,
                "filename": declared.filename, "content_type": declared.content_type,
                "sha256": declared.sha256, "storage_name": name, "created_at": now,
                "expires_at": now + limits.expiry, "completed_at": None,
                "terminated": False, "lock_token": None, "locked_at": None,
            }
            conn.execute(insert(T_UP).values(**values))
    except BaseException:
        if name is not None:
            storage.delete(name)
        raise
    row = get_upload(uow, values["id"], citizen, now)
    if length == 0:  # nothing will ever be PATCHed: finish (as invalid: empty) right away
        row = _complete(uow, storage, row, now)
    return row, True


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


# ---- PATCH -----------------------------------------------------------------------------

@dataclass
class PatchResult:
    row: object
    verdict: Verdict | None = None


def append(uow, storage: Storage, upload_id: str, citizen_id, *, offset: int,
           body_length: int | None, chunks: Iterable[bytes], checksum, now: dt.datetime,
           checks: CheckSlots | None = None) -> PatchResult:
    """Append a PATCH body at `offset`. One PATCH per upload at a time: the claim is a
    compare-and-set on (offset, no live claim), so a concurrent one gets 409."""
    token = secrets.token_hex(16)
    with uow.transaction():
        conn = uow.conn
        row = _find(conn, upload_id, citizen_id, now)
        if offset != row.offset:
            raise ApiError(409, "upload_offset_mismatch", {"offset": row.offset},
                           headers={"Upload-Offset": str(row.offset)})
        if row.completed_at is not None:
            if body_length:
                raise ApiError(413, "upload_past_length", {"length": row.length})
            return PatchResult(row)
        if body_length is not None and offset + body_length > row.length:
            raise ApiError(413, "upload_past_length", {"length": row.length})
        if _lock_is_live(row, now):
            raise ApiError(409, "upload_busy")
        claimed = conn.execute(
            update(T_UP)
            .where(T_UP.c.id == row.id, T_UP.c.offset == offset,
                   T_UP.c.terminated.is_(False),
                   or_(T_UP.c.lock_token.is_(None), T_UP.c.locked_at <= now - LOCK_LEASE))
            .values(lock_token=token, locked_at=now)).rowcount
        if claimed != 1:
            raise ApiError(409, "upload_busy")

    hasher = checksum[0]() if checksum else None
    received = 0

    def seen(chunk: bytes) -> None:
        nonlocal received
        received += len(chunk)
        if hasher is not None:
            hasher.update(chunk)

    broken: BaseException | None = None
    overflow = False
    try:
        overflow = storage.write_at(row.storage_name, offset,
                                    _while_claimed(uow, row.id, token, chunks),
                                    row.length - offset, on_chunk=seen).overflow
    except Exception as exc:  # the client went away mid-body (or the disk failed)
        broken = exc
    if broken is None and not overflow and body_length is not None and received < body_length:
        # The body ended before its Content-Length: the connection was cut.
        broken = ApiError(400, "upload_body_cut", {"received": received})
    error: BaseException | None = broken
    new_offset = offset + received
    if overflow:
        new_offset, error = offset, ApiError(413, "upload_past_length", {"length": row.length})
    elif hasher is not None and (broken is not None
                                 or not hmac.compare_digest(hasher.digest(), checksum[1])):
        # A chunk that cannot be verified is not kept, also when the body was cut.
        new_offset = offset
        if broken is None:
            error = ApiError(460, "upload_checksum_mismatch")
    # The last byte's offset is committed only together with the completion (_complete):
    # were it committed first and this worker killed (or the database restarted) before the
    # checks ran, HEAD would say "all there" while the document stayed "uploading" for
    # good, and no client would ever send anything again (found by the soak). Until then
    # the stored offset stays where it was, so a client that lost the answer resends the
    # last piece, which replaces what this request wrote.
    completing = error is None and new_offset == row.length
    with uow.transaction():
        # Still ours? Only then may this PATCH cut the file back or move the offset: a claim
        # that lapsed belongs to another PATCH now, and the file with it.
        done = uow.conn.execute(
            update(T_UP).where(T_UP.c.id == row.id, T_UP.c.lock_token == token)
            .values(offset=offset if completing else new_offset,
                    locked_at=utcnow())).rowcount
        if done == 1:
            if new_offset != offset + received:
                storage.truncate(row.storage_name, new_offset)
        else:
            error = ApiError(409, "upload_busy")
            completing = False
    result = None
    if completing:
        try:
            with (checks or UNLIMITED).slot(str(citizen_id)):
                result = _complete(uow, storage, row, now, token=token)
        except ApiError as busy:
            if busy.code != "upload_checks_busy":
                raise
            _release(uow, row.id, token)  # the client resends the last piece later
            raise
    else:
        _release(uow, row.id, token)
    if error is not None:
        raise error
    row = get_upload(uow, upload_id, citizen_id, now) if result is None else result
    return PatchResult(row, getattr(row, "verdict", None))


class ClaimLost(AbortWrite):
    """This PATCH's claim lapsed and another PATCH took the upload over: nothing more of
    its body may be stored."""


def _while_claimed(uow, upload_id: str, token: str, chunks: Iterable[bytes]):
    """The body's chunks, each written only while this PATCH still holds its claim: after a
    pause of CLAIM_CHECK_AFTER the claim is checked and renewed before the next write."""
    renewed = utcnow()
    for chunk in chunks:
        now = utcnow()
        if now - renewed > CLAIM_CHECK_AFTER:
            with uow.transaction():
                held = uow.conn.execute(
                    update(T_UP).where(T_UP.c.id == upload_id, T_UP.c.lock_token == token)
                    .values(locked_at=now)).rowcount
            if held != 1:
                raise ClaimLost(upload_id)
            renewed = now
        yield chunk


def _release(uow, upload_id: str, token: str) -> None:
    with uow.transaction():
        uow.conn.execute(update(T_UP).where(T_UP.c.id == upload_id, T_UP.c.lock_token == token)
                         .values(lock_token=None, locked_at=None))


class _Finished:
    """The upload row after completion, with the content checks' verdict."""

    def __init__(self, row, verdict: Verdict):
        self._row, self.verdict = row, verdict

    def __getattr__(self, name):
        return getattr(self._row, name)


def _complete(uow, storage: Storage, row, now: dt.datetime, token: str | None = None):
    """After the last byte: make the pieces one file (S3), check the content, then mark the
    upload complete and the document ready or invalid (through the engine). An invalid
    file's bytes are deleted at once, so nothing of it can ever be served. A ready image
    gets its officers' preview (previews.py) here, once."""
    stripped_name = stripped_sha256 = stripped_size = None
    preview_name = None
    try:
        storage.finish(row.storage_name)
        # One local copy for every check (S3: one download, not one per reopen).
        with storage.local_copy(row.storage_name) as path:
            verdict = inspect(lambda: open(path, "rb"), row.length, row.content_type,
                              row.sha256)
            if verdict.ok and verdict.content_type == JPEG:
                stripped_name, stripped_sha256, stripped_size = _strip_location(
                    storage, row, path)
            if verdict.ok and can_preview(verdict.content_type):
                preview_name = _store_preview(storage, row, path, verdict.content_type)
    except Exception:
        log.exception("content check failed on upload %s", row.id)
        if stripped_name is not None:
            storage.delete(stripped_name)
            stripped_name = stripped_sha256 = stripped_size = None
        verdict = Verdict(False, "upload_invalid_damaged")
    values = {"offset": row.length, "completed_at": now, "lock_token": None,
              "locked_at": None, "preview_name": preview_name}
    if stripped_name is not None:
        values["storage_name"] = stripped_name
    try:
        with uow.transaction():
            condition = T_UP.c.id == row.id
            if token is not None:
                condition = and_(condition, T_UP.c.lock_token == token)
            if uow.conn.execute(update(T_UP).where(condition).values(**values)).rowcount != 1:
                # The claim lapsed while the checks ran and another PATCH holds the upload:
                # it completes it; this request finishes nothing.
                raise ApiError(409, "upload_busy")
            finish_upload(uow, row.document_id, now, ok=verdict.ok,
                          reason="" if verdict.ok else verdict.reason_key,
                          sha256=stripped_sha256, size=stripped_size)
    except BaseException:
        for name in (stripped_name, preview_name):
            if name is not None:
                storage.delete(name)
        raise
    if not verdict.ok or stripped_name is not None:
        storage.delete(row.storage_name)
    with uow.snapshot():
        fresh = uow.conn.execute(select(T_UP).where(T_UP.c.id == row.id)).first()
    return _Finished(fresh, verdict)


def _store_preview(storage: Storage, row, path: str, content_type: str) -> str | None:
    """The preview's storage name; None (logged) if it cannot be made: the document is
    still ready and officers open the file itself."""
    try:
        data = make_preview(path, content_type)
    except Exception:
        log.exception("no preview for upload %s", row.id)
        return None
    name = storage.new_name()
    storage.create(name)
    try:
        storage.write_at(name, 0, [data], len(data))
        storage.finish(name)
    except BaseException:
        storage.delete(name)
        raise
    return name


def _strip_location(storage: Storage, row, path: str
                    ) -> tuple[str | None, str | None, int | None]:
    """A copy of a JPEG without location metadata (no re-encoding), checked again, as
    (storage name, sha256, size); (None, None, None) when the file carries no location."""
    with open(path, "rb") as fh:
        if not has_location(fh):
            return None, None, None
    name = storage.new_name()
    storage.create(name)
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            size = storage.write_at(name, 0, strip_location(fh), row.length,
                                    on_chunk=digest.update).written
        storage.finish(name)
        with storage.local_copy(name) as copy:
            again = inspect(lambda: open(copy, "rb"), size, JPEG, digest.hexdigest())
        if not again.ok:
            raise ValueError(f"JPEG without location does not pass: {again.reason_key}")
    except BaseException:
        storage.delete(name)
        raise
    log.info("upload %s: location metadata removed", row.id)
    return name, digest.hexdigest(), size


# ---- termination and expiry ------------------------------------------------------------

def terminate(uow, storage: Storage, upload_id: str, citizen_id, now: dt.datetime) -> None:
    """DELETE: stop an unfinished upload, drop its bytes; the document becomes invalid
    ("cancelled") so the client's copy of it settles too. A finished upload is the
    document's file now and is not removed here (409)."""
    with uow.transaction():
        row = _find(uow.conn, upload_id, citizen_id, now)
        if row.completed_at is not None:
            raise ApiError(409, "upload_complete")
        if _lock_is_live(row, now):
            raise ApiError(409, "upload_busy")
        _end(uow, row, now, "upload_invalid_cancelled")
    storage.delete(row.storage_name)


def _end(uow, row, now: dt.datetime, reason_key: str) -> None:
    uow.conn.execute(update(T_UP).where(T_UP.c.id == row.id).values(
        terminated=True, lock_token=None, locked_at=None))
    finish_upload(uow, row.document_id, now, ok=False, reason=reason_key)


def clean_expired(uow, storage: Storage, now: dt.datetime) -> int:
    """Expired unfinished uploads: their partial files are deleted, the rows kept as
    terminated (the document_id stays used: a retried creation gets 410, not a new upload),
    and their documents marked invalid ("expired"). Returns how many were cleaned."""
    with uow.snapshot():
        ids = list(uow.conn.execute(select(T_UP.c.id).where(
            T_UP.c.completed_at.is_(None), T_UP.c.terminated.is_(False),
            T_UP.c.expires_at <= now)).scalars())
    cleaned = 0
    for upload_id in ids:
        with uow.transaction():
            row = uow.conn.execute(select(T_UP).where(T_UP.c.id == upload_id)).first()
            if (row is None or row.terminated or row.completed_at is not None
                    or _lock_is_live(row, now)):
                continue
            _end(uow, row, now, "upload_invalid_expired")
        storage.delete(row.storage_name)
        cleaned += 1
    return cleaned
