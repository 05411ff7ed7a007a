"""Upload tests: a small tus client over Flask's test client, file makers, DB lookups, and
the storage backends.

Every test in this folder runs with each storage backend (`storage_kind`: local disk, and S3)
on each database. The S3 runs talk to a real S3-compatible server, SeaweedFS (`weed server
-s3` on 127.0.0.1, started once per session: tests/uploads/seaweedfs.py), with credentials it
checks; each test has a key prefix of its own in the session's bucket. A `weed` that does not
start fails these runs, it never skips them. What this proves and what it does not (AWS's own
limits and consistency) is in the README, "Running on PostgreSQL with several workers".
"""
from __future__ import annotations

import base64
import hashlib
import io
import struct
import uuid
import zlib
from pathlib import Path

import pytest
from PIL import Image

from server.applications.models import Document
from server.extensions import db
from server.uploads.models import Upload
from server.uploads.storage import LocalStorage, storage_for
from tests.api.conftest import callers  # noqa: F401  (fixture)
from tests.conftest import dispose, make_app
from tests.uploads.seaweedfs import SeaweedFS, SeaweedFSError

STORAGES = ("local", "s3")

TUS = {"Tus-Resumable": "1.0.0"}
OFFSET_STREAM = "application/offset+octet-stream"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Tus:
    """One citizen's phone speaking tus to the app."""

    def __init__(self, client, headers):
        self.client, self.auth = client, headers

    def headers(self, **extra) -> dict:
        return {**TUS, **self.auth, **extra}

    def create(self, data: bytes = b"", *, length: int | None = None,
               document_id: str | None = None, content_type: str = "image/png",
               digest: str | None = None, filename: str = "foto.png", body: bytes | None = None,
               metadata: dict | None = None, **headers):
        meta = {"document_id": document_id or str(uuid.uuid4()), "filename": filename,
                "content_type": content_type, "sha256": digest or sha256(data)}
        if metadata is not None:
            meta = metadata
        header = ",".join(f"{k} {b64(v)}" for k, v in meta.items())
        extra = {"Upload-Length": str(len(data) if length is None else length),
                 "Upload-Metadata": header, **headers}
        if body is not None:
            extra["Content-Type"] = OFFSET_STREAM
            return self.client.post("/api/uploads", data=body, headers=self.headers(**extra))
        return self.client.post("/api/uploads", headers=self.headers(**extra))

    def head(self, url):
        return self.client.head(url, headers=self.headers())

    def patch(self, url, offset: int, data: bytes = b"", checksum: str | None = None,
              **kwargs):
        extra = {"Upload-Offset": str(offset), "Content-Type": OFFSET_STREAM}
        if checksum:
            extra["Upload-Checksum"] = checksum
        extra.update(kwargs.pop("headers", {}))
        if "input_stream" in kwargs or "environ_overrides" in kwargs:
            return self.client.patch(url, headers=self.headers(**extra), **kwargs)
        return self.client.patch(url, data=data, headers=self.headers(**extra), **kwargs)

    def delete(self, url):
        return self.client.delete(url, headers=self.headers())

    def upload(self, data: bytes, chunk: int = 64 * 1024, **create):
        """Create, then PATCH every chunk; returns the upload URL."""
        response = self.create(data, **create)
        assert response.status_code == 201, response.get_data(as_text=True)
        url = response.headers["Location"]
        offset = 0
        while offset < len(data) or offset == 0 and not data:
            if not data:
                break
            piece = data[offset:offset + chunk]
            answer = self.patch(url, offset, piece)
            assert answer.status_code == 204, answer.get_data(as_text=True)
            offset += len(piece)
            assert int(answer.headers["Upload-Offset"]) == offset
        return url


# ---- storage backends ------------------------------------------------------------------

@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """SeaweedFS serving S3 on 127.0.0.1 with one bucket, for the whole session. Started a
    second time on new ports if the first start fails (a port taken in between)."""
    try:
        server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs")).start()
    except SeaweedFSError:
        server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs")).start()
    yield server
    server.stop()


@pytest.fixture(params=STORAGES)
def storage_kind(request):
    return request.param


@pytest.fixture
def storage_config(storage_kind, request, monkeypatch) -> dict:
    if storage_kind == "local":
        return {}
    server = request.getfixturevalue("s3_server")
    # The test server's credentials only (boto3 reads them from the environment), so no real
    # AWS account configured on the machine is ever used.
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in server.credentials.items():
        monkeypatch.setenv(name, value)
    return server.settings(prefix=f"t-{uuid.uuid4().hex[:12]}/uploads/")


@pytest.fixture
def app(database_url, tmp_path, storage_config):
    """The app on one database (SQLite, PostgreSQL) with one storage backend (local, S3)."""
    app = make_app(database_url, tmp_path / "instance", **storage_config)
    yield app
    dispose(app)


@pytest.fixture
def citizen(callers):  # noqa: F811
    return callers.citizen()


@pytest.fixture
def tus(client, citizen):
    return Tus(client, citizen["headers"])


# ---- looking at what the server kept ---------------------------------------------------

def upload_row(app, url: str) -> Upload | None:
    with app.app_context():
        row = db.session.get(Upload, url.rsplit("/", 1)[1])
        if row is not None:
            db.session.expunge(row)
        return row


def document(app, document_id: str) -> Document | None:
    with app.app_context():
        row = db.session.get(Document, document_id)
        if row is not None:
            db.session.expunge(row)
        return row


class Stored:
    """One stored file, read through the app's storage (local disk or S3)."""

    def __init__(self, app, name: str):
        self.storage, self.name = storage_for(app), name

    def exists(self) -> bool:
        return self.storage.size(self.name) is not None

    def size(self) -> int | None:
        return self.storage.size(self.name)

    def read_bytes(self) -> bytes:
        return b"".join(self.storage.read(self.name))

    def is_private(self) -> bool:
        """Local: readable by the server's user only. S3: no grant to anyone but the owner."""
        if isinstance(self.storage, LocalStorage):
            return Path(self.storage.root, self.name).stat().st_mode & 0o077 == 0
        acl = self.storage.s3.get_object_acl(Bucket=self.storage.bucket,
                                             Key=self.storage.prefix + self.name)
        return all(grant["Grantee"].get("ID") == acl["Owner"]["ID"] for grant in acl["Grants"])


def stored(app, row_or_name) -> Stored:
    name = row_or_name if isinstance(row_or_name, str) else row_or_name.storage_name
    return Stored(app, name)


def stored_files(app) -> list[str]:
    """The names of every file the storage holds (an S3 upload in progress, as its pieces,
    counts once)."""
    storage = storage_for(app)
    if isinstance(storage, LocalStorage):
        root = Path(storage.root)
        return sorted(p.name for p in root.iterdir()) if root.exists() else []
    names = set()
    for page in storage.s3.get_paginator("list_objects_v2").paginate(
            Bucket=storage.bucket, Prefix=storage.prefix):
        for item in page.get("Contents", ()):
            names.add(item["Key"][len(storage.prefix):].split("/", 1)[0])
    return sorted(names)


# ---- making files ----------------------------------------------------------------------

def image_bytes(fmt: str = "PNG", size=(320, 240), noise: bool = True) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    if noise:  # so JPEG and PNG come out big enough to split into several chunks
        image = Image.frombytes("RGB", size, hashlib.shake_256(b"seed").digest(
            size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels but carries a tiny IDAT (a bomb's header)."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    idat = zlib.compress(b"\x00" * 1024, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))
