"""The citizen PWA on a bad link and in several tabs (issue #6, tests 2, 3 and 5), in Debian's
Chromium on a phone-sized page:
- an upload on an emulated weak link (400 kbit/s, 400 ms) survives three forced disconnects
  and the server's file is the phone's, byte for byte;
- two tabs of the app on one phone never produce a duplicate (one application, one upload,
  each mutation applied once);
- a new service worker version waits for the citizen while a form is open, and the form's
  text is not lost.
"""
from __future__ import annotations

import gzip
import hashlib
import shutil

import pytest
from sqlalchemy import func, select

from server.applications.models import Application, ApplicationRequirement, Document
from server.audit.models import AuditEvent
from server.extensions import db
from server.uploads.models import Upload
from server.uploads.storage import storage_for
from tests.conftest import ROOT, dispose, make_app
from tests.e2e.conftest import LiveServer, screenshot
from tests.media.document_photos import scanned_pdf
from tests.e2e.pages import (
    PHOTO_READY_MS,
    READ_STORED_FILES, CitizenApp, in_background, new_phone, photo_file, prefetch, wait_for,
)

pytestmark = pytest.mark.e2e


def test_an_upload_on_a_weak_link_survives_three_disconnects(live_server, tmp_path, otp_log,
                                                             browser):
    # A scanned two-page PDF (1.7 MB, sent as it is), drawn while the app installs.
    pdf = in_background(("scanned_pdf", 2), lambda: scanned_pdf(pages=2))
    context, page = new_phone(browser)
    citizen = CitizenApp(page, live_server.url, otp_log)
    citizen.ready()
    application_id = citizen.start_application()

    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    # 400 kbit/s with 400 ms latency: a 100-200 KB photo takes several seconds to send.
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400, "downloadThroughput": 50_000,
        "uploadThroughput": 50_000})
    patches = []
    page.on("request", lambda r: r.method == "PATCH" and "/api/uploads/" in r.url
            and patches.append(r.url))

    # A scanned two-page PDF (1.7 MB, sent as it is): about half a minute on this link.
    page.locator('[data-task="doc-ktp"]').click()
    page.locator('[data-pick="file"] input').set_input_files(
        {"name": "ktp.pdf", "mimeType": "application/pdf", "buffer": pdf.result()})
    page.locator('[data-pages="1"]').wait_for(timeout=PHOTO_READY_MS)
    stored = page.evaluate(READ_STORED_FILES)
    (document_id, local), = stored.items()
    assert local["type"] == "application/pdf" and local["size"] > 1_000_000

    def offset():
        with live_server.app.app_context():
            db.session.expire_all()
            row = db.session.scalars(
                select(Upload).where(Upload.document_id == document_id)).first()
            return row.offset if row else None

    # Cut the link three times while bytes are flowing, each time after the server holds
    # more of the file than before: the client must resume, not start over.
    seen = 0
    for cut in range(3):
        wait_for(lambda: (offset() or 0) > seen, timeout=60, what=f"progress before cut {cut + 1}")
        seen = offset()
        context.set_offline(True)
        page.wait_for_timeout(1500)  # the outage's length, not a wait for a condition
        context.set_offline(False)
        assert offset() >= seen  # nothing the server had was thrown away
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})

    def ready():
        with live_server.app.app_context():
            db.session.expire_all()
            document = db.session.get(Document, document_id)
            return document is not None and document.status == "ready" and document
    wait_for(ready, timeout=90, what="the document to be ready on the server")
    with live_server.app.app_context():
        document = db.session.get(Document, document_id)
        upload = db.session.scalars(select(Upload).where(Upload.document_id == document_id)).one()
        with storage_for(live_server.app).open(upload.storage_name) as fh:
            data = fh.read()
        assert hashlib.sha256(data).hexdigest() == local["sha256"] == document.sha256
        assert len(data) == local["size"]

    def attached():
        with live_server.app.app_context():  # a new session: a fresh read snapshot
            return db.session.scalar(select(ApplicationRequirement.document_id).where(
                ApplicationRequirement.application_id == application_id,
                ApplicationRequirement.code == "ktp")) == document_id
    wait_for(attached, timeout=60, what="the attach, once the upload was done")
    assert len(patches) >= 2, patches  # resumed with new PATCHes, not one long request
    context.close()


def test_two_tabs_never_produce_a_duplicate(live_server, tmp_path, otp_log, browser):
    prefetch(31)
    context, first = new_phone(browser)
    citizen = CitizenApp(first, live_server.url, otp_log)
    citizen.ready()
    context.set_offline(True)
    application_id = citizen.start_application()
    first.locator('[data-task="data"]').click()
    first.locator("#field-full_name").fill("Siti Aminah")
    first.locator("#field-full_name").blur()
    first.get_by_text("Tersimpan di HP.", exact=True).wait_for()
    first.locator('[data-action="done"]').click()
    first.locator('[data-task="doc-ktp"]').click()
    first.locator('[data-pick="camera"] input').set_input_files(photo_file("ktp.jpg", 31))
    first.locator('[data-pages="1"]').wait_for(timeout=PHOTO_READY_MS)

    # A second tab on the same phone sees the same draft and edits it too.
    second = context.new_page()
    second.goto(f"{live_server.url}/#/permohonan/{application_id}/data")
    second.locator("#field-full_name").wait_for(timeout=15_000)
    assert second.locator("#field-full_name").input_value() == "Siti Aminah"
    second.locator("#field-address").fill("Jalan Teuku Umar Nomor 17, Langsa")
    second.locator("#field-address").blur()
    second.get_by_text("Tersimpan di HP.", exact=True).wait_for()

    context.set_offline(False)  # both tabs wake at once

    def settled():
        with live_server.app.app_context():
            db.session.expire_all()
            app = db.session.get(Application, application_id)
            row = app and db.session.get(ApplicationRequirement, (application_id, "ktp"))
            return bool(app and app.fields.get("address") and row and row.document_id)
    wait_for(settled, timeout=90, what="both tabs' work to reach the server")
    for page in (first, second):
        page.get_by_text("Semua sudah terkirim.").first.wait_for(timeout=30_000)

    with live_server.app.app_context():
        app = db.session.get(Application, application_id)
        assert app.fields["full_name"] == "Siti Aminah"
        assert db.session.scalar(select(func.count()).select_from(Application).where(
            Application.citizen_id == app.citizen_id)) == 1
        assert db.session.scalar(select(func.count()).select_from(Upload).where(
            Upload.citizen_id == app.citizen_id)) == 1
        assert db.session.scalar(select(func.count()).select_from(Document).where(
            Document.citizen_id == app.citizen_id)) == 1
        # Every applied change is journalled once with its client and mutation id: no
        # (client, mutation, action) may appear twice.
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action.like("sync.%"))).all()
        keys = [(e.details.get("client_id"), e.details.get("mutation_id"), e.action)
                for e in events if e.details.get("mutation_id") is not None]
        assert keys and len(keys) == len(set(keys)), keys
        creates = [e for e in events if e.action == "sync.application.create"
                   and not e.details.get("noop")]
        assert len(creates) == 1
    context.close()


@pytest.fixture
def own_dist_server(sqlite_databases, tmp_path):
    """The app serving a copy of pwa/dist, so the test can publish a new service worker."""
    dist = tmp_path / "dist"
    shutil.copytree(ROOT / "pwa" / "dist", dist)
    url = sqlite_databases.new()
    app = make_app(url, tmp_path / "instance", PWA_DIST_DIR=dist)
    with LiveServer(app) as server:
        server.dist = dist
        yield server
    dispose(app)
    sqlite_databases.drop(url)


def test_a_new_version_waits_while_a_form_is_open(own_dist_server, phone_page, otp_log):
    server, page = own_dist_server, phone_page
    citizen = CitizenApp(page, server.url, otp_log)
    citizen.ready()
    application_id = citizen.start_application()
    page.locator('[data-task="data"]').click()
    page.locator("#field-full_name").fill("Siti Ami")  # typing, not finished

    # A new release: the worker script changes on the server (with its compressed copy, as
    # the build writes it; the server prefers that copy).
    sw = server.dist / "sw.js"
    sw.write_text(sw.read_text() + "\n// release 2\n")
    (server.dist / "sw.js.br").unlink(missing_ok=True)
    (server.dist / "sw.js.gz").write_bytes(gzip.compress(sw.read_bytes()))
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.evaluate("window.beforeTheUpdate = true")  # a reload would take this marker away
    banner = page.locator(".update-banner")
    banner.wait_for(timeout=60_000)  # the worker's update check, on a loaded machine too
    assert "Versi baru tersedia" in banner.inner_text()
    # The new version is installed and waits: nothing switches (or reloads) until the tap.
    assert page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        return registration.waiting?.state === 'installed' && window.beforeTheUpdate === true
            && navigator.serviceWorker.controller !== null;
    }""")
    # Nothing reloaded under the citizen: the half-typed text is still in the field.
    assert page.locator("#field-full_name").input_value() == "Siti Ami"
    assert f"#/permohonan/{application_id}/data" in page.url
    screenshot(page, "citizen-update-waiting-360")

    page.locator("#field-full_name").fill("Siti Aminah")
    page.locator("#field-full_name").blur()
    page.get_by_text("Tersimpan di HP.", exact=True).wait_for()
    # Only the citizen's tap switches versions; the draft survives it.
    with page.expect_navigation():
        banner.get_by_role("button").click()
    page.locator("#field-full_name").wait_for(timeout=15_000)
    assert page.locator("#field-full_name").input_value() == "Siti Aminah"
    assert page.locator(".update-banner").count() == 0


def test_a_queued_change_can_be_taken_back_before_it_is_sent(live_server, tmp_path, otp_log,
                                                             browser):
    context, page = new_phone(browser)
    citizen = CitizenApp(page, live_server.url, otp_log)
    citizen.ready()
    context.set_offline(True)
    application_id = citizen.start_application()
    page.locator('[data-task="data"]').click()
    page.locator("#field-full_name").fill("Siti Aminah")
    page.locator("#field-full_name").blur()
    page.get_by_text("Tersimpan di HP.", exact=True).wait_for()
    page.locator("#field-address").fill("Alamat yang salah")
    page.locator("#field-address").blur()
    page.get_by_text("Tersimpan di HP.", exact=True).wait_for()

    page.goto(f"{live_server.url}/#/permohonan")
    queue = page.locator("[data-queue]")
    queue.wait_for(timeout=10_000)
    assert queue.locator('[data-queue-item="application.set_fields"]').count() == 2
    screenshot(page, "citizen-queue-offline-360")
    # Take the wrong address back: the change never leaves the phone.
    queue.locator('[data-queue-item="application.set_fields"]').nth(1).get_by_role(
        "button").click()
    wait_for(lambda: queue.locator('[data-queue-item="application.set_fields"]').count() == 1,
             timeout=10, what="the queue to shrink")
    page.goto(f"{live_server.url}/#/permohonan/{application_id}/data")
    assert page.locator("#field-address").input_value() == ""
    assert page.locator("#field-full_name").input_value() == "Siti Aminah"

    context.set_offline(False)

    def arrived():
        with live_server.app.app_context():
            db.session.expire_all()
            app = db.session.get(Application, application_id)
            return app is not None and app.fields.get("full_name") == "Siti Aminah" and app
    app = wait_for(arrived, timeout=60, what="the application on the server")
    assert "address" not in app.fields
    context.close()


def test_iphone_users_learn_how_to_add_the_app_to_the_home_screen(live_server, browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="id-ID",
        user_agent=("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
                    " (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"))
    page = context.new_page()
    page.goto(live_server.url + "/")
    hint = page.locator("[data-ios-hint]")
    hint.wait_for(timeout=15_000)
    assert "Tambahkan ke Layar Utama" in hint.inner_text()
    screenshot(page, "citizen-ios-hint-390")
    hint.get_by_role("button").click()
    assert hint.count() == 0
    page.reload()
    page.locator("[data-mpp-code]").first.wait_for(timeout=15_000)
    assert page.locator("[data-ios-hint]").count() == 0  # dismissed stays dismissed
    context.close()
