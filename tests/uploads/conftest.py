"""Upload tests: a small tus client over Flask's test client, file makers, and DB lookups."""
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
from tests.api.conftest import callers  # noqa: F401  (fixture)

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


def stored_path(app, row: Upload) -> Path:
    return Path(app.config["STORAGE_DIR"]) / "uploads" / row.storage_name


def stored_files(app) -> list[Path]:
    root = Path(app.config["STORAGE_DIR"]) / "uploads"
    return sorted(p for p in root.iterdir()) if root.exists() else []


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
