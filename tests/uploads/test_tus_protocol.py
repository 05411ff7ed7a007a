"""tus 1.0 at /api/uploads: creation, resume, checksums, concurrency, termination, expiry."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import threading
import uuid

import pytest

from server.db_types import utcnow
from server.i18n import reason_words
from server.extensions import db
from server.uploads.models import Upload
from tests.helpers import assert_error
from tests.uploads.conftest import (
    TUS, Tus, document, image_bytes, sha256, stored_files, stored, upload_row,
)
from tests.uploads.helpers import storage_free


def checksum(algorithm: str, data: bytes) -> str:
    return f"{algorithm} {base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


@storage_free
def test_options_describes_the_server(client, citizen):
    response = client.options("/api/uploads", headers=citizen["headers"])
    assert response.status_code == 204
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {
        "creation", "creation-with-upload", "checksum", "termination", "expiration"}
    assert set(response.headers["Tus-Checksum-Algorithm"].split(",")) == {"sha1", "sha256"}
    assert response.headers["Tus-Max-Size"] == str(10 * 1024 * 1024)


def test_every_request_needs_tus_resumable_1_0_0(client, citizen, tus):
    url = tus.create(b"x" * 10).headers["Location"]
    for method, path in (("POST", "/api/uploads"), ("HEAD", url), ("PATCH", url),
                         ("DELETE", url)):
        for version in (None, "0.2.2"):
            headers = {**citizen["headers"], "Upload-Offset": "0",
                       "Content-Type": "application/offset+octet-stream"}
            if version:
                headers["Tus-Resumable"] = version
            response = client.open(path, method=method, headers=headers)
            assert response.status_code == 412, (method, version)
            assert response.headers["Tus-Resumable"] == "1.0.0"
            assert response.headers["Tus-Version"] == "1.0.0"
    assert upload_row(client.application, url).offset == 0


def test_upload_in_chunks_becomes_a_ready_document_in_the_next_pull(app, client, tus):
    data = image_bytes("PNG")
    assert len(data) > 3 * 64 * 1024
    document_id = str(uuid.uuid4())
    created = tus.create(data, document_id=document_id)
    assert created.status_code == 201
    url = created.headers["Location"]
    assert url.startswith("/api/uploads/") and document_id not in url
    assert created.headers["Upload-Offset"] == "0"
    assert "GMT" in created.headers["Upload-Expires"]
    assert document(app, document_id).status == "uploading"

    offset, size = 0, 100_000
    while offset < len(data):
        response = tus.patch(url, offset, data[offset:offset + size])
        assert response.status_code == 204, response.get_data(as_text=True)
        offset = int(response.headers["Upload-Offset"])
        assert response.headers["Tus-Resumable"] == "1.0.0"
    assert offset == len(data)
    assert "Upload-Expires" not in response.headers  # finished uploads do not expire

    head = tus.head(url)
    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(data))
    assert head.headers["Cache-Control"] == "no-store"

    doc = document(app, document_id)
    assert (doc.status, doc.reason, doc.sha256, doc.size, doc.content_type) == (
        "ready", "", sha256(data), len(data), "image/png")
    row = upload_row(app, url)
    assert stored(app, row).read_bytes() == data
    assert stored(app, row).is_private()  # local: 0600 for the server's user
    assert row.filename == "foto.png" and row.filename not in row.storage_name

    pull = client.post("/api/sync/pull", headers=tus.auth, json={
        "protocol": 1, "client_group_id": str(uuid.uuid4()), "cookie": None})
    values = {op["key"]: op.get("value") for op in pull.get_json()["patch"]}
    assert values[f"document/{document_id}"]["status"] == "ready"


def test_one_patch_may_carry_more_than_the_json_body_limit(app, tus):
    data = image_bytes("PNG", size=(1000, 1000))
    assert len(data) > 2 * app.config["MAX_CONTENT_LENGTH"]
    url = tus.create(data).headers["Location"]
    response = tus.patch(url, 0, data)
    assert response.status_code == 204, response.get_data(as_text=True)
    assert document(app, upload_row(app, url).document_id).status == "ready"


def test_creation_with_upload(app, tus):
    data = image_bytes("PNG", size=(40, 30))
    response = tus.create(data, body=data)
    assert response.status_code == 201
    assert response.headers["Upload-Offset"] == str(len(data))
    row = upload_row(app, response.headers["Location"])
    assert document(app, row.document_id).status == "ready"


def test_resume_after_a_cut_mid_patch(app, tus):
    data = image_bytes("JPEG", size=(640, 480))
    url = tus.create(data, content_type="image/jpeg", filename="ktp.jpg").headers["Location"]
    half = len(data) // 2
    # The connection drops after `half` bytes of a PATCH that announced the whole file.
    cut = tus.patch(url, 0, environ_overrides={"wsgi.input": io.BytesIO(data[:half]),
                                               "CONTENT_LENGTH": str(len(data))})
    assert cut.status_code >= 400
    head = tus.head(url)
    assert head.status_code == 200
    offset = int(head.headers["Upload-Offset"])
    assert offset == half  # what arrived is kept
    done = tus.patch(url, offset, data[offset:])
    assert done.status_code == 204 and done.headers["Upload-Offset"] == str(len(data))
    row = upload_row(app, url)
    assert sha256(stored(app, row).read_bytes()) == sha256(data)
    assert document(app, row.document_id).status == "ready"


def test_a_retried_creation_returns_the_same_upload(app, client, callers, tus):
    data = image_bytes("PNG", size=(50, 50))
    document_id = str(uuid.uuid4())
    first = tus.create(data, document_id=document_id)
    again = tus.create(data, document_id=document_id)
    assert first.status_code == again.status_code == 201
    assert first.headers["Location"] == again.headers["Location"]
    with app.app_context():
        assert db.session.query(Upload).filter_by(document_id=document_id).count() == 1
    assert len(stored_files(app)) == 1
    # Same id, other size: refused, the upload unchanged.
    assert_error(tus.create(data + b"x", document_id=document_id), 409, "upload_mismatch")
    # Another citizen using that document id learns nothing about it.
    other = Tus(client, callers.citizen()["headers"])
    error = assert_error(other.create(data, document_id=document_id), 409,
                         "document_id_unavailable")
    assert document_id not in str(error)
    assert_error(other.create(data, document_id=str(uuid.uuid4()).upper()), 400,
                 "upload_metadata_invalid")


def test_a_wrong_offset_is_409_with_the_real_offset(tus):
    data = image_bytes("PNG", size=(60, 60))
    url = tus.create(data).headers["Location"]
    assert tus.patch(url, 0, data[:100]).status_code == 204
    for wrong in (0, 50, 101):
        response = tus.patch(url, wrong, data[wrong:wrong + 10])
        assert_error(response, 409, "upload_offset_mismatch")
        assert response.headers["Upload-Offset"] == "100"
    assert tus.head(url).headers["Upload-Offset"] == "100"


def test_checksums_sha1_and_sha256_and_a_mismatch_is_460_and_discarded(app, tus):
    data = image_bytes("PNG", size=(80, 80))
    url = tus.create(data).headers["Location"]
    assert tus.patch(url, 0, data[:100], checksum("sha1", data[:100])).status_code == 204
    bad = tus.patch(url, 100, data[100:200], checksum("sha256", b"something else"))
    assert bad.status_code == 460 and bad.status == "460 Checksum Mismatch"
    assert_error(bad, 460, "upload_checksum_mismatch")
    assert tus.head(url).headers["Upload-Offset"] == "100"
    assert stored(app, upload_row(app, url)).size() == 100  # chunk not kept
    ok = tus.patch(url, 100, data[100:], checksum("sha256", data[100:]))
    assert ok.status_code == 204
    assert document(app, upload_row(app, url).document_id).status == "ready"
    assert_error(tus.patch(tus.create(data).headers["Location"], 0, data[:10], "md5 AAAA"),
                 400, "upload_checksum_unsupported")


def test_bytes_past_the_declared_length_are_refused_and_not_kept(app, tus):
    data = image_bytes("PNG", size=(30, 30))
    url = tus.create(data).headers["Location"]
    assert_error(tus.patch(url, 0, data + b"<html>"), 413, "upload_past_length")
    assert tus.head(url).headers["Upload-Offset"] == "0"
    # A chunked body (no Content-Length) that runs past the length: cut, nothing kept.
    response = tus.patch(url, 0, input_stream=io.BytesIO(data + b"extra bytes"),
                         environ_overrides={"wsgi.input_terminated": True})
    assert_error(response, 413, "upload_past_length")
    assert tus.head(url).headers["Upload-Offset"] == "0"
    assert stored(app, upload_row(app, url)).size() == 0
    assert tus.patch(url, 0, data).status_code == 204


def test_creation_refuses_files_over_10_mb_and_over_the_quota(app, tus):
    over = 10 * 1024 * 1024 + 1
    assert_error(tus.create(length=over, digest="0" * 64), 413, "upload_too_large")
    app.config["UPLOAD_QUOTA_BYTES"] = 1000
    assert tus.create(length=600, digest="0" * 64).status_code == 201
    assert_error(tus.create(length=600, digest="0" * 64), 413, "upload_quota_exceeded")
    assert len(stored_files(app)) == 1


@storage_free
def test_metadata_is_checked(tus):
    good = {"document_id": str(uuid.uuid4()), "content_type": "image/png", "sha256": "a" * 64}
    for field, value in (("document_id", "not-a-uuid"), ("sha256", "A" * 64),
                         ("sha256", "abc")):
        error = assert_error(tus.create(length=10, metadata={**good, field: value}), 400,
                             "upload_metadata_invalid")
        assert error["details"] == {"field": field}
    for missing in ("document_id", "sha256", "content_type"):
        meta = {k: v for k, v in good.items() if k != missing}
        assert_error(tus.create(length=10, metadata=meta), 400, "upload_metadata_invalid")
    assert_error(tus.create(length=10, metadata={**good, "content_type": "text/html"}), 415,
                 "upload_type_not_accepted")
    assert_error(tus.create(**{"Upload-Length": "-1"}), 400, "upload_header_invalid")


@pytest.mark.parametrize("value", ["\u00b2", "\u00b3\u00b3", "1\u00b9", " 12", "+5",
                                   "1" * 19])
def test_numbers_in_headers_are_ascii_digits_only(app, tus, value):
    """Superscript digits pass str.isdigit() but not int(): they were a 500."""
    before = stored_files(app)
    error = assert_error(tus.create(**{"Upload-Length": value}), 400, "upload_header_invalid")
    assert error["details"] == {"header": "Upload-Length"}
    assert stored_files(app) == before  # nothing was created
    data = image_bytes()
    url = tus.create(data).headers["Location"]
    answer = tus.patch(url, 0, data, headers={"Upload-Offset": value})
    assert assert_error(answer, 400, "upload_header_invalid")["details"] == {
        "header": "Upload-Offset"}
    assert answer.headers["Tus-Resumable"] == "1.0.0"
    assert upload_row(app, url).offset == 0
    assert tus.patch(url, 0, data).status_code == 204  # the upload is unharmed


class HeldBody(io.RawIOBase):
    """A request body sent in two parts: after the first, `held` is set and it waits for
    `release` (the PATCH meanwhile holds its claim, like a phone whose link stalled)."""

    def __init__(self, first: bytes, second: bytes):
        self.parts = [first, second]
        self.held, self.release = threading.Event(), threading.Event()

    def readable(self):
        return True

    def readinto(self, buffer):
        if not self.parts:
            return 0
        if len(self.parts) == 1:
            self.held.set()
            self.release.wait(30)
        part = self.parts.pop(0)
        buffer[:len(part)] = part
        return len(part)


def patch_in_thread(tus, url: str, body: HeldBody, length: int, buffer_size: int) -> tuple:
    """Start a PATCH of `body` in a thread; (thread, results) with results["answer"]."""
    results = {}

    def send():
        reader = io.BufferedReader(body, buffer_size=buffer_size)
        results["answer"] = tus.patch(url, 0, environ_overrides={
            "wsgi.input": reader, "CONTENT_LENGTH": str(length)})

    thread = threading.Thread(target=send)
    thread.start()
    return thread, results


def test_concurrent_patches_one_wins_the_other_409(app, tus):
    data = image_bytes("PNG", size=(200, 200))
    url = tus.create(data).headers["Location"]
    slow = HeldBody(data[:len(data) // 2], data[len(data) // 2:])
    thread, results = patch_in_thread(tus, url, slow, len(data), len(data))
    assert slow.held.wait(30)
    racing = tus.patch(url, 0, data)
    slow.release.set()
    thread.join(30)
    assert_error(racing, 409, "upload_busy")
    assert results["answer"].status_code == 204, results["answer"].get_data(as_text=True)
    row = upload_row(app, url)
    assert row.offset == len(data) and row.lock_token is None
    assert stored(app, row).read_bytes() == data
    assert document(app, row.document_id).status == "ready"


def test_a_worker_dying_before_the_checks_never_leaves_a_finished_looking_upload(app, tus,
                                                                               monkeypatch):
    """The last byte stored, then the worker killed (or the database restarted) before the
    content checks: HEAD must not say "all there" (a tus client would stop for good while
    the document stayed "uploading"); the client resends the last piece and it completes.
    Found by the soak (soak/)."""
    from server.uploads import operations

    data = image_bytes("PNG", size=(120, 120))
    url = tus.create(data).headers["Location"]
    half = len(data) // 2
    assert tus.patch(url, 0, data[:half]).status_code == 204
    real_complete = operations._complete

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")  # what a SIGKILL leaves: nothing after this point

    monkeypatch.setattr(operations, "_complete", killed)
    with pytest.raises(SystemExit):
        tus.patch(url, half, data[half:])
    monkeypatch.setattr(operations, "_complete", real_complete)

    head = tus.head(url)
    assert int(head.headers["Upload-Offset"]) == half  # not the length: not finished
    row = upload_row(app, url)
    assert row.completed_at is None and document(app, row.document_id).status == "uploading"
    with app.app_context():  # the dead worker's claim lapses
        stale = db.session.scalars(db.select(Upload)).one()
        stale.locked_at = stale.locked_at - operations.LOCK_LEASE - dt.timedelta(seconds=1)
        db.session.commit()
    assert tus.patch(url, half, data[half:]).status_code == 204
    row = upload_row(app, url)
    assert row.offset == len(data) and row.completed_at is not None
    assert stored(app, row).read_bytes() == data
    assert document(app, row.document_id).status == "ready"


def test_a_stalled_patch_is_taken_over_and_writes_nothing_more(app, tus, monkeypatch):
    """A phone's connection drops mid-PATCH and the server's request is left hanging (a
    half-open socket): once its claim has been silent for the lease, the phone's next PATCH
    (after a HEAD) takes the upload over, and the stalled request, if its bytes ever come,
    stores none of them and answers 409."""
    from server.uploads import operations

    monkeypatch.setattr(operations, "CLAIM_CHECK_AFTER", dt.timedelta(0))  # check each chunk
    data = image_bytes("PNG", size=(200, 200))
    url = tus.create(data).headers["Location"]
    stray = b"\0" * (len(data) - len(data) // 2)  # what the stalled request would still write
    stalled = HeldBody(data[:len(data) // 2], stray)
    thread, results = patch_in_thread(tus, url, stalled, len(data), len(data) // 2)
    assert stalled.held.wait(30)
    assert_error(tus.patch(url, 0, data), 409, "upload_busy")  # its claim is still live
    with app.app_context():  # ... then silent for longer than the lease
        row = db.session.scalars(db.select(Upload)).one()
        row.locked_at = row.locked_at - operations.LOCK_LEASE - dt.timedelta(seconds=1)
        db.session.commit()
    offset = int(tus.head(url).headers["Upload-Offset"])
    assert offset == 0  # the stalled request never reported its half
    assert tus.patch(url, offset, data).status_code == 204
    stalled.release.set()
    thread.join(30)
    assert_error(results["answer"], 409, "upload_busy")
    row = upload_row(app, url)
    assert row.offset == len(data) and row.lock_token is None
    assert stored(app, row).read_bytes() == data  # none of the stray bytes
    assert document(app, row.document_id).status == "ready"


def test_concurrent_patches_started_together(app, tus):
    data = image_bytes("PNG", size=(300, 300))
    url = tus.create(data).headers["Location"]
    barrier = threading.Barrier(2)
    statuses = []

    def send():
        barrier.wait()
        statuses.append(tus.patch(url, 0, data).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # Either the second came after the first finished (offset moved) or while it held the
    # claim: a 409 both ways, never two writes.
    assert sorted(statuses) == [204, 409]
    row = upload_row(app, url)
    assert stored(app, row).read_bytes() == data
    assert document(app, row.document_id).status == "ready"


def test_termination_deletes_the_bytes_and_then_410(app, tus):
    data = image_bytes("PNG", size=(40, 40))
    url = tus.create(data).headers["Location"]
    assert tus.patch(url, 0, data[:50]).status_code == 204
    row = upload_row(app, url)
    assert stored(app, row).exists()
    assert tus.delete(url).status_code == 204
    assert not stored(app, row).exists()
    assert tus.head(url).status_code == 410
    assert_error(tus.patch(url, 50, data[50:]), 410, "upload_gone")
    assert_error(tus.delete(url), 410, "upload_gone")
    doc = document(app, row.document_id)
    assert (doc.status, doc.reason) == ("invalid", "upload_invalid_cancelled")
    assert "dibatalkan" in reason_words(doc.reason) and "cancelled" in reason_words(doc.reason)
    # A finished upload is the document's file: not removable through tus.
    done = tus.upload(data)
    assert_error(tus.delete(done), 409, "upload_complete")


def test_expired_uploads_are_410_and_cleaned_by_the_cli(app, tus):
    data = image_bytes("PNG", size=(40, 40))
    url = tus.create(data).headers["Location"]
    keep = tus.create(data).headers["Location"]
    assert tus.patch(url, 0, data[:10]).status_code == 204
    row = upload_row(app, url)
    with app.app_context():
        db.session.get(Upload, row.id).expires_at = (
            utcnow() - dt.timedelta(minutes=1))
        db.session.commit()
    assert tus.head(url).status_code == 410
    assert_error(tus.patch(url, 10, data[10:]), 410, "upload_expired")
    result = app.test_cli_runner().invoke(args=["uploads", "clean"])
    assert result.exit_code == 0 and "1 " in result.output, result.output
    assert not stored(app, row).exists()
    assert stored(app, upload_row(app, keep)).exists()
    doc = document(app, row.document_id)
    assert (doc.status, doc.reason) == ("invalid", "upload_invalid_expired")
    assert "24" in reason_words(doc.reason)
    assert tus.head(url).status_code == 410
    assert_error(tus.create(data, document_id=row.document_id), 410, "upload_gone")


def test_another_citizens_upload_is_404(app, client, callers, tus):
    data = image_bytes("PNG", size=(40, 40))
    url = tus.create(data).headers["Location"]
    other = Tus(client, callers.citizen()["headers"])
    assert other.head(url).status_code == 404
    assert_error(other.patch(url, 0, data), 404, "upload_not_found")
    assert_error(other.delete(url), 404, "upload_not_found")
    assert tus.head("/api/uploads/no-such-upload").status_code == 404
    assert tus.head(url).headers["Upload-Offset"] == "0"
    assert stored(app, upload_row(app, url)).size() == 0


@storage_free
def test_officers_and_anonymous_callers_cannot_upload(client, callers):
    officer = callers.officer("verifier", "langsa", "dukcapil")
    assert_error(client.post("/api/uploads", headers={**TUS, **officer["headers"]}), 403,
                 "forbidden")
    assert_error(client.post("/api/uploads", headers=TUS), 401, "unauthorized")
