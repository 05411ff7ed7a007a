"""Reading numbers off scans (server/document_checks/reading.py) with Debian's tesseract, no
database: a KTP at each of the four rotations, a KK's number and NIK, a PDF, and the bad
input that must end as a clear "could not be read" (no text, not an image, a broken PDF, an
image that would decode to more pixels than the reader takes)."""
from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image

from server.document_checks.reading import numbers_in, read_document
from tests.media.document_photos import kk_photo
from tests.media.ktp_photos import blank_photo, ktp_pdf, ktp_photo

NIK = "1174011705900001"

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract is not installed (make test installs Debian's tesseract-ocr)")


@needs_tesseract
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_ktp_is_read_at_each_of_the_four_rotations(rotation):
    reading = read_document(ktp_photo(rotation), "image/jpeg", "ktp")
    assert (reading.outcome, reading.niks) == ("read", [NIK])
    assert (reading.rotation + rotation) % 360 == 0  # turned back upright


@needs_tesseract
def test_a_kk_gives_its_number_and_the_nik():
    photo = kk_photo(size=(2400, 1800), text_px=18)
    reading = read_document(photo.jpeg, "image/jpeg", "kk")
    assert reading.outcome == "read"
    assert reading.kk_number == "1174010101240009"
    assert photo.nik in reading.niks


@needs_tesseract
def test_a_pdf_is_read_from_its_first_page():
    reading = read_document(ktp_pdf(), "application/pdf", "ktp")
    assert (reading.outcome, reading.niks) == ("read", [NIK])


@needs_tesseract
@pytest.mark.parametrize("data, content_type, detail", [
    (blank_photo(), "image/jpeg", "no_number"),
    (b"this is not an image", "image/jpeg", "image_unreadable: UnidentifiedImageError"),
    (b"%PDF-1.4 broken", "application/pdf", "pdf_unreadable"),
])
def test_bad_input_could_not_be_read(data, content_type, detail):
    reading = read_document(data, content_type, "ktp")
    assert (reading.outcome, reading.niks, reading.kk_number) == ("unreadable", [], None)
    assert reading.detail.startswith(detail), reading.detail


@needs_tesseract
def test_an_image_too_large_to_decode_is_refused_before_decoding():
    png = io.BytesIO()
    Image.new("1", (5000, 4000), 1).save(png, "PNG")  # 20 MP, over the uploads' 16 MP
    reading = read_document(png.getvalue(), "image/png", "ktp")
    assert reading.outcome == "unreadable"
    assert "5000x4000 pixels is larger than this reader takes" in reading.detail
    png = io.BytesIO()
    Image.new("1", (12000, 11000), 1).save(png, "PNG")  # 132 MP, a few KB on disk
    reading = read_document(png.getvalue(), "image/png", "ktp")
    assert reading.outcome == "unreadable"  # Pillow's own bomb limit, before any decoding
    assert "132000000 pixels" in reading.detail and "exceeds limit" in reading.detail


def test_numbers_are_found_by_their_labels_and_lookalike_letters_fixed():
    text = "KARTU KELUARGA\nNo. 1174O10101240009\nNama : BUDI\nNIK 1174011205900003\n"
    assert numbers_in(text, "kk") == (["1174011205900003"], "1174010101240009")
    assert numbers_in("NIK : 1174 0117 0590 0001", "ktp") == ([NIK], None)
    assert numbers_in("no numbers here\n12345", "ktp") == ([], None)
    # a KK read without its labels: the first number is the card's
    assert numbers_in("1174010101240009\n1174011205900003", "kk") == (
        ["1174011205900003"], "1174010101240009")
