"""The contracts of sync.store.UnitOfWork, checked on every backend in tests/sync/backends.py.

The engine relies on these (rollback of everything, detached rows, versions that only grow
and roll back, one snapshot for pull); the SQL implementation must pass the same tests.
"""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from sync.model import (
    Application, ApplicationRequirement, Client, ClientGroup, Discrepancy, Document,
    JournalEntry, MutationResult, Notification, Profile, Tombstone,
)

from .backends import BACKENDS

NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
A = "0b7e1f0a-2f7c-4a8e-9a51-00000000000a"  # citizens
B = "0b7e1f0a-2f7c-4a8e-9a51-00000000000b"
APP = "0b7e1f0a-2f7c-4a8e-9a51-000000000001"
DOC = "0b7e1f0a-2f7c-4a8e-9a51-000000000002"
G1 = "0b7e1f0a-2f7c-4a8e-9a51-0000000000a1"  # client groups
G2 = "0b7e1f0a-2f7c-4a8e-9a51-0000000000a2"
G9 = "0b7e1f0a-2f7c-4a8e-9a51-0000000000a9"
C1 = "0b7e1f0a-2f7c-4a8e-9a51-0000000000c1"  # clients
C2 = "0b7e1f0a-2f7c-4a8e-9a51-0000000000c2"
C3 = "0b7e1f0a-2f7c-4a8e-9a51-0000000000c3"
NOTE = "0b7e1f0a-2f7c-4a8e-9a51-0000000000ee"


@pytest.fixture(params=sorted(BACKENDS))
def server(request):
    s = BACKENDS[request.param]()
    s.add_citizen(A)
    s.add_citizen(B)
    yield s
    s.close()


def application(version: int = 1, citizen: str = A, app_id: str = APP) -> Application:
    return Application(
        id=app_id, citizen_id=citizen, service_code="langsa.imigrasi.paspor-baru",
        state="draft", created_at=NOW, updated_at=NOW, fields={"nik": "1174011705900001"},
        requirements={"ktp": ApplicationRequirement("ktp", DOC, "pending", "")},
        discrepancies={"nik": Discrepancy("nik", "nik", "1174011705900001", "1174011705900009")},
        version=version)


def document(version: int = 1, citizen: str = A) -> Document:
    return Document(id=DOC, citizen_id=citizen, status="ready", created_at=NOW,
                    document_type="ktp", content_type="image/jpeg", size=10, sha256="a" * 64,
                    version=version)


# How each unit of work refuses a write inside a snapshot (a new backend adds its own).
REFUSED_WRITE = {
    "memory": (RuntimeError, "write outside a transaction"),
    "sqlite": (sa.exc.OperationalError, "attempt to write a readonly database"),
    "postgresql": (sa.exc.InternalError, "cannot execute INSERT in a read-only transaction"),
}


def test_no_writes_in_a_snapshot_and_no_nested_transactions(server) -> None:
    uow = server.uow
    error, message = REFUSED_WRITE[server.name]
    with pytest.raises(error, match=message), uow.snapshot():
        uow.put_application(application())
    with uow.transaction(), pytest.raises(RuntimeError), uow.transaction():
        pass
    with uow.snapshot():
        assert uow.get_application(APP) is None


def test_the_memory_store_refuses_reads_outside_a_transaction() -> None:
    uow = BACKENDS["memory"]().uow
    with pytest.raises(RuntimeError):
        uow.get_application(APP)
    with pytest.raises(RuntimeError):
        uow.next_version(A)


def test_rows_round_trip_and_are_detached(server) -> None:
    uow = server.uow
    with uow.transaction():
        v = uow.next_version(A)
        uow.put_document(document(v))
        original = application(v)
        uow.put_application(original)
        uow.put_profile(Profile(A, {"nik": "1174011705900001"}, {"nik"}, v))
        original.fields["nik"] = "changed after put"
    with uow.snapshot():
        got = uow.get_application(APP)
        assert got == application(v)
        got.fields["nik"] = "changed after get"
        got.requirements["ktp"].review_status = "accepted"
        assert uow.get_application(APP) == application(v)
        assert uow.get_document(DOC) == document(v)
        assert uow.get_profile(A) == Profile(A, {"nik": "1174011705900001"}, {"nik"}, v)
        assert uow.get_profile(B) is None
        assert [a.id for a in uow.applications_of(A)] == [APP]
        assert uow.applications_of(B) == []


def test_put_application_replaces_child_rows(server) -> None:
    uow = server.uow
    with uow.transaction():
        uow.put_application(application(uow.next_version(A)))
    with uow.transaction():
        a = uow.get_application(APP)
        a.requirements = {"kk": ApplicationRequirement("kk")}
        a.discrepancies = {}
        a.version = uow.next_version(A)
        uow.put_application(a)
    with uow.snapshot():
        a = uow.get_application(APP)
        assert set(a.requirements) == {"kk"} and a.discrepancies == {}


class Boom(Exception):
    pass


def a_client_and_a_draft(server) -> int:
    """Client C1 (group G1, last mutation 3) and citizen A's draft APP at version 1,
    committed; returns the journal's length then."""
    uow = server.uow
    with uow.transaction():
        uow.put_client_group(ClientGroup(G1, A))
        uow.put_client(Client(C1, G1, 3))
        uow.put_application(application(uow.next_version(A)))
    return len(server.journal())


def test_a_failed_transaction_leaves_no_trace(server) -> None:
    uow = server.uow
    journal_before = a_client_and_a_draft(server)

    with pytest.raises(Boom), uow.transaction():
        v = uow.next_version(A)
        uow.next_reference("LGS", 2026)
        client = uow.lock_client(C1)
        client.last_mutation_id = 4
        uow.put_client(client)
        uow.put_client_group(ClientGroup(G2, A))
        a = uow.get_application(APP)
        a.state, a.version = "submitted", v
        uow.put_application(a)
        uow.put_document(document(v))
        uow.put_profile(Profile(A, {}, set(), v))
        uow.put_notification(Notification(NOTE, A, "state_changed", NOW, APP, {}, v))
        uow.put_result(MutationResult(C1, 4, A, "application.submit", {"code": "x"}, v))
        uow.put_tombstone(Tombstone(A, "application/other", v))
        uow.add_journal(JournalEntry(A, v, NOW, "citizen", A, "application.submit", APP))
        raise Boom
    with uow.snapshot():
        assert uow.space_version(A) == 1
        assert uow.get_client_group(G2) is None
        assert uow.get_application(APP).state == "draft"
        assert uow.get_document(DOC) is None
        assert uow.get_profile(A) is None
        assert uow.get_result(C1, 4) is None
        assert uow.changes_since(A, 1).tombstones == []
        assert uow.changes_since(A, 1).notifications == []
    assert len(server.journal()) == journal_before
    with uow.transaction():
        assert uow.lock_client(C1).last_mutation_id == 3
        assert uow.next_reference("LGS", 2026) == 1  # the rolled-back number is reused
        assert uow.next_version(A) == 2


def test_a_savepoint_undoes_its_own_writes_alone(server) -> None:
    """What a push relies on for each mutation of a batch: a block that raises is undone,
    every write of the transaction before it and after it commits; what the undone block
    read and wrote is read again from the database (a store that keeps rows must forget
    them); savepoints do not nest and need a transaction."""
    uow = server.uow
    journal_before = a_client_and_a_draft(server)

    with uow.transaction():
        with uow.savepoint():  # kept
            v = uow.next_version(A)
            a = uow.get_application(APP)
            a.fields["nik"], a.version = "1174011705900002", v
            uow.put_application(a)
            uow.add_journal(JournalEntry(A, v, NOW, "citizen", A, "application.set_fields",
                                         APP))
        with pytest.raises(Boom), uow.savepoint():  # undone
            v = uow.next_version(A)
            a = uow.get_application(APP)
            a.state, a.version = "submitted", v
            a.requirements["ktp"].review_status = "accepted"
            uow.put_application(a)
            uow.put_profile(Profile(A, {"full_name": "BUDI"}, set(), v))
            uow.put_result(MutationResult(C1, 5, A, "application.submit", {"code": "x"}, v))
            uow.add_journal(JournalEntry(A, v, NOW, "citizen", A, "application.submit", APP))
            client = uow.lock_client(C1)
            client.last_mutation_id = 5
            uow.put_client(client)
            raise Boom
        with pytest.raises(RuntimeError), uow.savepoint(), uow.savepoint():
            pass
        after = uow.get_application(APP)  # as the kept block left it, not the undone one
        assert (after.state, after.fields["nik"]) == ("draft", "1174011705900002")
        assert after.requirements["ktp"].review_status == "pending"
        assert uow.get_profile(A) is None
        with uow.savepoint():  # and the transaction goes on
            client = uow.lock_client(C1)
            client.last_mutation_id = 4
            uow.put_client(client)
            assert uow.next_version(A) == 3  # the undone block's version is taken again
    with pytest.raises(RuntimeError), uow.savepoint():
        pass
    with uow.snapshot():
        stored = uow.get_application(APP)
        assert (stored.state, stored.fields["nik"], stored.version) == (
            "draft", "1174011705900002", 2)
        assert stored.requirements["ktp"].review_status == "pending"
        assert uow.get_profile(A) is None
        assert uow.get_result(C1, 5) is None
        assert uow.space_version(A) == 3
    assert len(server.journal()) == journal_before + 1
    with uow.transaction():
        assert uow.lock_client(C1).last_mutation_id == 4


def test_versions_are_per_citizen_and_only_grow(server) -> None:
    uow = server.uow
    with uow.snapshot():
        assert uow.space_version(A) == 0 and uow.horizon(A) == 0
    with uow.transaction():
        assert [uow.next_version(A) for _ in range(3)] == [1, 2, 3]
        assert uow.next_version(B) == 1
    with uow.snapshot():
        assert uow.space_version(A) == 3 and uow.space_version(B) == 1


def test_references_count_per_prefix_and_year(server) -> None:
    uow = server.uow
    with uow.transaction():
        assert [uow.next_reference("LGS", 2026) for _ in range(2)] == [1, 2]
        assert uow.next_reference("LGS", 2027) == 1
        assert uow.next_reference("PYK", 2026) == 1


def test_changes_since_returns_exactly_the_newer_rows_of_one_citizen(server) -> None:
    uow = server.uow
    with uow.transaction():
        v1 = uow.next_version(A)
        uow.put_profile(Profile(A, {}, set(), v1))
        uow.put_document(document(v1))
    with uow.transaction():
        uow.put_client_group(ClientGroup(G1, A))
        uow.put_client(Client(C1, G1, 1))
        v2 = uow.next_version(A)
        uow.put_application(application(v2))
        uow.put_result(MutationResult(C1, 1, A, "application.create", {"code": "x"}, v2))
        uow.put_notification(Notification(NOTE, A, "state_changed", NOW, APP, {}, v2))
        uow.put_tombstone(Tombstone(A, "application/gone", v2))
        vb = uow.next_version(B)
        uow.put_application(application(vb, B, "0b7e1f0a-2f7c-4a8e-9a51-0000000000bb"))
    with uow.snapshot():
        everything = uow.changes_since(A, 0)
        assert everything.profile is not None and len(everything.documents) == 1
        assert [a.id for a in everything.applications] == [APP]
        newer = uow.changes_since(A, v1)
        assert newer.profile is None and newer.documents == []
        assert [a.id for a in newer.applications] == [APP]
        assert [(r.client_id, r.mutation_id) for r in newer.results] == [(C1, 1)]
        assert [n.id for n in newer.notifications] == [NOTE]
        assert [t.key for t in newer.tombstones] == ["application/gone"]
        nothing = uow.changes_since(A, v2)
        assert not (nothing.profile or nothing.applications or nothing.documents
                    or nothing.results or nothing.notifications or nothing.tombstones)
        assert uow.get_result(C1, 1).error == {"code": "x"}


def test_deleting_an_application_and_its_tombstone(server) -> None:
    uow = server.uow
    with uow.transaction():
        uow.put_application(application(uow.next_version(A)))
    with uow.transaction():
        v = uow.next_version(A)
        uow.delete_application(APP)
        uow.put_tombstone(Tombstone(A, f"application/{APP}", v))
    with uow.snapshot():
        assert uow.get_application(APP) is None and uow.applications_of(A) == []
        assert [t.key for t in uow.changes_since(A, v - 1).tombstones] == [f"application/{APP}"]


def test_purging_tombstones_moves_the_horizon(server) -> None:
    uow = server.uow
    with uow.transaction():
        for key in ("application/x", "application/y"):
            uow.put_tombstone(Tombstone(A, key, uow.next_version(A)))
    server.purge_tombstones(A, 1)
    with uow.snapshot():
        assert uow.horizon(A) == 1
        assert [t.key for t in uow.changes_since(A, 0).tombstones] == ["application/y"]


def test_clients_of_a_group(server) -> None:
    uow = server.uow
    with uow.transaction():
        uow.put_client_group(ClientGroup(G1, A))
        uow.put_client(Client(C1, G1, 2))
        uow.put_client(Client(C2, G1, 0))
        uow.put_client_group(ClientGroup(G9, B))
        uow.put_client(Client(C3, G9, 5))
    with uow.snapshot():
        assert sorted((c.id, c.last_mutation_id) for c in uow.clients_of_group(G1)) == [
            (C1, 2), (C2, 0)]
        assert uow.get_client_group(G1) == ClientGroup(G1, A)


def test_a_restarted_engine_sees_committed_data(server) -> None:
    with server.uow.transaction():
        server.uow.put_application(application(server.uow.next_version(A)))
    server.restart()
    with server.uow.snapshot():
        assert server.uow.get_application(APP) is not None
        assert server.uow.space_version(A) == 1


def test_writers_of_one_space_take_turns(server) -> None:
    """Two threads each read-modify-write the same application 50 times; with the space
    locked by next_version first, no update is lost."""
    uow = server.uow
    with uow.transaction():
        a = application(uow.next_version(A))
        a.fields = {"count": 0}
        uow.put_application(a)

    def bump() -> None:
        for _ in range(50):
            with uow.transaction():
                v = uow.next_version(A)
                a = uow.get_application(APP)
                a.fields["count"] += 1
                a.version = v
                uow.put_application(a)

    threads = [threading.Thread(target=bump) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with uow.snapshot():
        assert uow.get_application(APP).fields["count"] == 100
        assert uow.space_version(A) == 101
