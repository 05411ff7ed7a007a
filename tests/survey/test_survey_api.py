"""The SKM over HTTP, on SQLite and PostgreSQL: survey.submit through the real sync push (one
answer per completed application; each bad input a stored rejection that changes nothing),
the published results (JSON, CSV, the printable page) read from the daily sums, and the
supervisors' suggestions."""
from __future__ import annotations

import csv
import io
import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.survey.models import SurveyCompletion, SurveyDaily, SurveyReceipt, SurveyResponse
from sync import states
from tests.api.conftest import Callers
from tests.api.devices import Device
from tests.api.visits_data import make_application
from tests.survey.world import ANSWER, KK, completed, survey

KTP = "langsa.dukcapil.ktp-el-baru"
TABLES = (SurveyReceipt, SurveyResponse, SurveyDaily, SurveyCompletion)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {t.__tablename__: db.session.scalar(select(func.count()).select_from(t))
                for t in TABLES}


def test_answered_once_then_refused(app, client) -> None:
    citizen = Callers(app).citizen()
    phone = Device(client, citizen["headers"])
    application_id = completed(app, citizen)
    assert counts(app)["survey_completion"] == 1
    assert survey(phone, application_id)["status"] == "applied"
    after_first = counts(app)
    assert after_first == {"survey_receipt": 1, "survey_response": 1, "survey_daily": 1,
                           "survey_completion": 1}
    pulled = phone.pull(cookie=None).get_json()
    keys = {op["key"] for op in pulled["patch"]}
    assert f"survey/{application_id}" in keys
    # the audit entry names the citizen, not the application (no line in the officers'
    # activity feed of the application), and no answer
    with app.app_context():
        from server.audit.models import AuditEvent

        entry = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "sync.survey.submit")).one()
        assert entry.target_kind == "citizen" and application_id not in str(entry.details)
        assert "u1" not in str(entry.details)
    # the response row holds no link to the citizen or the application
    with app.app_context():
        columns = set(SurveyResponse.__table__.columns.keys())
        assert not columns & {"citizen_id", "application_id", "created_at", "answered_at"}
    second = survey(phone, application_id)
    assert second["status"] == "rejected"
    assert second["error"]["code"] == "survey_already_answered"
    assert "sudah diisi" in second["error"]["message"]
    assert "already answered" in second["error"]["message_en"]
    assert counts(app) == after_first
    # from a second phone of the same citizen: refused too
    other = Device(client, citizen["headers"])
    assert survey(other, application_id)["error"]["code"] == "survey_already_answered"
    assert counts(app) == after_first


@pytest.mark.parametrize("case", ["not_completed", "not_yours", "missing", "score_5",
                                  "score_0", "score_text", "missing_element", "unknown_element",
                                  "missing_profile"])
def test_bad_input_is_refused_and_changes_nothing(app, client, case) -> None:
    callers = Callers(app)
    citizen, stranger = callers.citizen(), callers.citizen()
    phone = Device(client, citizen["headers"])
    done = completed(app, citizen)
    with app.app_context():
        ready = make_application(citizen["id"], KK, states.READY)
    application_id, answer, code = done, {}, "invalid_args"
    scores = dict(ANSWER["scores"])
    if case == "not_completed":
        application_id, code = ready, "survey_not_open"
    elif case == "not_yours":
        phone, code = Device(client, stranger["headers"]), "application_not_found"
    elif case == "missing":
        application_id, code = str(uuid.uuid4()), "application_not_found"
    elif case == "score_5":
        answer = {"scores": {**scores, "u3": 5}}
    elif case == "score_0":
        answer = {"scores": {**scores, "u3": 0}}
    elif case == "score_text":
        answer = {"scores": {**scores, "u3": "4"}}
    elif case == "missing_element":
        del scores["u9"]
        answer = {"scores": scores}
    elif case == "unknown_element":
        answer = {"scores": {**scores, "u10": 3}}
    before = counts(app)
    if case == "missing_profile":
        args = {k: v for k, v in ANSWER.items() if k != "sex"}
        response = phone.push(phone.mutation("survey.submit", application_id=application_id,
                                             **args))
        result = response.get_json()["results"][0]
    else:
        result = survey(phone, application_id, **answer)
    assert result["status"] == "rejected", result
    assert result["error"]["code"] == code, result
    assert result["error"]["message"] and result["error"]["message_en"]
    if case == "missing_element":
        assert "u9" in str(result["error"]["details"])
    assert counts(app) == before
    # the refusal is final for that mutation, and a good answer still goes in afterwards
    if case != "not_yours" and case != "missing" and case != "not_completed":
        assert survey(phone, done)["status"] == "applied"


def answer_many(app, client, n: int, scores: dict[str, int], service=KK) -> None:
    callers = Callers(app)
    for _ in range(n):
        citizen = callers.citizen()
        phone = Device(client, citizen["headers"])
        assert survey(phone, completed(app, citizen, service), scores=scores)["status"] == \
            "applied"


def test_published_results_json_csv_and_page(app, client) -> None:
    # KK: 5 answers (shown); KTP-el: 2 answers (hidden), and the 2 would be the difference
    # between Dukcapil and KK, so Dukcapil's scores are hidden too (secondary suppression).
    high = {f"u{i}": 4 for i in range(1, 10)}
    low = {**high, "u1": 3, "u9": 2}
    answer_many(app, client, 4, high)
    answer_many(app, client, 1, low)
    answer_many(app, client, 2, low, service=KTP)
    response = client.get("/api/mpps/langsa/skm")
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    unit = report["unit"]
    assert unit["responses"] == 7 and unit["population"] == 7
    assert unit["minimum_sample"] == 7 and unit["sample_below_minimum"] is False
    # 7 answers, 3 of them 1 lower on U1 and 2 lower on U9: the means add up to 36 - 9/7,
    # and (36 - 9/7) / 9 x 25 = 96.428...
    assert unit["elements"]["u1"] == pytest.approx(3.57)  # 25/7
    assert unit["elements"]["u9"] == pytest.approx(3.14)  # 22/7
    assert unit["ikm"] == pytest.approx(96.43)
    assert unit["band"]["grade"] == "A"
    dukcapil = next(a for a in report["agencies"] if a["code"] == "dukcapil")
    assert dukcapil["shown"] and dukcapil["ikm"] == pytest.approx(96.43)
    services = {s["code"]: s for s in dukcapil["services"]}
    assert not services[KTP]["shown"] and services[KTP]["ikm"] is None
    assert services[KTP]["responses"] == 2
    # Dukcapil minus KK would give KTP-el's two answers away: KK is hidden too
    assert not services[KK]["shown"] and services[KK]["suppressed"] == "secondary"
    assert services[KK]["elements"] is None
    text = client.get("/api/mpps/langsa/skm.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["level"] == "mpp" and rows[0]["ikm"] == "96.43" and rows[0]["band"] == "A"
    ktp = next(r for r in rows if r["service"] == KTP)
    assert ktp["ikm"] == "" and ktp["u1"] == "" and ktp["responses"] == "2"
    page = client.get("/skm/langsa?period=" + report["period"]["code"])
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "96,43" in html and "Sangat baik" in html and "kurang dari 5 jawaban" in html
    assert "kelompok kecil tidak dapat dihitung" in html
    english = client.get("/skm/langsa?lang=en").get_data(as_text=True)
    assert "96.43" in english and "Very good" in english
    # three more KTP-el answers: both services shown, each with its own index
    answer_many(app, client, 3, high, service=KTP)
    services = {s["code"]: s for a in client.get("/api/mpps/langsa/skm").get_json()["agencies"]
                for s in a["services"]}
    assert services[KK]["ikm"] == pytest.approx(98.33)  # (36 - 3/5) x 25/9 = 98.333...
    assert services[KTP]["ikm"] == pytest.approx(96.67)  # (36 - 6/5) x 25/9 = 96.666...
    # quarters, semesters, ranges; and clear refusals
    assert client.get("/api/mpps/langsa/skm?period=2001-Q1").get_json()["unit"]["responses"] \
        == 0
    for bad in ("period=2026-Q5", "period=26", "from=2026-02-01&to=2026-01-01",
                "from=2026-01-01", "period=2026&from=2026-01-01&to=2026-02-01"):
        refused = client.get(f"/api/mpps/langsa/skm?{bad}")
        assert refused.status_code in (400, 422), bad
        assert refused.get_json()["error"]["code"] in ("invalid_period", "validation_failed")
    assert client.get("/api/mpps/nowhere/skm").status_code == 404
    openapi = client.get("/api/openapi.json").get_json()
    assert "/api/mpps/{mpp}/skm.csv" in openapi["paths"]
    assert "text/csv" in openapi["paths"]["/api/mpps/{mpp}/skm.csv"]["get"]["responses"]["200"][
        "content"]


def test_suggestions_are_for_supervisors_only(app, client) -> None:
    answer_many(app, client, 1, ANSWER["scores"])
    callers = Callers(app)
    supervisor = callers.officer("supervisor", mpp="langsa")
    verifier = callers.officer("verifier", mpp="langsa", agency="dukcapil")
    citizen = callers.citizen()
    url = "/api/officer/skm/suggestions"
    listed = client.get(url, headers=supervisor["headers"])
    assert listed.status_code == 200, listed.get_data(as_text=True)
    body = listed.get_json()
    assert body["total"] == 1 and body["items"][0]["suggestion"] == ANSWER["suggestion"]
    assert set(body["items"][0]) == {"service", "agency", "month", "suggestion"}
    assert client.get(url, headers=verifier["headers"]).status_code == 403
    assert client.get(url, headers=citizen["headers"]).status_code in (401, 403)
    assert client.get(url).status_code == 401
    assert "Ruang tunggu" not in client.get("/api/mpps/langsa/skm").get_data(as_text=True)
    assert "Ruang tunggu" not in client.get("/skm/langsa").get_data(as_text=True)


def test_export_lists_receipts_and_erasure_removes_them_not_the_answers(app, client) -> None:
    import zipfile

    citizen = Callers(app).citizen()
    phone = Device(client, citizen["headers"])
    application_id = completed(app, citizen)
    assert survey(phone, application_id)["status"] == "applied"
    exported = client.get("/api/me/export", headers=citizen["headers"])
    assert exported.status_code == 200
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        receipts = archive.read("survey-receipts.json").decode()
    assert application_id in receipts and "u1" not in receipts
    erased = client.post("/api/me/erase", headers=citizen["headers"], json={"confirm": "HAPUS"})
    assert erased.status_code in (200, 204), erased.get_data(as_text=True)
    left = counts(app)
    assert left["survey_receipt"] == 0 and left["survey_response"] == 1
    assert client.get("/api/mpps/langsa/skm").get_json()["unit"]["responses"] == 1
