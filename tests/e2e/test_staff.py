"""Staff administration and the audit log (#18) in Debian's Chromium on a 1024x768 tablet: a
supervisor of MPP Langsa tries to disable their own account (refused next to nothing changed,
in Indonesian), resets a verifier's password (shown once; the verifier's sessions end), gives
them a counter and disables them; then browses the audit log and filters it by outcome,
action and target, each filter leaving exactly the server's matching events. A verifier of
the same MPP has no way to the staff or audit screens. axe-core on each screen; screenshots
of the staff screen and the filtered log as test artifacts.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.accounts.models import Officer
from server.audit.models import AuditEvent
from server.extensions import db
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import record_console_errors, screenshot, take_rejections
from tests.e2e.pages import OfficerConsole, make_officer, wait_for

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}
AUDIT_ROWS = ("() => [...document.querySelectorAll('[data-audit]')]"
              ".map((r) => [r.dataset.audit, r.dataset.outcome])")


def officer(app, officer_id: int) -> Officer:
    with app.app_context():
        row = db.session.get(Officer, officer_id)
        db.session.expunge(row)
        return row


def shown_rows(page, expected: list) -> list:
    """The audit rows once they are `expected` (a filter's answer arrives asynchronously)."""
    return wait_for(lambda: page.evaluate(AUDIT_ROWS) == expected and expected,
                    timeout=10, what=f"audit rows {expected}")


def server_rows(app, **where) -> list:
    """What the server's log holds for Langsa's staff, newest first, as the browser lists it."""
    with app.app_context():
        query = select(AuditEvent.action, AuditEvent.outcome).order_by(AuditEvent.id.desc())
        for key, value in where.items():
            column = getattr(AuditEvent, key)
            query = query.where(column.like(value + "%") if key == "action" else column == value)
        return [[a, o] for a, o in db.session.execute(query)]


def test_supervisor_manages_staff_and_filters_the_audit_log(live_server, browser):
    app, url = live_server.app, live_server.url
    dewi = make_officer(app, "dewi.supervisor", "Dewi Lestari", role="supervisor")
    budi = make_officer(app, "budi.loket", "Budi Santoso")
    make_officer(app, "sari.loket", "Sari Wulandari")
    context = browser.new_context(viewport=TABLET, device_scale_factor=1, has_touch=True,
                                  locale="id-ID")
    page = record_console_errors(context.new_page())
    console = OfficerConsole(page, url)
    console.sign_in("dewi.supervisor", agency_name="")
    page.locator('[data-nav="staff"]').click()
    page.locator('[data-officer-row="budi.loket"]').wait_for(timeout=10_000)
    assert_accessible(page, "staff")
    # one page is the current one in the navigation (the queue's link was marked too)
    current = page.locator('nav [aria-current="page"], header [aria-current="page"]')
    assert [current.nth(i).get_attribute("data-nav") for i in range(current.count())] == [
        "staff"]

    # Disabling oneself: the server's refusal, in Indonesian; nothing changed.
    before = officer(app, dewi)
    page.locator('[data-officer-row="dewi.supervisor"] [data-action="disable"]').click()
    refused = page.locator('[data-error="cannot_disable_self"]')
    refused.wait_for(timeout=10_000)
    assert "akun Anda sendiri" in refused.inner_text()
    take_rejections(page, 409)
    after = officer(app, dewi)
    assert (after.disabled, after.role, after.password_hash) == (
        before.disabled, before.role, before.password_hash)

    # A verifier's password reset: a temporary one shown once; they must set their own.
    page.locator('[data-officer-row="budi.loket"] [data-action="reset"]').click()
    temporary = page.locator('[data-temporary-for="budi.loket"] [data-temporary-password]')
    temporary.wait_for(timeout=10_000)
    assert len(temporary.inner_text().strip()) >= 12
    assert officer(app, budi).must_change_password is True
    page.locator('[data-officer-row="budi.loket"] .flag-info').wait_for(timeout=10_000)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "staff-screen-1024x768")
    assert_accessible(page, "staff with a temporary password")
    page.get_by_role("button", name="Sudah dicatat").click()

    # A counter for them, then disabled.
    row = page.locator('[data-officer-row="budi.loket"]')
    row.get_by_role("button", name="Ubah").click()
    row.get_by_label("Loket").select_option(index=1)
    wait_for(lambda: officer(app, budi).counter_id is not None, timeout=10,
             what="the counter saved")
    row.get_by_role("button", name="Selesai").click()
    row.locator('[data-action="disable"]').click()
    row.locator('[data-action="enable"]').wait_for(timeout=10_000)
    assert officer(app, budi).disabled is True

    # The audit log: everything concerning Langsa, then each filter.
    page.locator('a[href="#/audit"]').first.click()
    page.locator('[data-audit="officer.password_reset"]').wait_for(timeout=10_000)
    everything = server_rows(app)
    shown_rows(page, everything[:25])
    assert_accessible(page, "audit log")
    filter_button = page.get_by_role("button", name="Saring")

    page.locator("#audit-outcome").select_option("denied")
    filter_button.click()
    denied = shown_rows(page, server_rows(app, outcome="denied"))
    assert denied == [["staff.change_refused", "denied"]]

    page.locator("#audit-outcome").select_option("")
    page.locator("#audit-actor_id").select_option(label="Dewi Lestari (dewi.supervisor)")
    filter_button.click()
    by_dewi = shown_rows(page, server_rows(app, actor_id=str(dewi)))
    assert by_dewi == [["officer.changed", "ok"]] * 2 + [
        ["officer.password_reset", "ok"], ["staff.change_refused", "denied"]]
    assert len(everything) > len(by_dewi)  # sign-ins are the officers' own, not hers
    page.locator("#audit-actor_id").select_option("")
    page.locator("#audit-action").fill("officer.password")
    filter_button.click()
    assert shown_rows(page, server_rows(app, action="officer.password")) == [
        ["officer.password_reset", "ok"]]

    page.locator("#audit-action").fill("officer.changed")
    page.locator("#audit-target_kind").fill("officer")
    page.locator("#audit-target_id").fill(str(budi))
    filter_button.click()
    changed = shown_rows(page, server_rows(app, action="officer.changed",
                                           target_id=str(budi)))
    assert changed == [["officer.changed", "ok"]] * 2  # the counter, then disabled
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "audit-filtered-1024x768")

    page.locator("#audit-action").fill("tidak.ada")
    filter_button.click()
    page.get_by_text("Tidak ada catatan yang cocok.").wait_for(timeout=10_000)
    assert page.console_errors == [], page.console_errors
    context.close()

    # A verifier: no link to either screen, and the addresses show their queue instead.
    context = browser.new_context(viewport=TABLET, device_scale_factor=1, has_touch=True,
                                  locale="id-ID")
    page = record_console_errors(context.new_page())
    OfficerConsole(page, url).sign_in("sari.loket")
    assert page.locator('[data-nav="staff"]').count() == 0
    for hash_ in ("#/petugas", "#/audit"):
        page.goto(f"{url}/officer.html{hash_}")
        page.locator("#queue-title").wait_for(timeout=10_000)
        assert page.locator("#staff-title, #audit-title").count() == 0
    assert page.console_errors == [], page.console_errors
    context.close()
