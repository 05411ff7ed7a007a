"""Citizen PWA budgets (issue #6): `.venv/bin/python bench/pwa.py [--runs N]`.

Serves the real app (werkzeug, threaded, SQLite, the built pwa/dist with its precompressed
files) on 127.0.0.1 and drives Debian's Chromium (Playwright) on a phone-sized page:

1. first load: bytes on the wire (CDP's encodedDataLength: compressed bodies plus headers)
   of the citizen shell, i.e. the HTML, JS, CSS and manifest a first visit downloads.
   Goal: at most 100 KB.
2. first screen on an emulated weak link (400 kbit/s, 400 ms latency, CDP
   Network.emulateNetworkConditions), cold cache: time until the MPP list is on screen,
   over the floor set by physics: every byte that first screen needs (shell and the
   /api/mpps answer) over the bandwidth, plus the round trips its dependency chain cannot
   avoid (TCP connect, the HTML, the JS and CSS it names, the API call the JS makes:
   4 x 400 ms). Goal: at most 1.5.
3. offline reload: the service worker installed, the link off, `reload()` until the list is
   on screen again. Goal: under 1 s.
4. a 12 MP document photo (tests/media: a synthetic KK page on a desk, 4000x3000 JPEG) as the
   phone stores it after pwa/src/capture/compress.js, in Chromium. Goal: at most 300 KB.

Each is the median of --runs runs (default 3).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.common import Row, dispose, machine_note, print_table, scratch_database  # noqa: E402
from tests.helpers import LiveServer  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
BANDWIDTH = 50_000  # bytes/s: 400 kbit/s
LATENCY_MS = 400
ROUND_TRIPS = 4  # connect, HTML, its JS and CSS, the API call the JS makes
SHELL_TYPES = {"Document", "Script", "Stylesheet", "Manifest"}


def new_page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  locale="id-ID", service_workers="allow")
    return context, context.new_page()


def record_bytes(cdp) -> dict:
    """requestId -> {type, url, bytes}: filled from CDP Network events."""
    seen: dict[str, dict] = {}
    cdp.on("Network.responseReceived", lambda e: seen.setdefault(e["requestId"], {}).update(
        type=e["type"], url=e["response"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: seen.setdefault(e["requestId"], {}).update(
        bytes=e["encodedDataLength"]))
    return seen


def first_load(browser, url: str) -> tuple[int, int, float]:
    """(shell bytes, all bytes the first screen needed, seconds to the list) on the weak
    link, cold."""
    context, page = new_page(browser)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS, "downloadThroughput": BANDWIDTH,
        "uploadThroughput": BANDWIDTH})
    seen = record_bytes(cdp)
    start = time.perf_counter()
    page.goto(url + "/", wait_until="commit")
    page.locator("[data-mpp-code]").first.wait_for(timeout=60_000)
    elapsed = time.perf_counter() - start
    page.wait_for_timeout(300)  # let the last loadingFinished events arrive
    shell = sum(r.get("bytes", 0) for r in seen.values() if r.get("type") in SHELL_TYPES)
    needed = shell + sum(r.get("bytes", 0) for r in seen.values()
                         if r.get("url", "").endswith("/api/mpps"))
    context.close()
    return shell, needed, elapsed


def offline_reload(browser, url: str) -> float:
    context, page = new_page(browser)
    page.goto(url + "/")
    page.locator("[data-mpp-code]").first.wait_for(timeout=30_000)
    deadline = time.monotonic() + 30
    while not page.evaluate("navigator.serviceWorker.controller !== null"):
        if time.monotonic() > deadline:
            raise RuntimeError("the service worker never took control")
        time.sleep(0.1)
    page.reload()  # the list now also comes from the worker's catalog cache
    page.locator("[data-mpp-code]").first.wait_for(timeout=30_000)
    context.set_offline(True)
    start = time.perf_counter()
    page.reload(wait_until="commit")
    page.locator("[data-mpp-code]").first.wait_for(timeout=30_000)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def stored_photo_bytes(browser, folder: Path) -> int:
    """The 12 MP photo as compress.js stores it, in Chromium (a page of its own)."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from tests.media.document_photos import kk_photo

    shutil.copy(ROOT / "pwa" / "src" / "capture" / "compress.js", folder / "compress.js")
    (folder / "photo.jpg").write_bytes(kk_photo().jpeg)
    (folder / "index.html").write_text(
        "<!doctype html><script type=module>import { compressPhoto } from './compress.js';"
        "window.size = async () => { const b = await (await fetch('./photo.jpg')).blob();"
        "const out = await compressPhoto(new File([b], 'kk.jpg', {type: 'image/jpeg'}));"
        "return out.blob.size; }; window.ready = true;</script>")
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{httpd.server_port}/index.html")
        page.wait_for_function("window.ready === true")
        size = page.evaluate("window.size()")
        page.close()
        return size
    finally:
        httpd.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("bench/pwa.py: Debian's chromium is not installed (make test installs it)")
        return 1
    if not (ROOT / "pwa" / "dist" / "index.html.br").exists():
        print("bench/pwa.py: pwa/dist is not built with its compressed files: run `make pwa`")
        return 1
    from playwright.sync_api import sync_playwright

    print(f"machine: {machine_note()}")
    with scratch_database("sqlite") as scratch, sync_playwright() as pw:
        app = scratch.app()
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            with LiveServer(app) as served:
                loads = [first_load(browser, served.url) for _ in range(args.runs)]
                reloads = [offline_reload(browser, served.url) for _ in range(args.runs)]
            with tempfile.TemporaryDirectory() as folder:
                photo = stored_photo_bytes(browser, Path(folder))
        finally:
            browser.close()
            dispose(app)
    shell = statistics.median(s for s, _, _ in loads)
    needed = statistics.median(n for _, n, _ in loads)
    elapsed = statistics.median(e for _, _, e in loads)
    floor = needed / BANDWIDTH + ROUND_TRIPS * LATENCY_MS / 1000
    print(f"first screen: {elapsed:.2f} s for {needed:,.0f} B; floor {floor:.2f} s "
          f"({needed:,.0f} B at {BANDWIDTH * 8 // 1000} kbit/s + {ROUND_TRIPS} x {LATENCY_MS} ms)")
    ok = print_table("Citizen PWA budgets", [
        Row("first load of the shell (KB, compressed)", shell / 1024, 100, False, " KB"),
        Row("first screen at 400 kbit/s, 400 ms / floor", elapsed / floor, 1.5, False),
        Row("offline reload (s)", statistics.median(reloads), 1.0, False, " s"),
        Row("12 MP photo as stored (KB)", photo / 1024, 300, False, " KB"),
    ])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
