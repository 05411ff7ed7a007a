"""A web push reaches the real service worker and a tap opens the application (issue #8),
in Debian's Chromium on a phone-sized page.

Headless Chromium has no push service (pushManager.subscribe fails with AbortError), so the
chain is closed by hand where the browser's own service would sit: the page's
PushManager.subscribe returns a subscription whose endpoint is the tests' local push
receiver (tests/push/receiver.py) and whose keys the receiver made; the server's worker
sends with pywebpush; the receiver checks the VAPID header and decrypts; its plaintext is
handed to the service worker with CDP `ServiceWorker.deliverPushMessage`. The notification
shown is read back with registration.getNotifications(), and its click is dispatched in the
worker as the `notificationclick` event the browser would fire.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import select

from server.accounts.models import Citizen
from server.applications.routes import unit_of_work
from server.extensions import db
from server.push import keys as vapid_keys
from server.push.cli import make_worker
from server.push.models import PushSubscription
from sync import officer, states
from sync.model import Application, ApplicationRequirement
from sync.space import SpaceWriter
from tests.conftest import dispose, make_app
from tests.e2e.conftest import LiveServer, record_console_errors, screenshot
from tests.e2e.pages import CitizenApp, wait_for
from tests.push.receiver import Receiver

pytestmark = pytest.mark.e2e

SERVICE = "langsa.imigrasi.paspor-baru"

# The page's PushManager, wired to the test's receiver: the subscription it "makes" is the
# one the receiver handed out (window.__testSubscription, set before subscribing).
FAKE_PUSH_MANAGER = """
(() => {
  let current = null;
  const make = (json) => ({
    endpoint: json.endpoint,
    options: { applicationServerKey: null },
    toJSON: () => JSON.parse(JSON.stringify(json)),
    unsubscribe: async () => { current = null; return true; },
  });
  PushManager.prototype.subscribe = async function () {
    if (!window.__testSubscription) throw new DOMException('no push service', 'AbortError');
    current = make(window.__testSubscription);
    return current;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
})();
"""


@pytest.fixture
def push_server(sqlite_databases, tmp_path):
    url = sqlite_databases.new()
    app = make_app(url, tmp_path / "instance", PUSH_ALLOW_INSECURE=True)
    with LiveServer(app) as server:
        yield server
    dispose(app)
    sqlite_databases.drop(url)


def submitted_application(app, citizen_id: str) -> str:
    """An application the citizen submitted and an officer is reviewing (written through the
    engine, as the citizen's pushes and the officer's start_review would leave it)."""
    application_id = str(uuid.uuid4())
    now = dt.datetime.now(dt.timezone.utc)
    with app.app_context():
        uow = unit_of_work()
    with uow.transaction():
        w = SpaceWriter(uow, citizen_id, now, actor=states.CITIZEN, actor_id=citizen_id)
        w.put_application(Application(
            id=application_id, citizen_id=citizen_id, service_code=SERVICE,
            state=states.IN_REVIEW, created_at=now, updated_at=now, reference="LGS-2026-000777",
            submitted_at=now, requirements={"ktp": ApplicationRequirement("ktp"),
                                            "kk": ApplicationRequirement("kk")}))
    return application_id


def test_a_revision_push_is_shown_and_its_tap_opens_the_application(push_server, full_browser,
                                                                     otp_log):
    # The full Chromium: the headless shell's pages never see the notification permission.
    browser, server = full_browser, push_server
    with server.app.app_context():
        receiver = Receiver(vapid_keys.current(server.app).public_key)
    try:
        context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                      has_touch=True, locale="id-ID")
        context.grant_permissions(["notifications"], origin=server.url)
        context.add_init_script(FAKE_PUSH_MANAGER)
        page = record_console_errors(context.new_page())
        cdp = context.new_cdp_session(page)
        registrations = []
        cdp.on("ServiceWorker.workerRegistrationUpdated",
               lambda e: registrations.extend(e["registrations"]))
        cdp.send("ServiceWorker.enable")

        citizen = CitizenApp(page, server.url, otp_log)
        citizen.open()
        citizen.wait_for_service_worker()
        citizen.sign_in()
        with server.app.app_context():
            citizen_id = str(db.session.scalars(select(Citizen.id)).one())
        application_id = submitted_application(server.app, citizen_id)

        # The citizen opens the application (pulled) and, after submitting, is offered
        # notifications: never before.
        page.goto(f"{server.url}/#/permohonan/{application_id}")
        page.reload()  # the app pulls at start (else at its next timer)
        offer = page.locator("[data-push-offer]")
        offer.wait_for(timeout=20_000)
        page.evaluate("(s) => { window.__testSubscription = s; }", receiver.subscription("phone"))
        offer.get_by_role("button").click()
        offer.wait_for(state="detached", timeout=10_000)
        with server.app.app_context():
            subscription = db.session.scalars(select(PushSubscription)).one()
            assert subscription.endpoint.endswith("/push/phone")

        # The officer asks for a revision; the worker pushes it to the receiver.
        with server.app.app_context():
            uow = unit_of_work()
        with uow.transaction():
            officer.request_revision(uow, application_id, "Foto KTP buram, mohon foto ulang.",
                                     "officer-1", dt.datetime.now(dt.timezone.utc))
        with server.app.app_context():
            worker = make_worker(server.app)
        wait_for(lambda: worker.drain(dt.datetime.now(dt.timezone.utc)) is not None
                 and receiver.messages("phone"), timeout=20, what="the push at the receiver")
        (message,) = receiver.messages("phone")
        assert receiver.errors == []
        payload = message.payload
        assert payload["application_id"] == application_id
        assert payload["url"] == f"/#/permohonan/{application_id}"
        assert "LGS-2026-000777" in payload["body"]
        assert "1174" not in json.dumps(payload)  # no NIK on a lock screen

        # Into the real service worker, as the push service would deliver it.
        page.goto(server.url + "/#/")
        page.locator("[data-mpp-code]").first.wait_for()
        registration_id = wait_for(lambda: next((r["registrationId"] for r in registrations
                                                 if r["scopeURL"].startswith(server.url)), None),
                                   timeout=10, what="the worker's registration id")
        cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": server.url, "registrationId": registration_id,
            "data": json.dumps(payload)})
        shown = wait_for(lambda: page.evaluate(
            "navigator.serviceWorker.ready.then((r) => r.getNotifications())"
            ".then((ns) => ns.map((n) => ({title: n.title, body: n.body, tag: n.tag})))"),
            timeout=15, what="the notification")
        assert shown == [{"title": payload["title"], "body": payload["body"],
                          "tag": payload["tag"]}]

        # The tap: the worker's notificationclick handler focuses this window and opens the
        # application in it.
        (worker_handle,) = [w for w in context.service_workers if w.url.startswith(server.url)]
        worker_handle.evaluate("""async () => {
            const [notification] = await self.registration.getNotifications();
            self.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
        }""")
        # (location read in the page: a fragment navigation made by the worker does not
        # always reach Playwright's page.url)
        wait_for(lambda: page.evaluate("location.hash") == f"#/permohonan/{application_id}",
                 timeout=15, what="the tap to open the application")
        revision = page.locator("[data-revision]")
        revision.wait_for(timeout=15_000)
        assert "Foto KTP buram" in revision.inner_text()
        screenshot(page, "citizen-push-opened-revision-360")
        assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.getNotifications())"
                             ".then((ns) => ns.length)") == 0  # closed by the tap
        assert page.console_errors == []
        context.close()
    finally:
        receiver.close()
