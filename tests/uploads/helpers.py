"""Steps the upload tests share: upload a file to the end, and a JPEG that carries a location;
and the mark for tests that never reach stored bytes."""
from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image

from tests.uploads.conftest import document, image_bytes, upload_row

# The tests in this folder run once per storage backend (conftest: storage_kind). A test that
# is answered before any byte is stored (headers, metadata, who may upload) runs on one: its
# direct parameter replaces the fixture's two.
storage_free = pytest.mark.parametrize("storage_kind", ["local"])


def finish(app, tus, data: bytes, content_type: str, **create):
    """Upload `data` declared as `content_type`; the document and the upload row."""
    document_id = str(uuid.uuid4())
    url = tus.upload(data, chunk=256 * 1024, content_type=content_type,
                     document_id=document_id, **create)
    return document(app, document_id), upload_row(app, url)


def jpeg_with_location(xmp: bool = False) -> bytes:
    image = Image.open(io.BytesIO(image_bytes("JPEG", size=(120, 90))))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: must survive
    exif[0x010F] = "Samsung"
    exif[0x8825] = {1: "S", 2: (6.0, 10.0, 30.5), 3: "E", 4: (106.0, 49.0, 0.0)}
    exif.get_ifd(0x8769)[0x9003] = "2026:11:23 10:00:00"
    buffer = io.BytesIO()
    extra = {}
    if xmp:
        extra["xmp"] = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
                        b'exif:GPSLatitude="6,10.5S"/></rdf:RDF></x:xmpmeta>')
    image.save(buffer, "JPEG", exif=exif, quality=90, **extra)
    return buffer.getvalue()
