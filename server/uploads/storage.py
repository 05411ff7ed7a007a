"""Where uploaded bytes live: ONE storage class (SecureDrop's rule).

- The server picks every file name (`new_name`: random, URL-safe); the client's filename is
  only ever kept as data in the `upload` row, never used for a path.
- Every path is confined to the storage root: `realpath` of the result must have the root as
  its `commonpath`, so no name (even a corrupted database value) can escape it.
- Bodies are streamed: the caller hands an iterator of chunks and at most one chunk is in
  memory at a time.
- Files are private: created 0600 under a 0700 folder, served by no static route.

`Storage` is the small interface the upload operations use, so an object-store backend
(S3) can be added later by implementing the same methods; only `LocalStorage` exists now.
"""
from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK_SIZE = 64 * 1024
_NAME = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


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
    def open(self, name: str) -> BinaryIO: ...
    def delete(self, name: str) -> None: ...


class LocalStorage:
    """Files under `<root>/<server-made name>`; `root` is STORAGE_DIR/uploads."""

    def __init__(self, root: Path | str):
        self.root = os.path.realpath(root)
        os.makedirs(self.root, mode=0o700, exist_ok=True)

    def new_name(self) -> str:
        return secrets.token_urlsafe(24)

    def _path(self, name: str) -> str:
        if not isinstance(name, str) or not _NAME.match(name):
            raise StorageError(f"not a storage name: {name!r}")
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
        written = 0
        overflow = False
        with open(self._path(name), "r+b") as fh:
            fh.truncate(offset)
            fh.seek(offset)
            try:
                for chunk in chunks:
                    if not chunk:
                        continue
                    room = limit - written
                    if len(chunk) > room:
                        chunk = chunk[:room]
                        overflow = True
                    if chunk:
                        fh.write(chunk)
                        written += len(chunk)
                        if on_chunk is not None:
                            on_chunk(chunk)
                    if overflow:
                        break
            finally:
                fh.flush()
                os.fsync(fh.fileno())
        return WriteResult(written, overflow)

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

    def delete(self, name: str) -> None:
        try:
            os.unlink(self._path(name))
        except FileNotFoundError:
            pass


def read_chunks(stream, size: int = CHUNK_SIZE):
    """A request body (or file) as chunks of at most `size` bytes."""
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        yield chunk


def storage_for(app) -> Storage:
    """The app's storage, made once (STORAGE_BACKEND: only "local" exists)."""
    storage = app.extensions.get("upload_storage")
    if storage is None:
        backend = app.config.get("STORAGE_BACKEND", "local")
        if backend != "local":
            raise RuntimeError(f"STORAGE_BACKEND {backend!r} is not available; use 'local'")
        storage = app.extensions["upload_storage"] = LocalStorage(
            Path(app.config["STORAGE_DIR"]) / "uploads")
    return storage
