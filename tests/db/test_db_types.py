"""The one UTC column type (server/db_types.py) on SQLite and PostgreSQL: aware in and out,
stored exactly as naive UTC (what every column has held since migration 0001), a naive value
refused with nothing written, another offset converted."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError

from server.accounts.models import Citizen
from server.audit.models import AuditEvent
from server.db_types import UTC, NaiveDatetimeError, UtcTimestamp, from_db, to_db, utcnow
from server.extensions import db

WIB = dt.timezone(dt.timedelta(hours=7))
JAKARTA_MORNING = dt.datetime(2026, 3, 2, 8, 30, 15, 123456, tzinfo=WIB)
SAME_IN_UTC = dt.datetime(2026, 3, 2, 1, 30, 15, 123456, tzinfo=UTC)

metadata = sa.MetaData()
T = sa.Table("utc_probe", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("at", UtcTimestamp(), nullable=True))


@pytest.fixture
def engine(database_url):
    engine = sa.create_engine(database_url)
    metadata.create_all(engine)
    yield engine
    metadata.drop_all(engine)
    engine.dispose()


def _stored(conn) -> list:
    """What the driver hands back, below the type: the stored form."""
    return [tuple(r) for r in conn.exec_driver_sql("SELECT id, at FROM utc_probe ORDER BY id")]


def test_utcnow_is_aware_utc():
    before = dt.datetime.now(dt.timezone.utc)
    now = utcnow()
    assert now.utcoffset() == dt.timedelta(0) and now.tzinfo is UTC
    assert before <= now <= dt.datetime.now(dt.timezone.utc)


def test_aware_in_aware_utc_out_and_stored_naive_utc(engine):
    with engine.begin() as conn:
        conn.execute(sa.insert(T), [{"id": 1, "at": SAME_IN_UTC}, {"id": 2, "at": None}])
        stored = _stored(conn)
        back = conn.execute(sa.select(T.c.at).order_by(T.c.id)).scalars().all()
    assert back == [SAME_IN_UTC, None]
    assert back[0].tzinfo is UTC
    raw = stored[0][1]
    if isinstance(raw, str):  # SQLite keeps text
        assert raw == "2026-03-02 01:30:15.123456"
    else:  # PostgreSQL: timestamp without time zone
        assert raw == dt.datetime(2026, 3, 2, 1, 30, 15, 123456) and raw.tzinfo is None
    assert stored[1] == (2, None)


def test_other_offset_is_converted_to_utc(engine):
    with engine.begin() as conn:
        conn.execute(sa.insert(T), {"id": 1, "at": JAKARTA_MORNING})
        back = conn.execute(sa.select(T.c.at)).scalar_one()
        # A bound comparison is converted the same way: the WIB instant finds the row.
        found = conn.execute(sa.select(T.c.id).where(T.c.at == JAKARTA_MORNING)).scalar_one()
    assert back == SAME_IN_UTC and back.tzinfo is UTC and back.hour == 1
    assert found == 1


def test_naive_value_is_refused_and_nothing_written(engine):
    with engine.begin() as conn:
        conn.execute(sa.insert(T), {"id": 1, "at": SAME_IN_UTC})
    for statement in (sa.insert(T).values(id=2, at=dt.datetime(2026, 3, 2, 1, 30)),
                      sa.update(T).values(at=dt.datetime(2026, 3, 2, 1, 30)),
                      sa.select(T).where(T.c.at < dt.datetime(2030, 1, 1))):
        with engine.begin() as conn, pytest.raises(StatementError) as caught:
            conn.execute(statement)
        assert isinstance(caught.value.orig, NaiveDatetimeError)
        assert "tanpa zona waktu" in str(caught.value.orig)
        assert "naive datetime" in str(caught.value.orig)
    with engine.connect() as conn:
        assert conn.execute(sa.select(T.c.id, T.c.at)).all() == [(1, SAME_IN_UTC)]


def test_not_a_datetime_is_refused():
    with pytest.raises(TypeError, match="not str"):
        to_db("2026-03-02T01:30:00Z")


def test_to_db_and_from_db_are_inverse():
    assert to_db(JAKARTA_MORNING) == dt.datetime(2026, 3, 2, 1, 30, 15, 123456)
    assert from_db(to_db(JAKARTA_MORNING)) == SAME_IN_UTC
    assert to_db(None) is None and from_db(None) is None


def test_every_model_timestamp_uses_the_type(app):
    """The declarative Base maps Mapped[dt.datetime] to the type: no model column is a plain
    DateTime (which would take and give naive values)."""
    with app.app_context():
        columns = [(t.name, c.name, c.type) for t in db.metadata.sorted_tables
                   for c in t.columns if isinstance(c.type, (sa.DateTime, UtcTimestamp))]
    assert len(columns) > 30
    plain = [(t, c) for t, c, kind in columns if not isinstance(kind, UtcTimestamp)]
    assert plain == []


def test_models_round_trip_and_refuse_naive(app):
    with app.app_context():
        citizen = Citizen(phone="+6281200000999", created_at=JAKARTA_MORNING)
        db.session.add(citizen)
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Citizen, citizen.id).created_at == SAME_IN_UTC
        db.session.add(AuditEvent(at=dt.datetime(2026, 3, 2), actor_kind="system",
                                  action="probe", target_kind="x", target_id="1",
                                  outcome="ok", details={}))
        with pytest.raises(StatementError) as caught:
            db.session.flush()
        assert isinstance(caught.value.orig, NaiveDatetimeError)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "probe")) == 0
