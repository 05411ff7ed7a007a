"""Issue #18 in Debian's Chromium at 1024x768: a supervisor of MPP Langsa opens the dashboard
(five applications taken through the real API: the came-once rate 2 of 3 completed, one
second visit because of the KK), downloads a figure as CSV, browses the audit log, and creates
a verifier at the staff screen; the new officer signs in with the temporary password, must
set their own, then reaches the queue. Screenshots of the dashboard, the staff screen and the
audit log are artifacts; axe-core finds no serious or critical violation on each screen.
"""
from __future__ import annotations

import datetime as dt

import pytest

from server.dashboard import operations as dash
from server.db_types import utcnow
from server.extensions import db
from tests.api.conftest import Callers
from tests.api.dashboard_world import five_applications
from tests.api.officer_world import World
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import record_console_errors, screenshot
from tests.e2e.pages import OfficerConsole, make_officer

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}


def test_supervisor_dashboard_and_a_new_officer(live_server, browser):
    app, url = live_server.app, live_server.url
    world = World(app, app.test_client(), Callers(app))
    five_applications(world)
    with app.app_context():  # the rollup as a request a minute later would make it
        dash.catch_up(db.session, utcnow() + dt.timedelta(minutes=1))
        db.session.commit()
    make_officer(app, "dewi.supervisor", "Dewi Lestari", role="supervisor")

    context = browser.new_context(viewport=TABLET, device_scale_factor=1, has_touch=True,
                                  locale="id-ID", accept_downloads=True)
    page = record_console_errors(context.new_page())
    console = OfficerConsole(page, url)
    console.sign_in("dewi.supervisor", agency_name="")

    console.open_dashboard()
    assert page.locator('[data-kpi="came_once"] .kpi-value').inner_text() == "66,7%"
    row = page.locator('tr[data-service="langsa.imigrasi.paspor-baru"]')
    assert "2/3" in row.locator('[data-cell="came_once_rate"]').inner_text()
    assert "kk" in page.locator('[data-section="second_visits"]').inner_text()
    with page.expect_download() as download:
        page.locator('[data-csv="services"]').click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert "langsa.imigrasi.paspor-baru" in content and "came_once_rate" in content
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "supervisor-dashboard-1024x768")
    assert_accessible(page, "dashboard")

    temporary = console.create_officer("andi.imigrasi", "Andi Saputra",
                                       "Kantor Imigrasi Kelas II Non TPI Langsa", "Loket 5")
    assert len(temporary) >= 12
    assert_accessible(page, "staff")
    screenshot(page, "supervisor-staff-1024x768")
    page.locator('a[href="#/audit"]').click()
    page.locator('[data-audit="officer.created"]').first.wait_for(timeout=10_000)
    assert_accessible(page, "audit log")
    screenshot(page, "supervisor-audit-1024x768")
    page.locator("#audit-action").fill("officer.")
    page.get_by_role("button", name="Saring").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-audit]')].every("
        "(r) => r.dataset.audit.startsWith('officer.'))")
    page.locator('[data-action="signout"]').click()
    page.locator("#officer-username").wait_for(timeout=10_000)

    # the new officer: the temporary password only leads to setting their own
    console.sign_in("andi.imigrasi", temporary, agency_name="", lands_on="#password-title")
    assert page.locator('[data-nav="queue"]').count() == 0
    assert_accessible(page, "set a new password")
    console.set_new_password(temporary, "sandi-andi-sendiri-1")
    assert "Kantor Imigrasi" in page.locator(".bar-who").inner_text()
    assert page.console_errors == []
    context.close()
