"""`flask dev seed --survey-share`: answers written as the live path writes them (receipt,
answer apart, daily sums and population that agree with the rows), on both databases."""
from __future__ import annotations

from sqlalchemy import func, select

from server.applications.models import Application
from server.extensions import db
from server.survey.models import SurveyCompletion, SurveyReceipt, SurveyResponse
from server.survey.seeding import daily_matches_rows, synthetic_year


def test_seed_adds_answers_that_add_up(app, client) -> None:
    result = app.test_cli_runner().invoke(args=[
        "dev", "seed", "--applications", "300", "--citizens", "40", "--survey-share", "0.6",
        "--quiet"])
    assert result.exit_code == 0, result.output
    assert "survey answers" in result.output
    with app.app_context():
        completed = db.session.scalar(select(func.count()).select_from(Application).where(
            Application.state == "completed"))
        counted = db.session.scalar(select(func.count()).select_from(SurveyCompletion))
        receipts = db.session.scalar(select(func.count()).select_from(SurveyReceipt))
        answers = db.session.scalar(select(func.count()).select_from(SurveyResponse))
        assert completed > 0 and counted == completed
        assert 0 < answers == receipts <= completed
        assert daily_matches_rows(db.engine, "langsa")
    published = {}
    for mpp in ("langsa", "payakumbuh"):
        for year in ("2025", "2026"):
            body = client.get(f"/api/mpps/{mpp}/skm?period={year}").get_json()
            published[(mpp, year)] = (body["unit"]["responses"], body["unit"]["population"])
    assert sum(n for n, _ in published.values()) <= answers
    assert all(n <= population for n, population in published.values())


def test_a_synthetic_year_agrees_with_its_rows(app, client) -> None:
    with app.app_context():
        synthetic_year(db.engine, "langsa", 3_000, 2025)
        assert daily_matches_rows(db.engine, "langsa")
    body = client.get("/api/mpps/langsa/skm?period=2025").get_json()
    assert body["unit"]["responses"] == 3_000
    population = body["unit"]["population"]
    assert 3_000 < population < 6_000
    # rows 4,500 -> 354, 5,000 -> 357, 6,000 -> 361 of the table
    expected = 354 if population <= 4_500 else 357 if population <= 5_000 else 361
    assert body["unit"]["minimum_sample"] == expected
    assert body["unit"]["band"]["grade"] in "ABCD"
