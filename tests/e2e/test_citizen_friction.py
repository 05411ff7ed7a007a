"""What a newcomer tripped over on the citizen PWA (issue #14), each checked where it can fail,
in Debian's Chromium on a phone: signing in from "Masuk untuk mengirim draf Anda" comes back
to the draft with the number from the form already typed; the unsent list names documents by
their names; the nav link's name is not a bare count; the status line never says "all sent"
and "send your drafts soon" together; the submit task reads "ready" or "not ready", not
"missing"; "Gratis" is said once; a same-day service is not "0 hari kerja"; the app icon loads
offline.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.e2e.a11y import assert_accessible
from tests.e2e.pages import (
    PHOTO_READY_MS,
    PHONE_NUMBER, SERVICE, CitizenApp, application_state, make_officer, officer_token,
    new_phone, photo_file, prefetch, wait_for,
)

pytestmark = pytest.mark.e2e

SAME_DAY_SERVICE = "langsa.dukcapil.aktivasi-ikd"  # sla_days: 0 in the catalog
KTP_TITLE = "KTP-el kepala keluarga"  # the ktp requirement of dukcapil.kk-baru


def test_a_newcomers_first_draft_without_friction(live_server, tmp_path, otp_log,
                                                  browser):
    prefetch(31)
    context, page = new_phone(browser)
    page.goto(live_server.url + "/")
    page.locator("[data-mpp-code]").first.wait_for(timeout=15_000)
    CitizenApp(page, live_server.url).wait_for_service_worker()
    assert_accessible(page, "MPP list")
    page.locator("[data-mpp-code]").first.click()
    page.locator("h1").first.wait_for()
    page.locator("[data-service-code]").first.wait_for(timeout=10_000)
    assert_accessible(page, "MPP and its services")

    # The standard: a free service says "Gratis" once; a same-day one is not "0 hari kerja".
    page.goto(f"{live_server.url}/#/layanan/{SAME_DAY_SERVICE}")
    page.locator("#service-title").wait_for(timeout=10_000)
    assert page.locator("[data-sla]").inner_text() == "Selesai di hari yang sama"
    page.goto(f"{live_server.url}/#/layanan/{SERVICE}")
    page.locator("#service-title").wait_for(timeout=10_000)
    assert page.locator("[data-fee]").inner_text() == "Gratis"
    assert_accessible(page, "service standard")

    # A draft before signing in: the form, one photo.
    page.locator('[data-action="start"]').click()
    page.locator('[data-task="data"]').wait_for(timeout=10_000)
    application_id = page.url.rsplit("/", 1)[-1]
    submit_tag = page.locator('[data-task="submit"] + [data-task-state]')
    assert submit_tag.inner_text() == "Belum bisa dikirim"
    assert_accessible(page, "application task list")
    page.locator('[data-task="data"]').click()
    page.locator("#field-nik").wait_for()
    assert_accessible(page, "empty form")
    CitizenApp(page, live_server.url).fill_kk_form()
    assert_accessible(page, "filled form")
    page.locator('[data-action="done"]').click()
    page.locator('[data-task="doc-ktp"]').click()
    page.locator('[data-pick="camera"] input').set_input_files(photo_file("ktp.jpg", 31))
    page.locator('[data-pages="1"]').wait_for(timeout=PHOTO_READY_MS)
    assert_accessible(page, "document with a photo")
    page.locator('[data-action="done"]').click()
    assert submit_tag.inner_text() == "Belum bisa dikirim"  # the KK photo is still missing
    page.locator('[data-task="submit"]').click()
    page.locator('[data-action="submit"]').wait_for()
    assert_accessible(page, "check and submit, not ready")
    page.go_back()

    # The unsent list names the document; the nav link says what its number counts.
    page.locator('a[data-nav="applications"]').click()
    queue = page.locator("[data-queue]")
    queue.wait_for(timeout=10_000)
    item = queue.locator('[data-queue-item="application.attach"]')
    item.filter(has_text=KTP_TITLE).wait_for(timeout=10_000)  # once the standard is read
    attach = item.inner_text()
    assert KTP_TITLE in attach and "ktp" not in attach.replace(KTP_TITLE, ""), attach
    nav = page.get_by_role("link", name=re.compile(r"^Permohonan \d+ belum terkirim$"))
    assert nav.count() == 1
    assert_accessible(page, "my applications with unsent work")

    # Signing in from the draft's "Masuk untuk mengirim draf Anda" comes back to the draft,
    # with the number typed in the form already in the sign-in form.
    page.goto(f"{live_server.url}/#/permohonan/{application_id}")
    status = page.locator("[data-sync-status]")
    status.get_by_text("Masuk untuk mengirim draf Anda.").wait_for(timeout=10_000)
    status.locator('[data-action="sign-in-to-send"]').click()
    assert page.locator("#signin-phone").input_value() == PHONE_NUMBER
    assert_accessible(page, "sign in: phone")
    page.get_by_role("button", name="Kirim kode").click()
    page.locator("#signin-code").wait_for()
    assert_accessible(page, "sign in: code")
    _, code = otp_log.wait_code()
    page.locator("#signin-code").fill(code)
    page.locator("form button[type=submit]").click()
    page.locator(f'[data-application-view="{application_id}"]').wait_for(timeout=10_000)
    assert page.locator("#profile-title").count() == 0

    # Everything goes out; the line then says so, and nothing contradicts it.
    status.get_by_text("Semua sudah terkirim.").wait_for(timeout=60_000)
    assert "segera" not in status.inner_text()
    assert_accessible(page, "draft sent")
    page.locator('a[data-nav="profile"]').click()
    page.locator("#profile-title").wait_for()
    assert_accessible(page, "profile")

    # The app icon (on notifications and the launcher) is there offline.
    context.set_offline(True)
    icon = page.evaluate("""async () => {
      const r = await fetch('/icons/icon-192.png');
      const size = (await r.arrayBuffer()).byteLength;
      return {ok: r.ok, type: r.headers.get('content-type'), size};
    }""")
    assert icon["ok"] and icon["type"] == "image/png" and icon["size"] > 1000, icon
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    context.close()


def officer_actions(app, username: str):
    """The officer's side through the console's API (what the console itself sends)."""

    token = officer_token(app, make_officer(app, username, "Rina Marlina"))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def act(application_id: str, action: str, **body):
        path = f"/api/officer/applications/{application_id}"
        version = client.get(path, headers=headers).get_json()["version"]
        answer = client.post(f"{path}/{action}", headers=headers, json={"version": version, **body})
        assert answer.status_code == 200, (action, answer.get_json())
    return act


def test_after_a_fix_and_at_the_end_the_page_says_only_what_is_true(live_server, tmp_path,
                                                                     otp_log, browser):

    app, url = live_server.app, live_server.url
    context, page = new_phone(browser)
    application_id = CitizenApp(page, url, otp_log).send_kk_application()
    prefetch(41)  # the retaken photo, drawn while the officer decides
    wait_for(lambda: application_state(app, application_id) == "submitted", timeout=60,
             what="the application on the server")
    act = officer_actions(app, "rina.dukcapil")
    act(application_id, "start-review")
    act(application_id, "review", requirement="ktp", decision="accept")
    act(application_id, "review", requirement="kk_lama", decision="reject", reason="blurry",
        note="Foto ulang di tempat terang.")
    act(application_id, "request-revision")  # no general note: only the KK's

    # The revision box names the KK; once it is retaken, no empty box is left behind.
    page.reload()
    page.locator('[data-fix="kk_lama"]').wait_for(timeout=30_000)
    assert_accessible(page, "revision requested")
    page.locator('[data-task="doc-kk_lama"]').click()
    page.locator('[data-pick="camera"] input').set_input_files(photo_file("kk.jpg", 41))
    page.locator('[data-pages="1"]').wait_for(timeout=PHOTO_READY_MS)
    page.locator('[data-action="done"]').click()
    page.locator('[data-task="data"]').wait_for()
    assert page.locator("[data-revision]").count() == 0
    page.locator('[data-task="submit"]').click()
    page.locator('[data-action="submit"]:not([disabled])').click()
    page.locator('[data-task="data"]').wait_for()
    page.get_by_text("Semua sudah terkirim.").wait_for(timeout=60_000)
    wait_for(lambda: application_state(app, application_id) == "submitted", timeout=30,
             what="the fix on the server")

    act(application_id, "start-review")
    act(application_id, "review", requirement="kk_lama", decision="accept")
    act(application_id, "approve")
    act(application_id, "mark-ready", pickup={"counter": "Loket 3", "hours": "08.00-15.00"})
    page.reload()
    ticket = page.locator(".ticket-code")
    ticket.wait_for(timeout=30_000)
    assert_accessible(page, "ready, with the ticket")
    act(application_id, "complete", code=ticket.inner_text().strip())

    # Completed: nothing left to do, nothing to be told about, the history in time order.
    page.reload()
    page.locator('[data-application-view] [data-state="completed"]').wait_for(timeout=30_000)
    assert_accessible(page, "completed")
    text = page.locator("[data-application-view]").inner_text()
    assert "Yang perlu dilengkapi" not in text, text
    assert page.locator("[data-push-offer]").count() == 0
    assert "Ya, kabari saya" not in text
    entries = page.locator("[data-timeline] [data-history]").evaluate_all(
        "(items) => items.map((li) => [li.dataset.history, li.dataset.at])")
    kinds = [kind for kind, _ in entries]
    assert kinds[0] == "created" and "submitted" in kinds and kinds.count("notification") >= 3
    times = [dt.datetime.fromisoformat(at.replace("Z", "+00:00")).replace(tzinfo=None)
             for _, at in entries]
    assert times == sorted(times), entries  # the resubmission sits after the revision
    context.close()
