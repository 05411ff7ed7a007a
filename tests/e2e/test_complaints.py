"""A complaint in Debian's Chromium, from the phone to the console and back: the citizen's
KK application comes back with a rejected requirement; on the phone (360x740) the citizen
complains about it from the application's screen (the form prefilled with the service, the
officer's decision and the rejected requirement with its reason) with one photo (compressed
on the phone, uploaded through tus before complaint.file is sent), and it is synced with a
reference number; the agency's verifier finds it in the console's complaints queue
(1024x768: screenshot), reads what it is about, sees the photo, and answers; the citizen's
phone shows the answer, and the citizen confirms it. axe-core on each new screen."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.accounts import operations as ops
from server.complaints.models import Complaint
from server.db_types import utcnow
from server.extensions import db
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import ARTIFACTS, record_console_errors, screenshot
from tests.e2e.pages import (
    PASSWORD, CitizenApp, ComplaintConsole, ComplaintScreens, OfficerConsole, make_officer,
    officer_token, new_phone, photo_file, prefetch, wait_for,
)

pytestmark = pytest.mark.e2e
REASON = "Foto buram: bagian bawah terpotong"
ANSWER = "Mohon maaf. Foto KK memang terpotong di bagian bawah; unggah ulang foto yang utuh."


def reject_old_kk(app, officer_id: int, application_id: str) -> None:
    """The verifier's review through the console's API (the console's own review screen is
    tested in test_officer_console.py): KK asal rejected, revision requested."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {officer_token(app, officer_id)}"}
    base = f"/api/officer/applications/{application_id}"

    def act(action, **body):
        version = client.get(base, headers=headers).get_json()["version"]
        response = client.post(f"{base}/{action}", headers=headers,
                               json={"version": version, **body})
        assert response.status_code == 200, response.get_data(as_text=True)

    act("start-review")
    act("review", requirement="ktp", decision="accept")
    act("review", requirement="kk_lama", decision="reject", reason="blurry",
        note="bagian bawah terpotong")
    act("request-revision", note="Mohon unggah ulang KK asal")


def stored_complaint(app):
    with app.app_context():
        db.session.expire_all()
        return db.session.scalars(select(Complaint)).first()


def test_a_complaint_about_a_rejected_requirement_is_answered(live_server, browser, otp_log):
    app, url = live_server.app, live_server.url
    rina = make_officer(app, "rina.dukcapil", "Rina Marlina")
    phone_context, phone = new_phone(browser)
    citizen = CitizenApp(phone, url, otp_log)
    application_id = citizen.send_kk_application()
    prefetch(11)  # the complaint's photo
    reject_old_kk(app, rina, application_id)

    # The phone: the revision arrives; a complaint from the application's screen.
    phone.reload()
    screens = ComplaintScreens(phone, url)
    wait_for(lambda: "Perlu perbaikan" in phone.evaluate("document.body.innerText"),
             what="the revision")
    screens.file_about(application_id, "KK asal saya sudah difoto jelas, tetapi ditolak. "
                                       "Mohon diperiksa kembali.")
    about = phone.locator("[data-complaint-about]").inner_text()
    assert REASON in about and "Mohon unggah ulang KK asal" in about, about
    screens.add_photo(photo_file("loket.jpg", 11))
    assert phone.locator('[data-action="remove-photo"]').count() == 1
    phone.locator("[data-complaint-photos]").screenshot(
        path=str(ARTIFACTS / "complaint-form-photo-360x740.png"))
    assert_accessible(phone, "complaint form")
    phone.screenshot(path=str(ARTIFACTS / "complaint-form-360x740.png"))
    screens.send()
    wait_for(lambda: stored_complaint(app) is not None, timeout=30, what="the complaint to sync")
    reference = stored_complaint(app).reference
    assert len(stored_complaint(app).photos) == 1  # uploaded, then named by complaint.file
    phone.get_by_text(reference).first.wait_for(timeout=15_000)  # the number came back
    assert screens.status() == "received"
    assert_accessible(phone, "complaint filed")

    # The console: the agency's queue, at 1024x768.
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="id-ID")
    tablet = record_console_errors(context.new_page())
    OfficerConsole(tablet, url).sign_in("rina.dukcapil")
    console = ComplaintConsole(tablet, url)
    console.open_queue()
    console.row(reference)
    assert_accessible(tablet, "complaints queue")
    tablet.screenshot(path=str(ARTIFACTS / "complaints-queue-1024x768.png"))
    console.open(reference)
    assert "Siti Aminah" in tablet.locator("[data-complainant]").inner_text()  # not anonymous
    detail = tablet.locator("[data-about]").inner_text()
    assert "bagian bawah terpotong" in detail and "Perlu perbaikan" in detail, detail
    photo = tablet.locator("img.complaint-photo")
    photo.wait_for(timeout=15_000)  # served by the officer route, not the citizen's document
    wait_for(lambda: photo.evaluate("i => i.complete && i.naturalWidth > 0"), what="the photo")
    photo.scroll_into_view_if_needed()
    screenshot(tablet, "complaint-photo-console-1024x768")
    assert_accessible(tablet, "complaint detail")
    console.answer(ANSWER)
    screenshot(tablet, "complaint-answered-console")
    assert stored_complaint(app).status == "answered"

    # The phone: the answer, and the citizen confirms it.
    phone.reload()
    phone.locator("[data-complaint-answers] [data-answer]").first.wait_for(timeout=20_000)
    assert screens.answers() == [ANSWER]
    assert_accessible(phone, "complaint answered")
    phone.screenshot(path=str(ARTIFACTS / "complaint-answered-360x740.png"))
    phone.locator('[data-action="confirm-complaint"]').click()
    wait_for(lambda: stored_complaint(app).status == "closed", timeout=30,
             what="the confirmation to sync")
    # The MPP's supervisor: the whole MPP's queue, and the figures per agency.
    with app.app_context():
        ops.create_officer(db.session, username="sari.pengawas", password=PASSWORD,
                           full_name="Sari Pengawas", role="supervisor", mpp_code="langsa",
                           agency_code=None, now=utcnow())
        db.session.commit()
    assert phone.console_errors == [] and tablet.console_errors == []
    context.close()
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="id-ID")
    tablet = record_console_errors(context.new_page())
    OfficerConsole(tablet, url).sign_in("sari.pengawas", agency_name="Sari Pengawas")
    console = ComplaintConsole(tablet, url)
    console.open_queue()
    tablet.locator('[data-tab="closed"]').click()
    console.row(reference)
    tablet.locator(".complaint-figures summary").click()
    figures = tablet.locator(".complaint-figures").inner_text()
    assert "Dinas Kependudukan" in figures and "0%" in figures, figures
    tablet.mouse.move(500, 700)  # off the bar's buttons (a hovered one is drawn lighter)
    tablet.evaluate("window.scrollTo(0, 0)")
    screenshot(tablet, "complaints-supervisor-1024x768")
    assert_accessible(tablet, "complaints figures")
    screenshot(tablet, "complaints-supervisor-1024x768")
    assert phone.console_errors == [] and tablet.console_errors == []
    context.close()
    phone_context.close()
