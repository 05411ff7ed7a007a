"""What keeps a push short on the SQL unit of work (server/applications/store.py, the notes
at its top; bench/sync_push.py measures it), on SQLite and PostgreSQL.

Every shortcut is checked both ways: it saves the statements it should, and what the
engine sees stays exactly what it saw without it (a reload of the catalog, a changed
requirement row, a record that matters to a field).
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from server.catalog.models import CatalogMeta, Service
from server.config import engine_options, normalise_database_url
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


def test_a_batch_checks_the_binding_and_locks_the_client_once(server) -> None:
    """No read-only transaction of its own before the batch: the batch's one transaction
    reads the group and locks the client once, not once per mutation; a wrong binding
    still writes nothing and answers 403."""
    h = Harness(server)
    citizen = new_citizen(server)
    device = Device(citizen)
    application_id = new_id()
    h.do(device, "application.create", application_id=application_id, service_id=PASPOR)
    batch = [device.mutation("application.set_fields", application_id=application_id,
                             fields={"purpose": purpose}) for purpose in ("wisata", "studi")]
    body = {"protocol": 1, "client_group_id": device.client_group_id,
            "client_id": device.client_id, "mutations": batch}
    with statements(server) as seen:
        response = push(server.uow, citizen, body, NOW)
    assert [r["status"] for r in response["results"]] == ["applied", "applied"]
    assert len(touching(seen, "sync_client_group")) == 1
    assert len([s for s in seen if s.upper().startswith("SELECT SYNC_CLIENT.")]) == 1
    # The application is read once: the second mutation has the first one's copy.
    assert len([s for s in seen if s.upper().startswith("SELECT APPLICATION.")]) == 1
    assert h.application(application_id).fields["purpose"] == "studi"

    data_writes = re.compile(r"(INSERT|UPDATE|DELETE)\b", re.I)
    other = new_citizen(server)  # another citizen with this device's group
    body["mutations"] = [device.mutation("application.set_fields",
                                         application_id=application_id,
                                         fields={"purpose": "lainnya"})]
    with statements(server) as seen, pytest.raises(SyncError) as refused:
        push(server.uow, other, body, NOW)
    assert refused.value.code == "client_group_forbidden"
    assert [s for s in seen if data_writes.match(s)] == []
    body["client_group_id"] = new_id()  # the client under a new group of its own citizen
    with pytest.raises(SyncError) as refused:
        push(server.uow, citizen, body, NOW)
    assert refused.value.code == "client_group_forbidden"
    with server.uow.snapshot():
        assert server.uow.get_client_group(body["client_group_id"]) is None
        assert server.uow.get_application(application_id).fields["purpose"] == "studi"


@contextmanager
def transactions(server: SqlServer) -> Iterator[list[str]]:
    """"begin" and "commit" of every transaction the server's engine runs in the block."""
    seen: list[str] = []

    def begin(conn):
        seen.append("begin")

    def commit(conn):
        seen.append("commit")

    sa.event.listen(server.engine, "begin", begin)
    sa.event.listen(server.engine, "commit", commit)
    try:
        yield seen
    finally:
        sa.event.remove(server.engine, "begin", begin)
        sa.event.remove(server.engine, "commit", commit)


def test_a_batch_is_one_transaction_with_a_savepoint_per_mutation(server) -> None:
    """One BEGIN and one commit (one disk wait) for a batch; a rejected mutation undoes
    its own savepoint alone (its bad value is nowhere, the mutations around it stay); a
    409 gap commits the mutations before it, and says so."""
    h = Harness(server)
    citizen = new_citizen(server)
    device = Device(citizen)
    application_id = new_id()
    batch = [device.mutation("application.create", application_id=application_id,
                             service_id=PASPOR),
             device.mutation("application.set_fields", application_id=application_id,
                             fields={"purpose": "wisata"}),
             device.mutation("application.set_fields", application_id=application_id,
                             fields={"purpose": "wisata", "passport_type": "bogus"}),
             device.mutation("application.set_fields", application_id=application_id,
                             fields={"passport_type": "elektronik"})]
    body = {"protocol": 1, "client_group_id": device.client_group_id,
            "client_id": device.client_id, "mutations": batch}
    push(server.uow, citizen, {**body, "mutations": []}, NOW)  # bound before
    with statements(server) as seen, transactions(server) as began:
        results = push(server.uow, citizen, body, NOW)["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "applied"]
    assert began == ["begin", "commit"]
    # A savepoint for each mutation, and one more to store the rejected one's result.
    assert len([s for s in seen if re.search(r"(^|; )SAVEPOINT sync_step", s)]) == 5
    assert len([s for s in seen if s.startswith("ROLLBACK TO SAVEPOINT")]) == 1
    stored = h.application(application_id)
    assert (stored.fields["purpose"], stored.fields["passport_type"]) == ("wisata",
                                                                          "elektronik")
    with server.uow.snapshot():
        [client] = server.uow.clients_of_group(device.client_group_id)
        assert client.last_mutation_id == batch[-1]["id"]
        result = server.uow.get_result(device.client_id, batch[2]["id"])
    assert result is not None and result.status == "rejected"

    applied = device.mutation("application.set_fields", application_id=application_id,
                              fields={"purpose": "studi"})
    device.next_id += 1  # the next one is missing: a gap
    body["mutations"] = [applied, device.mutation("application.submit",
                                                  application_id=application_id)]
    with transactions(server) as began, pytest.raises(SyncError) as gap:
        push(server.uow, citizen, body, NOW)
    assert gap.value.code == "mutation_gap"
    assert gap.value.details["last_mutation_id"] == applied["id"]
    assert began == ["begin", "commit"]  # the mutation before the gap, committed
    assert h.application(application_id).fields["purpose"] == "studi"
    assert h.application(application_id).state == "draft"


def test_a_kept_application_is_read_again_after_a_savepoint_rolls_back(server) -> None:
    """What a transaction keeps of an application: only under the citizen's space lock
    (read before next_version: read again after it), handed out as copies, and forgotten
    when a savepoint rolls back (the database then holds the older row again)."""
    h = Harness(server)
    citizen = new_citizen(server)
    device = Device(citizen)
    application_id = new_id()
    h.do(device, "application.create", application_id=application_id, service_id=PASPOR)
    uow = server.uow

    def reads(seen: list[str]) -> int:
        return len([s for s in seen if s.upper().startswith("SELECT APPLICATION.")])

    with statements(server) as seen, uow.transaction():
        uow.get_application(application_id)  # no lock yet: not kept
        uow.next_version(citizen)
        first = uow.get_application(application_id)
        assert reads(seen) == 2
        first.fields["purpose"] = "changed but never put"
        again = uow.get_application(application_id)
        assert reads(seen) == 2 and "purpose" not in again.fields  # a copy, not `first`
        with pytest.raises(ZeroDivisionError), uow.savepoint():
            again.fields["purpose"] = "wisata"
            uow.put_application(again)
            assert uow.get_application(application_id).fields["purpose"] == "wisata"
            1 / 0
        uow.next_version(citizen)
        after = uow.get_application(application_id)
        assert reads(seen) == 3 and "purpose" not in after.fields
    assert "purpose" not in h.application(application_id).fields


def test_a_pooled_connection_the_server_closed_is_replaced_at_checkout(server) -> None:
    """No pool_pre_ping (a SELECT 1 round trip per checkout): the checkout sees from the
    socket alone that PostgreSQL closed an idle connection (a restart, a killed backend),
    and the pool connects afresh; the next transaction just works."""
    assert "pool_pre_ping" not in engine_options(server.url)
    if server.kind != "postgresql":
        return  # a SQLite connection is a file: nothing can close it under us
    with server.engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin = sa.create_engine(normalise_database_url(server.url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar()
            for _ in range(100):  # the backend is gone once it no longer shows
                if not conn.exec_driver_sql(
                        f"SELECT 1 FROM pg_stat_activity WHERE pid = {pid}").first():
                    break
                time.sleep(0.05)
    finally:
        admin.dispose()
    h = Harness(server)
    citizen = new_citizen(server)  # on a pooled connection: the one whose backend died
    device = Device(citizen)
    assert h.do(device, "application.create", application_id=new_id(),
                service_id=PASPOR)["status"] == "applied"
    with server.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid


def test_a_push_of_one_mutation_takes_no_savepoint_and_keeps_nothing_it_did_not_finish(
        server) -> None:
    """The common push (one mutation) has no savepoint: rejected, its transaction rolls
    back whole and a second one stores the rejection (the value is nowhere); failing half
    way (the database going away after its first write), nothing of it is kept and
    last_mutation_id stays where it was."""
    h = Harness(server)
    citizen = new_citizen(server)
    device = Device(citizen)
    application_id = new_id()
    h.do(device, "application.create", application_id=application_id, service_id=PASPOR)
    with statements(server) as seen:
        result = h.do(device, "application.set_fields", application_id=application_id,
                      fields={"purpose": "wisata", "passport_type": "bogus"})
    assert result["status"] == "rejected"
    assert [s for s in seen if "SAVEPOINT" in s] == []
    assert "purpose" not in h.application(application_id).fields
    with server.uow.snapshot():
        stored = server.uow.get_result(device.client_id, device.next_id - 1)
    assert stored is not None and stored.status == "rejected"

    class Gone(Exception):
        pass

    class FailsAfterItsFirstWrite:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            attr = getattr(self.inner, name)
            if name != "put_application":
                return attr

            def write(*args, **kwargs):
                attr(*args, **kwargs)
                raise Gone
            return write

    mutation = device.mutation("application.set_fields", application_id=application_id,
                               fields={"purpose": "studi"})
    body = {"protocol": 1, "client_group_id": device.client_group_id,
            "client_id": device.client_id, "mutations": [mutation]}
    with pytest.raises(Gone):
        push(FailsAfterItsFirstWrite(server.uow), citizen, body, NOW)
    assert "purpose" not in h.application(application_id).fields
    with server.uow.snapshot():
        [client] = server.uow.clients_of_group(device.client_group_id)
    assert client.last_mutation_id == mutation["id"] - 1
    assert push(server.uow, citizen, body, NOW)["results"] == [
        {"id": mutation["id"], "status": "applied"}]  # the resend applies it, once
    assert h.application(application_id).fields["purpose"] == "studi"


def test_a_push_reads_the_catalog_key_with_the_client_lock_and_sees_a_reload_at_once(
        server) -> None:
    """The push's first statement also reads the catalog's version (no round trip of its
    own); a catalog load committed just before the push is what the push sees."""
    h = Harness(server)
    device = Device(new_citizen(server))
    h.do(device, "application.create", application_id=new_id(), service_id=PASPOR)
    with statements(server) as seen:
        assert h.do(device, "application.create", application_id=new_id(),
                    service_id=PASPOR)["status"] == "applied"
    assert len(touching(seen, "catalog_meta")) == 1
    assert touching(seen, "catalog_meta") == touching(seen, "sync_client")[:1]
    with server.engine.begin() as conn:  # a load that retires the service
        conn.execute(sa.update(Service.__table__).where(Service.__table__.c.code == PASPOR)
                     .values(active=False))
        conn.execute(sa.update(CatalogMeta.__table__).where(CatalogMeta.__table__.c.id == 1)
                     .values(version=CatalogMeta.__table__.c.version + 1))
    result = h.do(device, "application.create", application_id=new_id(), service_id=PASPOR)
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "service_unavailable"
