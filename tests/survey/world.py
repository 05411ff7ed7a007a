"""Helpers for tests that need a citizen's completed application and their SKM answer to it
(tests/survey, the complaint data export, the migrations' rows, the browser tests)."""
from __future__ import annotations

from server.extensions import db
from sync import states
from tests.api.devices import Device
from tests.api.visits_data import make_application

KK = "langsa.dukcapil.kk-baru"
ANSWER = {"scores": {f"u{i}": 4 if i % 2 else 3 for i in range(1, 10)}, "age_band": "30_39",
          "sex": "p", "education": "s1", "occupation": "swasta",
          "suggestion": "Ruang tunggu kurang kursi"}


def completed(app, citizen, service=KK) -> str:
    """An application of this citizen, completed as the engine completes one (so the
    population counts it)."""
    from server.applications.store import SqlUnitOfWork

    with app.app_context():
        application_id = make_application(citizen["id"], service, states.READY)
        uow = SqlUnitOfWork(db.engine)
        with uow.transaction():
            application = uow.get_application(application_id)
            application.state = states.COMPLETED
            uow.put_application(application)
    return application_id


def survey(phone: Device, application_id: str, **answer):
    response = phone.push(phone.mutation("survey.submit", application_id=application_id,
                                         **{**ANSWER, **answer}))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"][0]
