"""`survey.submit`: the citizen's SKM answers, made offline, pushed once through the sync
engine (sync/domains.py). No Flask and no SQL here: the rules, the port the engine hands the
mutator (`w.uow.port("survey")`), and its in-memory implementation (the reference the SQL
one in server/survey/store.py follows; the engine's memory tests run on it).

What is stored, apart on purpose (officers never see who answered what):
- a RECEIPT per application (application id, citizen, the day): what enforces one answer per
  completed transaction, and what the citizen's phone pulls (`survey/<application id>`);
- a RESPONSE with the scores, the respondent profile and the suggestion, and only the
  service, agency, MPP and day: no citizen, no application, a random id;
- the DAILY SUMS per service (responses and each element's total), updated in the same
  transaction: what the public IKM is read from.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import marshmallow as ma
from marshmallow import validate as v

from sync import states
from sync.domains import DomainMutation
from sync.errors import Rejection, reject
from sync.model import SpaceEntry
from sync.protocol import UUIDString
from sync.space import SpaceWriter

from . import skm

DOMAIN = "survey"
SUBMIT = "survey.submit"



def refuse(code: str, **details: Any) -> Rejection:
    """The refusal `code` (its words: server/i18n.py, "rejection.<code>")."""
    return reject(code, **details)


class SubmitArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    application_id = UUIDString(required=True)
    scores = ma.fields.Dict(keys=ma.fields.String(validate=v.OneOf(skm.ELEMENTS)),
                            values=ma.fields.Integer(strict=True, validate=v.OneOf(skm.SCORES)),
                            required=True)
    age_band = ma.fields.String(required=True, validate=v.OneOf(list(skm.AGE_BANDS)))
    sex = ma.fields.String(required=True, validate=v.OneOf(list(skm.SEXES)))
    education = ma.fields.String(required=True, validate=v.OneOf(list(skm.EDUCATION)))
    occupation = ma.fields.String(required=True, validate=v.OneOf(list(skm.OCCUPATIONS)))
    suggestion = ma.fields.String(load_default="", validate=v.Length(max=skm.MAX_SUGGESTION))

    @ma.validates("scores")
    def _every_element(self, value: dict, **_kwargs: Any) -> None:
        missing = [key for key in skm.ELEMENTS if key not in value]
        if missing:
            raise ma.ValidationError(
                f"Every element needs a score from 1 to 4; missing: {', '.join(missing)}.")


@dataclass
class Receipt:
    application_id: str
    citizen_id: str
    answered_on: dt.date
    version: int


@dataclass
class Response:
    id: str
    mpp_code: str
    agency_code: str
    service_code: str
    day: dt.date
    scores: dict[str, int]
    age_band: str
    sex: str
    education: str
    occupation: str
    suggestion: str = ""


@dataclass
class Daily:
    """The sums of one service's answers on one day (WIB)."""

    service_code: str
    day: dt.date
    responses: int = 0
    sums: dict[str, int] = field(default_factory=lambda: dict.fromkeys(skm.ELEMENTS, 0))


def receipt_entry(receipt: Receipt) -> SpaceEntry:
    """The receipt as the citizen's phone pulls it: answered, and the day; never the
    answers (the phone that answered keeps its own copy until it is sent)."""
    return SpaceEntry(f"survey/{receipt.application_id}", receipt.version,
                      {"application_id": receipt.application_id,
                       "answered_on": receipt.answered_on.isoformat()})


def submit(w: SpaceWriter, args: dict[str, Any]) -> None:
    application = w.uow.get_application(args["application_id"])
    if application is None or application.citizen_id != w.citizen_id:
        raise refuse("application_not_found", application_id=args["application_id"])
    if application.state != states.COMPLETED:
        raise refuse("survey_not_open", state=application.state)
    port = w.uow.port(DOMAIN)
    if port.answered(application.id):
        raise refuse("survey_already_answered", application_id=application.id)
    service = w.uow.service(application.service_code)
    assert service is not None  # the catalog keeps the services applications cite
    day = w.today
    port.record(
        Receipt(application.id, w.citizen_id, day, w.version),
        Response(id=str(uuid.uuid4()), mpp_code=service.mpp_code or "",
                 agency_code=service.agency_code or "", service_code=service.code, day=day,
                 scores={key: args["scores"][key] for key in skm.ELEMENTS},
                 age_band=args["age_band"], sex=args["sex"], education=args["education"],
                 occupation=args["occupation"], suggestion=args["suggestion"].strip()))
    # The audit trail says the citizen answered a survey, never what nor for which
    # application: an entry on the application would show in the officers' activity feed.
    w.journal(SUBMIT)


SUBMIT_MUTATION = DomainMutation(SUBMIT, SubmitArgs(), submit)


class MemorySurveyPort:
    """The survey's storage in sync.memory (tables undone with the transaction)."""

    def __init__(self, uow: Any) -> None:
        self._owner = uow.table(DOMAIN, "receipt_owner")  # application id -> citizen id
        self._uow = uow
        self._responses = uow.table(DOMAIN, "response")
        self._daily = uow.table(DOMAIN, "daily")

    def _receipts(self, citizen_id: str):
        return self._uow.table(DOMAIN, f"receipt/{citizen_id}")

    def answered(self, application_id: str) -> bool:
        return self._owner.get(application_id) is not None

    def record(self, receipt: Receipt, response: Response) -> None:
        if self.answered(receipt.application_id):
            raise RuntimeError("one receipt per application")  # the unique key in SQL
        self._owner.put(receipt.application_id, receipt.citizen_id)
        self._receipts(receipt.citizen_id).put(receipt.application_id, receipt)
        self._responses.put(response.id, response)
        key = (response.service_code, response.day)
        daily = self._daily.get(key) or Daily(response.service_code, response.day)
        daily.responses += 1
        for element, score in response.scores.items():
            daily.sums[element] += score
        self._daily.put(key, daily)

    def changes_since(self, citizen_id: str, after: int) -> list[SpaceEntry]:
        return [receipt_entry(r) for r in self._receipts(citizen_id).rows()
                if r.version > after]

    # read by tests and by the memory reference of the results
    def responses(self) -> list[Response]:
        return self._responses.rows()

    def daily(self) -> list[Daily]:
        return self._daily.rows()


def as_row(response: Response) -> dict[str, Any]:
    row = asdict(response)
    row.update(row.pop("scores"))
    return row


def register() -> None:
    """Plug the survey into the engine (both backends register their port themselves: the
    memory one here, the SQL one in server/survey/__init__.py)."""
    from sync import domains

    domains.register(SUBMIT_MUTATION)
    domains.register_port("memory", DOMAIN, MemorySurveyPort)
