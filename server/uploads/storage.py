"""Where uploaded bytes live: ONE storage class (SecureDrop's rule).

- The server picks every file name (`new_name`: random, URL-safe); the client's filename is
  only ever kept as data in the `upload` row, never used for a path.
- Every path is confined to the storage root: `realpath` of the result must have the root as
  its `commonpath`, so no name (even a corrupted database value) can escape it.
- Bodies are streamed: the caller hands an iterator of chunks and at most one chunk is in
  memory at a time.
- Files are private: created 0600 under a 0700 folder (local) or in a private bucket (S3),
  served by no static route: only server/uploads/documents.py streams them, after its checks.

`Storage` is the small interface the upload operations use. Two backends implement it:
`LocalStorage` (the embedded default) and `S3Storage` (STORAGE_BACKEND=s3, for deployments
past one machine; it keeps an upload in progress in S3 itself, see its docstring).
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK_SIZE = 64 * 1024
_NAME = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class AbortWrite(Exception):
    """Raised by a write's chunk iterator when nothing more of this write may be kept (its
    caller no longer owns the upload): the writer stops without storing what it holds."""


class StorageError(Exception):
    """A name that is not one of ours, or a path outside the root."""


class WriteResult:
    """What a streamed write did: bytes kept, and whether more was offered than allowed."""

    def __init__(self, written: int, overflow: bool):
        self.written = written
        self.overflow = overflow


class Storage(Protocol):
    def new_name(self) -> str: ...
    def create(self, name: str) -> None: ...
    def write_at(self, name: str, offset: int, chunks: Iterable[bytes], limit: int,
                 on_chunk=None) -> WriteResult: ...
    def truncate(self, name: str, size: int) -> None: ...
    def size(self, name: str) -> int | None: ...
    # A seekable file object with the whole content (a local temp copy where needed).
    def open(self, name: str) -> BinaryIO: ...
    # The content as chunks, for serving: never more than one chunk in memory.
    def read(self, name: str) -> Iterator[bytes]: ...
    # After the last byte: make what was received one stored file.
    def finish(self, name: str) -> None: ...
    # A context manager giving a local path to the content, for checks that reopen it.
    def local_copy(self, name: str) -> contextlib.AbstractContextManager[str]: ...
    def delete(self, name: str) -> None: ...


def check_name(name: str) -> str:
    """A name the server made (new_name), or StorageError: never a path or a key prefix."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise StorageError(f"not a storage name: {name!r}")
    return name


class _LimitedCopy:
    """Copies chunks to `write`, keeping at most `limit` bytes (`overflow` says more was
    offered) and showing each kept piece to `on_chunk`. Its counts stay readable when the
    chunk iterator raises (a client gone mid-body): both backends keep what arrived."""

    def __init__(self, limit: int, on_chunk=None):
        self.limit, self.on_chunk = limit, on_chunk
        self.written = 0
        self.overflow = False

    def run(self, chunks: Iterable[bytes], write) -> None:
        for chunk in chunks:
            if not chunk:
                continue
            room = self.limit - self.written
            if len(chunk) > room:
                chunk = chunk[:room]
                self.overflow = True
            if chunk:
                write(chunk)
                self.written += len(chunk)
                if self.on_chunk is not None:
                    self.on_chunk(chunk)
            if self.overflow:
                return


class LocalStorage:
    """Files under `<root>/<server-made name>`; `root` is STORAGE_DIR/uploads."""

    def __init__(self, root: Path | str):
        self.root = os.path.realpath(root)
        os.makedirs(self.root, mode=0o700, exist_ok=True)

    def new_name(self) -> str:
        return secrets.token_urlsafe(24)

    def _path(self, name: str) -> str:
        check_name(name)
        path = os.path.realpath(os.path.join(self.root, name))
        if os.path.commonpath([self.root, path]) != self.root or path == self.root:
            raise StorageError(f"path outside the storage root: {name!r}")
        return path

    def create(self, name: str) -> None:
        fd = os.open(self._path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)

    def write_at(self, name: str, offset: int, chunks: Iterable[bytes], limit: int,
                 on_chunk=None) -> WriteResult:
        """Write `chunks` at `offset` (anything after `offset` is dropped first), keeping at
        most `limit` bytes. `on_chunk(bytes)` sees each kept piece (for checksums). Bytes
        beyond `limit` are never written: the result says `overflow` and the caller decides.
        If the chunk iterator raises (client gone), what was written stays (`on_chunk` has
        counted it) and the error propagates after the file is flushed."""
        copy = _LimitedCopy(limit, on_chunk)
        with open(self._path(name), "r+b") as fh:
            fh.truncate(offset)
            fh.seek(offset)
            try:
                copy.run(chunks, fh.write)
            finally:
                fh.flush()
                os.fsync(fh.fileno())
        return WriteResult(copy.written, copy.overflow)

    def truncate(self, name: str, size: int) -> None:
        with open(self._path(name), "r+b") as fh:
            fh.truncate(size)

    def size(self, name: str) -> int | None:
        try:
            return os.stat(self._path(name)).st_size
        except FileNotFoundError:
            return None

    def open(self, name: str) -> BinaryIO:
        return open(self._path(name), "rb")

    def read(self, name: str) -> Iterator[bytes]:
        with open(self._path(name), "rb") as fh:
            yield from read_chunks(fh)

    def finish(self, name: str) -> None:
        """Nothing to do: the file is already one file."""
        self._path(name)

    @contextlib.contextmanager
    def local_copy(self, name: str) -> Iterator[str]:
        yield self._path(name)

    def delete(self, name: str) -> None:
        try:
            os.unlink(self._path(name))
        except FileNotFoundError:
            pass


class S3Storage:
    """Files as objects in one private bucket, under `prefix` (S3_PREFIX).

    tus appends at an offset and sometimes cuts back (a chunk that fails its checksum), and
    any worker on any machine may receive the next PATCH, so nothing about an upload in
    progress may live on a worker's disk. An object cannot be appended to, so an upload in
    progress is one object per received piece, named by where the piece starts:

        <prefix><name>/<start offset, 15 digits>   pieces, in order, with no gaps
        <prefix><name>                             the finished file (after `finish`)

    - `write_at(offset)` first drops pieces from `offset` on (a piece that straddles it is
      rewritten shorter: leftovers of a worker that died before recording its offset), then
      spools the body to a local temp file (bounded by `limit`) and PUTs it as one piece,
      also when the body was cut (what arrived is kept, as on local disk).
    - `finish` makes the pieces one object (a server-side copy when there is one piece) and
      deletes the pieces; reads prefer the finished object, so a crash between the two
      loses nothing.
    - Reads stream (`read`) or spool to a temp file where seeking is needed (`open`,
      `local_copy`: Pillow and pypdf seek).
    The one-PATCH-at-a-time claim in the database (operations.append) means two workers
    never write pieces of one upload at the same time.
    """

    DIGITS = 15

    def __init__(self, client, bucket: str, prefix: str = "", spool_dir: str | None = None):
        if not bucket:
            raise ValueError("S3Storage needs a bucket (S3_BUCKET)")
        self.s3, self.bucket, self.prefix = client, bucket, prefix
        self.spool_dir = spool_dir

    def new_name(self) -> str:
        return secrets.token_urlsafe(24)

    def _key(self, name: str) -> str:
        return f"{self.prefix}{check_name(name)}"

    def _piece_key(self, name: str, start: int) -> str:
        return f"{self._key(name)}/{start:0{self.DIGITS}d}"

    def _pieces(self, name: str) -> list[tuple[int, str, int]]:
        """(start, key, size) of each piece, in order."""
        base = self._key(name) + "/"
        pieces = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=base):
            for item in page.get("Contents", ()):
                suffix = item["Key"][len(base):]
                if len(suffix) == self.DIGITS and suffix.isdigit():
                    pieces.append((int(suffix), item["Key"], item["Size"]))
        pieces.sort()
        position = 0
        for start, key, size in pieces:
            if start != position:  # a lost piece: never serve a file with a hole in it
                raise StorageError(f"{name}: piece {key} starts at {start}, not {position}")
            position += size
        return pieces

    def _finished_size(self, name: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            return self.s3.head_object(Bucket=self.bucket, Key=self._key(name))["ContentLength"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def _layout(self, name: str) -> list[tuple[int, str, int]] | None:
        """What to read, in order; None when there is no such file."""
        size = self._finished_size(name)
        if size is not None:
            return [(0, self._key(name), size)]
        pieces = self._pieces(name)
        return pieces or None

    def _unfinish(self, name: str) -> list[tuple[int, str, int]]:
        """A finished file (one object) written to again goes back to being pieces: one
        piece holding all of it. That happens when a PATCH takes an upload over after
        another made it one file and then lost its claim (the checks ran past the lease):
        the stored offset is still the last piece's, so the client resends that piece."""
        size = self._finished_size(name)
        if size is None:
            return []
        first = self._piece_key(name, 0)
        self.s3.copy_object(Bucket=self.bucket, Key=first,
                            CopySource={"Bucket": self.bucket, "Key": self._key(name)})
        # A crash before this leaves both, holding the same bytes; finish() then keeps the
        # one object, and the whole file's sha256 (checked after finish) still decides.
        self._delete_keys([self._key(name)])
        return [(0, first, size)]

    def _put(self, key: str, body, length: int) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentLength=length)

    def create(self, name: str) -> None:
        # An empty first piece: the upload exists (size 0) before any byte arrives.
        self._put(self._piece_key(name, 0), b"", 0)

    def _drop_from(self, name: str, offset: int) -> None:
        """Forget every byte from `offset` on."""
        doomed = []
        pieces = self._pieces(name) or self._unfinish(name)
        for start, key, size in pieces:
            if start >= offset:
                doomed.append(key)
            elif start + size > offset:
                keep = offset - start
                kept = self.s3.get_object(Bucket=self.bucket, Key=key,
                                          Range=f"bytes=0-{keep - 1}")["Body"].read()
                self._put(key, kept, len(kept))
        self._delete_keys(doomed)

    def write_at(self, name: str, offset: int, chunks: Iterable[bytes], limit: int,
                 on_chunk=None) -> WriteResult:
        """As LocalStorage.write_at; the piece is PUT once the body ends (or breaks)."""
        self._drop_from(name, offset)
        copy = _LimitedCopy(limit, on_chunk)
        aborted = False
        with tempfile.TemporaryFile(dir=self.spool_dir) as spool:
            try:
                copy.run(chunks, spool.write)
            except AbortWrite:
                aborted = True
                raise
            finally:
                if not aborted and (copy.written or offset == 0):
                    spool.seek(0)
                    self._put(self._piece_key(name, offset), spool, copy.written)
        return WriteResult(copy.written, copy.overflow)

    def truncate(self, name: str, size: int) -> None:
        self._drop_from(name, size)
        if size == 0:
            self.create(name)

    def size(self, name: str) -> int | None:
        layout = self._layout(name)
        return None if layout is None else sum(size for _, _, size in layout)

    def read(self, name: str) -> Iterator[bytes]:
        layout = self._layout(name)
        if layout is None:
            raise FileNotFoundError(name)
        for _, key, _ in layout:
            body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"]
            try:
                yield from body.iter_chunks(CHUNK_SIZE)
            finally:
                body.close()

    def open(self, name: str) -> BinaryIO:
        spool = tempfile.TemporaryFile(dir=self.spool_dir)
        try:
            for chunk in self.read(name):
                spool.write(chunk)
            spool.seek(0)
        except BaseException:
            spool.close()
            raise
        return spool

    @contextlib.contextmanager
    def local_copy(self, name: str) -> Iterator[str]:
        fd, path = tempfile.mkstemp(dir=self.spool_dir, prefix="sd-check-")
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in self.read(name):
                    fh.write(chunk)
            yield path
        finally:
            os.unlink(path)

    def finish(self, name: str) -> None:
        pieces = self._pieces(name)
        if not pieces:
            return  # already one object (or nothing: read() will say so)
        if self._finished_size(name) is None:
            if len(pieces) == 1:
                self.s3.copy_object(Bucket=self.bucket, Key=self._key(name),
                                    CopySource={"Bucket": self.bucket, "Key": pieces[0][1]})
            else:
                with tempfile.TemporaryFile(dir=self.spool_dir) as spool:
                    for _, key, _ in pieces:
                        body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"]
                        for chunk in body.iter_chunks(CHUNK_SIZE):
                            spool.write(chunk)
                    length = spool.tell()
                    spool.seek(0)
                    self._put(self._key(name), spool, length)
        self._delete_keys([key for _, key, _ in pieces])

    def _delete_keys(self, keys: list[str]) -> None:
        for at in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys
            self.s3.delete_objects(Bucket=self.bucket, Delete={
                "Objects": [{"Key": key} for key in keys[at:at + 1000]], "Quiet": True})

    def delete(self, name: str) -> None:
        keys = [key for _, key, _ in self._pieces_unchecked(name)]
        self._delete_keys([self._key(name), *keys])

    def _pieces_unchecked(self, name: str) -> list[tuple[int, str, int]]:
        """Every piece, even of a file with a hole: deleting must not stop at a gap."""
        base = self._key(name) + "/"
        return [(0, item["Key"], item["Size"])
                for page in self.s3.get_paginator("list_objects_v2").paginate(
                    Bucket=self.bucket, Prefix=base)
                for item in page.get("Contents", ())]


def s3_client(config):
    """A boto3 S3 client from S3_ENDPOINT_URL and S3_REGION; credentials come from the
    usual AWS_* environment (or an instance role), never from our configuration."""
    import boto3
    from botocore.config import Config as BotoConfig

    return boto3.client(
        "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None,
        region_name=config.get("S3_REGION") or None,
        config=BotoConfig(retries={"max_attempts": 5, "mode": "standard"}))


def read_chunks(stream, size: int = CHUNK_SIZE):
    """A request body (or file) as chunks of at most `size` bytes."""
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        yield chunk


def storage_for(app) -> Storage:
    """The app's storage, made once: STORAGE_BACKEND "local" (STORAGE_DIR/uploads) or
    "s3" (S3_BUCKET under S3_PREFIX)."""
    storage = app.extensions.get("upload_storage")
    if storage is None:
        backend = app.config.get("STORAGE_BACKEND", "local")
        if backend == "local":
            storage = LocalStorage(Path(app.config["STORAGE_DIR"]) / "uploads")
        elif backend == "s3":
            if not app.config.get("S3_BUCKET"):
                raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
            storage = S3Storage(s3_client(app.config), app.config["S3_BUCKET"],
                                app.config.get("S3_PREFIX") or "")
        else:
            raise RuntimeError(f"STORAGE_BACKEND {backend!r} is not one of 'local', 's3'")
        app.extensions["upload_storage"] = storage
    return storage
