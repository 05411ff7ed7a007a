"""The phone's document quality check (pwa/src/capture/quality.js, run under node) on the
calibration set of tests/media/calibrate_quality.py: per check, what it flags of the photos
OCR could not read and of those it could, printed; the committed thresholds are the ones the
calibration derives, and the rates are at least those recorded when they were derived (the
goals, >= 0.95 of the illegible flagged and <= 0.05 of the legible, are printed with PASS or
MISS here and in bench/capture_quality.py), beside the rates with limits derived on the other
pages only (leave one page out). OCR verdicts come from the committed cache
(quality_calibration.json, keyed by each stored photo's SHA-256), so this runs without
tesseract, and a set that no longer reproduces its photos fails here; the photos' small copies
are made once into the test media cache (tests/media/cache.py).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict

import pytest

from tests.media import calibrate_quality as cal

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

CHECK_OF_KIND = {"blur": "blurry", "motion": "blurry", "dark": "dark", "small": ("small",),
                 "glare": ("glare", "overexposed", "blurry"), "bright": ("overexposed", "glare")}


@pytest.fixture(scope="module")
def calibration():
    rows = cal.build_set()
    measured = cal.run_check(rows, cal.OFF)  # measured once; judged below by other limits
    thresholds = cal.derive(rows, measured)
    # the committed thresholds (quality.js's own)
    return rows, thresholds, cal.run_check(rows, measured=measured), measured


def test_the_committed_thresholds_are_the_calibrated_ones(calibration):
    _rows, thresholds, _verdicts, _measured = calibration
    written = subprocess.run(
        ["node", "--input-type=module", "-e", "import { THRESHOLDS } from "
         "'./src/capture/quality-thresholds.js'; console.log(JSON.stringify(THRESHOLDS))"],
        cwd=cal.ROOT / "pwa", capture_output=True, text=True, check=True).stdout
    assert json.loads(written) == thresholds, (
        "re-run: .venv/bin/python -m tests.media.calibrate_quality --write")


def test_the_check_flags_illegible_photos_and_passes_legible_ones(calibration):
    rows, _thresholds, verdicts, measured = calibration
    result = cal.rates(rows, verdicts)
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        flagged = bool(verdicts[r["name"]]["codes"])
        counts = by_kind[r["kind"]]
        counts[0 if not r["legible"] else 2] += 1
        counts[1 if not r["legible"] else 3] += flagged
    print(f"\n{'variant':<8} illegible flagged   legible flagged")
    for kind, (ill, ill_flagged, leg, leg_flagged) in sorted(by_kind.items()):
        print(f"{kind:<8} {ill_flagged:>3}/{ill:<3}{'':<10} {leg_flagged:>3}/{leg:<3}")
    print(f"all      {result['flagged_illegible']:.3f} of {result['illegible']} (goal >= "
          f"{cal.GOAL_FLAGGED})   {result['flagged_legible']:.3f} of {result['legible']} "
          f"(goal <= {cal.GOAL_FALSE})")
    for name, value, goal, ok in (
            ("illegible flagged", result["flagged_illegible"], f">= {cal.GOAL_FLAGGED}",
             result["flagged_illegible"] >= cal.GOAL_FLAGGED),
            ("legible flagged", result["flagged_legible"], f"<= {cal.GOAL_FALSE}",
             result["flagged_legible"] <= cal.GOAL_FALSE)):
        print(f"{name}: {value:.3f} (goal {goal}) {'PASS' if ok else 'MISS'}")
    by_code: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        for code in verdicts[r["name"]]["codes"]:
            by_code[code][0 if not r["legible"] else 1] += 1
    print("per check, photos it flags: " + ", ".join(
        f"{code} {ill} illegible / {leg} legible" for code, (ill, leg) in sorted(by_code.items())))
    held_out = cal.cross_validated(rows, measured)
    print(f"leave one page out (each page judged by limits derived on the others): "
          f"{held_out['flagged_illegible']:.3f} of the illegible flagged, "
          f"{held_out['flagged_legible']:.3f} of the legible")
    recorded = cal.load_verdicts()["measured"]
    assert result["illegible"] >= 30 and result["legible"] >= 30  # a set worth the name
    assert result["flagged_illegible"] >= recorded["flagged_illegible"] - 1e-9
    assert result["flagged_legible"] <= recorded["flagged_legible"] + 1e-9
    assert result["flagged_legible"] <= cal.GOAL_FALSE
    # the honest estimate for a new photo is recorded too, and holds
    assert held_out["flagged_illegible"] >= recorded["cross_validated"]["flagged_illegible"] - 1e-9
    assert held_out["flagged_legible"] <= recorded["cross_validated"]["flagged_legible"] + 1e-9


@pytest.mark.parametrize("kind", ["blur", "motion", "dark", "small"])
def test_each_check_names_what_is_wrong(calibration, kind):
    """A photo made illegible by blur, a shaking hand, low light or distance is flagged by
    the check for it (so the citizen reads the right advice)."""
    rows, _thresholds, verdicts, _measured = calibration
    wanted = CHECK_OF_KIND[kind]
    wrong = [(r["name"], verdicts[r["name"]]["codes"]) for r in rows
             if r["kind"] == kind and not r["legible"] and verdicts[r["name"]]["codes"]
             and not set(verdicts[r["name"]]["codes"]) & set([wanted] if isinstance(wanted, str)
                                                              else wanted)]
    assert wrong == []


def test_a_sharp_photo_passes_silently(calibration):
    rows, _thresholds, verdicts, _measured = calibration
    assert {r["name"]: verdicts[r["name"]]["codes"] for r in rows if r["kind"] == "sharp"} == {
        r["name"]: [] for r in rows if r["kind"] == "sharp"}
