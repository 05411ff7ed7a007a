"""Uploads bench (issue #5): `.venv/bin/python bench/uploads.py [--runs N] [--size-mb S]`.

Serves the real app (werkzeug, threaded, SQLite, local storage) on 127.0.0.1 and prints:

1. wire / file: bytes the client sent on the wire (requests and headers included, through a
   TCP proxy that cuts the connection three times mid-PATCH) over the file's size, for a
   3 MB file uploaded with tuspy (one PATCH for the rest of the file, tuspy's retry: HEAD,
   then resume). Goal: at most 1.1.
2. tus / PUT throughput: the same file uploaded over tus (creation + one PATCH, with the
   server's bookkeeping and its content checks and preview when the last byte lands) against
   one plain PUT to a minimal raw WSGI endpoint in this script (not a product route) that
   streams the body into the same kind of storage and then runs the SAME checks and
   preview, so the ratio measures what the protocol and its bookkeeping cost. The PUT
   without the checks is printed too, for scale. Goal: at least 0.8.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from werkzeug.wsgi import get_input_stream  # noqa: E402

from server.uploads.checks import inspect  # noqa: E402
from server.uploads.previews import make_preview  # noqa: E402
from server.uploads.storage import LocalStorage, read_chunks  # noqa: E402
from tests.conftest import build_database, dispose, make_app  # noqa: E402
from tests.helpers import LiveServer  # noqa: E402
from tests.uploads.cutting_proxy import CuttingProxy  # noqa: E402

MB = 1024 * 1024


def raw_put_app(storage: LocalStorage, checks: bool):
    """The baseline: PUT a whole file in one request, streamed into storage, then (if
    `checks`) the same content checks and preview the tus server runs at completion."""
    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        name = storage.new_name()
        storage.create(name)
        # get_input_stream stops at Content-Length (the raw socket would wait for more).
        storage.write_at(name, 0, read_chunks(get_input_stream(environ)), length)
        if checks:
            declared = environ.get("HTTP_X_SHA256", "")
            with storage.local_copy(name) as path:
                verdict = inspect(lambda: open(path, "rb"), length, "image/png", declared)
                if not verdict.ok:
                    raise RuntimeError(verdict.reason_key)
                preview = make_preview(path, "image/png")
            preview_name = storage.new_name()  # stored, as the tus server stores it
            storage.create(preview_name)
            storage.write_at(preview_name, 0, [preview], len(preview))
            storage.delete(preview_name)
        storage.delete(name)
        start_response("204 No Content", [])
        return [b""]
    return app


def citizen_headers(app) -> dict:
    from server.access import session_lifetime
    from server.accounts import operations as ops
    from server.accounts.models import Citizen, utcnow
    from server.extensions import db

    with app.app_context():
        now = utcnow()
        citizen = Citizen(phone=f"+62812{uuid.uuid4().int % 10**7:07d}", created_at=now)
        db.session.add(citizen)
        db.session.flush()
        token, _ = ops.issue_session(db.session, now=now, citizen=citizen,
                                     lifetime=session_lifetime("citizen"), device_name="bench")
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def png_file(size_mb: float) -> bytes:
    """A photo-like PNG of about `size_mb` (noise does not compress)."""
    from PIL import Image

    side = int((size_mb * MB / 3) ** 0.5)
    pixels = hashlib.shake_256(b"bench").digest(side * side * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def tus_upload(base_url: str, headers: dict, data: bytes, **options) -> str:
    from tusclient import client as tus_client

    metadata = {"document_id": str(uuid.uuid4()), "filename": "kk.png",
                "content_type": "image/png", "sha256": hashlib.sha256(data).hexdigest()}
    uploader = tus_client.TusClient(f"{base_url}/api/uploads", headers=headers).uploader(
        file_stream=io.BytesIO(data), metadata=metadata, **options)
    uploader.upload()
    if uploader.offset != len(data):
        raise RuntimeError(f"tus upload stopped at {uploader.offset} of {len(data)}")
    return metadata["document_id"]


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def verdict(name: str, value: float, goal: str, ok: bool) -> str:
    return f"{name:<44} {value:6.3f}   goal {goal:<7} {'PASS' if ok else 'MISS'}"


def main() -> int:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request: noise
    logging.getLogger("alembic").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per method (median)")
    parser.add_argument("--size-mb", type=float, default=3.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sd-bench-") as tmp:
        tmp = Path(tmp)
        url = f"sqlite:///{tmp / 'bench.db'}"
        build_database(url, tmp / "instance-build", catalog=False)
        app = make_app(url, tmp / "instance", UPLOAD_QUOTA_BYTES=10**12)
        headers = citizen_headers(app)
        data = png_file(args.size_mb)
        size = len(data)
        print(f"file: {size} bytes ({size / MB:.2f} MB PNG); server: werkzeug threaded, "
              f"SQLite, local storage; 127.0.0.1")

        with LiveServer(app) as served:
            # 1. Three forced disconnects: cuts at 1/4, 1/2 and 3/4 of the file's bytes.
            cuts = [size // 4, size // 2, 3 * size // 4]
            with CuttingProxy(served.port, cut_at=cuts) as proxy:
                tus_upload(proxy.url, headers, data, retries=10, retry_delay=0.1)
            if proxy.cuts != 3:
                raise RuntimeError(f"expected 3 disconnects, saw {proxy.cuts}")
            wire = proxy.sent / size

            # 2. Throughput, clean link, alternating so drift hits both alike.
            storage = LocalStorage(tmp / "raw-put")
            tus_times, put_times, bare_times = [], [], []
            checked, bare = raw_put_app(storage, True), raw_put_app(storage, False)
            digest = hashlib.sha256(data).hexdigest()
            with LiveServer(checked) as put_server, LiveServer(bare) as bare_server, \
                    requests.Session() as session:
                tus_upload(served.url, headers, data)  # warm-up, not counted
                for _ in range(args.runs):
                    tus_times.append(timed(lambda: tus_upload(served.url, headers, data)))
                    put_times.append(timed(lambda: session.put(
                        put_server.url, data=data, headers={"X-Sha256": digest}
                    ).raise_for_status()))
                    bare_times.append(timed(lambda: session.put(
                        bare_server.url, data=data).raise_for_status()))
        dispose(app)

    tus_t, put_t, bare_t = (statistics.median(t) for t in (tus_times, put_times, bare_times))
    ratio = put_t / tus_t  # throughput ratio = inverse time ratio
    print(f"three disconnects: {proxy.sent} bytes on the wire for {size} ({proxy.cuts} cuts)")
    print(f"median of {args.runs}: tus {tus_t * 1000:.0f} ms ({size / MB / tus_t:.1f} MB/s), "
          f"PUT + same checks {put_t * 1000:.0f} ms ({size / MB / put_t:.1f} MB/s), "
          f"bare PUT {bare_t * 1000:.0f} ms ({size / MB / bare_t:.1f} MB/s)")
    print(verdict("wire bytes / file size (3 disconnects)", wire, "<= 1.1", wire <= 1.1))
    print(verdict("tus throughput / PUT+checks throughput", ratio, ">= 0.8", ratio >= 0.8))
    print(f"{'(for scale) tus / bare PUT, no checks':<44} {bare_t / tus_t:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
