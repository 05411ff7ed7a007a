"""Issue #18's catalog administration in Debian's Chromium on a 1024x768 tablet.

A national admin (role admin, no MPP) opens the catalog screen, edits the title of the "KK
asal" requirement of the national KK standard: the change is a draft ("Draf / belum terbit"),
saved as they type, and survives a reload and a dropped connection. They publish it with a
confirmation: the catalog version goes up and the public API serves the new standard. A
citizen's PWA that had read the standard before (the service worker's catalog cache) shows
the new title at its next catalog check (second test).
Then a publish the loader's rules refuse (two requirements with the same code): the error is
shown next to the requirement's code input, which gets the focus, in Bahasa Indonesia (in
English once the console is); the published catalog does not change. axe-core on the editor;
a screenshot of the editor at 1024x768 is a test artifact.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.accounts import operations as accounts
from server.catalog import operations as catalog_ops
from server.catalog.models import CatalogDraft, Mpp
from server.db_types import utcnow
from server.extensions import db
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import (
    ARTIFACTS, PHONE, record_console_errors, screenshot, take_rejections,
)
from tests.e2e.pages import (
    PASSWORD, SERVICE, CitizenApp, OfficerConsole, officer_token, wait_for,
)

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}
STANDARD = "dukcapil.kk-baru"  # the first national standard; SERVICE is Langsa's offering of it
OLD_TITLE = "KK asal"
NEW_TITLE = "Kartu Keluarga asal (lembar asli, difoto utuh)"
# The inputs are named by their path in the scope's data (catalog-logic.fieldId).
TITLE_INPUT = "#cat-service_standards-0-requirements-1-title_id"
CODE_INPUT = "#cat-service_standards-0-requirements-1-code"
NOTES_INPUT = "#cat-service_standards-0-requirements-1-notes_id"


def national_admin(app, username: str = "nadia.admin", mpp: str | None = None) -> None:
    """A national admin (role admin, no MPP), or with `mpp` that MPP's admin (role admin with
    an MPP: the accounts' create_officer makes no such officer, so it is set here)."""
    with app.app_context():
        officer = accounts.create_officer(db.session, username=username, password=PASSWORD,
                                          full_name="Nadia Putri", role="admin", mpp_code=None,
                                          now=utcnow())
        if mpp:
            officer.mpp_id = db.session.scalar(select(Mpp.id).where(Mpp.code == mpp))
        db.session.commit()


def catalog_version(app) -> int:
    with app.app_context():
        return catalog_ops.catalog_version(db.session).version


def open_draft_notes(app) -> str | None:
    """The notes of the kk_lama requirement in the server's open national draft."""
    with app.app_context():
        draft = db.session.scalars(select(CatalogDraft).where(
            CatalogDraft.scope == "national", CatalogDraft.status == "open")).one()
        return draft.data["service_standards"][0]["requirements"][1].get("notes_id")


def requirement_titles(app, service: str = SERVICE) -> dict[str, str]:
    """What the public API publishes now (the source of truth for every PWA)."""
    body = app.test_client().get(f"/api/services/{service}").get_json()
    return {r["code"]: r["title_id"] for r in body["requirements"]}


class CatalogEditor:
    """The catalog screen of the officer console."""

    def __init__(self, page):
        self.page = page

    def open(self) -> None:
        self.page.locator('[data-nav="catalog"]').click()
        self.page.locator('[data-scope="national"]').wait_for(timeout=15_000)

    def open_standard(self, code: str) -> None:
        self.page.locator(f'[data-nav-code="{code}"]').click()
        self.page.locator(TITLE_INPUT).wait_for(timeout=10_000)

    def status(self):
        return self.page.locator("[data-draft-state]")

    def wait_saved(self) -> None:
        self.page.locator('[data-draft-state="draft"][data-save="saved"]').wait_for(timeout=15_000)

    def publish(self) -> None:
        self.page.locator('[data-action="publish"]').click()
        dialog = self.page.get_by_role("alertdialog")
        dialog.wait_for()
        assert "Terbitkan" in dialog.inner_text()
        self.page.locator('[data-action="confirm-publish"]').click()


def test_admin_edits_a_requirement_and_publishes_it_a_refused_publish_changes_nothing(
        live_server, browser):
    app, url = live_server.app, live_server.url
    national_admin(app)

    tablet = browser.new_context(viewport=TABLET, device_scale_factor=1, has_touch=True,
                                 locale="id-ID", accept_downloads=True)
    page = record_console_errors(tablet.new_page())
    OfficerConsole(page, url).sign_in("nadia.admin", agency_name="")
    editor = CatalogEditor(page)
    editor.open()
    assert editor.status().get_attribute("data-draft-state") == "published"
    editor.open_standard(STANDARD)
    title = page.locator(TITLE_INPUT)
    assert title.input_value() == OLD_TITLE
    # Found by its label, as a screen reader user would.
    group = page.get_by_role("group", name=OLD_TITLE)
    assert group.get_by_label("Judul (Indonesia)").input_value() == OLD_TITLE

    version_before = catalog_version(app)
    title.click()
    title.press("Control+a")
    title.press_sequentially(NEW_TITLE, delay=10)
    editor.wait_saved()
    assert "Draf / belum terbit" in editor.status().inner_text()
    assert requirement_titles(app)["kk_lama"] == OLD_TITLE, "a draft is not published"

    # A reload loses nothing: the draft comes back from the server.
    page.reload()
    editor.status().wait_for(timeout=15_000)
    editor.open_standard(STANDARD)
    assert page.locator(TITLE_INPUT).input_value() == NEW_TITLE
    assert editor.status().get_attribute("data-draft-state") == "draft"

    # A dropped connection loses nothing either: kept on the tablet, sent when it is back.
    notes = page.locator(NOTES_INPUT)
    tablet.set_offline(True)
    notes.fill("Yang terbaru.")
    page.locator('[data-save="local"]').wait_for(timeout=10_000)
    assert "Tersimpan di perangkat ini" in editor.status().inner_text()
    tablet.set_offline(False)
    editor.wait_saved()
    assert open_draft_notes(app) == "Yang terbaru."
    # ... nor a reload while the connection is down: the tablet's copy is sent at the next open.
    tablet.set_offline(True)
    notes.fill("Yang terbaru, asli.")
    page.locator('[data-save="local"]').wait_for(timeout=10_000)
    tablet.set_offline(False)
    page.reload()
    editor.status().wait_for(timeout=15_000)
    editor.open_standard(STANDARD)
    assert page.locator(NOTES_INPUT).input_value() == "Yang terbaru, asli."
    editor.wait_saved()
    wait_for(lambda: open_draft_notes(app) == "Yang terbaru, asli.", timeout=10,
             what="the tablet's copy on the server")

    # What the tablet shows (not the whole page): the requirement being edited.
    page.get_by_role("group", name=NEW_TITLE).scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "catalog-editor-1024x768.png"))
    screenshot(page, "catalog-editor-full-page")
    assert_accessible(page, "catalog editor")

    editor.publish()
    done = page.locator('[data-notice="ok"][data-published]')
    done.wait_for(timeout=20_000)
    assert int(done.get_attribute("data-published")) > version_before
    assert catalog_version(app) > version_before
    assert requirement_titles(app)["kk_lama"] == NEW_TITLE
    assert editor.status().get_attribute("data-draft-state") == "published"

    # A publish the loader refuses: two requirements coded "ktp".
    version_published = catalog_version(app)
    editor.open_standard(STANDARD)
    code = page.locator(CODE_INPUT)
    code.fill("ktp")
    editor.wait_saved()
    editor.publish()
    take_rejections(page, 422)
    error = page.locator(f"{CODE_INPUT}-error")
    error.wait_for(timeout=10_000)
    assert code.get_attribute("aria-invalid") == "true"
    # The focus moves by an effect after the frame that shows the error: waited for.
    expect(code).to_be_focused()
    assert "ktp" in error.inner_text()
    assert error.inner_text() != ""
    assert "Draf / belum terbit" in editor.status().inner_text()
    assert catalog_version(app) == version_published, "nothing published"
    assert set(requirement_titles(app)) == {"ktp", "kk_lama", "buku_nikah"}
    indonesian = error.inner_text()
    assert_accessible(page, "catalog editor with an error")
    page.screenshot(path=str(ARTIFACTS / "catalog-editor-error-1024x768.png"))

    # In English once the console is: the check answers in the console's language.
    page.locator("button", has_text="English").click()
    page.locator('[data-action="check"]').click()
    page.locator(f"{CODE_INPUT}-error").wait_for(timeout=10_000)
    wait_for(lambda: page.locator(f"{CODE_INPUT}-error").inner_text() != indonesian,
             timeout=10, what="the error in English")
    assert page.locator('[data-nav-code="dukcapil.kk-baru"] [data-errors]').count() == 1
    assert page.console_errors == []
    tablet.close()


def publish_through_api(app, scope: str, change) -> int:
    """Another national admin publishes `change(data)` of `scope` through the API (the
    console's calls, in order); returns the new catalog version."""
    with app.app_context():
        officer = accounts.create_officer(db.session, username=f"api.admin.{utcnow():%H%M%S%f}",
                                          password=PASSWORD, full_name="Admin API", role="admin",
                                          mpp_code=None, now=utcnow())
        db.session.commit()
        officer_id = officer.id
    headers = {"Authorization": f"Bearer {officer_token(app, officer_id)}"}
    client = app.test_client()
    current = client.get(f"/api/admin/catalog/current?scope={scope}", headers=headers)
    data = current.get_json()["data"]
    change(data)
    draft = client.post("/api/admin/catalog/drafts", json={"scope": scope, "data": data},
                        headers=headers)
    assert draft.status_code == 201, draft.get_json()
    published = client.post(f"/api/admin/catalog/drafts/{draft.get_json()['id']}/publish",
                            headers=headers)
    assert published.status_code == 200, published.get_json()
    return published.get_json()["version"]


def test_a_citizen_pwa_sees_a_published_standard_at_its_next_catalog_check(live_server, browser):
    app, url = live_server.app, live_server.url
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="id-ID")
    page = record_console_errors(phone.new_page())
    citizen = CitizenApp(page, url)
    citizen.open()
    citizen.wait_for_service_worker()
    citizen.open_service()  # read once online: the worker's catalog cache holds it
    kk = page.locator('[data-requirement="kk_lama"] .requirement-title')
    assert kk.inner_text() == OLD_TITLE
    page.reload()
    page.locator("#service-title").wait_for(timeout=10_000)
    assert kk.inner_text() == OLD_TITLE

    def new_title(data):
        assert data["service_standards"][0]["code"] == STANDARD
        data["service_standards"][0]["requirements"][1]["title_id"] = NEW_TITLE

    version = publish_through_api(app, "national", new_title)
    served = page.evaluate("fetch('/api/catalog/version').then((r) => r.json())")
    assert served["version"] == version
    # The next check is the next open: the worker answers it from its cache and refreshes the
    # cache behind it. Once that refresh is stored (the condition, not a pause: a reload at
    # once could still read the old entry while the new one is being written), the open after
    # shows the new standard.
    page.reload()
    page.locator("#service-title").wait_for(timeout=10_000)
    service_path = f"/api/services/{SERVICE}"
    wait_for(lambda: NEW_TITLE in page.evaluate(
        """async (path) => {
             const cached = await caches.match(path, { ignoreVary: true });
             return cached ? cached.text() : '';
           }""", service_path), timeout=10, what="the worker's cache to hold the new standard")
    page.reload()
    page.locator("#service-title").wait_for(timeout=10_000)
    assert kk.inner_text() == NEW_TITLE
    assert page.console_errors == []
    phone.close()


def test_an_mpp_admin_retires_a_service_adds_a_holiday_and_round_trips_yaml(live_server, browser):
    """An MPP's admin edits only their MPP: the YAML download, a counter's share the loader
    refuses (the message at the share's group, focused; the draft discarded), a service retired
    (not deleted: it stays for the applications that cite it) and a local holiday added and
    published, then the downloaded file uploaded back as a new draft."""
    app, url = live_server.app, live_server.url
    national_admin(app, "maya.admin", mpp="langsa")
    tablet = browser.new_context(viewport=TABLET, device_scale_factor=1, has_touch=True,
                                 locale="id-ID", accept_downloads=True)
    page = record_console_errors(tablet.new_page())
    OfficerConsole(page, url).sign_in("maya.admin", agency_name="")
    page.locator('[data-nav="catalog"]').click()
    page.locator('[data-scope="mpp:langsa"]').wait_for(timeout=15_000)
    assert page.locator("#cat-scope").count() == 0, "one scope: their MPP's, nothing to choose"
    assert page.locator('[data-nav-item="document_types"]').count() == 0

    with page.expect_download() as download:
        page.locator('[data-action="export"]').click()
    assert download.value.suggested_filename == "mpp-langsa.yaml"
    exported = open(download.value.path(), encoding="utf-8").read()
    assert exported.startswith("mpp:") and "code: langsa" in exported

    # A counter's time shares that do not add up to 100: refused at the share's group.
    page.locator('[data-nav-item="mpp.visits.counters"]').click()
    online = page.locator("#cat-mpp-visits-counters-0-share-online")
    assert online.input_value() == "50"
    online.fill("90")
    page.locator('[data-draft-state="draft"][data-save="saved"]').wait_for(timeout=15_000)
    page.locator('[data-action="check"]').click()
    share = page.locator("#cat-mpp-visits-counters-0-share")
    share.locator(".cat-error").wait_for(timeout=10_000)
    assert "100" in share.locator(".cat-error").inner_text()
    expect(share).to_be_focused()  # (an effect after the frame that shows the error)
    assert_accessible(page, "catalog editor, MPP counters")
    page.locator('[data-action="discard"]').click()
    page.locator('[data-action="confirm-discard"]').click()
    page.locator('[data-draft-state="published"]').wait_for(timeout=10_000)
    assert page.locator("#cat-mpp-visits-counters-0-share-online").input_value() == "50"

    # Retire a service (its offering removed) and add a local holiday; publish.
    version_before = catalog_version(app)
    page.locator('[data-nav-code="pdam"]').click()
    page.get_by_role("button", name="Hentikan layanan: pdam.balik-nama").click()
    assert page.get_by_role("group", name="pdam.balik-nama").count() == 0
    page.locator('[data-nav-item="mpp.holidays"]').click()
    page.locator('[data-action="add-holidays"]').click()
    page.locator("#cat-mpp-holidays-2-date").fill("2026-12-17")
    page.locator("#cat-mpp-holidays-2-name_id").fill("Hari jadi Kota Langsa")
    page.locator("#cat-mpp-holidays-2-name_en").fill("Langsa city anniversary")
    page.locator('[data-draft-state="draft"][data-save="saved"]').wait_for(timeout=15_000)
    page.locator('[data-action="publish"]').click()
    page.locator('[data-action="confirm-publish"]').click()
    page.locator('[data-notice="ok"][data-published]').wait_for(timeout=20_000)
    assert catalog_version(app) > version_before
    client = app.test_client()
    retired = client.get("/api/services/langsa.pdam.balik-nama")
    assert retired.status_code == 200 and retired.get_json()["active"] is False
    assert client.get("/api/services/langsa.pdam.sambungan-baru").get_json()["active"] is True

    # The file downloaded before goes back in as a new draft (the service offered again).
    page.locator('[data-action="import"]').set_input_files(download.value.path())
    page.locator('[data-notice="ok"]', has_text="draf baru").wait_for(timeout=15_000)
    assert page.locator("[data-draft-state]").get_attribute("data-draft-state") == "draft"
    page.locator('[data-nav-code="pdam"]').click()
    assert page.get_by_role("group", name="pdam.balik-nama").count() == 1

    # Meanwhile another admin publishes this MPP: publishing the draft as it is would undo
    # their change, so it is refused; the changes are made again on what is published now.
    def new_hours(data):
        data["mpp"]["hours_id"] = "Senin-Jumat 08.00-15.30"

    publish_through_api(app, "mpp:langsa", new_hours)
    page.locator('[data-action="publish"]').click()
    page.locator('[data-action="confirm-publish"]').click()
    take_rejections(page, 409)
    page.locator('[data-notice="warn"] [data-action="reapply"]').click()
    page.locator('[data-notice="ok"]', has_text="katalog terbaru").wait_for(timeout=15_000)
    page.locator('[data-action="publish"]').click()
    page.locator('[data-action="confirm-publish"]').click()
    page.locator('[data-notice="ok"][data-published]').wait_for(timeout=20_000)
    mpp = client.get("/api/mpps/langsa").get_json()
    assert mpp["hours_id"] == "Senin-Jumat 08.00-15.30", "their change is kept"
    assert client.get("/api/services/langsa.pdam.balik-nama").get_json()["active"] is True
    assert page.console_errors == []
    tablet.close()
