"""Page objects for the browser tests: the citizen app (CitizenApp) and the officer console
(OfficerConsole), with the steps many tests take, and the few helpers around them (a phone
with its own profile, waiting for a server-side condition, a document photo, an officer).

A test reads as what a person does (`citizen.sign_in()`, `console.decide("KK asal", False)`);
the selectors live here, once.
"""
from __future__ import annotations

import fcntl
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import expect

from server.access import session_lifetime
from server.accounts import operations as ops
from server.accounts.models import Officer, utcnow
from server.applications.models import Application
from server.extensions import db
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import (CHROMIUM_ARGS, PHONE, headless_chromium_path,
                                record_console_errors)
from tests.media.document_photos import kk_photo

SERVICE = "langsa.dukcapil.kk-baru"
NIK = "1174014508900001"  # a woman born 1990-08-05, Langsa
PHONE_NUMBER = "0812 7000 1234"
PASSWORD = "kata-sandi-loket-7"  # every console officer's, in these tests
AGENCY_NAME = "Dinas Kependudukan dan Pencatatan Sipil Kota Langsa"

# The phone's stored photos, read straight from IndexedDB (the engine's "blobs" store).
READ_STORED_FILES = """async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('sekali-datang-sync');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const rows = await new Promise((ok, fail) => {
    const r = db.transaction('blobs').objectStore('blobs').getAll();
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  db.close();
  const out = {};
  for (const row of rows) {
    const bytes = new Uint8Array(await row.file.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    out[row.documentId] = {
      sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join(''),
      size: bytes.length, type: row.file.type, pages: row.pages.length,
    };
  }
  return out;
}"""

# How long a 12 MP camera photo may take to show as a page on the capture screen (decoded,
# checked and compressed in the page): seconds on a quiet machine, up to tens of seconds on
# the 2 shared cores while the other test process draws photos or runs Chromium. A wait for
# the condition, not a speed check (bench/capture_quality.py and bench/pwa.py measure that).
PHOTO_READY_MS = 60_000


# True once a service worker controls the page (at once if one does), false after `ms`.
CONTROLLED = """(ms) => navigator.serviceWorker.controller !== null || new Promise((done) => {
  navigator.serviceWorker.addEventListener('controllerchange', () => done(true), {once: true});
  setTimeout(() => done(navigator.serviceWorker.controller !== null), ms);
})"""


def open_phone(playwright, profile_dir, *, offline: bool = False):
    """A phone whose browser profile lives in `profile_dir` (close it and open it again on the
    same folder: the phone was switched off), in a browser of its own. Console errors are
    collected on the page."""
    context = playwright.chromium.launch_persistent_context(
        str(profile_dir), executable_path=headless_chromium_path(), args=CHROMIUM_ARGS,
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="id-ID")
    context.set_offline(offline)
    page = record_console_errors(context.pages[0] if context.pages else context.new_page())
    return context, page


def new_phone(browser, *, offline: bool = False):
    """A phone for a test that does not switch it off and on again: a context of its own
    (storage, service worker, network) in the run's browser, which costs a fraction of a
    browser of its own (open_phone). Console errors are collected on the page."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="id-ID")
    context.set_offline(offline)
    return context, record_console_errors(context.new_page())


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    """Poll a condition outside the browser (the server's database) until it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class NetworkQuiet:
    """Watches a page's requests from now on; `wait()` returns once none has been in flight
    for `quiet_s` (the app's follow-up requests, such as the pulls after a sign-in, are done),
    so a test changes the server only when the app is not in the middle of asking it."""

    def __init__(self, page) -> None:
        self.page = page
        self.in_flight: set = set()
        self.last = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request) -> None:
        self.in_flight.add(request)
        self.last = time.monotonic()

    def _ended(self, request) -> None:
        self.in_flight.discard(request)
        self.last = time.monotonic()

    def wait(self, quiet_s: float = 0.5, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while self.in_flight or time.monotonic() - self.last < quiet_s:
            if time.monotonic() > deadline:
                raise AssertionError(f"requests still in flight: {list(self.in_flight)}")
            self.page.wait_for_timeout(50)  # lets Playwright deliver the page's events
        for name, handler in (("request", self._started), ("requestfinished", self._ended),
                              ("requestfailed", self._ended)):
            self.page.remove_listener(name, handler)


# The tests' document photos. Drawing one 12 MP photo (tests/media/document_photos.py) costs
# about 3 s of CPU, and the same seed is drawn by several tests: each is drawn once, kept in
# memory and in a folder the run's xdist workers share and later runs reuse (PHOTO_DIR, set by
# the e2e conftest: the test media cache, tests/media/cache.py), and drawn in a thread
# (Pillow lets go of the GIL while it draws) so that a test can ask for its photos first
# (`prefetch`) and the drawing overlaps the browser's work.
# The bytes are the very ones kk_photo(seed) makes: the tests send the same photos.
PHOTO_DIR: Path | None = None


def _lower_priority() -> None:
    """The drawing thread gives way to the browser and the server (Linux: a thread's own
    nice value), so that drawing ahead does not slow the steps the test is timing."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


_DRAWER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="photos",
                             initializer=_lower_priority)
_PHOTOS: dict[object, Future] = {}


def in_background(key, make) -> Future:
    """`make()` run once per `key` in the drawing thread (a Future of its result)."""
    if key not in _PHOTOS:
        _PHOTOS[key] = _DRAWER.submit(make)
    return _PHOTOS[key]


def _kk_jpeg(seed: int) -> bytes:
    if PHOTO_DIR is None:
        return kk_photo(seed=seed).jpeg
    path = PHOTO_DIR / f"kk-{seed}.jpg"
    with open(PHOTO_DIR / f"kk-{seed}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other worker may be drawing the same one
        if path.exists():
            return path.read_bytes()
        jpeg = kk_photo(seed=seed).jpeg
        part = path.with_suffix(".part")
        part.write_bytes(jpeg)
        part.replace(path)
        return jpeg


def prefetch(*seeds: int) -> None:
    """Start drawing the photos of these seeds (photo_file waits for them)."""
    for seed in seeds:
        in_background(("kk", seed), lambda seed=seed: _kk_jpeg(seed))


def photo_file(name: str, seed: int) -> dict:
    prefetch(seed)
    return {"name": name, "mimeType": "image/jpeg",
            "buffer": _PHOTOS[("kk", seed)].result()}


class CitizenApp:
    """The citizen PWA in one page, at `url` (the live server's)."""

    def __init__(self, page, url: str, otp_log=None):
        self.page, self.url, self.otp_log = page, url, otp_log

    def open(self) -> None:
        self.page.goto(self.url + "/")
        self.page.locator("[data-mpp-code]").first.wait_for(timeout=15_000)

    def wait_for_service_worker(self) -> None:
        # (awaited in evaluate: the app's CSP forbids the eval behind wait_for_function)
        assert self.page.evaluate(CONTROLLED, 15_000), "the service worker to control the page"

    def sign_in(self, phone: str = PHONE_NUMBER) -> None:
        """From any screen with the header to the profile, with the code the server sent."""
        page = self.page
        page.locator('a[data-nav="signin"]').click()
        page.locator("#signin-phone").fill(phone)
        page.get_by_role("button", name="Kirim kode").click()
        page.locator("#signin-code").wait_for()
        _, code = self.otp_log.wait_code()
        page.locator("#signin-code").fill(code)
        page.locator("form button[type=submit]").click()
        page.locator("#profile-title").wait_for(timeout=10_000)

    def ready(self) -> None:
        """Installed (the service worker controls the page), signed in, and the service's
        standard read once online (cached for offline)."""
        self.open()
        self.wait_for_service_worker()
        self.sign_in()
        self.open_service()

    def open_service(self, code: str = SERVICE) -> None:
        self.page.goto(f"{self.url}/#/layanan/{code}")
        self.page.locator("#service-title").wait_for(timeout=10_000)

    def start_application(self, code: str = SERVICE) -> str:
        """Start an application from the service's page; returns its id."""
        self.page.goto(f"{self.url}/#/layanan/{code}")
        self.page.locator('[data-action="start"]').click()
        self.page.locator('[data-task="data"]').wait_for(timeout=10_000)
        return self.page.url.rsplit("/", 1)[-1]

    def fill_kk_form(self) -> None:
        """Fill the KK-baru form on its screen, and wait until the phone says it is stored."""
        page = self.page
        page.locator("#field-nik").fill(NIK)
        page.locator("#field-full_name").fill("Siti Aminah")
        page.locator("#field-reason").select_option("keluarga-baru")
        page.locator("#field-old_kk_number").fill("1174010101240009")
        page.locator("#field-address").fill("Jalan Teuku Umar Nomor 17, Gampong Jawa, Langsa Kota")
        page.locator("#field-member_count").fill("2")
        page.locator("#field-phone").fill(PHONE_NUMBER)
        page.locator("#field-phone").blur()
        page.get_by_text("Tersimpan di HP.", exact=True).wait_for()

    def view_settled(self) -> None:
        """Wait for a route change to finish. The app scrolls to the top and focuses <main>
        in an effect after the new view is painted; a click in between can land where its
        element was before that scroll (a task link clicked so did nothing, and the test
        then waited in vain for the capture screen)."""
        expect(self.page.locator("main#main")).to_be_focused()

    def fill_form(self) -> None:
        """From the application's tasks: the form filled, back on the tasks."""
        self.page.locator('[data-task="data"]').click()
        self.fill_kk_form()
        self.page.locator('[data-action="done"]').click()
        self.view_settled()

    def add_photo(self, requirement: str, seed: int, *, before_done=None) -> None:
        """From the tasks: one camera photo for `requirement`, back on the tasks
        (`before_done(page)` runs on the capture screen, e.g. for a screenshot)."""
        page = self.page
        page.locator(f'[data-task="doc-{requirement}"]').click()
        page.locator('[data-pick="camera"] input').set_input_files(
            photo_file(f"{requirement}.jpg", seed))
        page.locator('[data-pages="1"]').wait_for(timeout=PHOTO_READY_MS)
        if before_done is not None:
            before_done(page)
        page.locator('[data-action="done"]').click()
        self.view_settled()

    def submit(self) -> None:
        """From the tasks: check and submit, back on the tasks."""
        self.page.locator('[data-task="submit"]').click()
        self.page.locator('[data-action="submit"]:not([disabled])').click()
        self.page.locator('[data-task="data"]').wait_for()

    def send_kk_application(self, seeds: tuple[int, int] = (21, 22)) -> str:
        """Online: sign in, fill and send a KK application until everything is sent."""
        prefetch(*seeds)
        self.open()
        self.sign_in()
        application_id = self.start_application()
        self.fill_form()
        for requirement, seed in zip(("ktp", "kk_lama"), seeds):
            self.add_photo(requirement, seed)
        self.submit()
        self.page.get_by_text("Semua sudah terkirim.").wait_for(timeout=60_000)
        return application_id


def make_officer(app, username: str, full_name: str, agency: str | None = "dukcapil",
                 role: str = "verifier") -> int:
    """A verifier of an agency of Langsa (dukcapil unless named; a supervisor: none) with the
    tests' PASSWORD."""
    with app.app_context():
        officer = ops.create_officer(db.session, username=username, password=PASSWORD,
                                     full_name=full_name, role=role, mpp_code="langsa",
                                     agency_code=agency if role == "verifier" else None,
                                     now=utcnow())
        db.session.commit()
        return officer.id


def officer_token(app, officer_id: int) -> str:
    """Another device session of the same officer (the "someone else" of a stale save)."""
    with app.app_context():
        token, _ = ops.issue_session(db.session, now=utcnow(),
                                     officer=db.session.get(Officer, officer_id),
                                     lifetime=session_lifetime("officer"))
        db.session.commit()
        return token


def application_state(app, application_id):
    with app.app_context():
        db.session.expire_all()
        row = db.session.get(Application, application_id)
        return row.state if row else None


class OfficerConsole:
    """The officer console (officer.html) in one page, at `url` (the live server's)."""

    def __init__(self, page, url: str):
        self.page, self.url = page, url

    def sign_in(self, username: str, password: str = PASSWORD,
                agency_name: str = AGENCY_NAME, lands_on: str = "#queue-title") -> None:
        """Sign in to the queue, checking the console's headers, its accessibility and that
        the header names the agency as people know it."""
        page = self.page
        response = page.goto(self.url + "/officer.html")
        # The console gets the citizen app's headers: no inline script or style, no framing.
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "style-src 'self';" in csp, csp
        assert response.headers["x-frame-options"] == "DENY"
        page.locator("#officer-username").wait_for(timeout=10_000)
        assert_accessible(page, "console sign-in")
        page.locator("#officer-username").fill(username)
        page.locator("#officer-password").fill(password)
        page.get_by_role("button", name="Masuk").click()
        page.locator(lands_on).wait_for(timeout=10_000)
        who = page.locator(".bar-who")
        if page.viewport_size["width"] > 900:  # narrower, the bar leaves the name out
            assert agency_name in who.inner_text() and "dukcapil" not in who.inner_text()

    def queue_row(self, application_id: str):
        row = self.page.locator(f'a[href="#/permohonan/{application_id}"]')
        row.wait_for(timeout=10_000)
        return row

    def open_application(self, application_id: str) -> None:
        """From the queue: open the application, which takes its review."""
        self.queue_row(application_id).click()
        self.page.locator('[data-review] [data-state="in_review"]').wait_for(timeout=10_000)

    def decide_buttons(self, title: str):
        """A requirement's accept and reject buttons, found the way a screen reader user
        finds them: inside the group named by the requirement, each button naming it too."""
        group = self.page.get_by_role("group", name=title)
        return (group.get_by_role("button", name=f"Terima {title}", exact=True),
                group.get_by_role("button", name=f"Tolak {title}", exact=True))

    def decide(self, title: str, accept: bool) -> None:
        """Press accept (or reject, which opens the reason form) on the requirement `title`."""
        accept_button, reject_button = self.decide_buttons(title)
        (accept_button if accept else reject_button).click()

    # ---- a supervisor's screens (issue #18) ------------------------------------------------
    def open_dashboard(self) -> None:
        """The dashboard from the bar, once its figures and charts are drawn."""
        self.page.locator('[data-nav="dashboard"]').click()
        self.page.locator('[data-kpi="came_once"]').wait_for(timeout=15_000)
        self.page.locator('[data-chart="came_once"] canvas').wait_for(timeout=10_000)

    def open_skm(self) -> None:
        """The SKM screen from the bar (supervisors and admins), once its figures are in."""
        self.page.locator('[data-nav="skm"]').click()
        self.page.locator("[data-skm-unit]").wait_for(timeout=15_000)
        self.page.locator("[data-skm-suggestions]").wait_for(timeout=15_000)

    def suggestions(self) -> list[str]:
        texts = self.page.locator("[data-suggestion] .skm-text").all_inner_texts()
        return [t.strip() for t in texts]

    def create_officer(self, username: str, full_name: str, agency_name: str,
                       counter_name: str) -> str:
        """On the staff screen: a new verifier; returns the temporary password shown once."""
        page = self.page
        page.locator('[data-nav="staff"]').click()
        page.locator("#staff-username").wait_for(timeout=10_000)
        page.locator("#staff-username").fill(username)
        page.locator("#staff-full-name").fill(full_name)
        page.locator("#staff-role").select_option("verifier")
        page.locator("#staff-agency").select_option(label=agency_name)
        page.locator("#staff-counter").select_option(label=counter_name)
        page.locator('[data-action="create-officer"]').click()
        shown = page.locator(f'[data-temporary-for="{username}"] [data-temporary-password]')
        shown.wait_for(timeout=10_000)
        page.locator(f'[data-officer-row="{username}"]').wait_for(timeout=10_000)
        return shown.inner_text().strip()

    def set_new_password(self, temporary: str, new: str) -> None:
        """The screen a temporary password leads to: the officer's own password, then the
        queue."""
        page = self.page
        page.locator("#password-current").fill(temporary)
        page.locator("#password-new").fill(new)
        page.locator("#password-again").fill(new)
        page.locator('[data-action="set-password"]').click()
        page.locator("#queue-title").wait_for(timeout=10_000)


class FloorKiosk:
    """The check-in kiosk (/kiosk) with its device key, in one page."""

    def __init__(self, page, url: str, key: str):
        self.page, self.url, self.key = page, url, key

    def open(self) -> None:
        response = self.page.goto(f"{self.url}/kiosk#key={self.key}")
        csp = response.headers["content-security-policy"]  # the same strict policy
        assert "script-src 'self';" in csp and "style-src 'self';" in csp, csp
        self.page.locator('[data-action="scan"]').wait_for(timeout=15_000)
        assert "key=" not in self.page.url  # the key leaves the address bar at once

    def check_in(self, code: str) -> None:
        """From the start: "I have a ticket", type the code; on the result or error screen."""
        page = self.page
        page.locator('[data-action="scan"]').click()
        page.locator("#kiosk-code").fill(code)
        page.locator('[data-action="check-in"]').click()
        page.locator('[data-kiosk-screen="result"], [data-kiosk-screen="error"]').wait_for()

    def walk_in(self, service: str) -> None:
        page = self.page
        page.locator('[data-action="walk-in"]').click()
        page.locator(f'[data-service="{service}"]').click()
        page.locator('[data-kiosk-screen="result"], [data-kiosk-screen="error"]').wait_for()

    def numbers(self) -> list[str]:
        return [n.get_attribute("data-queue-number")
                for n in self.page.locator("[data-queue-number]").all()]

    def done(self) -> None:
        self.page.locator('[data-kiosk-screen] button:has-text("Selesai"), '
                          '[data-kiosk-screen] button:has-text("Kembali")').first.click()
        self.page.locator('[data-kiosk-screen="home"]').wait_for()


class CallDisplay:
    """The call display (/display) with its device key, in one page."""

    def __init__(self, page, url: str, key: str):
        self.page, self.url, self.key = page, url, key

    # What the display says aloud, recorded instead of played (a test has no loudspeaker),
    # and each announcement counted as it begins: its chime makes its oscillators in one go,
    # the words follow about 2 s later (pwa/src/display/display.jsx).
    RECORD_SPEECH = """() => {
      window.__spoken = [];
      window.__chimes = 0;
      if (window.AudioContext) {
        const make = AudioContext.prototype.createOscillator;
        let counted = false;
        AudioContext.prototype.createOscillator = function () {
          if (!counted) {
            counted = true;
            window.__chimes += 1;
            queueMicrotask(() => { counted = false; });
          }
          return make.call(this);
        };
      }
      if (!window.speechSynthesis) return;
      window.speechSynthesis.speak = (u) => {
        window.__spoken.push({text: u.text, lang: u.lang});
        setTimeout(() => u.onend && u.onend(), 10);
      };
    }"""

    def open(self) -> None:
        # The page's clock is Playwright's, running at the real pace, so that a test can let
        # the display's seconds of silence pass at once (let_time_pass).
        self.page.clock.install()
        self.page.add_init_script(script=f"({self.RECORD_SPEECH})()")
        self.page.goto(f"{self.url}/display#key={self.key}")
        self.page.locator('[data-stale="false"]').wait_for(timeout=15_000)

    def turn_sound_on(self) -> None:
        """The TV's browser blocks sound until someone taps once (or it is started with
        autoplay allowed): the button is there until then."""
        self.page.locator('[data-action="sound"]').click()
        self.page.locator('[data-action="sound"]').wait_for(state="detached")

    def let_time_pass(self, ms: int) -> None:
        """The display's clock jumps `ms` ahead (its due timers fire) instead of the test
        waiting that long."""
        self.page.clock.fast_forward(ms)

    def spoken(self) -> list[dict]:
        return self.page.evaluate("() => window.__spoken || []")

    def chimes(self) -> int:
        """How many announcements have begun (each with its chime)."""
        return self.page.evaluate("() => window.__chimes || 0")

    def polled(self, times: int = 1) -> None:
        """Wait until the display has asked for its feed and handled the answer (a 304 when
        nothing changed) `times` more times: it asks again only once it has handled the
        last answer, so the (times + 1)-th request from now proves it. A new call in an
        answer begins its announcement while the answer is handled."""
        for _ in range(times + 1):
            with self.page.expect_request(lambda r: "/api/queue/display" in r.url,
                                          timeout=10_000):
                pass

    def shows_call(self, number: str, timeout: float = 2_000) -> None:
        """The number is the one being called and heads the last calls within `timeout` ms."""
        self.page.locator(f'[data-now="{number}"]').wait_for(timeout=timeout)
        self.page.locator(f'.display-call-list li:first-child[data-call="{number}"]').wait_for(
            timeout=timeout)


class CounterScreen:
    """The counter (loket) screen of the officer console, signed in (OfficerConsole)."""

    def __init__(self, page, url: str):
        self.page, self.url = page, url

    def open(self, counter: str) -> None:
        page = self.page
        page.locator('[data-nav="counter"]').click()
        page.locator("[data-counter-select]").wait_for(timeout=10_000)
        page.locator("[data-counter-select]").select_option(counter)
        page.locator(f'[data-counter="{counter}"]').wait_for()

    def waiting(self, lane: str) -> list[str]:
        return [row.get_attribute("data-ticket") for row in
                self.page.locator(f'[data-lane="{lane}"] [data-ticket]').all()]

    def call_next(self) -> str:
        page = self.page
        page.locator('[data-action="call-next"]').click()
        current = page.locator("[data-current]")
        current.wait_for(timeout=10_000)
        return current.get_attribute("data-current")

    def serve(self, application_id: str | None = None) -> None:
        """Serve the called number: a booked one opens its application (the review screen),
        then back at the counter it is being served."""
        page = self.page
        page.locator('[data-action="serve"]').click()
        if application_id:
            page.locator("[data-review]").wait_for(timeout=10_000)
            assert page.url.endswith(f"#/permohonan/{application_id}"), page.url
            page.locator('[data-nav="counter"]').click()
        page.locator('[data-current][data-status="serving"]').wait_for(timeout=10_000)

    def complete(self) -> None:
        self.page.locator('[data-action="complete"]').click()
        self.page.locator('[data-action="call-next"]').wait_for(timeout=10_000)


class SurveyScreen:
    """The SKM survey on the citizen's phone (#/survei/<application id>), offered by a card
    above the applications once an application is completed."""

    def __init__(self, page, url: str):
        self.page, self.url = page, url

    def prompt(self, application_id: str):
        return self.page.locator(f'[data-survey-prompt="{application_id}"]')

    def open_from_prompt(self, application_id: str) -> None:
        self.prompt(application_id).locator('[data-action="open-survey"]').click()
        self.page.locator("[data-survey-form]").wait_for()

    def answer(self, scores: dict[str, int], profile: dict[str, str], suggestion: str = "") -> None:
        """Choose each element's answer (1-4), the profile and the suggestion; not sent yet."""
        page = self.page
        for key, score in scores.items():
            page.locator(f'[data-element="{key}"] input[value="{score}"]').check()
        for key, value in profile.items():
            page.locator(f"#survey-{key}").select_option(value)
        if suggestion:
            page.locator("#survey-suggestion").fill(suggestion)

    def send(self) -> None:
        self.page.locator('[data-action="send-survey"]').click()

    def done(self, state: str = "queued") -> None:
        self.page.locator(f'[data-survey-done="{state}"]').wait_for(timeout=15_000)


class PublicResults:
    """The published SKM report of an MPP (/skm/<mpp>), no sign-in."""

    def __init__(self, page, url: str):
        self.page, self.url = page, url

    def open(self, mpp: str = "langsa", period: str | None = None) -> None:
        self.page.goto(f"{self.url}/skm/{mpp}" + (f"?period={period}" if period else ""))
        self.page.locator("h1").wait_for()

    def ikm(self) -> str:
        return self.page.locator(".ikm-value").inner_text().strip()


class ComplaintScreens:
    """The citizen's complaint screens (#/pengaduan...) on the phone."""

    def __init__(self, page, url: str):
        self.page, self.url = page, url

    def file_about(self, application_id: str, text: str, *, anonymous: bool = False) -> None:
        """From the application's screen: the prefilled form, filled and sent; on the
        complaint's own screen afterwards."""
        page = self.page
        page.goto(f"{self.url}/#/permohonan/{application_id}")
        page.locator('[data-action="complain"]').click()
        page.locator("[data-complaint-about]").wait_for(timeout=10_000)
        page.locator("#complaint-text").fill(text)
        if anonymous:
            page.locator('[data-privacy="anonymous"]').check()

    def add_photo(self, photo) -> None:
        """One photo picked on the form: compressed on the phone, then shown as a thumbnail."""
        count = self.page.locator("[data-complaint-photos] img").count()
        self.page.locator('[data-pick="complaint-photo"] input').set_input_files(photo)
        self.page.locator("[data-complaint-photos] img").nth(count).wait_for(timeout=20_000)

    def send(self) -> None:
        self.page.locator('[data-action="send-complaint"]').click()
        self.page.locator("#complaint-title").wait_for(timeout=10_000)

    def status(self) -> str:
        return self.page.locator("[data-complaint-status]").first.get_attribute(
            "data-complaint-status")

    def answers(self) -> list[str]:
        return self.page.locator("[data-complaint-answers] [data-answer] p:first-child") \
            .all_inner_texts()


class ComplaintConsole:
    """The complaints queue and one complaint in the officer console (#/pengaduan)."""

    def __init__(self, page, url: str):
        self.page, self.url = page, url

    def open_queue(self) -> None:
        self.page.locator('a[data-nav="complaints"]').click()
        self.page.locator("#complaints-title").wait_for(timeout=10_000)

    def row(self, reference: str):
        row = self.page.locator(f'[data-complaint="{reference}"]')
        row.wait_for(timeout=10_000)
        return row

    def open(self, reference: str) -> None:
        self.row(reference).click()
        self.page.locator("#complaint-title").wait_for(timeout=10_000)

    def answer(self, text: str) -> None:
        self.page.locator("#complaint-answer").fill(text)
        self.page.locator('[data-action="answer"]').click()
        self.page.locator('[data-status="answered"]').first.wait_for(timeout=10_000)


class WalkInScreen:
    """The console's walk-in screen (#/loket-baru, issue #18), signed in (OfficerConsole):
    identify a citizen without the app, fill the form with them, photograph documents."""

    def __init__(self, page, url: str):
        self.page, self.url = page, url

    def open(self) -> None:
        self.page.locator('[data-nav="walk-in"]').click()
        self.wait()

    def wait(self) -> None:
        """The start screen, its services listed."""
        self.page.locator("[data-walk-in-service] option").first.wait_for(state="attached",
                                                                          timeout=10_000)

    def identify(self, *, service: str, nik: str, birth_date: str, full_name: str,
                 sex: str = "") -> None:
        page = self.page
        page.locator("[data-walk-in-service]").select_option(service)
        page.locator("[data-walk-in-nik]").fill(nik)
        page.locator("[data-walk-in-birth-date]").fill(birth_date)
        if sex:
            page.locator("[data-walk-in-sex]").select_option(sex)
        page.locator("[data-walk-in-name]").fill(full_name)

    def send_code(self, phone: str) -> None:
        self.page.locator("[data-walk-in-phone]").fill(phone)
        self.page.locator('[data-action="send-code"]').click()
        self.page.locator("[data-code-sent]").wait_for(timeout=10_000)

    def start(self, code: str) -> str:
        """Type the code the citizen reads out and start; returns the application's id."""
        page = self.page
        page.locator("[data-walk-in-code]").fill(code)
        page.locator('[data-action="start"]').click()
        page.locator("[data-walk-in][data-state=draft]").wait_for(timeout=10_000)
        return page.locator("[data-walk-in]").get_attribute("data-walk-in")

    def fill(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            field = self.page.locator(f'[data-form-field="{key}"]')
            if field.evaluate("el => el.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)

    def photograph(self, requirement: str, photo: dict) -> None:
        """The tablet's camera: one photo for `requirement`, checked, shrunk, uploaded and
        attached (the row then shows the server's document)."""
        page = self.page
        page.locator(f'[data-photo-input="{requirement}"]').set_input_files(photo)
        row = page.locator(f'[data-requirement="{requirement}"]')
        keep = row.locator('[data-action="keep-photo"]')
        done = row.and_(page.locator('[data-document-status="ready"]'))
        deadline = 30_000
        keep.or_(done).first.wait_for(timeout=deadline)
        if keep.count():
            keep.click()
        done.wait_for(timeout=deadline)

    def submit(self) -> str:
        """Save and submit; returns the reference."""
        page = self.page
        page.locator('[data-action="submit"]').click()
        page.locator("[data-submitted]").wait_for(timeout=15_000)
        return page.locator("[data-submitted]").get_attribute("data-submitted")
