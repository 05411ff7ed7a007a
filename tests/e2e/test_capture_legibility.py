"""A compressed document photo stays legible: OCR (Debian's tesseract) reads as many of the
printed words from what the phone stores as from the 12 MP original, every NIK digit
included, while the stored page fits its 300 KB budget.

The compressor is the PWA's own module (pwa/src/capture/compress.js) running in Debian's
Chromium, so the canvas, its smoothing and its WebP encoder are the ones a phone uses. The
photo is synthetic (tests/media/document_photos.py). A control run at a long edge of 700 px
shows the check can fail: there the NIK is no longer read.
"""
from __future__ import annotations

import base64
import io
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from tests.conftest import ROOT
from tests.helpers import stop_serving
from tests.media.document_photos import kk_photo
from tests.media.ocr import ocr_words, recall

pytestmark = pytest.mark.e2e

HARNESS = """<!doctype html><meta charset="utf-8"><title>compress</title>
<script type="module">
import { compressPhoto } from './compress.js';
window.compressPhotoAt = async (longEdge, jpegOnly) => {
  const original = await (await fetch('./photo.jpg')).blob();
  const file = new File([original], 'kk.jpg', { type: 'image/jpeg' });
  const out = await compressPhoto(file, { longEdge, jpegOnly });
  const bytes = new Uint8Array(await out.blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { type: out.type, width: out.width, height: out.height, size: bytes.length,
           b64: btoa(binary) };
};
window.ready = true;
</script>"""


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract-ocr is not installed (make test installs Debian's tesseract-ocr)")
    folder = tmp_path_factory.mktemp("capture")
    shutil.copy(ROOT / "pwa" / "src" / "capture" / "compress.js", folder / "compress.js")
    (folder / "index.html").write_text(HARNESS)
    photo = kk_photo()
    (folder / "photo.jpg").write_bytes(photo.jpeg)
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield photo, f"http://127.0.0.1:{server.server_port}/index.html"
    stop_serving(server)


@pytest.fixture(scope="module")
def original_read(harness):
    """What tesseract reads on the 12 MP original: the same photo for every test here, so
    read once, in a thread while the browser compresses (tesseract is a process of its own)."""
    photo, _ = harness
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(ocr_words, photo.jpeg)


def compress_in_browser(browser, url: str, long_edge: int, jpeg_only: bool = False) -> dict:
    page = browser.new_page()
    try:
        page.goto(url)
        page.wait_for_function("window.ready === true")
        result = page.evaluate("([edge, jpeg]) => window.compressPhotoAt(edge, jpeg)",
                               [long_edge, jpeg_only])
    finally:
        page.close()
    result["bytes"] = base64.b64decode(result.pop("b64"))
    return result


@pytest.mark.parametrize("jpeg_only, kind, pil_format", [
    (False, "image/webp", "WEBP"),
    (True, "image/jpeg", "JPEG"),  # a page of a multi-page document (becomes a PDF)
])
def test_a_compressed_photo_reads_as_well_as_the_original(browser, harness, original_read,
                                                          jpeg_only, kind, pil_format):
    photo, url = harness
    out = compress_in_browser(browser, url, 2000, jpeg_only)
    original = original_read.result()
    assert photo.nik in original, "the synthetic original must itself be legible"
    before = recall(photo.words, original)

    assert out["type"] == kind
    assert (out["width"], out["height"]) == (2000, 1500)
    assert out["size"] <= 300 * 1024, f"{out['size']} bytes is over the 300 KB budget"
    assert Image.open(io.BytesIO(out["bytes"])).format == pil_format

    after_words = ocr_words(out["bytes"])
    after = recall(photo.words, after_words)
    print(f"\n12 MP JPEG {len(photo.jpeg)} B -> {out['type']} {out['size']} B "
          f"({len(photo.jpeg) / out['size']:.1f}x smaller); OCR word recall "
          f"{before:.3f} before, {after:.3f} after")
    assert photo.nik in after_words, "the NIK must be read exactly after compression"
    assert after >= before - 0.02


def test_the_check_fails_when_resolution_is_lost(browser, harness, original_read):
    """The control: shrunk to a long edge of 700 px the same page loses its NIK, so the
    test above would notice a compressor that threw away what matters."""
    photo, url = harness
    out = compress_in_browser(browser, url, 700)
    read = ocr_words(out["bytes"])
    assert photo.nik not in read
    assert recall(photo.words, read) < recall(photo.words, original_read.result()) - 0.2
