"""Issue #18 in Debian's Chromium on a 1024x768 tablet: a dukcapil officer at the counter
serves a walk-in number from the kiosk and, from the counter screen, starts a KK
application for that citizen, who came without the app. A NIK that disagrees with
the birth date is refused next to the field and nothing is made; then the citizen is
identified by the code sent to their phone, the form is filled with them, the KTP and the
old KK are photographed with the tablet's camera (the PWA's quality check, compressor and
tus upload), and the application is submitted, reviewed, made ready and completed at the
visit screen like any other. axe-core on each new screen; a screenshot as a test artifact.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.applications.models import Application, Document
from server.extensions import db
from server.walk_in.models import WalkIn
from tests.api.conftest import Callers
from tests.api.queue_floor import FloorWorld
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import record_console_errors, screenshot, take_rejections
from tests.e2e.pages import (
    NIK, PHONE_NUMBER, SERVICE, CounterScreen, OfficerConsole, WalkInScreen, application_state,
    make_officer, photo_file,
)

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}
KTP_TITLE = "KTP-el kepala keluarga"  # the ktp requirement of dukcapil.kk-baru
KK_TITLE = "KK asal"  # the kk_lama requirement


def rows(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m))
                     for m in (Application, Document, WalkIn))


def test_officer_makes_a_walk_in_application_with_two_photos_and_completes_it(
        live_server, browser, otp_log):
    app, url = live_server.app, live_server.url
    make_officer(app, "rina.loket", "Rina Marlina")
    context = browser.new_context(viewport=TABLET, device_scale_factor=1, has_touch=True,
                                  locale="id-ID")
    page = record_console_errors(context.new_page())
    console = OfficerConsole(page, url)
    console.sign_in("rina.loket")
    # The citizen took a walk-in number at the kiosk; served at the counter with no
    # application, the counter offers to start one for the ticket's service.
    floor = FloorWorld(app, app.test_client(), Callers(app), app.test_cli_runner())
    assert floor.walk_in(SERVICE).status_code == 201
    counter = CounterScreen(page, url)
    counter.open("loket-2")
    counter.call_next()
    counter.serve()
    page.locator("[data-start-walk-in]").click()
    walk_in = WalkInScreen(page, url)
    walk_in.wait()
    assert page.locator("[data-walk-in-service]").input_value() == SERVICE
    assert_accessible(page, "walk-in start")

    # A NIK that disagrees with the birth date: said next to the NIK, nothing made.
    before = rows(app)
    walk_in.identify(service=SERVICE, nik=NIK, birth_date="1990-08-06",
                     full_name="Siti Aminah", sex="P")
    walk_in.send_code(PHONE_NUMBER)
    first_code = otp_log.wait_code()[1]
    page.locator("[data-walk-in-code]").fill(first_code)
    page.locator('[data-action="start"]').click()
    error = page.locator('[data-field-error="nik"]')
    error.wait_for(timeout=10_000)
    assert "Tanggal lahir pada NIK" in error.inner_text()
    take_rejections(page, 400)
    assert rows(app) == before
    assert_accessible(page, "walk-in refused NIK")

    # The right birth date, the code the citizen reads out from their phone.
    page.locator("[data-walk-in-birth-date]").fill("1990-08-05")
    application_id = walk_in.start(first_code)
    assert page.url.endswith(f"#/loket-baru/{application_id}")
    # Called away (another tab, the queue): the draft waits on the start screen.
    walk_in.open()
    page.locator(f'[data-open-walk-in="{application_id}"]').wait_for(timeout=10_000)
    assert_accessible(page, "walk-in start with a draft waiting")
    page.locator(f'[data-open-walk-in="{application_id}"]').click()
    page.locator(f'[data-walk-in="{application_id}"]').wait_for(timeout=10_000)
    assert page.locator('[data-form-field="nik"]').input_value() == NIK
    # The number the code proved is the form's phone already.
    assert page.locator('[data-form-field="phone"]').input_value() == "+6281270001234"
    walk_in.fill({"reason": "keluarga-baru", "old_kk_number": "1174010101240009",
                  "address": "Jalan Teuku Umar Nomor 17, Gampong Jawa, Langsa Kota",
                  "member_count": "2"})
    walk_in.photograph("ktp", photo_file("ktp.jpg", 31))
    walk_in.photograph("kk_lama", photo_file("kk.jpg", 32))
    with app.app_context():
        stored = db.session.scalars(select(Document).where(
            Document.citizen_id == db.session.get(WalkIn, application_id).citizen_id)).all()
        # Shrunk on the tablet as on a phone (the photos are several MB), then checked.
        assert len(stored) == 2 and all(d.status == "ready" for d in stored)
        assert all(d.size < 300 * 1024 for d in stored), [d.size for d in stored]
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "walk-in-application-1024x768")
    assert_accessible(page, "walk-in application")
    reference = walk_in.submit()
    assert reference.startswith("LGS-")
    assert application_state(app, application_id) == "submitted"

    # From here, as any application: review, approve, ready, and the visit completes it.
    page.locator('[data-action="open-review"]').click()
    page.locator('[data-review] [data-state="in_review"]').wait_for(timeout=10_000)
    for title, code in ((KTP_TITLE, "ktp"), (KK_TITLE, "kk_lama")):
        console.decide(title, accept=True)
        page.locator(f'[data-requirement="{code}"][data-status="accepted"]').wait_for()
    page.locator('[data-action="approve"]').click()
    page.locator('[data-review] [data-state="approved"]').wait_for(timeout=10_000)
    page.locator('[data-action="mark_ready"]').click()
    page.locator('[data-action="save-ready"]').click()
    page.locator('[data-review] [data-state="ready"]').wait_for(timeout=10_000)
    with app.app_context():
        ticket = db.session.get(Application, application_id).ticket_code  # on their paper
    page.locator('[data-nav="visit"]').click()
    page.locator("#ticket-code").fill(ticket)
    page.locator('[data-action="lookup"]').click()
    page.locator(f'[data-ticket-found="{reference}"]').wait_for(timeout=10_000)
    page.locator('[data-action="complete"]').click()
    page.locator(f'[data-completed="{reference}"]').wait_for(timeout=10_000)
    assert application_state(app, application_id) == "completed"
    assert page.console_errors == [], page.console_errors
    context.close()
