"""Journey (1) of the citizen PWA, in Debian's Chromium on a phone-sized page: load online,
go offline, fill a whole application with two photos, close the browser (a persistent
profile, like a phone switched off), reopen it offline and find the draft and photos there,
then go online: it syncs by itself, with no reload and no tap, and the server holds the
application and the files byte for byte.
"""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from server.applications.models import Application, ApplicationRequirement, Document
from server.extensions import db
from server.uploads.models import Upload
from server.uploads.storage import storage_for
from tests.e2e.conftest import screenshot
from tests.e2e.pages import (
    NIK, READ_STORED_FILES, CitizenApp, open_phone, prefetch, wait_for,
)

pytestmark = pytest.mark.e2e

def test_offline_application_survives_a_restart_and_syncs_by_itself(live_server, tmp_path,
                                                                    otp_log, playwright_driver):
    playwright = playwright_driver
    profile = tmp_path / "phone-profile"
    prefetch(11, 12)  # the two photos, drawn while the app installs
    # 1. Online: the app installs its service worker, the citizen signs in and reads the
    #    service's standard (now cached for offline use).
    context, page = open_phone(playwright, profile)
    citizen = CitizenApp(page, live_server.url, otp_log)
    citizen.ready()
    page.goto(live_server.url + "/#/")  # the MPP list is cached as well
    page.locator("[data-mpp-code]").first.wait_for()

    # 2. Offline from here on: start the application and fill every task.
    context.set_offline(True)
    application_id = citizen.start_application()
    screenshot(page, "citizen-application-tasks-offline-360")

    page.locator('[data-task="data"]').click()
    citizen.fill_kk_form()
    screenshot(page, "citizen-application-form-360")
    page.locator('[data-action="done"]').click()

    citizen.add_photo("ktp", 11)
    citizen.add_photo("kk_lama", 12,
                      before_done=lambda p: screenshot(p, "citizen-document-capture-360"))
    citizen.submit()
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
