"""OCR of a document photo with Debian's tesseract, shared by the legibility browser test
(tests/e2e/test_capture_legibility.py) and the quality calibration
(tests/media/calibrate_quality.py): the words read, and how many of the printed ones."""
from __future__ import annotations

import io
import subprocess

from PIL import Image


def ocr_words(image_bytes: bytes) -> set[str]:
    # Tesseract gets a lossless PNG of exactly the pixels the compressed file decodes to.
    png = io.BytesIO()
    Image.open(io.BytesIO(image_bytes)).convert("RGB").save(png, "PNG")
    text = subprocess.run(["tesseract", "stdin", "stdout", "-l", "ind+eng", "--psm", "4"],
                          input=png.getvalue(), capture_output=True, check=True).stdout
    return set(text.decode("utf-8", "replace").replace(":", " ").split())


def recall(words: list[str], read: set[str]) -> float:
    return sum(1 for w in words if w in read) / len(words)
