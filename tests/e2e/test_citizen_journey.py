"""Journey (1) of the citizen PWA, in Debian's Chromium on a phone-sized page: load online,
go offline, fill a whole application with two photos, close the browser (a persistent
profile, like a phone switched off), reopen it offline and find the draft and photos there,
then go online: it syncs by itself, with no reload and no tap, and the server holds the
application and the files byte for byte.
"""
from __future__ import annotations

import hashlib
import time

import pytest
from sqlalchemy import select

from server.applications.models import Application, ApplicationRequirement, Document
from server.extensions import db
from server.uploads.models import Upload
from server.uploads.storage import storage_for
from tests.e2e.conftest import CHROMIUM_ARGS, PHONE, chromium_path, screenshot
from tests.media.document_photos import kk_photo

pytestmark = pytest.mark.e2e

SERVICE = "langsa.dukcapil.kk-baru"
NIK = "1174014508900001"  # a woman born 1990-08-05, Langsa
PHONE_NUMBER = "0812 7000 1234"

# The phone's stored photos, read straight from IndexedDB (the engine's "blobs" store).
READ_STORED_FILES = """async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('sekali-datang-sync');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const rows = await new Promise((ok, fail) => {
    const r = db.transaction('blobs').objectStore('blobs').getAll();
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  db.close();
  const out = {};
  for (const row of rows) {
    const bytes = new Uint8Array(await row.file.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    out[row.documentId] = {
      sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join(''),
      size: bytes.length, type: row.file.type, pages: row.pages.length,
    };
  }
  return out;
}"""


def open_phone(playwright, profile_dir, *, offline: bool = False):
    context = playwright.chromium.launch_persistent_context(
        str(profile_dir), executable_path=chromium_path(), args=CHROMIUM_ARGS, viewport=PHONE,
        device_scale_factor=2, is_mobile=True, has_touch=True, locale="id-ID")
    context.set_offline(offline)
    page = context.pages[0] if context.pages else context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    return context, page


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def sign_in(page, otp_log):
    page.locator('a[data-nav="signin"]').click()
    page.locator("#signin-phone").fill(PHONE_NUMBER)
    page.get_by_role("button", name="Kirim kode").click()
    page.locator("#signin-code").wait_for()
    _, code = otp_log.wait_code()
    page.locator("#signin-code").fill(code)
    page.locator("form button[type=submit]").click()
    page.locator("#profile-title").wait_for(timeout=10_000)


def fill_kk_form(page) -> None:
    """Fill the KK-baru form on its screen, and wait until the phone says it is stored."""
    page.locator("#field-nik").fill(NIK)
    page.locator("#field-full_name").fill("Siti Aminah")
    page.locator("#field-reason").select_option("keluarga-baru")
    page.locator("#field-old_kk_number").fill("1174010101240009")
    page.locator("#field-address").fill("Jalan Teuku Umar Nomor 17, Gampong Jawa, Langsa Kota")
    page.locator("#field-member_count").fill("2")
    page.locator("#field-phone").fill(PHONE_NUMBER)
    page.locator("#field-phone").blur()
    page.get_by_text("Tersimpan di HP.").wait_for()


def photo_file(name: str, seed: int) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": kk_photo(seed=seed).jpeg}


def test_offline_application_survives_a_restart_and_syncs_by_itself(live_server, tmp_path,
                                                                    otp_log, playwright_driver):
    playwright = playwright_driver
    profile = tmp_path / "phone-profile"
    # 1. Online: the app installs its service worker, the citizen signs in and reads the
    #    service's standard (now cached for offline use).
    context, page = open_phone(playwright, profile)
    page.goto(live_server.url + "/")
    page.locator("[data-mpp-code]").first.wait_for(timeout=15_000)
    # (polled with evaluate: the app's CSP forbids the eval behind wait_for_function)
    wait_for(lambda: page.evaluate("navigator.serviceWorker.controller !== null"),
             timeout=15, what="the service worker to control the page")
    sign_in(page, otp_log)
    page.goto(f"{live_server.url}/#/layanan/{SERVICE}")
    page.locator("#service-title").wait_for(timeout=10_000)
    page.goto(live_server.url + "/#/")  # the MPP list is cached as well
    page.locator("[data-mpp-code]").first.wait_for()

    # 2. Offline from here on: start the application and fill every task.
    context.set_offline(True)
    page.goto(f"{live_server.url}/#/layanan/{SERVICE}")
    page.locator('[data-action="start"]').click()
    page.locator('[data-task="data"]').wait_for(timeout=10_000)
    application_id = page.url.rsplit("/", 1)[-1]
    screenshot(page, "citizen-application-tasks-offline-360")

    page.locator('[data-task="data"]').click()
    fill_kk_form(page)
    screenshot(page, "citizen-application-form-360")
    page.locator('[data-action="done"]').click()

    for code, seed in (("ktp", 11), ("kk_lama", 12)):
        page.locator(f'[data-task="doc-{code}"]').click()
        page.locator('[data-pick="camera"] input').set_input_files(photo_file(f"{code}.jpg", seed))
        page.locator('[data-pages="1"]').wait_for(timeout=20_000)
        if code == "kk_lama":
            screenshot(page, "citizen-document-capture-360")
        page.locator('[data-action="done"]').click()

    page.locator('[data-task="submit"]').click()
    page.locator('[data-action="submit"]:not([disabled])').click()
    page.locator('[data-task="data"]').wait_for()
    status_line = page.locator("[data-sync-status]").inner_text()
    assert "2 dokumen belum terkirim" in status_line, status_line
    assert "Tidak ada koneksi" in status_line, status_line
    screenshot(page, "citizen-application-queued-offline-360")
    stored = page.evaluate(READ_STORED_FILES)
    assert len(stored) == 2 and all(f["type"] == "image/webp" for f in stored.values()), stored
    assert all(f["size"] <= 300 * 1024 for f in stored.values()), stored
    with live_server.app.app_context():
        assert db.session.get(Application, application_id) is None  # nothing left the phone
    context.close()  # the phone is switched off

    # 3. Back on, still offline: the draft and both photos are there.
    context, page = open_phone(playwright, profile, offline=True)
    page.goto(f"{live_server.url}/#/permohonan/{application_id}")
    page.locator('[data-task="data"]').wait_for(timeout=15_000)
    assert page.locator('[data-task-state="queued"]').count() >= 2
    assert page.evaluate(READ_STORED_FILES) == stored
    page.locator('[data-task="doc-ktp"]').click()
    page.locator('[data-pages="1"] img').wait_for()
    page.locator('[data-action="done"]').click()
    page.locator('[data-task="data"]').wait_for()

    # 4. Online again: no reload, no tap. The engine sends everything by itself.
    context.set_offline(False)

    def submitted():
        with live_server.app.app_context():
            db.session.expire_all()
            app = db.session.get(Application, application_id)
            return app is not None and app.state == "submitted" and app

    wait_for(submitted, timeout=60, what="the application to reach the server, submitted")
    page.get_by_text("Semua sudah terkirim.").wait_for(timeout=30_000)
    page.locator('[data-state="submitted"]').wait_for(timeout=10_000)
    screenshot(page, "citizen-application-synced-360")

    with live_server.app.app_context():
        app = db.session.get(Application, application_id)
        assert app.reference and app.reference.startswith("LGS-")
        assert app.fields["nik"] == NIK and app.fields["member_count"] == 2
        rows = db.session.scalars(select(ApplicationRequirement).where(
            ApplicationRequirement.application_id == application_id)).all()
        by_code = {r.code: r.document_id for r in rows}
        storage = storage_for(live_server.app)
        for code in ("ktp", "kk_lama"):
            document = db.session.get(Document, by_code[code])
            assert document.status == "ready"
            assert document.sha256 == stored[document.id]["sha256"]
            upload = db.session.scalars(select(Upload).where(
                Upload.document_id == document.id)).one()
            with storage.open(upload.storage_name) as fh:
                assert hashlib.sha256(fh.read()).hexdigest() == stored[document.id]["sha256"]
    # Chromium logs each fetch the app tried while offline; those are expected here.
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    context.close()
