"""Signing in with a code, the profile, devices, export, erase and signing out, in Chromium
on a phone-sized page against the app served in-process."""
from __future__ import annotations

import datetime as dt
import re
import zipfile

from playwright.sync_api import expect
from sqlalchemy import select

from server.accounts import operations as ops
from server.accounts.models import Citizen, DeviceSession, utcnow
from server.extensions import db
from tests.e2e.conftest import screenshot, take_rejections
from tests.e2e.pages import NetworkQuiet

# A woman born 1990-08-05 (day + 40 = 45): province 11, regency 74, district 01.
VALID_NIK = "1174014508900001"
# Plausible, but its birth date (01-01-90) is not the one given.
MISMATCHED_NIK = "1174010101900001"


def open_home(page, live_server):
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    page.locator("[data-mpp-code]").first.wait_for(timeout=15_000)


def sign_in(page, otp_log, phone: str, *, shots: bool = False) -> str:
    """From the home screen to the profile; returns the masked phone the server showed."""
    page.locator('a[data-nav="signin"]').click()
    page.locator("#signin-phone").wait_for()
    assert "#/masuk" in page.url
    phone_input = page.locator("#signin-phone")
    assert phone_input.get_attribute("type") == "tel"
    assert phone_input.get_attribute("inputmode") == "tel"
    assert phone_input.get_attribute("autocomplete") == "tel"
    assert "SMS" in page.locator(".intro").inner_text()
    if shots:
        screenshot(page, "citizen-signin-360")

    phone_input.fill(phone)
    page.get_by_role("button", name="Kirim kode").click()
    code_input = page.locator("#signin-code")
    code_input.wait_for()
    assert code_input.get_attribute("inputmode") == "numeric"
    assert code_input.get_attribute("autocomplete") == "one-time-code"
    masked, code = otp_log.wait_code()
    assert "*" in masked
    assert masked in page.locator(".sent-to").inner_text()
    assert re.search(r"Kirim ulang kode dalam [01]:\d\d", page.locator(".countdown").inner_text())

    # A wrong code first: the server's message, in Indonesian, with the attempts left.
    wrong = str((int(code[0]) + 1) % 10) + code[1:]
    code_input.fill(wrong)
    page.locator("form button[type=submit]").click()
    error = page.locator("#signin-code-error")
    error.wait_for()
    assert "Kode salah" in error.inner_text()
    assert "Sisa percobaan: 4" in error.inner_text()
    take_rejections(page, 400)
    if shots:
        screenshot(page, "citizen-signin-code-360")

    code_input.fill(code)
    page.locator("form button[type=submit]").click()
    page.locator("#profile-title").wait_for(timeout=10_000)
    assert "#/profil" in page.url
    page.locator('[data-field="full_name"]').wait_for()
    return masked


def test_sign_in_profile_export_and_sign_out(live_server, phone_page, otp_log):
    page = phone_page
    open_home(page, live_server)
    assert page.locator('a[data-nav="profile"]').count() == 0
    masked = sign_in(page, otp_log, "0812 3456 7890", shots=True)
    assert masked == "+62812*****890"

    # Signed in: a new account, the header offers the profile.
    assert "Selamat datang" in page.locator(".flash").inner_text()
    assert page.locator('a[data-nav="profile"]').is_visible()
    assert page.locator('a[data-nav="signin"]').count() == 0

    # A NIK that does not match the birth date: refused, the server's message by the field.
    page.locator("#field-full_name").fill("Siti Aminah")
    page.locator("#field-birth_place").fill("Langsa")
    page.locator("#field-birth_date").fill("1990-08-05")
    page.locator("label.choice", has_text="Perempuan").click()
    page.locator("#field-nik").fill(MISMATCHED_NIK)
    page.get_by_role("button", name="Simpan").click()
    nik_error = page.locator("#field-nik-error")
    nik_error.wait_for()
    assert "Tanggal lahir pada NIK tidak sama" in nik_error.inner_text()
    assert page.locator("#field-nik").get_attribute("aria-invalid") == "true"
    take_rejections(page, 400)
    # The message follows the UI language.
    page.locator(".lang-switch").click()
    assert "birth date encoded in the NIK differs" in nik_error.inner_text()
    screenshot(page, "citizen-profile-nik-error-en-360")
    page.locator(".lang-switch").click()
    assert "Tanggal lahir pada NIK tidak sama" in nik_error.inner_text()

    # A NIK that is too short never reaches the server.
    page.locator("#field-nik").fill("11740145")
    page.get_by_role("button", name="Simpan").click()
    assert "NIK harus 16 angka" in nik_error.inner_text()

    # The right NIK: saved.
    page.locator("#field-nik").fill(VALID_NIK)
    page.get_by_role("button", name="Simpan").click()
    page.locator(".status-ok", has_text="Profil tersimpan").wait_for()
    assert page.locator("#field-nik-error").count() == 0
    with live_server.app.app_context():
        citizen = db.session.scalar(select(Citizen).where(Citizen.phone == "+6281234567890"))
        assert (citizen.full_name, citizen.nik, citizen.sex) == ("Siti Aminah", VALID_NIK, "P")
        assert citizen.birth_date == dt.date(1990, 8, 5)
        # Another phone signed in to the same account, and an officer verified the NIK.
        ops.issue_session(db.session, now=utcnow(), citizen=citizen, lifetime=dt.timedelta(days=1),
                          device_name="Firefox · Windows")
        citizen.verified_keys = ["nik"]
        db.session.commit()

    # After a reload (the token comes back from IndexedDB): the saved values, the NIK
    # read-only and marked verified, both devices.
    page.reload()
    page.locator('[data-field="full_name"]').wait_for(timeout=10_000)
    assert page.locator("#field-full_name").input_value() == "Siti Aminah"
    assert page.locator("#field-birth_date").input_value() == "1990-08-05"
    assert page.locator('input[name="sex"][value="P"]').is_checked()
    nik = page.locator('[data-field="nik"]')
    assert page.locator("#field-nik").count() == 0
    assert VALID_NIK in nik.inner_text() and "Terverifikasi" in nik.inner_text()
    devices = page.locator("li.device")
    devices.nth(1).wait_for()
    assert devices.count() == 2
    assert "Perangkat ini" in devices.first.inner_text()
    assert "Chrome" in devices.first.inner_text()
    screenshot(page, "citizen-profile-360")

    # Remove the other device.
    other = page.locator("li.device", has_text="Firefox · Windows")
    other.get_by_role("button", name="Keluarkan Firefox · Windows").click()
    page.locator(".status-ok", has_text="sudah dikeluarkan").wait_for()
    assert devices.count() == 1
    with live_server.app.app_context():
        sessions = db.session.scalars(select(DeviceSession).where(
            DeviceSession.device_name == "Firefox · Windows")).all()
        assert len(sessions) == 1 and sessions[0].revoked_at is not None

    # Export: a zip download.
    with page.expect_download() as download_info:
        page.locator('[data-action="export"]').click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    assert zipfile.is_zipfile(download.path())
    page.locator(".status-ok", has_text=download.suggested_filename).wait_for()

    # Sign out: back home, the sign-in link again, and still signed out after a reload.
    page.locator('[data-action="sign-out"]').click()
    page.locator('a[data-nav="signin"]').wait_for()
    assert "Anda sudah keluar" in page.locator(".flash").inner_text()
    page.locator("[data-mpp-code]").first.wait_for()
    page.reload()
    page.locator('a[data-nav="signin"]').wait_for()
    assert page.locator('a[data-nav="profile"]').count() == 0
    screenshot(page, "citizen-signed-out-360")
    assert page.console_errors == []


def test_a_session_ended_elsewhere_asks_to_sign_in_again(live_server, phone_page, otp_log):
    page = phone_page
    open_home(page, live_server)
    page.locator('[data-mpp-code="langsa"]').click()  # remembered on the phone
    page.locator('a[data-nav="signin"]').wait_for()
    settled = NetworkQuiet(page)
    sign_in(page, otp_log, "0813 1111 2222")
    # Ended once the app is done with the sign-in's own requests (its pulls): one of them
    # meeting the ended session would show the notice before the reload, which clears it.
    settled.wait()

    with live_server.app.app_context():
        for session in db.session.scalars(select(DeviceSession)).all():
            session.revoked_at = utcnow()
        db.session.commit()

    page.reload()
    flash = page.locator(".flash")
    flash.wait_for(timeout=10_000)
    assert "Perangkat ini sudah dikeluarkan" in flash.inner_text()
    assert page.locator("#signin-phone").is_visible()
    assert page.locator('a[data-nav="signin"]').is_visible()
    # Only the token went: what else the app keeps on the phone is still there.
    assert page.evaluate("localStorage.getItem('sd.mpp')") == "langsa"
    # GET /api/me and /api/me/devices went out together, as did the app's own account check
    # (GET /api/me) and the sync engine's first pull and push; the later ones may be cut short
    # once the first 401 ends the session.
    take_rejections(page, 401, count=1, at_most=5)
    assert page.console_errors == []


def test_erasing_my_data_needs_the_word_hapus(live_server, phone_page, otp_log):
    page = phone_page
    open_home(page, live_server)
    sign_in(page, otp_log, "0857 2222 3333")
    token = page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('sekali-datang');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const get = open.result.transaction('session').objectStore('session').get('token');
            get.onsuccess = () => resolve(get.result);
        };
    })""")
    assert token.startswith("sd_")

    page.locator('[data-action="erase"]').click()
    confirm = page.locator("#erase-confirm")
    expect(confirm).to_be_focused()  # by an effect after the next frame, not at the click
    confirm.fill("hapus saja")
    page.get_by_role("button", name="Hapus permanen").click()
    assert "Ketik HAPUS" in page.locator("#erase-status").inner_text()
    screenshot(page, "citizen-erase-confirm-360")
    confirm.fill("HAPUS")
    page.get_by_role("button", name="Hapus permanen").click()

    page.locator('a[data-nav="signin"]').wait_for()
    assert "sudah dihapus" in page.locator(".flash").inner_text()
    answer = page.request.get(live_server.url + "/api/me",
                              headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 401
    with live_server.app.app_context():
        citizen = db.session.scalar(select(Citizen).where(Citizen.erased_at.is_not(None)))
        assert citizen is not None
    assert page.console_errors == []
