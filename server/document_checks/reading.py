"""Reading the NIK (and a KK's number) off a scan with tesseract: no Flask, no database.

`read_document(data, content_type)` never raises for bad input: a file that is not an image,
a blank page, a scan at any of the four rotations, a PDF (its first page: the text of a
born-digital PDF, else the largest image embedded in it, as a scanner app makes them), a huge
image: each ends as a `Reading` that says what was read or why nothing could be.
Only a missing tesseract raises (`OcrUnavailable`): the worker does not claim jobs then.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageOps

from sync.rules import nik_problem

from ..uploads.checks import MAX_IMAGE_PIXELS
from .models import READ, UNREADABLE

OCR_EDGE = 2400  # long edge handed to tesseract: a KK page's print stays legible
# What the uploads accept is what this reader reads (one limit): a stored image is never
# larger, and one that somehow is gets this clear refusal. Importing the uploads' checks also
# sets Pillow's own bomb limit (twice this), so the reader behaves the same in every process.
MAX_PIXELS = MAX_IMAGE_PIXELS
OCR_TIMEOUT = 120  # seconds, per rotation
ROTATIONS = (0, 90, 180, 270)
SIXTEEN = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
# Letters tesseract takes for digits inside a number ("1174O112O59OOOO3").
DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1",
                                  "i": "1", "Z": "2", "S": "5", "B": "8", "b": "6", "g": "9"})
NUMBERISH = re.compile(r"[0-9OoDIl|iZSBbg]{16,}")


class OcrUnavailable(RuntimeError):
    """tesseract (Debian's tesseract-ocr, with tesseract-ocr-ind) is not installed here."""


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


@dataclass
class Reading:
    outcome: str  # READ or UNREADABLE
    niks: list[str] = field(default_factory=list)
    kk_number: str | None = None
    rotation: int | None = None
    detail: str = ""


def _digits(text: str) -> str:
    """Fix the letter-for-digit confusions in runs that are mostly digits."""
    def fix(match: re.Match) -> str:
        run = match.group(0)
        digits = sum(c.isdigit() for c in run)
        return run.translate(DIGIT_LOOKALIKES) if digits >= len(run) * 0.6 else run
    return NUMBERISH.sub(fix, text)


def numbers_in(text: str, document_type: str) -> tuple[list[str], str | None]:
    """(NIKs, KK number) in OCR text. A KK's number is the one on a line with "No" and no
    "NIK" (printed "No. 1174..." at the top); on a KK without that label, the first number.
    NIKs: the numbers on lines naming "NIK", else every other 16-digit number."""
    labelled, kk, other = [], None, []
    for line in _digits(text).splitlines():
        found = SIXTEEN.findall(line.replace(" ", "")) or SIXTEEN.findall(line)
        if not found:
            continue
        upper = line.upper()
        if "NIK" in upper:
            labelled += found
        elif document_type == "kk" and kk is None and re.search(r"\bNO\b", upper):
            kk, found = found[0], found[1:]
            other += found
        else:
            other += found
    if document_type == "kk" and kk is None and other and not labelled:
        kk, other = other[0], other[1:]
    niks = labelled or other
    seen: list[str] = []
    for n in niks:
        if n not in seen and n != kk:
            seen.append(n)
    return seen, kk


def _plausible(niks: list[str], kk: str | None) -> bool:
    return any(nik_problem(n) is None for n in niks) or kk is not None


def _ocr(image: Image.Image) -> str:
    png = io.BytesIO()
    image.save(png, "PNG")
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", "ind+eng", "--psm", "4"],
                              input=png.getvalue(), capture_output=True, timeout=OCR_TIMEOUT)
    except FileNotFoundError:
        raise OcrUnavailable("tesseract is not installed") from None
    except subprocess.TimeoutExpired:
        return ""
    return done.stdout.decode("utf-8", "replace")


def _open_image(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow warns above MAX_PIXELS and refuses above twice it (a DecompressionBombError,
        # "could not be read" below); in between, this reader's own limit gives the message.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ValueError(f"{image.width}x{image.height} pixels is larger than this reader "
                             "takes")
        # A JPEG decodes at a fraction of its size at once (fast, and little memory).
        image.draft("RGB", (OCR_EDGE, OCR_EDGE))
        image = ImageOps.exif_transpose(image)
        image = image.convert("L")
    image.thumbnail((OCR_EDGE, OCR_EDGE), Image.LANCZOS)
    return image


def _first_pdf_page(data: bytes) -> tuple[str, Image.Image | None]:
    """(text, largest image) of a PDF's first page, by pypdf."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data)).pages[0]
    text = page.extract_text() or ""
    best, best_area = None, 0
    for embedded in page.images:
        try:
            image = embedded.image
        except Exception:  # an image pypdf cannot decode: try the others
            continue
        if image is not None and image.width * image.height > best_area:
            best, best_area = image, image.width * image.height
    if best is not None:
        best.thumbnail((OCR_EDGE, OCR_EDGE), Image.LANCZOS)
        best = best.convert("L")
    return text, best


def read_image(image: Image.Image, document_type: str) -> Reading:
    """Try the four rotations; the first at which a plausible number is read wins."""
    for rotation in ROTATIONS:
        turned = image.rotate(rotation, expand=True) if rotation else image
        niks, kk = numbers_in(_ocr(turned), document_type)
        if _plausible(niks, kk):
            return Reading(READ, niks, kk, rotation)
    return Reading(UNREADABLE, detail="no_number")


def read_document(data: bytes, content_type: str, document_type: str) -> Reading:
    if not tesseract_available():
        raise OcrUnavailable("tesseract is not installed")
    if content_type == "application/pdf" or data[:5] == b"%PDF-":
        try:
            text, image = _first_pdf_page(data)
        except Exception as exc:  # pypdf's errors on a broken PDF are many
            return Reading(UNREADABLE, detail=f"pdf_unreadable: {type(exc).__name__}")
        niks, kk = numbers_in(text, document_type)
        if _plausible(niks, kk):
            return Reading(READ, niks, kk, 0, detail="pdf_text")
        if image is None:
            return Reading(UNREADABLE, detail="pdf_no_image")
        return read_image(image, document_type)
    try:
        image = _open_image(data)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        why = (str(exc) if isinstance(exc, (ValueError, Image.DecompressionBombError))
               else type(exc).__name__)
        return Reading(UNREADABLE, detail=f"image_unreadable: {why}"[:200])
    return read_image(image, document_type)
