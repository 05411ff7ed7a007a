"""Calibrate the phone's document quality check (pwa/src/capture/quality.js) on OCR verdicts.

    .venv/bin/python -m tests.media.calibrate_quality            # measure and report
    .venv/bin/python -m tests.media.calibrate_quality --write    # ... and write the thresholds

The set: synthetic 12 MP photos of KK pages (tests/media/document_photos.py, three pages with
different names, numbers and print sizes) and of KTP cards (tests/media/ktp_photos.py, two)
and, of each, variants a citizen really produces:
Gaussian blur (out of focus), motion blur (a shaking hand), low light, burnt-out exposure,
glare (a lamp reflected on the paper) and a page small in the frame, each at several strengths.

"Legible" is decided by OCR, as the officer's eye would: tesseract (`ind+eng`) on the photo
as the phone stores it (long edge 2000 px) reads the NIK exactly and at least 95 % of the
words it reads on the sharp original. The verdicts are cached in quality_calibration.json (in
the repository; OCR of the whole set takes minutes), keyed by the set's version: change the
set and bump SET_VERSION.

The check itself is NOT re-implemented here: the same quality.js runs under node
(pwa/scripts/quality-measure.mjs) on each photo's small RGBA copy, and the thresholds are
chosen on its measurements: as many illegible photos flagged as possible while at most
FALSE_FLAG_BUDGET of the legible ones are, each limit in the middle of the gap it falls in.
`--write` puts them in pwa/src/capture/quality-thresholds.js, where quality.js reads them.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter

from tests.media import cache
from tests.media.document_photos import gaussian_noise, kk_photo
from tests.media.ktp_photos import ktp_document_photo

ROOT = Path(__file__).resolve().parents[2]
VERDICTS = Path(__file__).with_name("quality_calibration.json")
THRESHOLDS_JS = ROOT / "pwa" / "src" / "capture" / "quality-thresholds.js"
MEASURE_JS = ROOT / "pwa" / "scripts" / "quality-measure.mjs"
SET_VERSION = 2  # 2: the OCR cache keyed by the stored copy's SHA-256
OCR_SETTINGS = "ind+eng --psm 4"  # tests/media/ocr.ocr_words
ANALYSIS_EDGE = 1024  # quality.js ANALYSIS_EDGE
STORED_EDGE = 2000  # compress.js LONG_EDGE: what the officer (and OCR) gets
FALSE_FLAG_BUDGET = 0.05  # the goal itself: the set is small, a tighter budget flags too little
GOAL_FLAGGED, GOAL_FALSE = 0.95, 0.05

BASES = {  # name: kk_photo (or, for "ktp-", ktp_document_photo) arguments
    "kk-a": {"seed": 7, "text_px": 30},
    "kk-b": {"seed": 11, "text_px": 27, "nik": "1271035708850002", "kk": "1271030303150011",
             "name": "SITI AMINAH HARAHAP"},
    "kk-c": {"seed": 23, "text_px": 34, "nik": "3174096112010004", "kk": "3174090202200007",
             "name": "DEWI LESTARI"},
    "ktp-a": {"seed": 31},
    "ktp-b": {"seed": 37, "nik": "1271035708850002", "name": "SITI AMINAH HARAHAP",
              "born": "MEDAN, 17-08-1985", "sex": "PEREMPUAN"},
}
VARIANTS = (
    [("sharp", 0)]
    + [("blur", r) for r in (1.5, 2.5, 3.5, 4.5, 6, 8)]
    + [("motion", n) for n in (8, 16, 32, 64)]
    + [("dark", f) for f in (0.6, 0.4, 0.25, 0.15, 0.08)]
    + [("bright", f) for f in (1.25, 1.5, 1.9, 2.6)]
    + [("glare", s) for s in (0.06, 0.12, 0.2, 0.3)]
    + [("small", s) for s in (0.8, 0.6, 0.45, 0.33, 0.25)]
)
FEATURES = {  # measure: (threshold name, a photo is flagged when its value is ...)
    "sharpness": ("minSharpness", "below"),
    "balance": ("minBalance", "below"),
    "paper": ("minPaper", "below"),
    "burnt": ("maxBurnt", "above"),
    "glare": ("maxGlare", "above"),
    "fill": ("minFill", "below"),
    "pitch": ("minPitch", "below, when known"),  # 0: no lines found, never flagged
}
OFF_ONE = {"minSharpness": 0, "minBalance": 0, "minPaper": 0, "maxBurnt": 1, "maxGlare": 1,
           "minFill": 0, "minPitch": 0}
KINDS = ("page", "card")  # quality.js limitsFor: a KTP is a card, a KK a page
OFF = {kind: OFF_ONE for kind in KINDS}


def kind_of(base: str) -> str:
    return "card" if base.startswith("ktp") else "page"


@dataclass
class Sample:
    name: str
    base: str
    kind: str
    strength: float
    path: Path
    width: int
    height: int


def _desk(size: tuple[int, int], seed: int) -> Image.Image:
    desk = Image.new("RGB", size, (92, 70, 52))
    grain = gaussian_noise((size[0] // 4, size[1] // 4), 60, seed).resize(size, Image.BICUBIC)
    return Image.blend(desk, grain.convert("RGB"), 0.10)


def _motion(photo: Image.Image, length: int, vertical: bool) -> Image.Image:
    """A box blur `length` px long along one axis: shifted copies averaged by doubling."""
    step = 1
    while step < length:
        shifted = ImageChops.offset(photo, 0 if vertical else step, step if vertical else 0)
        photo = Image.blend(photo, shifted, 0.5)
        step *= 2
    return photo


def variant(photo: Image.Image, kind: str, strength: float, seed: int) -> Image.Image:
    rng = random.Random(seed)
    size = photo.size
    if kind == "sharp":
        return photo
    if kind == "blur":
        return photo.filter(ImageFilter.GaussianBlur(strength))
    if kind == "motion":
        return _motion(photo, int(strength), vertical=seed % 2 == 1)
    if kind == "dark":
        dim = ImageEnhance.Brightness(photo).enhance(strength)
        # Low light brings sensor noise with it, more the darker it is.
        noise = gaussian_noise(size, 30, seed).convert("RGB")
        return Image.blend(dim, noise, min(0.25, 0.04 / strength))
    if kind == "bright":
        return ImageEnhance.Brightness(photo).enhance(strength)
    if kind == "glare":
        # A soft white spot whose core burns out, somewhere on the page.
        radius = int(size[0] * strength)
        spot = Image.radial_gradient("L").resize((2 * radius, 2 * radius))
        spot = spot.point(lambda v: 255 if v < 110 else max(0, 255 - (v - 110) * 2))
        mask = Image.new("L", size, 0)
        cx = rng.randint(int(size[0] * 0.25), int(size[0] * 0.75))
        cy = rng.randint(int(size[1] * 0.3), int(size[1] * 0.7))
        mask.paste(spot, (cx - radius, cy - radius))
        return Image.composite(Image.new("RGB", size, (255, 255, 255)), photo, mask)
    if kind == "small":
        desk = _desk(size, seed)
        small = photo.resize((int(size[0] * strength), int(size[1] * strength)), Image.LANCZOS)
        x = rng.randint(0, size[0] - small.width)
        y = rng.randint(0, size[1] - small.height)
        desk.paste(small, (x, y))
        draw = ImageDraw.Draw(desk)  # the page's shadow edge on the desk
        draw.rectangle((x, y, x + small.width, y + small.height), outline=(60, 45, 35), width=3)
        return desk
    raise ValueError(kind)


def ocr_engine() -> str | None:
    """What reads the photos (the OCR cache is valid for this engine only); None without it."""
    if shutil.which("tesseract") is None:
        return None
    done = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    version = (done.stdout or done.stderr).splitlines()[0].strip()
    return f"{version} {OCR_SETTINGS}"


def ocr_words(image: Image.Image) -> list[str]:
    from tests.media.ocr import ocr_words as ocr_bytes

    png = io.BytesIO()
    image.save(png, "PNG")
    return sorted(ocr_bytes(png.getvalue()))


def fingerprint() -> str:
    """What the photos are made from: the generators' code, the set's list, the sizes and
    Pillow's version. The analysis copies on disk are reused only while it is unchanged."""
    from tests.media import document_photos, ktp_photos

    return cache.fingerprint(document_photos, ktp_photos, _desk, _motion, variant, _make_base,
                             json.dumps(BASES, sort_keys=True), json.dumps(VARIANTS),
                             str((ANALYSIS_EDGE, STORED_EDGE)))


def ocr_folder() -> Path:
    """OCR readings not yet in quality_calibration.json, one file per stored copy's SHA-256,
    kept at once so that an interrupted run loses no reading (any set's: content-addressed)."""
    path = cache.cache_root() / "quality-ocr"
    path.mkdir(exist_ok=True)
    return path


def _make_base(base: str, known: set[str], can_read: bool, into: Path) -> dict:
    """Make every variant of one base page (runs in a worker process): its analysis copy in
    `into`, the SHA-256 of the stored copy OCR reads and, where that hash is not `known` (in
    the OCR cache) and tesseract is here, the words it reads, kept at once (ocr_folder)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per OCR: the pool is the width
    args = BASES[base]
    if base.startswith("ktp"):
        doc = ktp_document_photo(**{k: v for k, v in args.items() if k != "seed"})
    else:
        doc = kk_photo(**args)
    photo = Image.open(io.BytesIO(doc.jpeg)).convert("RGB")
    out = {"base": base, "nik": doc.nik, "words": doc.words, "photos": {}}
    for i, (kind, strength) in enumerate(VARIANTS):
        name = f"{base}-{kind}-{strength:g}"
        image = variant(photo, kind, strength, seed=args["seed"] * 100 + i)
        w, h = image.size
        scale = ANALYSIS_EDGE / max(w, h)
        small = image.resize((round(w * scale), round(h * scale)), Image.BILINEAR,
                             reducing_gap=2.0)
        path = into / f"{name}.rgba.gz"
        path.write_bytes(gzip.compress(small.convert("RGBA").tobytes(), compresslevel=1))
        scale = STORED_EDGE / max(w, h)
        stored = image.resize((round(w * scale), round(h * scale)), Image.LANCZOS)
        digest = hashlib.sha256(stored.tobytes()).hexdigest()
        side = ocr_folder() / f"{digest}.json"
        if digest not in known and can_read and not side.exists():
            side.write_text(json.dumps(ocr_words(stored)))
        out["photos"][name] = {"base": base, "kind": kind, "strength": strength,
                               "width": small.width, "height": small.height, "sha256": digest}
    return out


def load_verdicts() -> dict:
    if VERDICTS.exists():
        data = json.loads(VERDICTS.read_text())
        if data.get("set_version") == SET_VERSION:
            return data
    return {"set_version": SET_VERSION, "ocr_engine": None, "ocr": {}, "photos": {}}


def _complete(folder: Path) -> bool:
    """A set folder holding its manifest and every photo the set names."""
    path = folder / "manifest.json"
    if not path.exists():
        return False
    manifest = json.loads(path.read_text())
    names = {f"{b}-{k}-{s:g}" for b in BASES for k, s in VARIANTS}
    return (manifest.get("fingerprint") == fingerprint() and set(manifest["photos"]) == names
            and all((folder / f"{n}.rgba.gz").exists() for n in names))


def build_set(workers: int = 2) -> list[dict]:
    """The calibration set: one row per photo with its analysis copy (made once into the
    test media cache, tests/media/cache.py, for the generators' fingerprint) and its OCR
    verdict. OCR runs only for a stored copy whose SHA-256 is not in the committed cache
    (quality_calibration.json), so re-deriving thresholds or re-making the set unchanged
    reads nothing again; without tesseract a photo missing from the cache is an error."""
    data = load_verdicts()
    engine = ocr_engine()
    if engine is not None and data.get("ocr_engine") not in (None, engine):
        print(f"OCR engine changed ({data['ocr_engine']} -> {engine}): reading the set again",
              file=sys.stderr)
        data["ocr"] = {}
    def make(into: Path) -> None:
        manifest = {"fingerprint": fingerprint(), "photos": {}, "truth": {}}
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for made in pool.map(_make_base, BASES, [set(data["ocr"])] * len(BASES),
                                 [engine is not None] * len(BASES), [into] * len(BASES)):
                manifest["photos"].update(made["photos"])
                manifest["truth"][made["base"]] = {"nik": made["nik"], "words": made["words"]}
        (into / "manifest.json").write_text(json.dumps(manifest))

    folder = cache.complete_folder("quality-set", fingerprint(), make, valid=_complete)
    manifest = json.loads((folder / "manifest.json").read_text())
    for photo in manifest["photos"].values():
        side = ocr_folder() / f"{photo['sha256']}.json"
        if photo["sha256"] not in data["ocr"] and side.exists():
            data["ocr"][photo["sha256"]] = json.loads(side.read_text())
    missing = [n for n, p in manifest["photos"].items() if p["sha256"] not in data["ocr"]]
    if missing:
        raise SystemExit(f"no OCR verdict for {len(missing)} photos (e.g. {missing[0]}): run "
                         "with tesseract installed")
    from tests.media.ocr import recall

    rows: list[dict] = []
    sharp_recall = {}
    for name, photo in sorted(manifest["photos"].items()):
        truth = manifest["truth"][photo["base"]]
        read = set(data["ocr"][photo["sha256"]])
        row = {"name": name, **photo, "path": str(folder / f"{name}.rgba.gz"),
               "nik": truth["nik"] in read, "recall": round(recall(truth["words"], read), 4)}
        rows.append(row)
        if photo["kind"] == "sharp":
            sharp_recall[photo["base"]] = row["recall"]
    for row in rows:  # legible: the NIK exactly and 95 % of what the sharp original gives
        row["legible"] = bool(row["nik"] and row["recall"] >= 0.95 * sharp_recall[row["base"]])
    used = {p["sha256"] for p in manifest["photos"].values()}
    photos = {r["name"]: {k: r[k] for k in ("sha256", "nik", "recall", "legible")}
              for r in rows}
    if (data["ocr"].keys() != used or data.get("photos") != photos
            or (engine is not None and data.get("ocr_engine") != engine)):
        data["ocr"] = {k: v for k, v in data["ocr"].items() if k in used}
        data["photos"] = photos
        data["ocr_engine"] = engine or data.get("ocr_engine")
        _save(data)
    return rows


def _save(data: dict) -> None:
    """The cache, one line per photo, so a re-derivation's diff is readable."""
    lines = ["{"]
    for key in sorted(data):
        value = data[key]
        if key in ("ocr", "photos"):
            items = [f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)}"
                     for k, v in sorted(value.items())]
            lines.append(f" {json.dumps(key)}: {{\n" + ",\n".join(items) + "\n },")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, sort_keys=True)},")
    lines[-1] = lines[-1].rstrip(",")
    VERDICTS.write_text("\n".join(lines) + "\n}\n")


def run_check(rows: list[dict], thresholds: dict | None = None,
              measured: dict | None = None) -> dict:
    """quality.js's verdict on each photo, under node. With `measured` (an earlier answer
    for these photos) the photos are not measured again, only judged by these limits."""
    def image(r: dict) -> dict:
        sent = {"name": r["name"], "kind": kind_of(r["base"])}
        if measured is not None:
            return {**sent, "measures": measured[r["name"]]["measures"]}
        return {**sent, "path": r["path"], "width": r["width"], "height": r["height"]}

    request: dict = {"images": [image(r) for r in rows]}
    if thresholds is not None:
        request["thresholds"] = thresholds
    done = subprocess.run(["node", str(MEASURE_JS)], input=json.dumps(request), text=True,
                          capture_output=True, check=True, cwd=ROOT / "pwa")
    return json.loads(done.stdout)


def _flags(values: list[float], threshold: float, direction: str) -> list[bool]:
    if direction == "below, when known":
        return [0 < v < threshold for v in values]
    return [v < threshold if direction == "below" else v > threshold for v in values]


def derive(rows: list[dict], measures: dict) -> dict:
    """Each kind's limits (page, card), derived on its own photos."""
    return {kind: derive_one([r for r in rows if kind_of(r["base"]) == kind], measures)
            for kind in KINDS}


def derive_one(rows: list[dict], measures: dict) -> dict:
    """Thresholds flagging the most illegible photos with at most FALSE_FLAG_BUDGET of the
    legible ones flagged (then as few legible ones as may be): coordinate search over each
    limit's candidate gaps, three rounds."""
    legible = [r["legible"] for r in rows]
    n_legible = sum(legible)
    budget = int(FALSE_FLAG_BUDGET * n_legible)
    values = {f: [measures[r["name"]]["measures"][f] for r in rows] for f in FEATURES}
    candidates = {}
    for feature, (name, direction) in FEATURES.items():
        distinct = sorted(set(values[feature]))
        gaps = [(a + b) / 2 for a, b in zip(distinct, distinct[1:])]
        candidates[feature] = [OFF_ONE[name]] + gaps
    chosen = {f: OFF_ONE[FEATURES[f][0]] for f in FEATURES}

    def score(choice):
        flagged = [False] * len(rows)
        for f, t in choice.items():
            for i, hit in enumerate(_flags(values[f], t, FEATURES[f][1])):
                flagged[i] = flagged[i] or hit
        false = sum(1 for i, hit in enumerate(flagged) if hit and legible[i])
        caught = sum(1 for i, hit in enumerate(flagged) if hit and not legible[i])
        return (caught if false <= budget else -1, -false)

    for _ in range(3):
        for feature in FEATURES:
            off = OFF_ONE[FEATURES[feature][0]]
            scores = [score({**chosen, feature: t}) for t in candidates[feature]]
            top = max(scores)
            if scores[0] == top:  # the limit adds nothing: left off
                chosen[feature] = off
                continue
            # Of the limits that do equally well, the middle of the widest run of them (the
            # widest margin on both sides): not the first, which sits against the last
            # photo it spares and left the next limit no room (a local optimum).
            runs, run = [], []
            for t, sc in zip(candidates[feature][1:], scores[1:]):
                if sc == top:
                    run.append(t)
                elif run:
                    runs.append(run)
                    run = []
            runs.append(run)
            widest = max((r for r in runs if r), key=lambda r: r[-1] - r[0])
            chosen[feature] = (widest[0] + widest[-1]) / 2
    return {FEATURES[f][0]: round(t, 5) for f, t in chosen.items()}


def rates(rows: list[dict], verdicts: dict) -> dict:
    illegible = [r for r in rows if not r["legible"]]
    legible = [r for r in rows if r["legible"]]
    flagged = sum(1 for r in illegible if verdicts[r["name"]]["codes"])
    false = sum(1 for r in legible if verdicts[r["name"]]["codes"])
    return {"photos": len(rows), "illegible": len(illegible), "legible": len(legible),
            "flagged_illegible": flagged / max(1, len(illegible)),
            "flagged_legible": false / max(1, len(legible))}


def cross_validated(rows: list[dict], measured: dict | None = None) -> dict:
    """Rates on photos the thresholds were NOT derived from: for each base page, limits
    derived on the other pages, applied to this one (the honest estimate for a new photo).
    `measured`: run_check(rows, OFF), when the caller has it (a photo's measures do not
    depend on the limits)."""
    if measured is None:
        measured = run_check(rows, OFF)
    verdicts = {}
    for base in BASES:
        train = [r for r in rows if r["base"] != base]
        held = [r for r in rows if r["base"] == base]
        if not any(kind_of(r["base"]) == kind_of(base) for r in train):
            continue
        limits = derive(train, measured)
        verdicts.update(run_check(held, limits, measured))
    return rates(rows, verdicts)


def write_thresholds(thresholds: dict, measured: dict) -> None:
    lines = ["// Written by tests/media/calibrate_quality.py (do not edit by hand): the limits of",
             "// quality.js, derived from OCR verdicts on the calibration set. Re-derive with",
             "//   .venv/bin/python -m tests.media.calibrate_quality --write",
             f"// Measured on {measured['photos']} photos ({measured['illegible']} illegible): "
             f"{measured['flagged_illegible']:.3f} of the illegible flagged (goal >= "
             f"{GOAL_FLAGGED}),",
             f"// {measured['flagged_legible']:.3f} of the legible flagged (goal <= "
             f"{GOAL_FALSE}); derived on other pages (leave one page out): "
             f"{measured['cross_validated']['flagged_illegible']:.3f} and "
             f"{measured['cross_validated']['flagged_legible']:.3f}.",
             "export const THRESHOLDS = {"]
    for kind in KINDS:
        lines.append(f"  {kind}: {{")
        lines += [f"    {k}: {v}," for k, v in thresholds[kind].items()]
        lines.append("  },")
    lines.append("};")
    THRESHOLDS_JS.write_text("\n".join(lines) + "\n")


def report(rows: list[dict], verdicts: dict) -> str:
    out = []
    for r in rows:
        v = verdicts[r["name"]]
        m = v["measures"]
        out.append(f"{r['name']:<24} {'legible' if r['legible'] else 'ILLEGIBLE':<9} "
                   f"nik={'y' if r['nik'] else 'n'} recall={r['recall']:.2f} "
                   f"sharp={m['sharpness']:7.2f} bal={m['balance']:.2f} paper={m['paper']:3d} "
                   f"burnt={m['burnt']:.3f} glare={m['glare']:.3f} fill={m['fill']:.2f} "
                   f"pitch={m['pitch']:4.1f} "
                   f"-> {','.join(v['codes']) or 'ok'}")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="write the derived thresholds")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    rows = build_set(args.workers)
    measured = run_check(rows, OFF)
    thresholds = derive(rows, measured)
    verdicts = run_check(rows, thresholds, measured)
    print(report(rows, verdicts))
    result = rates(rows, verdicts)
    result["cross_validated"] = cross_validated(rows, measured)
    print(json.dumps({"thresholds": thresholds, **result}, indent=1))
    if args.write:
        write_thresholds(thresholds, result)
        data = load_verdicts()
        data["thresholds"] = thresholds
        data["measured"] = result
        _save(data)
        print(f"wrote {THRESHOLDS_JS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
