"""Draw the Sekali Datang icon: one geometry, written as SVG and rendered as PNG.

Original artwork: a stylised public building (pediment, four columns, steps) with a
check-mark badge ("done in one visit"). Run from pwa/ with a Python that has Pillow:

    /work/main/.venv/bin/python scripts/make_icons.py

The outputs in public/icons/ are committed, so `npm run build` never needs Pillow.
"""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "public" / "icons"
GREEN = "#0b5d3b"
WHITE = "#ffffff"
AMBER = "#f5b700"
INK = "#0b3d27"

# All coordinates on a 512 x 512 canvas.
ROOF = [(96, 200), (256, 104), (416, 200)]
RECTS = [
    (112, 204, 400, 228),  # architrave
    (130, 240, 166, 356),  # columns
    (194, 240, 230, 356),
    (258, 240, 294, 356),
    (322, 240, 358, 356),
    (104, 368, 408, 392),  # steps
    (84, 400, 428, 424),
]
BADGE_C, BADGE_R, BADGE_RING = (372, 364), 80, 14
CHECK = [(-38, 2), (-12, 28), (38, -24)]
CHECK_W = 22
CORNER = 104  # rounded corner of the non-maskable icon
MASKABLE_SCALE = 0.8  # keeps everything inside the 40 % safe-zone circle


def _check_points():
    cx, cy = BADGE_C
    return [(cx + dx, cy + dy) for dx, dy in CHECK]


def svg() -> str:
    cx, cy = BADGE_C
    rects = "".join(
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}"/>' for x0, y0, x1, y1 in RECTS
    )
    roof = " ".join(f"{x},{y}" for x, y in ROOF)
    check = " ".join(f"{x},{y}" for x, y in _check_points())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" rx="{CORNER}" fill="{GREEN}"/>'
        f'<g fill="{WHITE}"><polygon points="{roof}"/>{rects}</g>'
        f'<circle cx="{cx}" cy="{cy}" r="{BADGE_R + BADGE_RING}" fill="{GREEN}"/>'
        f'<circle cx="{cx}" cy="{cy}" r="{BADGE_R}" fill="{AMBER}"/>'
        f'<polyline points="{check}" fill="none" stroke="{INK}" stroke-width="{CHECK_W}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
        "</svg>\n"
    )


def render(size: int, maskable: bool) -> Image.Image:
    ss = 4  # supersample, then downscale for smooth edges
    big = size * ss
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    k = big / 512
    if maskable:
        d.rectangle((0, 0, big, big), fill=GREEN)
        scale = k * MASKABLE_SCALE
        off = big * (1 - MASKABLE_SCALE) / 2
    else:
        d.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER * k, fill=GREEN)
        scale, off = k, 0

    def p(x, y):
        return (off + x * scale, off + y * scale)

    d.polygon([p(x, y) for x, y in ROOF], fill=WHITE)
    for x0, y0, x1, y1 in RECTS:
        d.rectangle((*p(x0, y0), *p(x1, y1)), fill=WHITE)
    cx, cy = p(*BADGE_C)
    for r, colour in ((BADGE_R + BADGE_RING, GREEN), (BADGE_R, AMBER)):
        d.ellipse((cx - r * scale, cy - r * scale, cx + r * scale, cy + r * scale), fill=colour)
    pts = [p(x, y) for x, y in _check_points()]
    w = CHECK_W * scale
    d.line(pts, fill=INK, width=round(w), joint="curve")
    for x, y in (pts[0], pts[-1]):  # round caps
        d.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=INK)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.svg").write_text(svg(), encoding="utf-8")
    outputs = {
        "icon-192.png": (192, False),
        "icon-512.png": (512, False),
        "icon-maskable-512.png": (512, True),
        "apple-touch-icon.png": (180, True),  # iOS rounds corners itself: full bleed
    }
    for name, (size, maskable) in outputs.items():
        img = render(size, maskable)
        if maskable:
            img = img.convert("RGB")  # opaque, as maskable and apple-touch icons should be
        # A 64-colour palette keeps the anti-aliased edges and shrinks the files a lot.
        img = img.quantize(colors=64, method=Image.Quantize.FASTOCTREE)
        img.save(OUT / name, optimize=True)
        print(name, (OUT / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
