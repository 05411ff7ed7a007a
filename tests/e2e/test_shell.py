"""The built citizen shell loads in Chromium and lists the demo MPPs from the API."""
from __future__ import annotations

from tests.e2e.conftest import screenshot


def test_shell_lists_the_demo_mpps_on_a_phone(live_server, phone_page):
    page = phone_page
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]

    page.locator('[data-mpp-code="langsa"]').wait_for(timeout=15_000)
    cards = page.locator("[data-mpp-code]")
    codes = {cards.nth(i).get_attribute("data-mpp-code") for i in range(cards.count())}
    assert {"langsa", "payakumbuh"} <= codes
    assert "Kota Langsa" in page.locator('[data-mpp-code="langsa"]').inner_text()
    assert page.locator("html").get_attribute("lang") == "id"
    manifest = page.locator('link[rel="manifest"]').get_attribute("href")
    assert page.request.get(live_server.url + manifest).json()["short_name"] == "Sekali Datang"
    screenshot(page, "citizen-mpp-list-360")

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.locator('[data-mpp-code="langsa"]').click()
    page.get_by_text("Kependudukan", exact=False).first.wait_for(timeout=10_000)
    assert "#/mpp/langsa" in page.url
    assert page.evaluate("window.scrollY") == 0  # the new screen starts at its top
    screenshot(page, "citizen-mpp-langsa-360")
    assert page.console_errors == []
