"""The survey's storage for the sync engine in SQL (sync/domains.py's "sql" port), on the
push transaction's own connection: the receipt, the response and the day's sums commit or
roll back with the mutation. SQLAlchemy Core, as the engine's own store
(server/applications/store.py): this runs inside the push's write lock.

The daily sums are incremented atomically (INSERT ... ON CONFLICT DO UPDATE SET n = n + 1),
never read and written back, so concurrent answers on PostgreSQL add up.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from sync.model import Application, SpaceEntry
from sync.space import local_date

from . import skm
from .models import SurveyCompletion, SurveyDaily, SurveyReceipt, SurveyResponse
from .mutations import Receipt, Response, as_row, receipt_entry

T_RECEIPT = SurveyReceipt.__table__
T_RESPONSE = SurveyResponse.__table__
T_DAILY = SurveyDaily.__table__
T_COMPLETION = SurveyCompletion.__table__


def _insert(conn: Connection):
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def add_to_day(conn: Connection, service_code: str, day: dt.date, **increments: int) -> None:
    """Add to the (service, day) sums: `responses`, `completed`, u1..u9."""
    statement = _insert(conn)(T_DAILY).values(service_code=service_code, day=day,
                                             **{k: 0 for k in ("responses", "completed",
                                                               *skm.ELEMENTS)})
    statement = statement.values(**increments).on_conflict_do_update(
        index_elements=["service_code", "day"],
        set_={k: T_DAILY.c[k] + statement.excluded[k] for k in increments})
    conn.execute(statement)


class SqlSurveyPort:
    def __init__(self, uow: Any) -> None:
        self.conn: Connection = uow.conn

    def answered(self, application_id: str) -> bool:
        return self.conn.execute(select(T_RECEIPT.c.application_id).where(
            T_RECEIPT.c.application_id == application_id)).first() is not None

    def record(self, receipt: Receipt, response: Response) -> None:
        conn = self.conn
        # The primary key refuses a second receipt even if two pushes race past answered().
        conn.execute(insert(T_RECEIPT).values(
            application_id=receipt.application_id, citizen_id=uuid.UUID(receipt.citizen_id),
            answered_on=receipt.answered_on, version=receipt.version))
        conn.execute(insert(T_RESPONSE).values(**as_row(response)))
        add_to_day(conn, response.service_code, response.day, responses=1, **response.scores)

    def changes_since(self, citizen_id: str, after: int) -> list[SpaceEntry]:
        rows = self.conn.execute(select(T_RECEIPT).where(
            T_RECEIPT.c.citizen_id == uuid.UUID(str(citizen_id)),
            T_RECEIPT.c.version > after))
        return [receipt_entry(Receipt(r.application_id, str(r.citizen_id), r.answered_on,
                                      r.version)) for r in rows]


def record_completion(conn: Connection, application: Application) -> None:
    """Count a completed application in its day's population, once (called by the engine's
    SQL store whenever it writes an application in the completed state)."""
    day = local_date(application.updated_at or dt.datetime.now(dt.UTC))
    added = conn.execute(_insert(conn)(T_COMPLETION).values(
        application_id=application.id, service_code=application.service_code, day=day)
        .on_conflict_do_nothing(index_elements=["application_id"])).rowcount
    if added:
        add_to_day(conn, application.service_code, day, completed=1)


def register() -> None:
    from sync import domains

    domains.register_port("sql", "survey", SqlSurveyPort)
