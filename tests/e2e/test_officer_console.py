"""Issue #7's whole loop in Debian's Chromium: a citizen's application, made and synced in
the citizen PWA on a phone-sized page, is reviewed in the officer console on a tablet-sized
page by a verifier of the agency (one requirement rejected with a template reason); the
citizen sees the revision with that requirement and reason, retakes the photo and resubmits;
the officer approves and marks it ready; the citizen's PWA shows the QR ticket; the officer
completes the visit by typing the ticket's code. Along the way: a second officer sees who
is reviewing, and a stale action gets the 409 message with the fresh state, the typed note
kept. Screenshots of the queue and the review screen at 1024 and 768 wide are artifacts.

Issue #14's console findings, each checked where it can fail: every requirement's buttons
sit in a group named by the requirement and name it themselves; every review status has
words (no raw `review.status.resubmitted`); the header names the agency, not its code; at
1024x768 the decision panel never lies over the activity feed and is titled by what it
shows; "Kembali ke antrian" is a 44 px target; the rejected photo stays readable beside its
replacement. axe-core finds no serious or critical violation on any console screen (sign-in,
queue, review, pickup form, comparison, visit).
"""
from __future__ import annotations

import pytest

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import ARTIFACTS, record_console_errors, screenshot, take_rejections
from tests.e2e.pages import (
    PHOTO_READY_MS,
    NIK, CitizenApp, OfficerConsole, application_state, make_officer, officer_token, new_phone,
    photo_file, prefetch, wait_for,
)

pytestmark = pytest.mark.e2e

TABLET_LANDSCAPE = {"width": 1024, "height": 768}
TABLET_PORTRAIT = {"width": 768, "height": 1024}
KK_TITLE = "KK asal"  # the kk_lama requirement of dukcapil.kk-baru


def open_tablet(browser, viewport):
    context = browser.new_context(viewport=viewport, device_scale_factor=1, has_touch=True,
                                  locale="id-ID")
    return context, record_console_errors(context.new_page())


def top_screenshot(page, name: str):
    """A full-page screenshot from the top (the sticky decision panel follows the scroll)."""
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


def assert_side_panels_apart(page) -> None:
    """At every scroll position the decision panel and the activity feed do not overlap,
    and the feed's heading is what is on top where it is drawn."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in (0, height // 3, height // 2, height):
        page.evaluate(f"window.scrollTo(0, {y})")
        boxes = page.evaluate("""() => ['.review-decide', '.review-activity'].map((s) => {
            const r = document.querySelector(s).getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
        })""")
        decide, activity = boxes
        apart = (decide["bottom"] <= activity["top"] or activity["bottom"] <= decide["top"]
                 or decide["right"] <= activity["left"] or activity["right"] <= decide["left"])
        assert apart, (y, boxes)
        on_top = page.evaluate("""() => {
            const h = document.querySelector('#activity-title').getBoundingClientRect();
            if (h.bottom < 0 || h.top > innerHeight) return true;  // scrolled out of view
            const hit = document.elementFromPoint(h.left + 5, h.top + h.height / 2);
            return Boolean(hit && hit.closest('.review-activity'));
        }""")
        assert on_top, f"the activity feed is covered at scroll {y}"
    page.evaluate("window.scrollTo(0, 0)")


def test_officer_reviews_citizen_fixes_officer_finishes_the_visit(live_server, browser, otp_log,
                                                                 tmp_path):
    app, url = live_server.app, live_server.url
    rina = make_officer(app, "rina.dukcapil", "Rina Marlina")
    make_officer(app, "yusuf.dukcapil", "Yusuf Hamdani")

    # 1. The citizen's application, synced from the phone.
    phone_context, phone = new_phone(browser)
    application_id = CitizenApp(phone, url, otp_log).send_kk_application()
    prefetch(23)  # the retaken photo, drawn while the officers review
    wait_for(lambda: application_state(app, application_id) == "submitted", timeout=60,
             what="the application to arrive submitted")

    # 2. Rina's tablet (landscape): the queue, with the new application and its deadline.
    rina_context, console = open_tablet(browser, TABLET_LANDSCAPE)
    rina_console = OfficerConsole(console, url)
    rina_console.sign_in("rina.dukcapil")
    row = rina_console.queue_row(application_id)
    reference = row.get_attribute("data-row")
    assert reference.startswith("LGS-")
    assert row.locator("[data-sla]").get_attribute("data-sla") in ("ok", "due")
    assert console.locator('[data-tab="submitted"] .tab-count').inner_text() == "1"
    # Search by the full NIK finds it (the NIK is only ever shown masked).
    console.locator("#queue-search").fill(NIK)
    console.get_by_role("button", name="Cari").click()
    console.locator(".rows li").first.wait_for()
    assert console.locator(".rows li").count() == 1
    assert NIK not in console.locator(".rows").inner_text()
    screenshot(console, "officer-queue-1024")
    assert_accessible(console, "console queue")

    # Opening it takes the review.
    rina_console.open_application(application_id)
    wait_for(lambda: application_state(app, application_id) == "in_review", what="in review")
    for code in ("ktp", "kk_lama"):
        console.locator(f'[data-requirement="{code}"] img[data-part]').wait_for(timeout=15_000)
    back = console.locator('[data-action="back"]')
    assert back.bounding_box()["height"] >= 44, back.bounding_box()
    assert_accessible(console, "console review")
    ktp_title = console.locator('[data-requirement="ktp"] h3').inner_text().strip()
    rina_console.decide(ktp_title, accept=True)
    console.locator('[data-requirement="ktp"][data-status="accepted"]').wait_for()
    kk = console.locator('[data-requirement="kk_lama"]')
    old_kk = kk.locator("[data-viewer]").get_attribute("data-viewer")
    rina_console.decide(KK_TITLE, accept=False)
    kk.locator("select").select_option("blurry")
    kk.locator("textarea").fill("Nomor KK tidak terbaca, foto ulang di tempat terang.")
    kk.locator('[data-action="save-rejection"]').click()
    console.locator('[data-requirement="kk_lama"][data-status="rejected"]').wait_for()
    # The feed is fetched apart from the review, after each decision: wait for its line of
    # this one (the second decision), not the KTP's, which may be all it shows yet.
    console.locator('[data-activity] [data-action="review_requirement"]').nth(1).wait_for()
    feed = console.locator("[data-activity]").inner_text()
    assert KK_TITLE in feed and "kk_lama" not in feed, feed  # titles, not codes
    assert_side_panels_apart(console)
    assert_accessible(console, "console review, a rejection written")
    top_screenshot(console, "officer-review-1024")
    console.screenshot(path=str(ARTIFACTS / "officer-review-1024x768.png"))  # as seen

    # 3. Yusuf (portrait tablet) opens the same application: he is told Rina is on it.
    yusuf_context, second = open_tablet(browser, TABLET_PORTRAIT)
    OfficerConsole(second, url).sign_in("yusuf.dukcapil")
    second.locator(f'[data-row="{reference}"] [data-reviewer="Rina Marlina"]').wait_for()
    screenshot(second, "officer-queue-768")
    second.locator(f'[data-row="{reference}"]').click()
    notice = second.locator("[data-reviewing-other]")
    notice.wait_for(timeout=10_000)
    assert "Rina Marlina" in notice.inner_text()
    assert second.locator('[data-action="approve"]').count() == 0
    assert_accessible(second, "console review at 768, someone else reviewing")
    top_screenshot(second, "officer-review-768")
    assert second.console_errors == []
    yusuf_context.close()

    # 4. A stale save: Rina types her note, meanwhile her other device accepts the KK; her
    #    "request revision" is a 409 stale: the message, the fresh state, the note kept.
    note = "Mohon unggah ulang foto KK lama."
    console.locator("#review-note").fill(note)
    other = app.test_client().post(
        f"/api/officer/applications/{application_id}/review",
        headers={"Authorization": f"Bearer {officer_token(app, rina)}"},
        json={"version": int(console.locator("[data-review]").get_attribute("data-version")),
              "requirement": "kk_lama", "decision": "accept"})
    assert other.status_code == 200, other.get_json()
    console.locator('[data-action="request_revision"]').click()
    console.locator("[data-stale]").wait_for(timeout=10_000)
    take_rejections(console, 409)
    console.locator('[data-requirement="kk_lama"][data-status="accepted"]').wait_for()
    assert console.locator("#review-note").input_value() == note
    # Rina looks again and still rejects the KK photo, then asks for a revision.
    kk.locator('[data-decide="reject"]').click()
    kk.locator("select").select_option("blurry")
    kk.locator('[data-action="save-rejection"]').click()
    console.locator('[data-requirement="kk_lama"][data-status="rejected"]').wait_for()
    console.locator('[data-action="request_revision"]').click()
    console.locator('[data-review] [data-state="revision_requested"]').wait_for(timeout=10_000)

    # 5. The citizen sees the revision, the requirement and the reason, and fixes it.
    phone.reload()
    revision = phone.locator("[data-revision]")
    revision.wait_for(timeout=30_000)
    text = revision.inner_text()
    assert "Foto buram" in text and note in text, text
    assert phone.locator('[data-fix="kk_lama"]').count() == 1
    assert phone.locator('[data-fix="ktp"]').count() == 0
    screenshot(phone, "citizen-revision-requested-360")
    phone.locator('[data-fix="kk_lama"]').click()
    phone.locator('[data-pick="camera"] input').set_input_files(photo_file("kk_lama-2.jpg", 23))
    phone.locator('[data-pages="1"]').wait_for(timeout=PHOTO_READY_MS)
    phone.locator('[data-action="done"]').click()
    phone.locator('[data-task="submit"]').click()
    phone.locator('[data-action="submit"]:not([disabled])').click()
    wait_for(lambda: application_state(app, application_id) == "submitted", timeout=60,
             what="the resubmission")

    # 6. Rina approves and marks it ready, the pickup form filled from the suggestion.
    console.goto(f"{url}/officer.html#/")
    console.locator(f'[data-row="{reference}"]').click()
    console.locator('[data-review] [data-state="in_review"]').wait_for(timeout=10_000)
    kk = console.locator('[data-requirement="kk_lama"]')
    # The new photo beside the rejected one (still readable: no 404), with its words.
    new = kk.locator("[data-compare-new] img[data-part]")
    old = kk.locator(f'[data-compare-previous="{old_kk}"] img[data-part]')
    new.wait_for(timeout=15_000)
    old.wait_for(timeout=15_000)
    assert kk.locator("[data-compare-new] [data-viewer]").get_attribute("data-viewer") != old_kk
    assert old.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Nomor KK tidak terbaca" in kk.locator("[data-compare-previous]").inner_text() \
        or "buram" in kk.locator("[data-compare-previous]").inner_text().lower()
    status = kk.locator(".requirement-head .status").inner_text()
    assert status == "Sudah diganti, belum diperiksa", status
    assert "review.status" not in console.locator("[data-review]").inner_text()
    assert_accessible(console, "console review, old and new side by side")
    top_screenshot(console, "officer-review-compare-1024")
    rina_console.decide(KK_TITLE, accept=True)
    console.locator('[data-requirement="kk_lama"][data-status="accepted"]').wait_for()
    console.locator('[data-action="approve"]').click()
    console.locator('[data-review] [data-state="approved"]').wait_for(timeout=10_000)
    console.locator('[data-action="mark_ready"]').click()
    # The panel is named by what it shows: the pickup form, not the note for the applicant.
    console.get_by_role("complementary", name="Pengambilan").locator("#pickup-counter").wait_for()
    assert console.get_by_role("complementary", name="Catatan untuk pemohon").count() == 0
    assert_side_panels_apart(console)
    assert_accessible(console, "console pickup form")
    assert console.locator("#pickup-counter").input_value() != ""
    assert console.locator("#pickup-hours").input_value() != ""
    console.locator('[data-action="save-ready"]').click()
    console.locator('[data-review] [data-state="ready"]').wait_for(timeout=10_000)

    # 7. The citizen's PWA shows the ready state with the QR ticket.
    phone.reload()
    phone.locator("[data-ticket] img").wait_for(timeout=30_000)
    code = phone.locator(".ticket-code").inner_text().strip()
    screenshot(phone, "citizen-ready-ticket-360")
    phone_errors = [e for e in phone.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]
    assert phone_errors == [], phone_errors
    phone_context.close()

    # 8. The visit: Rina types the code (headless Chromium has no BarcodeDetector), sees
    #    what to check, and finishes.
    console.locator('[data-nav="visit"]').click()
    console.locator("#ticket-code").fill(code.lower())
    console.locator('[data-action="lookup"]').click()
    found = console.locator(f'[data-ticket-found="{reference}"]')
    found.wait_for(timeout=10_000)
    assert_accessible(console, "console visit")
    assert found.locator("[data-bring] li").count() >= 1
    console.locator('[data-action="complete"]').click()
    console.locator(f'[data-completed="{reference}"]').wait_for(timeout=10_000)
    assert_accessible(console, "console visit completed")
    assert application_state(app, application_id) == "completed"
    # The same ticket again: refused, clearly.
    console.locator("#ticket-code").fill(code)
    console.locator('[data-action="lookup"]').click()
    console.locator('[data-error="ticket_used"]').wait_for(timeout=10_000)
    take_rejections(console, 409)
    assert console.console_errors == []
    rina_context.close()
