"""The phone's document quality check (issue #19): `.venv/bin/python bench/capture_quality.py`.

1. time per 12 MP photo: pwa/src/capture/quality.js's `checkBitmap` (draw a 1024 px copy of
   the decoded photo once, on a canvas; measure and judge only that small copy) on a
   synthetic 4000x3000 KK photo in Debian's Chromium
   with the CPU slowed 4x (CDP Emulation.setCPUThrottlingRate: a mid-range phone). The capture
   screen decodes a camera photo once for the check and the compressor (which decoded it
   before the check existed), so the decode is not the check's; it is printed beside it,
   informational. Median of --runs runs after one warm-up. Goal: at most 300 ms.
2. bytes: what the check adds to the capture screen, quality.js and its thresholds minified
   (terser, as the build does) and gzipped. Goal: at most 10 KB.
3. on the calibration set (tests/media/calibrate_quality.py: OCR verdicts from its committed
   cache, the check under node with the committed thresholds): the share of illegible photos
   flagged (goal >= 0.95) and of legible photos flagged (goal <= 0.05); and the same with
   thresholds derived on the other pages only (leave one page out), informational.
"""
from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Row, machine_note, print_table  # noqa: E402

CAPTURE = ROOT / "pwa" / "src" / "capture"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]
HARNESS = """<!doctype html><meta charset="utf-8"><title>quality</title>
<script type="module">
import { checkBitmap, decodePhoto } from './quality.js';
window.timeCheck = async () => {
  const blob = await (await fetch('./photo.jpg')).blob();
  const file = new File([blob], 'kk.jpg', { type: 'image/jpeg' });
  const start = performance.now();
  const bitmap = await decodePhoto(file);
  const decoded = performance.now();
  const result = checkBitmap(bitmap);
  const end = performance.now();
  bitmap.close();
  return { check: end - decoded, decode: decoded - start, codes: result.codes };
};
window.ready = true;
</script>"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def time_in_chromium(runs: int) -> dict:
    """{rate: (median ms of the check, median ms of the decode, codes)} at CPU rates 1, 4."""
    from playwright.sync_api import sync_playwright

    from tests.media.document_photos import kk_photo

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for name in ("quality.js", "quality-thresholds.js"):
            shutil.copy(CAPTURE / name, folder / name)
        (folder / "index.html").write_text(HARNESS)
        (folder / "photo.jpg").write_bytes(kk_photo().jpeg)
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                            args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{httpd.server_port}/index.html")
                page.wait_for_function("window.ready === true")
                cdp = page.context.new_cdp_session(page)
                out = {}
                for rate in (1, 4):
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                    page.evaluate("window.timeCheck()")  # warm-up
                    results = [page.evaluate("window.timeCheck()") for _ in range(runs)]
                    out[rate] = (statistics.median(r["check"] for r in results),
                                 statistics.median(r["decode"] for r in results),
                                 results[-1]["codes"])
                browser.close()
        finally:
            httpd.shutdown()
    return out


def gzip_bytes() -> int:
    terser = ROOT / "pwa" / "node_modules" / ".bin" / "terser"
    source = "".join((CAPTURE / n).read_text() for n in ("quality-thresholds.js", "quality.js"))
    source = source.replace("import { THRESHOLDS } from './quality-thresholds.js';", "")
    minified = subprocess.run([str(terser), "--module", "--compress", "--mangle"],
                              input=source, capture_output=True, text=True, check=True).stdout
    return len(gzip.compress(minified.encode(), 9))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("chromium") is None:
        print("bench/capture_quality.py: Debian's chromium is not installed (make chromium)")
        return 1
    from tests.media import calibrate_quality as cal

    print(machine_note())
    times = time_in_chromium(args.runs)
    codes = times[4][2]
    size = gzip_bytes()
    rows = cal.build_set()
    measured = cal.run_check(rows, cal.OFF)
    rates = cal.rates(rows, cal.run_check(rows, measured=measured))
    held_out = cal.cross_validated(rows, measured)
    load = os.getloadavg()
    print(f"load after the Chromium runs: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (1, 5, 15 "
          f"min) on {os.cpu_count()} cores: timings on a busy machine are upper bounds")
    print(f"12 MP photo's verdict in Chromium: {codes or 'fine'}; calibration set: "
          f"{rates['photos']} photos, {rates['illegible']} illegible by OCR")
    ok = print_table("phone document quality check (#19)", [
        Row("check per 12 MP photo, CPU 4x slower (ms)", times[4][0], 300, False, " ms"),
        Row("check + its own decode, CPU 4x slower (ms)", times[4][0] + times[4][1], None,
            False, " ms"),
        Row("check per 12 MP photo, unthrottled (ms)", times[1][0], None, False, " ms"),
        Row("added to the capture screen (KB gzip)", size / 1024, 10, False, " KB"),
        Row("illegible photos flagged (share)", rates["flagged_illegible"], cal.GOAL_FLAGGED),
        Row("legible photos flagged (share)", rates["flagged_legible"], cal.GOAL_FALSE, False),
        Row("illegible flagged, leave one page out", held_out["flagged_illegible"]),
        Row("legible flagged, leave one page out", held_out["flagged_legible"], None, False),
    ])
    if codes:
        print("the sharp 12 MP photo was flagged: the check is miscalibrated")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
