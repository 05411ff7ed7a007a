"""Browser tests: Debian's Chromium driven by Playwright against the app served in-process."""
from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, dispose, make_app
from tests.helpers import LiveServer  # noqa: F401  (the e2e tests import it from here too)

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 360, "height": 740}


def chromium_path() -> str | None:
    """Debian's full Chromium (package chromium)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def headless_chromium_path() -> str | None:
    """The browser the tests run in: Debian's chromium-headless-shell (the same Blink, V8,
    service workers, IndexedDB, Cache Storage and DevTools protocol, built without the
    desktop browser around them: the browser folder took about 30% less CPU in it, measured
    side by side), else the full Chromium. One thing differs for a page: it always answers
    `Notification.permission` with 'denied', even when granted; a test of notifications uses
    `full_browser`."""
    return shutil.which("chromium-headless-shell") or chromium_path()


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright for the whole run (a second sync_playwright() cannot start inside it)."""
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (make test installs Debian's chromium)")
    if not (ROOT / "pwa" / "dist" / "index.html").exists():
        pytest.fail("the PWA is not built: run `make pwa` (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session", autouse=True)
def shared_photos():
    """The folder where the document photos are kept once drawn (pages.photo_file): the test
    media cache's (tests/media/cache.py), shared by the run's xdist workers and kept for the
    next run while the code that draws them is unchanged."""
    from tests.e2e import pages
    from tests.media import cache, document_photos

    folder = cache.folder("photos", cache.fingerprint(document_photos))
    pages.PHOTO_DIR = folder
    yield folder
    pages.PHOTO_DIR = None


@pytest.fixture(scope="session")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=headless_chromium_path(),
                                                args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def full_browser(playwright_driver):
    """The full Chromium, for what the headless shell does not do (notifications)."""
    browser = playwright_driver.chromium.launch(executable_path=chromium_path(),
                                                args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def live_server(sqlite_databases, tmp_path):
    url = sqlite_databases.new()
    app = make_app(url, tmp_path / "instance")
    with LiveServer(app) as server:
        yield server
    dispose(app)
    sqlite_databases.drop(url)


@pytest.fixture
def phone_page(browser):
    """A phone-sized page that records console errors (a CSP violation is one)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="id-ID")
    page = record_console_errors(context.new_page())
    yield page
    context.close()


# The pages the running test opened (record_console_errors): when it fails, each one's
# address and what it showed are printed with the failure, and a screenshot is kept in
# test-artifacts/failures/, so a failure in CI says what the screen was.
TEST_PAGES: list = []


def record_console_errors(page):
    """Collect the page's console errors and uncaught exceptions in `page.console_errors`."""
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    TEST_PAGES.append(page)
    return page


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when == "setup":
        TEST_PAGES.clear()
    if call.when != "call" or not report.failed:
        return
    shown = []
    for i, page in enumerate(TEST_PAGES):
        try:
            if page.is_closed():
                continue
            text = page.evaluate("document.body ? document.body.innerText.slice(0, 800) : ''")
            path = ARTIFACTS / "failures" / f"{item.name[:80]}-{i}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path))
            shown.append(f"page {i}: {page.url}\n{text}\n(screenshot: {path})")
        except Exception as error:  # a closed context or a crashed page: say so, go on
            shown.append(f"page {i}: not readable ({error})")
    if shown:
        report.sections.append(("what the pages showed", "\n\n".join(shown)))


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


OTP_LINE = re.compile(r"OTP for (\S+): (\d{6})")


class OtpCapture(logging.Handler):
    """Collects the codes the log channel writes on logger "sekali_datang.otp"."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.codes: list[tuple[str, str]] = []
        self.arrived = threading.Event()

    def emit(self, record):
        match = OTP_LINE.search(record.getMessage())
        if match:
            self.codes.append((match.group(1), match.group(2)))
            self.arrived.set()

    def wait_code(self, timeout=10.0) -> tuple[str, str]:
        assert self.arrived.wait(timeout), "no OTP was logged"
        return self.codes[-1]


@pytest.fixture
def otp_log():
    logger = logging.getLogger("sekali_datang.otp")
    handler = OtpCapture()
    old_level = logger.level
    logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def take_rejections(page, status: int, count: int = 1, at_most: int | None = None) -> None:
    """Take out of the console errors the lines Chromium logs for responses the test provokes.

    Chromium logs every 4xx answer to fetch() as a console error ("Failed to load resource:
    the server responded with a status of 400 (BAD REQUEST)"), even when the app handles it
    as planned. Exactly those lines are removed, so that the final `console_errors == []`
    still catches anything else (a CSP violation, an exception, an unexpected 4xx/5xx).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    marker = f"the server responded with a status of {status}"
    at_most = count if at_most is None else at_most
    deadline = time.monotonic() + 5
    # Wait for each missing line as it is logged (Playwright delivers console events while
    # it waits), rather than polling on a clock.
    while len(found := [e for e in page.console_errors if marker in e]) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            page.wait_for_event("console", predicate=lambda m: marker in m.text,
                                timeout=left * 1000)
        except PlaywrightTimeout:
            break
    assert count <= len(found) <= at_most, page.console_errors
    for line in found:
        page.console_errors.remove(line)
