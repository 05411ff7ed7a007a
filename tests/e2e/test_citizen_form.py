"""The citizen's form never loses a keystroke (issue #14), in Debian's Chromium on a phone:
typed at 10-25 ms a key with no pause after the tap (a fast thumb or a swipe keyboard),
pasted (one input event, like autofill), typed on while the autosave of the same field is
in flight, and a dropdown chosen right after typing. Every field then holds exactly what was
typed: on screen at once, after a reload (from the engine's store, not from a leftover
draft), and, online, on the server.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.applications.models import Application
from server.catalog.models import CatalogMeta, Service
from server.extensions import db
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import screenshot, take_rejections
from tests.e2e.pages import NIK, PHONE_NUMBER, CitizenApp, new_phone, wait_for

pytestmark = pytest.mark.e2e

NAME = "FAJAR SETIAWAN HERMAWAN"
ADDRESS = "Jl. Ahmad Yani No. 12, Gampong Jawa, Langsa Kota"
OLD_KK = "1174010101240009"
SERVER_PHONE = "+6281270001234"  # PHONE_NUMBER as the server stores it

# What each field must hold once the typing is over (the form's own text).
TYPED = {"nik": NIK, "full_name": NAME, "reason": "pisah-kk", "old_kk_number": OLD_KK,
         "address": ADDRESS, "member_count": "3", "phone": PHONE_NUMBER}


def form_values(page) -> dict:
    return {key: page.locator(f"#field-{key}").input_value() for key in TYPED}


def type_everything(page) -> None:
    """Type like a hurried citizen; each step checks the field at once."""
    nik = page.locator("#field-nik")
    nik.click()
    nik.press_sequentially(NIK, delay=10)  # no pause after the tap
    name = page.locator("#field-full_name")
    name.click()  # leaves the NIK: its save starts while the name is typed
    name.press_sequentially(NAME[:9], delay=25)
    page.wait_for_timeout(450)  # the autosave's pause: the name's save is now in flight...
    name.press_sequentially(NAME[9:], delay=25)  # ...and the citizen types on
    assert nik.input_value() == NIK
    assert name.input_value() == NAME
    # A dropdown chosen right after typing does not empty the field just typed.
    page.locator("#field-reason").select_option("pisah-kk")
    assert name.input_value() == NAME
    page.locator("#field-old_kk_number").fill(OLD_KK)  # a paste: one input event
    address = page.locator("#field-address")
    address.click()
    address.press_sequentially(ADDRESS, delay=15)
    count = page.locator("#field-member_count")
    count.click()
    count.press_sequentially("3", delay=10)
    phone = page.locator("#field-phone")
    phone.click()
    phone.fill("")  # online, the server may have filled in the account's number
    phone.press_sequentially(PHONE_NUMBER, delay=10)
    assert form_values(page) == TYPED
    phone.blur()
    page.get_by_text("Tersimpan di HP.", exact=True).wait_for()
    # Once the field is left the engine's value shows: online it may already be the
    # server's writing of the number.
    shown = form_values(page)
    assert shown.pop("phone") in (PHONE_NUMBER, SERVER_PHONE)
    assert shown == {k: v for k, v in TYPED.items() if k != "phone"}


def drafts_left(page) -> list[str]:
    """Form text the engine has not taken yet (pwa/src/field-drafts.js)."""
    return page.evaluate(
        "() => Object.keys(localStorage).filter((k) => k.startsWith('sd.drafts.'))")


def reopen_form(page, base_url: str, application_id: str) -> None:
    page.goto(f"{base_url}/#/permohonan/{application_id}/data")
    page.reload()
    page.locator("#field-nik").wait_for(timeout=30_000)  # a reload on a busy machine


@pytest.mark.parametrize("online", [False, True], ids=["offline", "online"])
def test_fast_typing_pasting_and_typing_during_a_save_lose_nothing(
        live_server, tmp_path, otp_log, browser, online):
    context, page = new_phone(browser)
    citizen = CitizenApp(page, live_server.url, otp_log)
    citizen.ready()
    context.set_offline(not online)
    application_id = citizen.start_application()
    page.locator('[data-task="data"]').click()
    page.locator("#field-nik").wait_for()

    type_everything(page)

    # Back to the task list (leaving the screen saves): every field is in the engine.
    page.locator('[data-action="done"]').click()
    page.locator('[data-task="data"]').wait_for()
    wait_for(lambda: drafts_left(page) == [], timeout=10, what="every field in the engine")
    expected = dict(TYPED)
    if online:
        want = {"nik": NIK, "full_name": NAME, "reason": "pisah-kk", "old_kk_number": OLD_KK,
                "address": ADDRESS, "member_count": 3, "phone": SERVER_PHONE}
        seen: dict = {}

        def on_server():
            # Every field as typed: the server holds the account's number from the create
            # on, and the typed fields as each push lands (one may still be on its way).
            with live_server.app.app_context():
                db.session.expire_all()
                app = db.session.get(Application, application_id)
                seen.update(fields=dict(app.fields) if app is not None else None)
                return seen["fields"] == want
        try:
            wait_for(on_server, timeout=30, what="the fields on the server")
        except AssertionError:
            assert seen["fields"] == want  # the difference, if it never came
        page.get_by_text("Semua sudah terkirim.").wait_for(timeout=15_000)
        expected["phone"] = SERVER_PHONE  # pulled back as the server wrote it
    else:
        with live_server.app.app_context():
            assert db.session.get(Application, application_id) is None  # nothing left

    # After a reload the text comes from the engine's store, not from a leftover draft.
    reopen_form(page, live_server.url, application_id)
    assert form_values(page) == expected
    assert drafts_left(page) == []
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    context.close()


def field_error(page, key: str) -> str:
    error = page.locator(f'[data-field="{key}"] .field-error')
    return error.inner_text() if error.count() else ""


def test_the_services_rules_are_checked_on_the_phone_offline(live_server, tmp_path, otp_log,
                                                             browser):
    context, page = new_phone(browser)
    citizen = CitizenApp(page, live_server.url, otp_log)
    citizen.ready()
    context.set_offline(True)
    application_id = citizen.start_application()
    page.locator('[data-task="data"]').click()
    nik = page.locator("#field-nik")
    nik.wait_for()

    # Required fields say so, on screen and to screen readers.
    assert "(wajib)" in page.locator('label[for="field-nik"]').inner_text()
    assert nik.get_attribute("aria-required") == "true"
    assert page.locator("#field-nik[aria-invalid]").count() == 0  # nothing said before typing

    nik.click()
    nik.press_sequentially("12345", delay=10)
    assert field_error(page, "nik") == ""  # no reason while the first try is being typed
    nik.blur()
    assert "NIK harus 16 angka." in field_error(page, "nik")
    assert nik.get_attribute("aria-invalid") == "true"
    assert "field-nik-error" in nik.get_attribute("aria-describedby")
    # From now on the reason follows the typing: a NIK with day 32 is named as such.
    nik.fill("1174013208900001")
    assert "Tanggal lahir pada NIK (angka 7-12) tidak sah." in field_error(page, "nik")
    kk = page.locator("#field-old_kk_number")
    kk.fill("117401010124000")  # 15 digits; the help says 16
    kk.blur()
    assert "Format isian tidak sesuai." in field_error(page, "old_kk_number")
    count = page.locator("#field-member_count")
    count.fill("25")
    count.blur()
    assert "Angka paling besar 20." in field_error(page, "member_count")
    name = page.locator("#field-full_name")
    name.click()
    name.blur()  # left empty
    assert "Wajib diisi." in field_error(page, "full_name")
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, "citizen-form-field-error-360")
    assert_accessible(page, "form with field errors")

    # The task list says what is true: the data needs fixing (not "Lengkap", not "Belum diisi").
    page.locator('[data-action="done"]').click()
    assert page.locator('[data-task="data"] + [data-task-state]').inner_text() == "Perlu diperbaiki"

    # What was typed stays on the phone (offline, after a reload) with its reason, unsent.
    reopen_form(page, live_server.url, application_id)
    assert nik.input_value() == "1174013208900001"
    assert "tidak sah" in field_error(page, "nik")
    assert page.evaluate("() => window.localStorage.length") > 0
    queued = page.evaluate("""async () => {
      const db = await new Promise((ok, fail) => {
        const r = indexedDB.open('sekali-datang-sync');
        r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
      });
      const rows = await new Promise((ok) => {
        const r = db.transaction('outbox').objectStore('outbox').getAll();
        r.onsuccess = () => ok(r.result);
      });
      db.close();
      return rows.filter((e) => e.name === 'application.set_fields').map((e) => e.args.fields);
    }""")
    sent_keys = {k for fields in queued for k in fields}
    assert "nik" not in sent_keys and "old_kk_number" not in sent_keys, queued

    # Fixed, the reason goes and the value is queued.
    nik.fill(NIK)
    nik.blur()
    assert field_error(page, "nik") == ""
    assert nik.get_attribute("aria-invalid") is None
    page.get_by_text("Tersimpan di HP.", exact=True).wait_for()
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    context.close()


def test_a_server_refusal_keeps_the_typed_value_and_says_why(live_server, tmp_path, otp_log,
                                                             browser):
    """A rule the phone could not know (it changed on the server after the phone read the
    form): the server refuses, and the citizen keeps their text with the server's reason."""
    context, page = new_phone(browser)
    citizen = CitizenApp(page, live_server.url, otp_log)
    citizen.ready()
    application_id = citizen.start_application()
    page.locator('[data-task="data"]').click()
    page.locator("#field-old_kk_number").wait_for()
    with live_server.app.app_context():  # the rule changes on the server
        service = db.session.scalars(select(Service).where(
            Service.code == "langsa.dukcapil.kk-baru")).one()
        field = next(f for f in service.fields if f.key == "old_kk_number")
        field.validation = {"pattern": "^9[0-9]{15}$"}
        db.session.get(CatalogMeta, 1).version += 1
        db.session.commit()
    kk = page.locator("#field-old_kk_number")
    kk.fill(OLD_KK)
    kk.blur()
    page.get_by_text("1 perubahan ditolak").wait_for(timeout=30_000)
    take_rejections(page, 400, count=0, at_most=5)
    error = page.locator('[data-field="old_kk_number"] .field-error')
    error.wait_for()
    assert "Format isian tidak sesuai." in error.inner_text()
    assert kk.input_value() == OLD_KK  # the typed number is not gone
    page.locator('[data-action="done"]').click()
    assert page.locator('[data-task="data"] + [data-task-state]').inner_text() == "Perlu diperbaiki"
    page.locator('[data-task="submit"]').click()
    summary = page.locator('[data-summary-field="old_kk_number"]').inner_text()
    assert OLD_KK in summary and "Perlu diperbaiki" in summary and "Belum diisi" not in summary
    assert_accessible(page, "check and submit, a field refused")
    reopen_form(page, live_server.url, application_id)
    assert page.locator("#field-old_kk_number").input_value() == OLD_KK
    assert "Format isian tidak sesuai." in field_error(page, "old_kk_number")
    context.close()


def test_the_nik_is_checked_against_the_birth_date_and_sex_on_the_phone(live_server,
                                                                        phone_page):
    """The NIK encodes the birth date and (day + 40) a woman: the phone says so as the server
    would, next to the NIK, whichever field was changed last."""
    page = phone_page
    citizen = CitizenApp(page, live_server.url)
    citizen.open()
    citizen.start_application("langsa.dukcapil.ktp-el-baru")
    page.locator('[data-task="data"]').click()
    page.locator("#field-nik").fill(NIK)  # a woman born 5 August 1990
    page.locator("#field-birth_date").fill("1990-08-05")
    page.locator("#field-sex").select_option("L")
    page.locator("#field-nik").focus()
    page.locator("#field-nik").blur()
    assert "jenis kelamin" in field_error(page, "nik")
    page.locator("#field-sex").select_option("P")
    assert field_error(page, "nik") == ""
    page.locator("#field-birth_date").fill("1990-08-06")
    page.locator("#field-birth_date").blur()
    assert "tidak sama dengan tanggal lahir" in field_error(page, "nik")
    # The birth date is kept (the server keeps it too); the NIK is what is marked.
    assert field_error(page, "birth_date") == ""
    page.locator('[data-action="done"]').click()
    assert page.locator('[data-task="data"] + [data-task-state]').inner_text() == "Perlu diperbaiki"
    assert page.console_errors == []
