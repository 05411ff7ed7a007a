"""Synthetic photos of Indonesian documents, made by the tests themselves (no real person's
papers, no copied assets): a printed page lying on a desk, photographed at 12 MP with a
little blur, uneven light and sensor noise, so that compression has real work to do.

`ground_truth` lists the words printed, for an OCR legibility check.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass
from statistics import NormalDist

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@dataclass
class DocumentPhoto:
    jpeg: bytes
    nik: str
    words: list[str]
    size: tuple[int, int]


KK_LINES = [
    ("KARTU KELUARGA", True),
    ("No. {kk}", True),
    ("Nama Kepala Keluarga : {name}", False),
    ("Alamat : Jalan Teuku Umar Nomor 17", False),
    ("RT/RW : 002/004   Desa/Kelurahan : Gampong Jawa", False),
    ("Kecamatan : Langsa Kota   Kabupaten/Kota : Langsa", False),
    ("Provinsi : Aceh   Kode Pos : 24411", False),
    ("NIK {nik}", True),
    ("Tempat Lahir : Langsa   Tanggal Lahir : 12-05-1990", False),
    ("Jenis Kelamin : Laki-laki   Agama : Islam", False),
    ("Pendidikan : Diploma IV/Strata I", False),
    ("Jenis Pekerjaan : Karyawan Swasta", False),
    ("Status Perkawinan : Kawin   Hubungan : Kepala Keluarga", False),
    ("Kewarganegaraan : WNI", False),
    ("Dikeluarkan Tanggal : 03-08-2024", False),
]


def gaussian_noise(size: tuple[int, int], sigma: float, seed: int) -> Image.Image:
    """Grey noise around 128 with spread `sigma`, the same for the same seed in any process.
    (Pillow's `Image.effect_noise` draws from the C library's unseeded `rand()`: a photo made
    after another one in the same process differed, so the calibration set did not
    reproduce.) Uniform random bytes mapped through the normal distribution's quantiles."""
    lut = [max(0, min(255, round(128 + sigma * NormalDist().inv_cdf((v + 0.5) / 256))))
           for v in range(256)]
    raw = random.Random(seed).randbytes(size[0] * size[1])
    return Image.frombytes("L", size, raw).point(lut)


def kk_photo(seed: int = 7, size: tuple[int, int] = (4000, 3000), text_px: int = 30,
             nik: str = "1174011205900003", kk: str = "1174010101240009",
             name: str = "MUHAMMAD RIZKI SAPUTRA") -> DocumentPhoto:
    """A KK page photographed on a desk. `text_px` is the printed text's height in the
    photo: 30 px at 12 MP is a KK page (A4 landscape, 2.5 mm print) filling the frame."""
    rng = random.Random(seed)
    width, height = size
    photo = Image.new("RGB", size, (92, 70, 52))  # a wooden desk
    paper_box = (int(width * 0.07), int(height * 0.06), int(width * 0.93), int(height * 0.95))
    page = Image.new("RGB", (paper_box[2] - paper_box[0], paper_box[3] - paper_box[1]),
                     (246, 243, 232))
    draw = ImageDraw.Draw(page)
    regular = ImageFont.truetype(FONT, text_px)
    bold = ImageFont.truetype(FONT_BOLD, int(text_px * 1.15))
    y = int(text_px * 1.5)
    words: list[str] = []
    for template, is_bold in KK_LINES:
        line = template.format(nik=nik, kk=kk, name=name)
        font = bold if is_bold else regular
        draw.text((int(text_px * 1.5), y), line, font=font, fill=(28, 28, 36))
        words += [w for w in line.replace(":", " ").split() if any(c.isalnum() for c in w)]
        y += int(font.size * 1.9)
    # A table rule and a stamp-like circle, as on a real KK.
    draw.line((text_px, y, page.width - text_px, y), fill=(40, 40, 40), width=4)
    draw.ellipse((page.width - 900, y - 700, page.width - 350, y - 150), outline=(60, 80, 170),
                 width=10)
    photo.paste(page.rotate(rng.uniform(-1.2, 1.2), resample=Image.BICUBIC, expand=False,
                            fillcolor=(92, 70, 52)), paper_box[:2])
    # Uneven light: darker towards one corner.
    shade = Image.linear_gradient("L").resize(size).rotate(35).point(lambda v: 255 - v // 5)
    photo = Image.composite(photo, Image.new("RGB", size, (0, 0, 0)), shade)
    photo = photo.filter(ImageFilter.GaussianBlur(1.1))
    # Texture that survives shrinking (wood grain, paper fibre, sensor blotches at a few
    # pixels' scale), then fine sensor noise: a real photo is never flat.
    grain = gaussian_noise((width // 4, height // 4), 60, seed).resize(size, Image.BICUBIC)
    photo = Image.blend(photo, grain.convert("RGB"), 0.10)
    noise = gaussian_noise(size, 40, seed + 1).convert("RGB")
    photo = Image.blend(photo, noise, 0.12)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=92)
    return DocumentPhoto(out.getvalue(), nik, words, size)


def scanned_pdf(pages: int = 3, seed: int = 5) -> bytes:
    """A multi-page PDF as a scanner app makes it: each page a JPEG of a photographed KK
    page (about 0.4-0.5 MB a page), so an upload of it takes a while on a weak link."""
    images = []
    for n in range(pages):
        photo = Image.open(io.BytesIO(kk_photo(seed=seed + n, size=(2000, 1500)).jpeg))
        images.append(photo.convert("RGB"))
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=150,
                   quality=90)
    return out.getvalue()
