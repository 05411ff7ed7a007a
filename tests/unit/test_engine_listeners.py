"""prepare_engine attaches each of our listeners once, however often an engine is prepared
and disposed (no database is connected to: listeners are attached before the first one)."""
from __future__ import annotations

import sqlalchemy as sa

from server.extensions import (_drop_closed_connection, _sqlite_begin, _sqlite_pragmas,
                               prepare_engine)


def test_the_postgresql_checkout_check_runs_once_per_checkout_after_disposes():
    engine = sa.create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    for _ in range(4):
        prepare_engine(engine)
        engine.dispose()  # a new pool, which inherits the old one's listeners
    prepare_engine(engine)
    assert list(engine.pool.dispatch.checkout).count(_drop_closed_connection) == 1


def test_the_sqlite_listeners_are_attached_once_after_disposes(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    for _ in range(4):
        prepare_engine(engine)
        engine.dispose()
    prepare_engine(engine)
    assert list(engine.pool.dispatch.connect).count(_sqlite_pragmas) == 1
    assert list(engine.dispatch.begin).count(_sqlite_begin) == 1
