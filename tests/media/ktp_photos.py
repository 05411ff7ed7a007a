"""A synthetic KTP-el photographed on a desk (no real person's card, no copied artwork), for
the NIK pre-check's tests: the card's printed lines, the NIK among them, at a size tesseract
reads in seconds. `ktp_photo(rotation=...)` turns it, `blank_photo()` is paper with no text.
"""
from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.media.document_photos import FONT, FONT_BOLD, DocumentPhoto


def ktp_image(nik: str = "1174011705900001", name: str = "BUDI SANTOSO",
              born: str = "LANGSA, 17-05-1990", sex: str = "LAKI-LAKI",
              size: tuple[int, int] = (1600, 1100), blur: float = 0.6) -> Image.Image:
    width, height = size
    photo = Image.new("RGB", size, (92, 70, 52))
    card = Image.new("RGB", (int(width * 0.9), int(height * 0.86)), (214, 232, 246))
    draw = ImageDraw.Draw(card)
    px = max(18, card.width // 40)
    regular, bold = ImageFont.truetype(FONT, px), ImageFont.truetype(FONT_BOLD, int(px * 1.2))
    lines = [("PROVINSI ACEH", bold), ("KOTA LANGSA", bold), (f"NIK : {nik}", bold),
             (f"Nama : {name}", regular), (f"Tempat/Tgl Lahir : {born}", regular),
             (f"Jenis Kelamin : {sex}", regular), ("Alamat : JL. AHMAD YANI NO. 5", regular),
             ("Agama : ISLAM", regular), ("Kewarganegaraan : WNI", regular)]
    y = px
    for text, font in lines:
        draw.text((px, y), text, font=font, fill=(20, 20, 30))
        y += int(font.size * 1.7)
    draw.rectangle((card.width - 7 * px, 3 * px, card.width - px, 11 * px), fill=(170, 40, 40))
    photo.paste(card, (int(width * 0.05), int(height * 0.07)))
    return photo.filter(ImageFilter.GaussianBlur(blur))


def ktp_lines_words(nik: str, name: str, born: str, sex: str) -> list[str]:
    text = (f"PROVINSI ACEH KOTA LANGSA NIK {nik} Nama {name} Tempat/Tgl Lahir {born} "
            f"Jenis Kelamin {sex} Alamat JL. AHMAD YANI NO. 5 Agama ISLAM Kewarganegaraan WNI")
    return [w for w in text.replace(":", " ").split() if any(c.isalnum() for c in w)]


def ktp_document_photo(nik: str = "1174011705900001", name: str = "BUDI SANTOSO",
                       born: str = "LANGSA, 17-05-1990", sex: str = "LAKI-LAKI",
                       size: tuple[int, int] = (4000, 2750)) -> DocumentPhoto:
    """The card as a 12 MP phone photo (the calibration set's KTP), with its words."""
    image = ktp_image(nik, name, born, sex, size=size, blur=1.1)
    return DocumentPhoto(encode(image), nik, ktp_lines_words(nik, name, born, sex), size)


def encode(image: Image.Image, kind: str = "JPEG") -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 90} if kind == "JPEG" else {}))
    return out.getvalue()


def ktp_photo(rotation: int = 0, **kwargs) -> bytes:
    """JPEG bytes of the card, turned `rotation` degrees counter-clockwise."""
    image = ktp_image(**kwargs)
    return encode(image.rotate(rotation, expand=True) if rotation else image)


def ktp_pdf(**kwargs) -> bytes:
    """The card scanned into a one-page PDF (a JPEG inside, as scanner apps make them)."""
    out = io.BytesIO()
    ktp_image(**kwargs).save(out, "PDF", resolution=150)
    return out.getvalue()


def blank_photo() -> bytes:
    """A photo of blank paper on the desk: no text at all."""
    photo = Image.new("RGB", (1600, 1100), (92, 70, 52))
    photo.paste(Image.new("RGB", (1400, 900), (240, 238, 230)), (100, 100))
    return encode(photo.filter(ImageFilter.GaussianBlur(1)))
