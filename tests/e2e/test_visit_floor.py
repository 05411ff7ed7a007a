"""Issue #16's whole visit in Debian's Chromium: the citizen books one visit for two ready
applications at two agencies on a phone-sized page (the booked visit and its ticket then
show offline, and the free-slot list kept on the phone says when it was fetched and books
nothing); at the MPP the kiosk checks them in by the ticket's code (one number per agency),
refuses a forged and a used ticket with clear words, and gives a walk-in a number; the
first counter calls the booked number and the call display shows it within 2 seconds; the
counter serves (which opens the application) and completes; the second counter calls the
visitor's next number; the first counter's next call is the walk-in, served after the
booked visitor. The display says it is stale when the network goes and recovers.

Screenshots (artifacts): booking 360x740, the visit's ticket, the kiosk's numbers, the
counter 1024x768 and the display 1920x1080. axe-core finds no serious or critical
violation on any of these screens.
"""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.accounts.models import Citizen
from server.extensions import db
from sync.space import WIB
from tests.api.visits_data import at, make_application, working_day
from tests.conftest import ROOT
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import record_console_errors, screenshot, take_rejections
from tests.e2e.pages import (
    CallDisplay, CitizenApp, CounterScreen, FloorKiosk, OfficerConsole, make_officer,
    new_phone, wait_for,
)

pytestmark = pytest.mark.e2e

KK = "langsa.dukcapil.kk-baru"  # Loket 2 (dukcapil), prefix of its numbers DKC
NIB = "langsa.dpmptsp.nib"      # Loket 1 (dpmptsp)
COUNTER_OF = {KK: "loket-2", NIB: "loket-1"}
AGENCY = {KK: "Dinas Kependudukan dan Pencatatan Sipil Kota Langsa",
          NIB: "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Langsa"}
TABLET = {"width": 1024, "height": 768}
TV = {"width": 1920, "height": 1080}
KIOSK = {"width": 1080, "height": 1920}


DIGITS = "nol satu dua tiga empat lima enam tujuh delapan sembilan".split()
COUNTER_WORDS = {KK: "loket dua", NIB: "loket satu"}


def spell(number: str) -> str:
    """"DKC-001" as the display says it: "D K C nol nol satu"."""
    return " ".join(DIGITS[int(c)] if c.isdigit() else c for c in number if c.isalnum())


def say_counter(service: str) -> str:
    return COUNTER_WORDS[service]


def device_key(app, kind: str) -> str:
    """A kiosk or display key made by the real CLI, as an MPP's staff would."""
    result = app.test_cli_runner().invoke(args=["queue", kind, "langsa", "--name", "e2e"])
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def set_floor_clock(app, day: dt.date, clock: str) -> None:
    hours, minutes = map(int, clock.split(":"))
    moment = dt.datetime.combine(day, dt.time(hours, minutes), WIB)
    app.config["QUEUE_CLOCK"] = lambda: moment


def new_page(browser, viewport, **extra):
    context = browser.new_context(viewport=viewport, device_scale_factor=1, locale="id-ID",
                                  **extra)
    return context, record_console_errors(context.new_page())


def test_one_booked_visit_through_kiosk_counters_and_display(live_server, browser, otp_log,
                                                             tmp_path):
    app, url = live_server.app, live_server.url
    kiosk_key, display_key = device_key(app, "kiosk-key"), device_key(app, "display-key")
    make_officer(app, "rina.dukcapil", "Rina Marlina", "dukcapil")
    make_officer(app, "dedi.dpmptsp", "Dedi Saputra", "dpmptsp")
    with app.app_context():
        day = working_day()

    # 1. The citizen, signed in on the phone, has two ready applications at two agencies.
    phone_context, phone = new_phone(browser)
    citizen = CitizenApp(phone, url, otp_log)
    citizen.open()
    citizen.wait_for_service_worker()
    citizen.sign_in()
    with app.app_context():
        citizen_id = db.session.scalar(select(Citizen.id))
        applications = {KK: make_application(citizen_id, KK)}

    # 2. Booking: both errands in one visit, a day and a time from the free slots. The ready
    # application was made after the sign-in's own pull may have run: the app's next open
    # pulls it (a reload, not a hash change, which pulls nothing).
    phone.goto(f"{url}/#/permohonan")
    phone.reload()
    phone.locator('[data-nav="visits"]').click()
    group = phone.locator('[data-book-mpp="langsa"]')
    assert group.locator(f'[data-errand="{applications[KK]}"]').is_checked()
    # The second agency's application becomes ready while the booking screen is open: it
    # arrives with the next sync (the phone's link comes back) and joins the visit, ticked.
    with app.app_context():
        applications[NIB] = make_application(citizen_id, NIB)
    phone_context.set_offline(True)
    phone_context.set_offline(False)
    late = group.locator(f'[data-errand="{applications[NIB]}"]')
    late.wait_for(timeout=15_000)
    assert late.is_checked()
    assert group.locator(f'[data-errand="{applications[KK]}"]').is_checked()
    phone.locator('[data-slot-age="live"]').wait_for(timeout=15_000)
    phone.locator(f'[data-day="{day.isoformat()}"]').click()
    arrival = at(day, "10:00")
    phone.locator(f'[data-slot="{arrival}"]').click()
    phone.locator("[data-slot-summary]").wait_for()
    screenshot(phone, "visit-booking-360")
    assert_accessible(phone, "booking")
    phone.locator('[data-action="book"]').click()
    phone.locator("[data-visit-ticket] img").wait_for(timeout=20_000)  # QR: from the sync pull
    code = phone.locator("[data-ticket-code]").inner_text().strip()
    stops = phone.locator("[data-stop]").all_inner_texts()
    assert len(stops) == 2 and "10.00" in stops[0], stops
    screenshot(phone, "visit-ticket-360")
    assert_accessible(phone, "booked visit")

    # Offline: the visit and its ticket are on the phone; the kept slot list says when it
    # was fetched and books nothing.
    phone_context.set_offline(True)
    phone.reload()
    phone.locator("[data-visit-ticket] img").wait_for(timeout=15_000)
    assert phone.locator("[data-ticket-code]").inner_text().strip() == code
    phone.locator('[data-action="reschedule"]').click()
    age = phone.locator('[data-slot-age="stale"]')
    # The kept list shows as "stale" at once, first saying it is checking again; the words
    # for no connection follow once the picker's fetch has failed.
    expect(age).to_contain_text("internet", timeout=15_000)
    assert "diambil pukul" in age.inner_text()
    assert phone.locator("button.time:not([disabled])").count() == 0
    phone.locator('[data-slot-age] button').wait_for()
    phone_context.set_offline(False)
    phone.console_errors.clear()  # the offline fetches failing is what was tested

    # 3. The kiosk on the booked day, ten minutes before the arrival time.
    set_floor_clock(app, day, "09:50")
    kiosk_context, kiosk_page = new_page(browser, KIOSK, has_touch=True)
    kiosk = FloorKiosk(kiosk_page, url, kiosk_key)
    kiosk.open()
    screenshot(kiosk_page, "kiosk-start")
    assert_accessible(kiosk_page, "kiosk start")
    kiosk.check_in("ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ")  # forged: no such ticket
    assert kiosk_page.locator('[data-error="ticket_unknown"]').is_visible()
    assert "Tiket tidak dikenal" in kiosk_page.locator("#error-title").inner_text()
    take_rejections(kiosk_page, 404)
    kiosk.done()
    kiosk.check_in(code.lower())  # typed in small letters: still the ticket
    booked = kiosk.numbers()
    assert len(booked) == 2 and booked[0] != booked[1], booked
    assert kiosk_page.locator('[data-arrival="on_time"]').is_visible()
    assert kiosk_page.locator(".kiosk-qr").count() == 2  # a QR the phone can keep
    screenshot(kiosk_page, "kiosk-numbers")
    assert_accessible(kiosk_page, "kiosk numbers")
    # The receipt printer's page: 80 mm wide (226.8 pt), the tickets only.
    kiosk_page.emulate_media(media="print")
    kiosk_page.set_viewport_size({"width": 302, "height": 1400})  # 80 mm at 96 dpi
    screenshot(kiosk_page, "kiosk-receipt-80mm")
    heights = kiosk_page.evaluate("() => [...document.querySelectorAll('.kiosk-ticket')]"
                                  ".map((e) => e.getBoundingClientRect().height * 25.4 / 96)")
    receipt = kiosk_page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", receipt)
    assert len(boxes) == 2 and all(abs(float(w) - 226.8) < 1 for w, _ in boxes), (boxes, heights)
    kiosk_page.emulate_media(media="screen")
    kiosk_page.set_viewport_size(KIOSK)
    kiosk.done()
    kiosk.check_in(code)  # the same ticket again
    assert kiosk_page.locator('[data-error="ticket_checked_in"]').is_visible()
    take_rejections(kiosk_page, 409)
    kiosk.done()
    # A walk-in for the first counter's service takes a number there.
    first_service = KK if booked[0].startswith("DKC") else NIB
    second_service = NIB if first_service == KK else KK
    kiosk.walk_in(first_service)
    walk_in = kiosk.numbers()
    assert len(walk_in) == 1 and walk_in[0] not in booked
    assert_accessible(kiosk_page, "kiosk walk-in number")
    screenshot(kiosk_page, "kiosk-walk-in")
    kiosk.done()

    # 4. The call display on the TV.
    tv_context, tv = new_page(browser, TV)
    display = CallDisplay(tv, url, display_key)
    display.open()
    display.turn_sound_on()

    # 5. The first counter: the booked visitor before the walk-in.
    officers = {KK: "rina.dukcapil", NIB: "dedi.dpmptsp"}
    first_context, first_page = new_page(browser, TABLET, has_touch=True)
    OfficerConsole(first_page, url).sign_in(officers[first_service],
                                            agency_name=AGENCY[first_service])
    first = CounterScreen(first_page, url)
    first.open(COUNTER_OF[first_service])
    first_page.locator(f'[data-lane="booked"] [data-ticket="{booked[0]}"]').wait_for()
    assert first.waiting("walk_in") == walk_in
    screenshot(first_page, "counter-line-1024")
    assert_accessible(first_page, "counter line")
    started = time.monotonic()
    assert first.call_next() == booked[0]
    display.shows_call(booked[0], timeout=2_000)
    shown_after = time.monotonic() - started
    assert shown_after < 2.5, shown_after
    expected = f"Nomor antrian {spell(booked[0])}, silakan ke {say_counter(first_service)}"
    wait_for(lambda: expected in [s["text"] for s in display.spoken()], timeout=10,
             what=f"the display to say {expected!r}")
    assert all(s["lang"] == "id-ID" for s in display.spoken())
    screenshot(tv, "display-1920")
    assert_accessible(tv, "call display")
    assert "DKC" in tv.locator("[data-now]").inner_text() or booked[0] in tv.inner_text("body")
    screenshot(first_page, "counter-called-1024")
    assert_accessible(first_page, "counter called")
    # Serve opens the application; then back at the counter, complete.
    first.serve(applications[first_service])
    first.complete()

    # 6. The second counter calls the visitor's next number.
    second_context, second_page = new_page(browser, TABLET, has_touch=True)
    OfficerConsole(second_page, url).sign_in(officers[second_service],
                                             agency_name=AGENCY[second_service])
    second = CounterScreen(second_page, url)
    second.open(COUNTER_OF[second_service])
    assert second.call_next() == booked[1]
    display.shows_call(booked[1])
    second.serve(applications[second_service])
    second.complete()

    # 7. The walk-in is served after the booked visitor, at the first counter.
    assert first.call_next() == walk_in[0]
    display.shows_call(walk_in[0])
    first.serve()  # a walk-in has no application yet
    first.complete()

    wait_for(lambda: len(display.spoken()) >= 3, timeout=10, what="the third call said")
    # Each call announced once, none twice: a call announced again would come from an
    # answer of the feed, and its announcement begins (the chime) while that is handled.
    display.polled(times=2)
    assert display.chimes() == 3
    assert len(display.spoken()) == 3
    screenshot(tv, "display-1920-later")

    # 8. A short network loss: the display keeps the picture and says it is stale.
    tv_context.set_offline(True)
    # No answer for longer than the 5 s the display allows (pwa/src/floor/feed.js), passed
    # on the display's clock rather than waited out.
    display.let_time_pass(6_000)
    tv.locator('[data-stale="true"]').wait_for(timeout=10_000)
    assert "Koneksi terputus" in tv.locator("[data-feed-status]").inner_text()
    assert tv.locator(f'[data-call="{walk_in[0]}"]').count() == 1
    tv_context.set_offline(False)
    tv.locator('[data-stale="false"]').wait_for(timeout=10_000)
    tv.console_errors[:] = [e for e in tv.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]

    # The citizen's phone was told when each number was called (its inbox, by the pull).
    phone.goto(f"{url}/#/permohonan")
    phone.reload()
    for number in booked:
        phone.get_by_text(f"Nomor {number} dipanggil: silakan ke Loket").wait_for(timeout=15_000)

    for page in (phone, kiosk_page, tv, first_page, second_page):
        assert page.console_errors == [], page.console_errors
    for context in (kiosk_context, tv_context, first_context, second_context, phone_context):
        context.close()


def test_the_citizen_moves_and_then_cancels_a_booked_visit(live_server, otp_log,
                                                           browser, tmp_path):
    app, url = live_server.app, live_server.url
    with app.app_context():
        day = working_day()
    phone_context, phone = new_phone(browser)
    citizen = CitizenApp(phone, url, otp_log)
    citizen.open()
    citizen.sign_in()
    with app.app_context():
        application_id = make_application(db.session.scalar(select(Citizen.id)), KK)

    # From the ready application itself to the booking screen. It was made after the
    # sign-in's own pull may have run: the app's next open pulls it (a reload, not a hash
    # change, which pulls nothing).
    phone.goto(f"{url}/#/permohonan/{application_id}")
    phone.reload()
    phone.locator('[data-nav="book-visit"]').click()
    phone.locator('[data-slot-age="live"]').wait_for(timeout=15_000)
    phone.locator(f'[data-day="{day.isoformat()}"]').click()
    phone.locator(f'[data-slot="{at(day, "08:30")}"]').click()
    phone.locator('[data-action="book"]').click()
    phone.locator("[data-visit-when]").wait_for(timeout=15_000)
    assert "08.30" in phone.locator("[data-visit-when]").inner_text()

    # Move it to the afternoon: a new time, the same ticket.
    code = phone.locator("[data-ticket-code]").inner_text()
    phone.locator('[data-action="reschedule"]').click()
    phone.locator('[data-slot-age="live"]').wait_for(timeout=15_000)
    phone.locator(f'.visit-move [data-day="{day.isoformat()}"]').click()
    phone.locator(f'.visit-move [data-slot="{at(day, "13:30")}"]').click()
    phone.get_by_role("button", name="Pindah ke waktu ini").click()
    phone.get_by_text("Jadwal sudah diubah.").wait_for(timeout=15_000)
    assert "13.30" in phone.locator("[data-visit-when]").inner_text()
    assert phone.locator("[data-ticket-code]").inner_text() == code
    assert_accessible(phone, "moved visit")

    # Cancel: asked once more, then the visit says so and the application may be booked again.
    phone.locator('[data-action="cancel"]').click()
    assert_accessible(phone, "cancel question")
    phone.locator('[data-action="confirm-cancel"]').click()
    phone.get_by_text("Kunjungan dibatalkan.").wait_for(timeout=15_000)
    assert "Dibatalkan" in phone.locator("[data-visit-when]").inner_text()
    assert phone.locator("[data-visit-ticket]").count() == 0
    phone.locator(".back-link").click()
    phone.locator(f'[data-errand="{application_id}"]').wait_for(timeout=15_000)
    assert phone.console_errors == [], phone.console_errors
    phone_context.close()


def test_an_early_arrival_is_told_so_at_the_kiosk_and_joins_the_walk_in_line(
        live_server, browser, otp_log, tmp_path):
    app, url = live_server.app, live_server.url
    kiosk_key = device_key(app, "kiosk-key")
    with app.app_context():
        day = working_day()
    phone_context, phone = new_phone(browser)
    citizen = CitizenApp(phone, url, otp_log)
    citizen.open()
    citizen.sign_in()
    with app.app_context():
        make_application(db.session.scalar(select(Citizen.id)), KK)
    phone.goto(f"{url}/#/kunjungan")
    phone.locator('[data-slot-age="live"]').wait_for(timeout=15_000)
    phone.locator(f'[data-day="{day.isoformat()}"]').click()
    phone.locator(f'[data-slot="{at(day, "14:00")}"]').click()
    phone.locator('[data-action="book"]').click()
    code = phone.locator("[data-ticket-code]")
    code.wait_for(timeout=15_000)

    set_floor_clock(app, day, "08:15")  # almost six hours early
    kiosk_context, kiosk_page = new_page(browser, KIOSK, has_touch=True)
    kiosk = FloorKiosk(kiosk_page, url, kiosk_key)
    kiosk.open()
    kiosk.check_in(code.inner_text())
    notice = kiosk_page.locator('[data-notice="arrival_early"]')
    assert notice.is_visible()
    assert "lebih awal" in notice.inner_text()
    assert kiosk_page.locator('[data-arrival="early"]').is_visible()
    assert kiosk_page.locator(".kiosk-booked").count() == 0  # not the booked lane
    assert len(kiosk.numbers()) == 1
    screenshot(kiosk_page, "kiosk-early")
    assert_accessible(kiosk_page, "kiosk early arrival")
    assert kiosk_page.console_errors == [], kiosk_page.console_errors
    kiosk_context.close()
    phone_context.close()


def test_the_floor_pages_stay_out_of_the_citizen_download():
    """Kiosk and display are entries of their own: the citizen page loads none of their
    code, and the citizen service worker precaches none of it (jsQR included)."""
    dist = ROOT / "pwa" / "dist"
    if not (dist / "sw.js").exists():
        pytest.fail("the PWA is not built: run `make pwa` (make test does)")
    index = (dist / "index.html").read_text()
    precached = re.findall(r'"url":"([^"]+)"', (dist / "sw.js").read_text())
    assert "index.html" in precached
    floor_only = [name for name in precached
                  if re.match(r"(kiosk|display)\.html$|assets/(kiosk|display|floor)-", name)]
    assert floor_only == [], floor_only
    for page in ("kiosk", "display"):
        for asset in re.findall(r"assets/(?:kiosk|display|floor)-[\w-]+\.js",
                                (dist / f"{page}.html").read_text()):
            assert asset not in index, asset
    jsqr = [p.name for p in (dist / "assets").glob("floor-*.js")
            if "jsQR" in p.read_text(errors="replace") or p.stat().st_size > 100_000]
    assert jsqr and all(f"assets/{name}" not in precached for name in jsqr), jsqr
