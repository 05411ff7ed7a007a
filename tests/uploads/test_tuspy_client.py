"""The real tus client (tuspy) against the app served over HTTP by werkzeug in a thread."""
from __future__ import annotations

import io
import uuid

from tests.e2e.conftest import LiveServer
from tests.uploads.conftest import document, image_bytes, sha256, stored, upload_row


def test_tuspy_uploads_in_chunks_with_checksums_and_resumes(app, citizen):
    from tusclient import client as tus_client

    data = image_bytes("JPEG", size=(800, 600))
    document_id = str(uuid.uuid4())
    metadata = {"document_id": document_id, "filename": "kartu keluarga.jpg",
                "content_type": "image/jpeg", "sha256": sha256(data)}
    with LiveServer(app) as server:
        client = tus_client.TusClient(f"{server.url}/api/uploads", headers=citizen["headers"])
        first = client.uploader(file_stream=io.BytesIO(data), chunk_size=64 * 1024,
                                metadata=metadata, upload_checksum=True)  # sha1
        first.upload_chunk()  # one chunk, then the phone goes away
        assert 0 < first.offset < len(data)
        # A new session resumes from the URL: tuspy asks the offset (HEAD) and continues.
        second = client.uploader(file_stream=io.BytesIO(data), chunk_size=100_000,
                                 url=first.url, metadata=metadata, upload_checksum=True)
        assert second.offset == first.offset
        second.upload()
        assert second.offset == len(data)
    doc = document(app, document_id)
    assert doc.status == "ready", doc.reason
    row = upload_row(app, first.url)
    assert row.filename == "kartu keluarga.jpg"
    assert sha256(stored(app, row).read_bytes()) == sha256(data)


def test_tuspy_uploads_5_mb_through_three_forced_disconnects(app, citizen):
    """The issue's "done when": the link drops three times mid-PATCH (a TCP proxy closes the
    connection after so many bytes); tuspy's own retry asks the offset (HEAD) and resumes.
    With a sha1 checksum per 1 MB chunk, the server discards each cut chunk (it cannot be
    verified) and keeps every whole one."""
    from tusclient import client as tus_client

    from tests.uploads.cutting_proxy import CuttingProxy

    data = image_bytes("PNG", size=(1300, 1300))
    assert 5_000_000 <= len(data) <= 5_600_000
    document_id = str(uuid.uuid4())
    metadata = {"document_id": document_id, "filename": "kk.png",
                "content_type": "image/png", "sha256": sha256(data)}
    mb = 1024 * 1024
    with LiveServer(app) as server, CuttingProxy(
            server.server.server_port, cut_at=[int(1.5 * mb), int(2.7 * mb), int(4.2 * mb)]
    ) as proxy:
        client = tus_client.TusClient(f"{proxy.url}/api/uploads", headers=citizen["headers"])
        uploader = client.uploader(file_stream=io.BytesIO(data), chunk_size=mb,
                                   metadata=metadata, upload_checksum=True,
                                   retries=10, retry_delay=0.2)
        uploader.upload()
        assert uploader.offset == len(data)
    assert proxy.cuts == 3
    # Each cut lost at most the chunk in flight: the wire carried less than 4 extra chunks.
    assert len(data) < proxy.sent < len(data) + 4 * mb
    doc = document(app, document_id)
    assert doc.status == "ready", doc.reason
    assert sha256(stored(app, upload_row(app, uploader.url)).read_bytes()) == sha256(data)
