"""The real tus client (tuspy) against the app served over HTTP by werkzeug in a thread."""
from __future__ import annotations

import io
import uuid

from tests.e2e.conftest import LiveServer
from tests.uploads.conftest import document, image_bytes, sha256, stored_path, upload_row


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
    assert sha256(stored_path(app, row).read_bytes()) == sha256(data)
