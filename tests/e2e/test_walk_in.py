"""Issue #18 in Debian's Chromium on a 1024x768 tablet: a dukcapil officer at the counter
serves a walk-in number from the kiosk and, from the counter screen, starts a KK
application for that citizen, who came without the app. A NIK that disagrees with
the birth date is refused next to the field and nothing is made; then the citizen is
identified by the code sent to their phone, the form is filled with them, the KTP and the
old KK are photographed with the tablet's camera (the PWA's quality check, compressor and
tus upload), and the application is submitted, reviewed, made ready and completed at the
visit screen like any other. Then the citizen signs in on a phone with that number: the
completed application and its two verified documents are in their space (the documents offered
as verified for a new application). axe-core on each new screen; screenshots of the walk-in
flow at 1024x768 (and the citizen's phone) as test artifacts.

The second test: what the officer types and photographs survives a reload, a crashed tab and
a dropped connection (kept on the tablet as it happens, gone once the server has it).
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
from tests.e2e.conftest import PHONE, record_console_errors, screenshot, take_rejections
from tests.e2e.pages import (
    NIK, PHONE_NUMBER, SERVICE, CitizenApp, CounterScreen, OfficerConsole, WalkInScreen,
    application_state, make_officer, photo_file, prefetch,
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
    prefetch(31, 32)  # the two documents' photos, drawn while the officer signs in
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
    screenshot(page, "walk-in-start-1024x768")

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
    screenshot(page, "walk-in-refused-nik-1024x768")

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
    screenshot(page, "walk-in-completed-1024x768")
    assert page.console_errors == [], page.console_errors
    context.close()

    # Later the citizen signs in on a phone with that number (a new code, read from their
    # own phone): the application, completed, and its documents, verified, are theirs.
    phone_context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                        has_touch=True, locale="id-ID")
    phone = record_console_errors(phone_context.new_page())
    otp_log.codes.clear()
    otp_log.arrived.clear()
    citizen = CitizenApp(phone, url, otp_log)
    citizen.open()
    citizen.sign_in(PHONE_NUMBER)
    phone.goto(f"{url}/#/permohonan")
    card = phone.locator(f'[data-application="{application_id}"]')
    card.locator('[data-state="completed"]').wait_for(timeout=20_000)
    assert reference in card.inner_text()
    card.click()
    for code in ("ktp", "kk_lama"):
        task = phone.locator(f'li.task:has([data-task="doc-{code}"])')
        assert task.locator("[data-task-state]").get_attribute("data-task-state") == "accepted"
    screenshot(phone, "walk-in-citizen-phone-360")
    # Their verified KTP is offered for the next application instead of a new photo.
    new_id = citizen.start_application()
    assert new_id != application_id
    phone.locator('[data-task="doc-ktp"]').click()
    phone.locator('[data-wallet] [data-action="use-wallet"]').wait_for(timeout=10_000)
    with app.app_context():
        walk_in_docs = db.session.scalars(select(Document).where(
            Document.citizen_id == db.session.get(WalkIn, application_id).citizen_id)).all()
        assert len(walk_in_docs) == 2 and all(d.verified_at for d in walk_in_docs)
    assert phone.console_errors == [], phone.console_errors
    phone_context.close()


# Resolves once the next frame is drawn and the timers queued in it have run (Preact runs
# a render's effects in a timer queued at the next animation frame).
AFTER_NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))"

STORED_WALK_IN = """async () => {
  const drafts = Object.keys(localStorage).filter((k) => k.startsWith('sd.walkin.'));
  // (only opened if the console made it: opening would make an empty one)
  if (!(await indexedDB.databases()).some((d) => d.name === 'sekali-datang-walk-in')) {
    return {drafts, photos: []};
  }
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('sekali-datang-walk-in');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const photos = db.objectStoreNames.contains('photos') ? await new Promise((ok, fail) => {
    const r = db.transaction('photos').objectStore('photos').getAll();
    r.onsuccess = () => ok(r.result.map((p) => [p.requirement, p.blob.size]));
    r.onerror = () => fail(r.error);
  }) : [];
  db.close();
  return {drafts, photos};
}"""


def test_what_the_officer_typed_survives_a_reload_a_crash_and_a_dropped_connection(
        live_server, browser):
    app, url = live_server.app, live_server.url
    make_officer(app, "rina.loket", "Rina Marlina")
    context = browser.new_context(viewport=TABLET, device_scale_factor=1, has_touch=True,
                                  locale="id-ID")
    page = record_console_errors(context.new_page())
    OfficerConsole(page, url).sign_in("rina.loket")
    walk_in = WalkInScreen(page, url)
    walk_in.open()

    # A citizen who leaves before the start: the officer clears what was typed, and a
    # reload brings nothing back.
    page.locator("[data-walk-in-nik]").fill("1174")
    page.locator('[data-action="clear-start"]').click()
    assert page.locator("[data-walk-in-nik]").input_value() == ""
    # The draft is written by an effect Preact runs after the next frame: read the storage
    # once that frame is over (seen read too early on a loaded machine).
    page.evaluate(AFTER_NEXT_FRAME)
    assert page.evaluate(STORED_WALK_IN)["drafts"] == []
    page.reload()
    walk_in.wait()
    assert page.locator("[data-draft-restored]").count() == 0
    assert page.locator('[data-action="clear-start"]').count() == 0

    # The start screen, typed like a fast thumb (press_sequentially), then reloaded.
    page.locator("[data-walk-in-service]").select_option(SERVICE)
    page.locator("[data-walk-in-nik]").click()
    page.locator("[data-walk-in-nik]").press_sequentially(NIK, delay=10)
    page.locator("[data-walk-in-birth-date]").fill("1990-08-05")
    page.locator("[data-walk-in-sex]").select_option("P")
    page.locator("[data-walk-in-name]").click()
    page.locator("[data-walk-in-name]").press_sequentially("Siti Aminah", delay=10)
    page.locator("[data-walk-in-no-phone]").check()
    page.locator("[data-walk-in-note]").click()
    page.locator("[data-walk-in-note]").press_sequentially("HP dipakai anaknya", delay=10)
    start_values = {"[data-walk-in-service]": SERVICE, "[data-walk-in-nik]": NIK,
                    "[data-walk-in-birth-date]": "1990-08-05", "[data-walk-in-sex]": "P",
                    "[data-walk-in-name]": "Siti Aminah",
                    "[data-walk-in-note]": "HP dipakai anaknya"}
    # Reloaded once the draft holds the last key typed (the effect that writes it runs after
    # the next frame, which a reload at once can cut off).
    officer = officer_id(app, "rina.loket")
    page.wait_for_function(
        f"(localStorage.getItem('sd.walkin.{officer}.new') || '').includes('HP dipakai anaknya')",
        timeout=10_000)
    page.reload()
    walk_in.wait()
    page.locator("[data-draft-restored]").wait_for(timeout=10_000)
    assert {k: page.locator(k).input_value() for k in start_values} == start_values
    assert page.locator("[data-walk-in-no-phone]").is_checked()

    # The tab crashes (closed without a word); in a new one on the same tablet the officer
    # signs in again (the console's token lives as long as its tab) and has it all.
    page.close()
    page = record_console_errors(context.new_page())
    OfficerConsole(page, url).sign_in("rina.loket")
    walk_in = WalkInScreen(page, url)
    walk_in.open()
    assert {k: page.locator(k).input_value() for k in start_values} == start_values
    assert_accessible(page, "walk-in start restored")
    before = rows(app)
    assert before[2] == 0
    page.locator('[data-action="start"]').click()
    page.locator("[data-walk-in][data-state=draft]").wait_for(timeout=10_000)
    application_id = page.locator("[data-walk-in]").get_attribute("data-walk-in")
    assert page.evaluate(STORED_WALK_IN)["drafts"] == []  # the server has it now

    # The form, typed and not saved; then the connection drops while a photo is taken.
    form = {"address": "Jalan Teuku Umar Nomor 17, Gampong Jawa, Langsa Kota",
            "old_kk_number": "1174010101240009", "member_count": "2",
            "phone": "081270009999"}
    for key, text in form.items():
        page.locator(f'[data-form-field="{key}"]').click()
        page.locator(f'[data-form-field="{key}"]').press_sequentially(text, delay=10)
    page.locator('[data-form-field="reason"]').select_option("keluarga-baru")
    form["reason"] = "keluarga-baru"
    context.set_offline(True)
    page.locator('[data-photo-input="ktp"]').set_input_files(photo_file("ktp.jpg", 41))
    row = page.locator('[data-requirement="ktp"]')
    keep = row.locator('[data-action="keep-photo"]')
    kept = page.locator('[data-photo-kept="ktp"]')
    keep.or_(kept).first.wait_for(timeout=30_000)
    if keep.count():
        keep.click()
    kept.wait_for(timeout=30_000)
    stored = page.evaluate(STORED_WALK_IN)
    assert stored["drafts"] == [f"sd.walkin.{officer_id(app, 'rina.loket')}.{application_id}"]
    assert [requirement for requirement, _ in stored["photos"]] == ["ktp"]
    assert 0 < stored["photos"][0][1] < 300 * 1024  # compressed before it was kept
    screenshot(page, "walk-in-offline-photo-kept-1024x768")
    assert_accessible(page, "walk-in photo kept offline")
    with app.app_context():  # nothing reached the server
        assert db.session.scalars(select(Document)).all() == []
        fields = db.session.get(Application, application_id).fields or {}
        assert "address" not in fields or not fields["address"]

    # The connection comes back, but the tab is gone: a new one sends the kept photo and
    # shows the form as it was typed.
    context.set_offline(False)
    page.close()
    page = record_console_errors(context.new_page())
    OfficerConsole(page, url).sign_in("rina.loket")
    page.goto(f"{url}/officer.html#/loket-baru/{application_id}")
    page.locator(f'[data-walk-in="{application_id}"]').wait_for(timeout=10_000)
    page.locator("[data-draft-restored]").wait_for(timeout=10_000)
    assert {k: page.locator(f'[data-form-field="{k}"]').input_value() for k in form} == form
    page.locator('[data-requirement="ktp"][data-document-status="ready"]').wait_for(
        timeout=30_000)
    assert page.evaluate(STORED_WALK_IN)["photos"] == []  # attached: forgotten
    screenshot(page, "walk-in-restored-1024x768")
    assert_accessible(page, "walk-in application restored")
    walk_in = WalkInScreen(page, url)
    walk_in.photograph("kk_lama", photo_file("kk.jpg", 42))
    reference = walk_in.submit()
    assert reference.startswith("LGS-")
    assert application_state(app, application_id) == "submitted"
    with app.app_context():
        fields = db.session.get(Application, application_id).fields
        assert {k: str(fields[k]) for k in form if k != "phone"} == {
            k: v for k, v in form.items() if k != "phone"}
        assert fields["phone"].endswith("81270009999")  # normalised by the form's rule
    assert page.evaluate(STORED_WALK_IN) == {"drafts": [], "photos": []}

    # The next citizen's details typed, then the officer signs out on purpose: nothing of
    # them stays on the shared tablet for whoever picks it up next.
    walk_in.open()
    page.locator("[data-walk-in-nik]").fill("1174")
    page.locator("[data-walk-in-name]").fill("Budi")
    # Signed out once the draft holds the last field typed: a write still waiting for the
    # next frame would land after the sign-out has cleared the drafts.
    page.wait_for_function(
        f"(localStorage.getItem('sd.walkin.{officer}.new') || '').includes('Budi')",
        timeout=10_000)
    page.locator('[data-action="signout"]').click()
    page.locator("#officer-username").wait_for(timeout=10_000)
    assert page.evaluate(STORED_WALK_IN) == {"drafts": [], "photos": []}
    assert page.console_errors == [], page.console_errors
    context.close()


def officer_id(app, username: str) -> int:
    from server.accounts.models import Officer

    with app.app_context():
        return db.session.scalar(select(Officer.id).where(Officer.username == username))
