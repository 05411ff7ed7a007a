"""The SKM survey in a real browser: a completed application prompts the survey on the phone
(360x740), it is answered offline and synced exactly once when the network returns, and the
public results page then shows the new IKM. Screenshots of both in test-artifacts/."""
from __future__ import annotations

from fractions import Fraction

from sqlalchemy import func, select

from server.accounts.models import Citizen
from server.applications.store import SqlUnitOfWork
from server.db_types import utcnow
from server.extensions import db
from server.survey.models import SurveyReceipt, SurveyResponse
from sync import states
from sync.space import SpaceWriter
from tests.api.conftest import Callers
from tests.api.devices import Device
from tests.api.visits_data import make_application
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import ARTIFACTS, record_console_errors, screenshot
from tests.e2e.pages import SERVICE, CitizenApp, PublicResults, SurveyScreen, wait_for
from tests.survey.world import completed, survey

ELEMENTS = [f"u{i}" for i in range(1, 10)]
EARLIER = {key: 4 for key in ELEMENTS}  # four earlier answers: all "very good"
PHONE_SCORES = {**EARLIER, "u1": 3, "u3": 2, "u9": 3}
PROFILE = {"age_band": "30_39", "sex": "p", "education": "sma", "occupation": "wirausaha"}
SYNC_PUSH, SYNC_PULL = "/api/sync/push", "/api/sync/pull"  # the engine's (http-transport.js)
DISPATCH_ONLINE = """() => {
  const at = Date.now();
  window.dispatchEvent(new Event('online'));
  return at;
}"""


def complete_for(app, phone: str) -> str:
    """The officer completed the citizen's KK application at the counter (the console's
    complete is tested in test_officer_console.py): the engine writes it, so it reaches the
    phone's next pull and the population."""
    with app.app_context():
        citizen = db.session.scalar(select(Citizen).where(Citizen.phone == phone))
        application_id = make_application(citizen.id, SERVICE, states.READY)
        uow = SqlUnitOfWork(db.engine)
        with uow.transaction():
            writer = SpaceWriter(uow, str(citizen.id), utcnow(), actor="officer",
                                 actor_id="test-officer")
            application = uow.get_application(application_id)
            application.state = states.COMPLETED
            writer.put_application(application)
    return application_id


def survey_rows(app) -> tuple[int, int]:
    with app.app_context():
        db.session.expire_all()
        return (db.session.scalar(select(func.count()).select_from(SurveyReceipt)),
                db.session.scalar(select(func.count()).select_from(SurveyResponse)))


def test_completed_application_survey_offline_then_published(live_server, phone_page,
                                                               otp_log) -> None:
    app, page = live_server.app, phone_page
    # Four earlier respondents: the MPP's figures are published from five answers on.
    client = app.test_client()
    callers = Callers(app)
    for _ in range(4):
        citizen = callers.citizen()
        assert survey(Device(client, citizen["headers"]), completed(app, citizen),
                      scores=EARLIER)["status"] == "applied"

    phone = CitizenApp(page, live_server.url, otp_log)
    phone.open()
    phone.wait_for_service_worker()
    phone.sign_in()
    phone.open_service()  # the service's standard read once online (cached for offline)
    application_id = complete_for(app, "+6281270001234")

    screen = SurveyScreen(page, live_server.url)
    page.goto(f"{live_server.url}/#/permohonan")
    page.reload()  # the app syncs at start: the completed application arrives
    screen.prompt(application_id).wait_for(timeout=20_000)
    assert_accessible(page, "survey prompt")
    page.screenshot(path=str(ARTIFACTS / "survey-prompt-360x740.png"))
    screen.open_from_prompt(application_id)

    page.context.set_offline(True)
    screen.send()  # nothing chosen: refused on the phone, every question marked
    page.locator("[data-survey-problems]").wait_for()
    assert "13 pertanyaan" in page.locator("[data-survey-problems]").inner_text()
    screen.answer(PHONE_SCORES, PROFILE, suggestion="Kursi ruang tunggu ditambah.")
    assert_accessible(page, "survey form")
    screenshot(page, "survey-form-full")  # the whole form, answered
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "survey-360x740.png"))  # what the phone shows first
    screen.send()
    screen.done("queued")
    assert "tersimpan di HP" in page.locator("[data-survey-done]").inner_text()
    assert survey_rows(app) == (4, 4)  # offline: nothing reached the server

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_for(lambda: survey_rows(app) == (5, 5), timeout=30, what="the survey to sync")
    screen.done("answered")  # the receipt came back in the pull
    assert_accessible(page, "survey answered")
    screenshot(page, "survey-answered-360x740")
    # A reload and another sync never send it again. The phone's sync requests are watched
    # from the reload on (the page's and its service worker's: Playwright reports both on the
    # context); the round the 'online' event starts is over once a pull sent after the event
    # is answered, since a round pushes what it holds before it pulls (under one lock).
    sent = []

    def watch(request) -> None:
        sent.append(request)

    page.context.on("request", watch)
    page.reload()
    screen.done("answered")
    online_at = []  # the page's clock just before the event (ms since the epoch); a pull
    # answered before this is known is not taken, and the next round (30 s) then is
    with page.context.expect_event("response", timeout=45_000, predicate=lambda response: (
            bool(online_at) and response.url.endswith(SYNC_PULL)
            and response.request.timing["startTime"] > online_at[0])):
        online_at.append(page.evaluate(DISPATCH_ONLINE))
    page.context.remove_listener("request", watch)
    assert survey_rows(app) == (5, 5)
    assert [r.post_data for r in sent if r.url.endswith(SYNC_PUSH)
            and "survey.submit" in (r.post_data or "")] == []

    # The public page: five answers, the phone's among them.
    means = [Fraction(4 * 4 + PHONE_SCORES[key], 5) for key in ELEMENTS]
    expected = sum(means) * 25 / 9  # 4 + (-1 -2 -1)/5 ... exactly
    expected_text = f"{float(round(expected, 2)):.2f}".replace(".", ",")
    report_page = record_console_errors(page.context.new_page())
    report_page.set_viewport_size({"width": 1280, "height": 900})
    results = PublicResults(report_page, live_server.url)
    results.open()
    assert results.ikm() == expected_text, (results.ikm(), expected_text)
    assert "Sangat baik" in report_page.locator(".ikm-box").inner_text()
    assert "Kursi ruang tunggu" not in report_page.content()  # suggestions are not public
    assert_accessible(report_page, "public SKM results")
    screenshot(report_page, "skm-public-results")
    report_page.emulate_media(media="print")
    screenshot(report_page, "skm-public-results-print")
    assert page.console_errors == [] and report_page.console_errors == []
