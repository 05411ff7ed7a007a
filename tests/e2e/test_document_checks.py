"""Issue #19 in Debian's Chromium: right the first time.

On the phone (the capture screen's quality check, pwa/src/capture/quality.js): a blurred
photo of the old KK is not stored at once; the citizen reads what is wrong and how to fix
it ("Foto buram: ...") and keeps it anyway with one tap; then retakes it sharp, which is
stored without a word. On the server: the NIK check worker (server/document_checks) reads
the sent KTP and KK with tesseract; the officer's review shows the KK's NIK matching the form
and the KTP, another person's card, not matching, with both numbers; the citizen's phone
says so on the KTP's screen after its next sync, before any officer decided anything.
"""
from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image, ImageFilter

from tests.document_checks.world import drain
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import record_console_errors, screenshot
from tests.e2e.pages import (
    PHOTO_READY_MS,
    NIK, CitizenApp, OfficerConsole, application_state, in_background, make_officer, wait_for,
)
from tests.media.document_photos import kk_photo
from tests.media.ktp_photos import ktp_photo

pytestmark = pytest.mark.e2e

OTHER_NIK = "1174011705900001"  # on another person's KTP (a man born 17 May 1990)


def blurred(jpeg: bytes, radius: float = 6) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).filter(ImageFilter.GaussianBlur(radius)).save(
        out, "JPEG", quality=90)
    return out.getvalue()


def test_a_blurred_photo_is_warned_kept_by_choice_and_the_officer_sees_the_nik_check(
        live_server, browser, phone_page, otp_log):
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (make test installs Debian's tesseract-ocr)")
    app, url = live_server.app, live_server.url
    # The two photos, drawn while the citizen signs in and fills the form.
    ktp_jpeg = in_background(("ktp", OTHER_NIK), lambda: ktp_photo(
        nik=OTHER_NIK, size=(4000, 2750), blur=1.1))
    sharp = in_background(("kk-nik", NIK), lambda: kk_photo(nik=NIK))
    # (one drawing thread: the sharp photo is done when its blurred copy is made)
    blurred_kk = in_background(("kk-nik-blurred", NIK), lambda: blurred(sharp.result().jpeg))
    page = phone_page
    citizen = CitizenApp(page, url, otp_log)
    citizen.open()
    citizen.sign_in()
    application_id = citizen.start_application()
    citizen.fill_form()

    # The KTP: another person's card, sharp: stored without a word.
    page.locator('[data-task="doc-ktp"]').click()
    page.locator('[data-pick="camera"] input').set_input_files(
        {"name": "ktp.jpg", "mimeType": "image/jpeg",
         "buffer": ktp_jpeg.result()})
    page.locator('[data-pages="1"]').wait_for(timeout=PHOTO_READY_MS)
    assert page.locator("[data-quality-warning]").count() == 0
    # Online, it is sent at once: the photo just taken stays on the screen beside "sent"
    # (it used to vanish a moment after it appeared), and a page can still be added.
    page.locator("[data-sent]").wait_for(timeout=30_000)
    assert page.locator('[data-pages="1"] img').count() == 1
    assert page.locator('[data-pick="add-page"]').count() == 1
    page.locator('[data-action="done"]').click()

    # The old KK, blurred: warned, nothing stored yet.
    sharp_kk = sharp.result()
    page.locator('[data-task="doc-kk_lama"]').click()
    page.locator('[data-pick="camera"] input').set_input_files(
        {"name": "kk.jpg", "mimeType": "image/jpeg", "buffer": blurred_kk.result()})
    warning = page.locator("[data-quality-warning]")
    warning.wait_for(timeout=20_000)
    assert "blurry" in warning.get_attribute("data-quality-warning").split()
    assert "Foto buram: pegang HP lebih diam, dekatkan ke dokumen" in warning.inner_text()
    assert page.locator("[data-pages]").count() == 0
    assert_accessible(page, "capture quality warning")
    screenshot(page, "capture-quality-warning")
    # Kept by choice: one tap.
    page.locator('[data-action="keep-photo"]').click()
    page.locator('[data-pages="1"]').wait_for(timeout=PHOTO_READY_MS)
    assert warning.count() == 0
    # Then retaken sharp: stored silently in its place.
    kept = page.locator(".page-meta").inner_text()  # "Halaman 1 · N KB"
    page.locator('[data-pick="camera"] input').set_input_files(
        {"name": "kk.jpg", "mimeType": "image/jpeg", "buffer": sharp_kk.jpeg})
    wait_for(lambda: page.locator(".page-meta").inner_text() != kept, timeout=20,
             what="the sharp photo in the blurred one's place")
    assert warning.count() == 0
    assert page.locator('[data-pages="1"]').count() == 1
    page.locator('[data-action="done"]').click()
    citizen.submit()
    page.get_by_text("Semua sudah terkirim.").wait_for(timeout=60_000)
    wait_for(lambda: application_state(app, application_id) == "submitted", what="submitted")

    # The worker (another process in production: `flask document-checks worker`).
    with app.app_context():
        counts = drain(app)
    assert counts["read"] == 2, counts

    # The officer sees the match and the mismatch, as advice.
    make_officer(app, "dewi.dukcapil", "Dewi Sartika")
    tablet = browser.new_context(viewport={"width": 1024, "height": 768}, locale="id-ID")
    officer_page = record_console_errors(tablet.new_page())
    console = OfficerConsole(officer_page, url)
    console.sign_in("dewi.dukcapil")
    console.open_application(application_id)
    ktp = officer_page.locator('[data-requirement="ktp"] [data-nik-check]')
    kk = officer_page.locator('[data-requirement="kk_lama"] [data-nik-check]')
    assert ktp.get_attribute("data-nik-check") == "mismatch"
    assert f"scan: {OTHER_NIK}, formulir: {NIK}" in ktp.inner_text()
    assert kk.get_attribute("data-nik-check") == "match"
    assert NIK in kk.inner_text()
    assert "saran, bukan keputusan" in kk.inner_text()
    assert_accessible(officer_page, "review with NIK checks")
    officer_page.locator('[data-requirement="ktp"]').scroll_into_view_if_needed()
    screenshot(officer_page, "review-nik-check")
    tablet.close()

    # The citizen's phone says so on the KTP's screen after its next sync.
    page.reload()
    page.locator('[data-task="doc-ktp"]').click()
    notice = page.locator('[data-nik-notice="mismatch"]')
    notice.wait_for(timeout=30_000)
    assert f"({OTHER_NIK}) tidak sama dengan NIK di formulir ({NIK})" in notice.inner_text()
    screenshot(page, "capture-nik-notice")
