"""What keeps a push short on the SQL unit of work (server/applications/store.py, the notes
at its top; bench/sync_push.py measures it), on SQLite and PostgreSQL.

Every shortcut is checked both ways: it saves the statements it should, and what the
engine sees stays exactly what it saw without it (a reload of the catalog, a changed
requirement row, a record that matters to a field).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from server.catalog.models import CatalogMeta, Service
from sync.errors import SyncError
from sync.push import push

from .factories import NOW, PASPOR, PROFILE_BUDI, Device, Harness, new_id
from .sql_backends import SqlServer


@pytest.fixture(params=["postgresql", "sqlite"])
def server(request):
    s = SqlServer(request.param)
    yield s
    s.close()


@contextmanager
def statements(server: SqlServer) -> Iterator[list[str]]:
    """The SQL text of every statement the server's engine runs inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    sa.event.listen(server.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(server.engine, "before_cursor_execute", record)


def touching(seen: list[str], table: str) -> list[str]:
    return [s for s in seen if re.search(rf"\b{table}\b", s)]


def writes(seen: list[str]) -> list[str]:
    return [s for s in seen if re.match(r"(INSERT|UPDATE|DELETE)\b", s, re.I)
            or "FOR UPDATE" in s.upper() or "IMMEDIATE" in s.upper()]


def new_citizen(server: SqlServer) -> str:
    citizen = new_id()
    server.add_citizen(citizen)
    return citizen


def reload_catalog(server: SqlServer, sla_days: int) -> None:
    """What `flask catalog load` does when it changes a service: the rows and, in the same
    transaction, the catalog's version."""
    with server.engine.begin() as conn:
        conn.execute(sa.update(Service.__table__).where(Service.__table__.c.code == PASPOR)
                     .values(sla_days=sla_days))
        conn.execute(sa.update(CatalogMeta.__table__).where(CatalogMeta.__table__.c.id == 1)
                     .values(version=CatalogMeta.__table__.c.version + 1))


def test_service_specs_outlive_a_transaction_until_the_catalog_changes(server) -> None:
    uow = server.uow
    with uow.transaction():
        before = uow.service(PASPOR)
    with statements(server) as seen, uow.transaction():
        assert uow.service(PASPOR) == before
        assert uow.service(PASPOR) == before
    assert touching(seen, "service_field") == [] and touching(seen, "requirement") == []
    assert len(touching(seen, "catalog_meta")) == 1  # one cheap read per transaction

    reload_catalog(server, before.sla_days + 7)
    with statements(server) as seen, uow.snapshot():  # the very next transaction sees it
        after = uow.service(PASPOR)
    assert after.sla_days == before.sla_days + 7
    assert touching(seen, "service_field")
    # A service the catalog never had is not remembered beyond its transaction.
    with uow.transaction():
        assert uow.service("langsa.nowhere") is None
    assert uow is server.uow


def test_put_application_rewrites_only_the_child_rows_that_changed(server) -> None:
    h = Harness(server)
    device = Device(new_citizen(server))
    application_id = new_id()
    assert h.do(device, "application.create", application_id=application_id,
                service_id=PASPOR)["status"] == "applied"
    uow = server.uow

    with statements(server) as seen, uow.transaction():  # unchanged children
        application = uow.get_application(application_id)
        application.fields["purpose"] = "wisata"
        uow.put_application(application)
    for table in ("application_requirement", "application_discrepancy", "sync_tombstone"):
        assert writes(touching(seen, table)) == [], table

    with statements(server) as seen, uow.transaction():  # one requirement changed
        application = uow.get_application(application_id)
        application.requirements["kk"].officer_note = "Foto buram"
        uow.put_application(application)
        application.requirements["kk"].review_status = "rejected"
        uow.put_application(application)  # compared with what this transaction wrote
    assert len([s for s in writes(touching(seen, "application_requirement"))
                if s.upper().startswith("DELETE")]) == 2
    assert writes(touching(seen, "application_discrepancy")) == []
    stored = h.application(application_id)
    assert [(r.code, r.officer_note, r.review_status)
            for r in stored.requirements.values()] == [
        (code, "Foto buram" if code == "kk" else "", "rejected" if code == "kk" else "pending")
        for code in application.requirements]
    assert stored.fields["purpose"] == "wisata"

    with statements(server) as seen, uow.transaction():  # not loaded here: everything
        uow.put_application(stored)
    assert writes(touching(seen, "application_requirement"))
    assert writes(touching(seen, "application_discrepancy"))
    assert writes(touching(seen, "sync_tombstone"))
    assert h.application(application_id) == stored


def test_set_fields_reads_the_record_only_for_fields_that_have_one(server) -> None:
    h = Harness(server)
    citizen = new_citizen(server)
    h.profile(citizen, {"full_name": PROFILE_BUDI["full_name"]})
    device = Device(citizen)
    application_id = new_id()
    h.do(device, "application.create", application_id=application_id, service_id=PASPOR)

    with statements(server) as seen:
        assert h.do(device, "application.set_fields", application_id=application_id,
                    fields={"purpose": "wisata"})["status"] == "applied"
    assert touching(seen, "citizen") == []
    with statements(server) as seen:
        assert h.do(device, "application.set_fields", application_id=application_id,
                    fields={"full_name": "BUDI SANTOSA"})["status"] == "applied"
    assert touching(seen, "citizen")
    assert [(d.field, d.record_value)
            for d in h.application(application_id).discrepancies.values()] == [
        ("full_name", PROFILE_BUDI["full_name"])]


def test_a_bound_client_is_checked_without_writing(server) -> None:
    citizen = new_citizen(server)
    device = Device(citizen)
    request = {"protocol": 1, "client_group_id": device.client_group_id,
               "client_id": device.client_id, "mutations": []}
    with statements(server) as seen:  # the first push binds: a write transaction
        assert push(server.uow, citizen, request, NOW) == {"last_mutation_id": 0,
                                                           "results": []}
    assert writes(seen)
    with statements(server) as seen:
        assert push(server.uow, citizen, request, NOW) == {"last_mutation_id": 0,
                                                           "results": []}
    assert writes(seen) == []
    # Another citizen's group is refused from the read alone, as before.
    other = new_citizen(server)
    with statements(server) as seen, pytest.raises(SyncError) as refused:
        push(server.uow, other, request, NOW)
    assert refused.value.code == "client_group_forbidden"
    assert writes(seen) == []


def test_a_nested_transaction_is_refused_not_deadlocked(server) -> None:
    """SQLite writers queue on a file lock first: asking again from inside a transaction
    must fail at once, never wait for the lock this thread holds."""
    uow = server.uow
    with uow.transaction():
        with pytest.raises(RuntimeError, match="do not nest"), uow.transaction():
            pass
        uow.space_version(new_id())
    with uow.transaction():  # and the lock was released
        uow.space_version(new_id())
