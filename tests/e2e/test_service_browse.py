"""A citizen finds a service at their MPP and reads its standard before starting."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_search_a_service_and_read_its_standard(live_server, phone_page):
    page = phone_page
    page.goto(live_server.url + "/#/mpp/langsa")
    page.locator("[data-service-code]").first.wait_for(timeout=15_000)
    total = page.locator("[data-service-code]").count()
    assert total == 29  # every service of MPP Kota Langsa, grouped by agency

    page.get_by_label("Cari layanan").fill("paspor")
    found = page.locator("[data-service-code]")
    codes = {found.nth(i).get_attribute("data-service-code") for i in range(found.count())}
    assert codes and all(".imigrasi." in code for code in codes), codes
    screenshot(page, "citizen-services-search-360")

    page.get_by_label("Cari layanan").fill("tidak ada layanan seperti ini")
    page.get_by_text("Tidak ada layanan yang cocok.").wait_for()

    page.goto(live_server.url + "/#/layanan/langsa.imigrasi.paspor-baru")
    page.locator("#service-title").wait_for(timeout=10_000)
    assert page.locator("[data-requirement]").count() >= 2
    text = page.locator("main").inner_text()
    for expected in ("Persyaratan", "Lama proses", "Biaya", "Saat datang ke MPP", "hari kerja"):
        assert expected in text, expected
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    screenshot(page, "citizen-service-standard-360")
    assert page.console_errors == []
