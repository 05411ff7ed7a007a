"""The sync engine under real concurrency, on the SQL unit of work (PostgreSQL and SQLite).

Real threads (started together at a Barrier) call sync.push.push, sync.pull.pull and the
officer actions of sync.officer, as the server's request threads and workers do:

- on ONE SqlUnitOfWork (one engine: the threads of one gunicorn worker; the unit of work is
  thread-safe, each thread's transaction has its own connection), and
- on TWO SqlUnitOfWork instances over two separate engines on the same database URL (what
  two gunicorn worker processes are: nothing shared but the database).

What is proved (docs/sync-protocol.md, "Push", "Pull", "The unit of work"):
1. One push batch sent by four threads at once (two flushers of one outbox, a retry racing
   the original) is applied exactly once, in order, and every sender gets the same 200 body
   that a single sequential push gives (the in-memory engine is the oracle). Also when the
   client, or its whole client group, pushes for the first time.
2. Two devices of one citizen writing different (and one shared) fields of the same
   application while an officer works through other applications of that citizen (one of
   which rewrites the devices' draft: accepting a discrepancy changes the record and
   reconciles every open application): no update is lost, the last write in server order
   wins per field, versions are unique and gapless (one per journal entry), nothing
   deadlocks, and a pull afterwards is consistent.
3. A device pulling with its cookie while others push sees cookies that never go back,
   `last_mutation_ids` that agree with the rows of the same snapshot, and patches that,
   applied in order, equal a final full pull.
4. The interleaving behind a race of test 1, forced (one thread held at the moment its
   first push found no client row): the first pushes of a new client apply each mutation
   once.

A thread that does not finish within JOIN_TIMEOUT fails the test (a deadlock that the
database does not detect, or a lost wake-up); a PostgreSQL DeadlockDetected or a SQLite
"database is locked" fails it with its own message.
"""
from __future__ import annotations

import threading
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from server.applications.store import SqlUnitOfWork
from server.config import engine_options, normalise_database_url
from sync import officer, reconcile
from sync.errors import SyncError
from sync.model import Profile
from sync.pull import pull
from sync.push import push

from .backends import MemoryServer
from .factories import NOW, PASPOR, PROFILE_BUDI, Device, Harness, filled_paspor
from .sql_backends import SqlServer

JOIN_TIMEOUT = 60.0  # seconds, for all the threads of one test together
OFFICER = "officer-7"


# ---- fixtures ------------------------------------------------------------------------

@pytest.fixture(params=["postgresql", "sqlite"])
def server(request):
    s = SqlServer(request.param)
    yield s
    s.close()


@pytest.fixture(params=["one_engine", "two_engines"])
def uows(request, server) -> list[SqlUnitOfWork]:
    """Two handles on the database for the threads to share (threads take them in turn):
    the same unit of work twice, or units of work over two engines (two server processes)."""
    if request.param == "one_engine":
        yield [server.uow, server.uow]
        return
    url = normalise_database_url(server.url)
    engine = sa.create_engine(url, **engine_options(url))
    yield [server.uow, SqlUnitOfWork(engine)]
    engine.dispose()


# ---- running threads together -----------------------------------------------------------

def _chain(exc: BaseException):
    while exc is not None:
        yield exc
        orig = getattr(exc, "orig", None)
        if orig is not None:
            yield orig
        exc = exc.__cause__ or exc.__context__


def _is_deadlock(exc: BaseException) -> bool:
    return any(type(e).__name__ == "DeadlockDetected" or "deadlock detected" in str(e)
               for e in _chain(exc))


def _is_sqlite_locked(exc: BaseException) -> bool:
    return any("database is locked" in str(e) or "database table is locked" in str(e)
               for e in _chain(exc))


def run_together(targets: dict[str, Callable[[], Any]],
                 timeout: float = JOIN_TIMEOUT) -> dict[str, Any]:
    """Run each target in its own thread, all released at once by a Barrier; return each
    one's return value by name. Fails the test if a thread is still running after
    `timeout` seconds or if any raised."""
    barrier = threading.Barrier(len(targets))
    results: dict[str, Any] = {}
    errors: list[tuple[str, BaseException, str]] = []

    def run(name: str, target: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout)
            results[name] = target()
        except BaseException as exc:  # noqa: BLE001 - every failure is reported below
            errors.append((name, exc, traceback.format_exc()))

    threads = [threading.Thread(target=run, args=(name, target), name=f"sync-{name}",
                                daemon=True)  # a hung thread must not hang pytest's exit
               for name, target in targets.items()]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, started + timeout - time.monotonic()))
    hung = [t.name for t in threads if t.is_alive()]
    if hung:
        pytest.fail(f"threads {hung} still running {timeout:.0f} s after they started together: "
                    "a deadlock the database did not detect, or a lock never released")
    if errors:
        report = "\n".join(f"--- thread {name}:\n{tb}" for name, _, tb in errors)
        if any(_is_deadlock(exc) for _, exc, _ in errors):
            pytest.fail(f"PostgreSQL detected a DEADLOCK between concurrent writers:\n{report}")
        if any(_is_sqlite_locked(exc) for _, exc, _ in errors):
            pytest.fail("SQLite answered 'database is locked' under contention (the busy "
                        f"timeout did not make the writer wait):\n{report}")
        pytest.fail(f"{len(errors)} thread(s) raised:\n{report}")
    return results


# ---- helpers ---------------------------------------------------------------------------

def new_id() -> str:
    return str(uuid.uuid4())


def new_citizen(server: SqlServer) -> str:
    citizen = new_id()
    server.add_citizen(citizen)
    return citizen


def body(device: Device, mutations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"protocol": 1, "client_group_id": device.client_group_id,
            "client_id": device.client_id, "mutations": mutations}


def mutation(device: Device, name: str, **args: Any) -> dict[str, Any]:
    return device.mutation(name, **args)


def apply_patch(view: dict[str, Any], response: dict[str, Any]) -> None:
    if response["reset"]:
        view.clear()
    for op in response["patch"]:
        if op["op"] == "put":
            view[op["key"]] = op["value"]
        else:
            assert op["op"] == "del", op
            view.pop(op["key"], None)


def full_pull(uow, citizen: str) -> dict[str, Any]:
    response = pull(uow, citizen, {"protocol": 1, "client_group_id": new_id(), "cookie": None})
    assert response["reset"] is True
    view: dict[str, Any] = {}
    apply_patch(view, response)
    return {"cookie": response["cookie"], "view": view}


def space_version(uow, citizen: str) -> int:
    with uow.snapshot():
        return uow.space_version(citizen)


def last_mutation_ids(uow, client_group_id: str) -> dict[str, int]:
    with uow.snapshot():
        return {c.id: c.last_mutation_id for c in uow.clients_of_group(client_group_id)}


def journal_of(server: SqlServer, citizen: str):
    """The citizen's journal entries in insertion (audit id) order."""
    return [e for e in server.journal() if e.citizen_id == citizen]


def assert_versions_unique_and_gapless(server: SqlServer, citizen: str,
                                       rejected: int = 0) -> None:
    """Every write transaction of a space takes exactly one version (rolled-back ones give
    theirs back), and each applied change journals exactly once: so the journal's versions
    (plus those of stored rejections, which are not journalled) are 1..space_version, each
    once. Because the space is locked BEFORE anything is journalled, journal rows are also
    inserted in version order."""
    journal = journal_of(server, citizen)
    versions = [e.version for e in journal]
    assert len(versions) == len(set(versions)), (
        f"a version was given to two journal entries: {sorted(versions)}")
    assert versions == sorted(versions), (
        f"journal rows were not written in version order (writers of one space overlapped): "
        f"{versions}")
    current = space_version(server.uow, citizen)
    assert len(versions) + rejected == current, (
        f"space version {current} but {len(versions)} journal entries and {rejected} "
        "stored rejections: a version bump without its change, or a change without a bump")
    with server.uow.snapshot():
        result_versions = [r.version for r in server.uow.changes_since(citizen, 0).results]
    assert sorted(versions + result_versions) == list(range(1, current + 1))


# ---- 1. one batch, four senders --------------------------------------------------------

def the_batch(device: Device, size: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Mutations 1..size: creates of distinct applications, set_fields on the one created
    just before (so order matters), and rejections of both kinds (a mutator's, which rolls
    back and is stored in a second transaction, and a parse-time one)."""
    mutations, created = [], []
    previous = None
    for i in range(1, size + 1):
        if i % 10 == 5:
            m = mutation(device, "application.create", application_id=new_id(),
                         service_id="langsa.tidak-ada")  # service_not_found
        elif i % 10 == 0:
            m = mutation(device, "application.frobnicate", application_id=new_id())
        elif i % 2 == 1:
            previous = new_id()
            created.append(previous)
            m = mutation(device, "application.create", application_id=previous,
                         service_id=PASPOR)
        else:  # after a create; after i=5 (rejected) the application does not exist
            m = mutation(device, "application.set_fields",
                         application_id=previous if (i - 1) % 10 != 5 else new_id(),
                         fields={"purpose": "studi", "passport_type": "elektronik"})
        mutations.append(m)
    return mutations, created


def push_as_a_client_would(uow, citizen: str, request: dict[str, Any], *,
                           first_push: bool, retries: list[str]) -> dict[str, Any]:
    """push(), retried the way the contract allows (sync/store.py, put_client_group and
    put_client): two FIRST pushes of a client group or client may both insert its row; the
    loser's transaction fails on the unique key (a 5xx) and the client sends again. Any
    other exception propagates; a SyncError (e.g. 409 mutation_gap) is returned as
    {"sync_error": ...} so the caller can first check what was written."""
    for attempt in range(3):
        try:
            return push(uow, citizen, request, NOW)
        except sa.exc.IntegrityError as exc:
            if not first_push or "sync_client" not in str(exc) or attempt == 2:
                raise
            retries.append(str(exc.orig).splitlines()[0])
        except SyncError as exc:
            return {"sync_error": str(exc)}
    raise AssertionError("unreachable")


def assert_applied_exactly_once(server: SqlServer, citizen: str, device: Device,
                                expected: dict[str, Any], created: list[str]) -> None:
    size = expected["last_mutation_id"]
    journal = journal_of(server, citizen)
    mine = [e for e in journal if e.client_id == device.client_id]
    applied = [r["id"] for r in expected["results"] if r["status"] == "applied"]
    replays = [(e.mutation_id, e.action) for e in mine if e.detail.get("noop")]
    assert not replays, (
        f"mutations applied a SECOND time (the replayed creates journal as no-ops): {replays}; "
        f"journal of the client: {[(e.mutation_id, e.action, e.version) for e in mine]}")
    assert [e.mutation_id for e in mine] == applied, (
        "each applied mutation must be journalled exactly once, in order: "
        f"{[e.mutation_id for e in mine]} instead of {applied}")
    assert last_mutation_ids(server.uow, device.client_group_id)[device.client_id] == size
    # One version per mutation (applied, or stored as rejected), nothing more.
    assert space_version(server.uow, citizen) == size
    assert_versions_unique_and_gapless(server, citizen, rejected=size - len(applied))
    with server.uow.snapshot():
        apps = server.uow.applications_of(citizen)
    assert sorted(a.id for a in apps) == sorted(created)


@pytest.mark.parametrize("first_push", ["bound", "new_client", "new_group"])
def test_one_batch_sent_by_four_threads_at_once_is_applied_exactly_once(
        server, uows, first_push: str) -> None:
    """bound: the client pushed before (two flushers of one outbox, a retry racing the
    original). new_client: its group is bound (by a sibling client), the client is new.
    new_group: nothing of the device is known yet. Several rounds, each a fresh device, as
    the race at the first push is a matter of timing."""
    senders, size, rounds = 4, 20, 4
    retries: list[str] = []
    for _ in range(rounds):
        citizen = new_citizen(server)
        device = Device(citizen)
        if first_push == "new_client":
            sibling = Device(citizen, client_group_id=device.client_group_id)
            push(server.uow, citizen, body(sibling, []), NOW)
        elif first_push == "bound":
            assert push(server.uow, citizen, body(device, []), NOW) == {
                "last_mutation_id": 0, "results": []}
        mutations, created = the_batch(device, size)
        request = body(device, mutations)

        # The oracle: the same batch pushed once, alone, on the in-memory engine.
        oracle = Harness(MemoryServer())
        expected = push(oracle.uow, citizen, request, NOW)
        assert expected["last_mutation_id"] == size
        assert [r["status"] for r in expected["results"]].count("applied") > size // 2
        assert "rejected" in [r["status"] for r in expected["results"]]

        def sender(uow, request=request, citizen=citizen) -> Callable[[], dict[str, Any]]:
            return lambda: push_as_a_client_would(uow, citizen, request, retries=retries,
                                                  first_push=first_push != "bound")

        answers = run_together({f"sender{i}": sender(uows[i % 2]) for i in range(senders)})

        assert_applied_exactly_once(server, citizen, device, expected, created)
        # Every sender got the 200 body of one sequential push: same results, same order.
        for name, answer in sorted(answers.items()):
            assert answer == expected, f"{name} got another answer than a sequential push"
        # And the space is exactly what the sequential push made.
        assert full_pull(server.uow, citizen)["view"] == full_pull(oracle.uow, citizen)["view"]
    if retries:
        print(f"{server.kind}: {len(retries)} first push(es) lost the race to insert the "
              f"client group/client and were sent again (the contract allows it): {retries[0]}")


class PausingUnitOfWork(SqlUnitOfWork):
    """Holds the thread named `hold` right after lock_client found NO row for the client
    (the window of a first push), until `released` is set or `timeout` passes."""

    def __init__(self, engine, hold: str, timeout: float):
        super().__init__(engine)
        self.hold, self.timeout = hold, timeout
        self.paused, self.released = threading.Event(), threading.Event()

    def lock_client(self, client_id: str):
        client = super().lock_client(client_id)
        if client is None and threading.current_thread().name == self.hold \
                and not self.paused.is_set():
            self.paused.set()
            self.released.wait(self.timeout)
        return client


def test_two_first_pushes_of_a_new_client_racing_apply_each_mutation_once(
        server, uows) -> None:
    """The interleaving behind test 1's new_client race, made certain: a first push of a
    client (its group already bound) finds no client row; then the same batch, sent again,
    binds the client and applies everything; then the first push goes on. It must find the
    mutations done, not apply them again. (SQLite: the first push holds the write lock, so
    the second cannot run inside the window: the pause times out and they run in turn.)"""
    size = 6
    citizen = new_citizen(server)
    sibling = Device(citizen)
    push(server.uow, citizen, body(sibling, []), NOW)  # the group is bound
    device = Device(citizen, client_group_id=sibling.client_group_id)
    mutations, created = the_batch(device, size)
    request = body(device, mutations)
    expected = push(Harness(MemoryServer()).uow, citizen, request, NOW)

    pausing = PausingUnitOfWork(uows[0].engine, hold="sync-first",
                                timeout=0.5 if server.kind == "sqlite" else 10.0)
    retries: list[str] = []

    def first() -> dict[str, Any]:
        return push_as_a_client_would(pausing, citizen, request, first_push=True,
                                      retries=retries)

    def second() -> dict[str, Any]:
        assert pausing.paused.wait(JOIN_TIMEOUT / 2), "the first push never reached the window"
        try:
            return push_as_a_client_would(uows[1], citizen, request, first_push=True,
                                          retries=retries)
        finally:
            pausing.released.set()

    answers = run_together({"first": first, "second": second})
    assert_applied_exactly_once(server, citizen, device, expected, created)
    assert answers == {"first": expected, "second": expected}


# ---- 2. two devices and an officer -----------------------------------------------------

TICKET = "TEST-TICK-ETCO-DE23-4567"  # one application is completed: a fixed code will do
OFFICER_SCRIPT = {
    # application -> (actions in order, final state)
    "revise": ([("start_review", {}), ("accept_discrepancy", {"field_key": "birth_place"}),
                ("review_requirement", {"requirement_code": "ktp", "accept": True, "note": ""}),
                ("review_requirement", {"requirement_code": "kk", "accept": False,
                                        "note": "Foto KK buram"}),
                ("request_revision", {"note": "Mohon unggah ulang KK"})],
               "revision_requested"),
    "complete": ([("start_review", {}),
                  ("review_requirement", {"requirement_code": "ktp", "accept": True,
                                          "note": ""}),
                  ("review_requirement", {"requirement_code": "kk", "accept": True,
                                          "note": ""}),
                  ("approve", {}), ("mark_ready", {"ticket_code": TICKET}),
                  ("complete", {"ticket_code": TICKET})], "completed"),
    "reject": ([("start_review", {}),
                ("reject_application", {"note": "Tidak memenuhi syarat"})], "rejected"),
}


@pytest.mark.parametrize("groups", ["two_groups", "one_group"])
def test_two_devices_and_an_officer_lose_no_update_and_never_deadlock(
        server, uows, groups: str) -> None:
    rounds = 15
    h = Harness(server)
    citizen = new_citizen(server)
    h.profile(citizen, PROFILE_BUDI)  # every record value verified: drafts get discrepancies

    # The officer's applications, submitted; "revise" has a birth place that differs from
    # the record, so accepting that discrepancy changes the record and reconciles every
    # open application of the citizen, including the devices' draft below.
    setup = h.device(citizen)
    officer_apps = {}
    for name in OFFICER_SCRIPT:
        app_id = filled_paspor(h, setup)
        if name == "revise":
            assert h.do(setup, "application.set_fields", application_id=app_id,
                        fields={"birth_place": "Medan"})["status"] == "applied"
        assert h.do(setup, "application.submit", application_id=app_id)["status"] == "applied"
        officer_apps[name] = app_id
    draft = new_id()
    assert h.do(setup, "application.create", application_id=draft,
                service_id=PASPOR)["status"] == "applied"
    before = space_version(server.uow, citizen)

    device_a = Device(citizen)
    device_b = Device(citizen, client_group_id=device_a.client_group_id) \
        if groups == "one_group" else Device(citizen)
    own_field = {device_a.client_id: "full_name", device_b.client_id: "address"}
    sent: dict[tuple[str, int], dict[str, Any]] = {}  # (client, mutation id) -> fields

    def batches(device: Device, tag: str) -> list[dict[str, Any]]:
        out = []
        for r in range(rounds):
            own = ({"full_name": f"BUDI {tag} {r:02d}"} if tag == "A"
                   else {"address": f"Jl. {tag} nomor {r:02d}, Langsa"})
            shared = {"birth_place": f"Kota {tag}{r:02d}"}
            ms = [mutation(device, "application.set_fields", application_id=draft, fields=own),
                  mutation(device, "application.set_fields", application_id=draft,
                           fields=shared)]
            for m in ms:
                sent[(device.client_id, m["id"])] = m["args"]["fields"]
            out.append(body(device, ms))
        return out

    pushes = {"A": batches(device_a, "A"), "B": batches(device_b, "B")}
    for device in (device_a, device_b):  # devices in use (first pushes race: see test 1)
        assert push(server.uow, citizen, body(device, []), NOW)["last_mutation_id"] == 0

    def device_thread(tag: str, uow) -> Callable[[], list[dict[str, Any]]]:
        def run() -> list[dict[str, Any]]:
            return [push(uow, citizen, request, NOW) for request in pushes[tag]]
        return run

    def officer_thread(uow) -> Callable[[], list[str]]:
        def run() -> list[str]:
            done = []
            # Round-robin over the applications, so officer writes spread over the pushes.
            queues = {name: list(actions) for name, (actions, _) in OFFICER_SCRIPT.items()}
            while any(queues.values()):
                for name, queue in queues.items():
                    if queue:
                        action, kwargs = queue.pop(0)
                        with uow.transaction():
                            getattr(officer, action)(uow, officer_apps[name],
                                                     officer_id=OFFICER, now=NOW, **kwargs)
                        done.append(f"{name}:{action}")
                        time.sleep(0.002)  # let the devices in between
            return done
        return run

    answers = run_together({"deviceA": device_thread("A", uows[0]),
                            "deviceB": device_thread("B", uows[1]),
                            "officer": officer_thread(uows[1])})

    # Every mutation applied (they are all valid on a draft), in order, once.
    for tag, device in (("A", device_a), ("B", device_b)):
        assert [a["last_mutation_id"] for a in answers[f"device{tag}"]] == \
            list(range(2, 2 * rounds + 1, 2))
        statuses = {r["status"] for a in answers[f"device{tag}"] for r in a["results"]}
        assert statuses == {"applied"}, answers[f"device{tag}"]
    assert len(answers["officer"]) == sum(len(a) for a, _ in OFFICER_SCRIPT.values())

    journal = journal_of(server, citizen)
    for device in (device_a, device_b):
        ids = [e.mutation_id for e in journal if e.client_id == device.client_id]
        assert ids == list(range(1, 2 * rounds + 1)), (
            f"client {device.client_id}: mutations not applied exactly once in order: {ids}")
    expected_bumps = 2 * 2 * rounds + len(answers["officer"])
    assert space_version(server.uow, citizen) == before + expected_bumps
    assert_versions_unique_and_gapless(server, citizen)

    # No update lost; per field, the last write in server (version) order wins.
    last_write: dict[str, tuple[int, Any]] = {}
    for e in journal:
        if e.action == "application.set_fields" and e.application_id == draft:
            for key, value in sent[(e.client_id, e.mutation_id)].items():
                if key not in last_write or e.version > last_write[key][0]:
                    last_write[key] = (e.version, value)
    assert set(last_write) == {"full_name", "address", "birth_place"}
    assert last_write["full_name"][1] == f"BUDI A {rounds - 1:02d}"
    assert last_write["address"][1] == f"Jl. B nomor {rounds - 1:02d}, Langsa"
    with server.uow.snapshot():
        final = server.uow.get_application(draft)
        profile = server.uow.get_profile(citizen)
        service = server.uow.service(PASPOR)
        states = {name: server.uow.get_application(app_id).state
                  for name, app_id in officer_apps.items()}
    for key, (_, value) in last_write.items():
        assert final.fields[key] == value, (
            f"{key}: {final.fields[key]!r} but the last write in server order was {value!r}")
    assert final.state == "draft"
    # The officer's moves all happened, and the record change reached the record.
    assert states == {name: state for name, (_, state) in OFFICER_SCRIPT.items()}
    assert profile.values["birth_place"] == "Medan" and "birth_place" in profile.verified
    # The draft's discrepancies are those of its final fields against the final record: no
    # device write was based on the record before the officer changed it (and vice versa).
    recomputed = Profile(citizen, dict(profile.values), set(profile.verified))
    expected_app = final.__class__(**{**vars(final), "discrepancies": {}})
    reconcile.refresh_all(expected_app, service, recomputed)
    assert final.discrepancies == expected_app.discrepancies
    assert final.discrepancies["birth_place"].record_value == "Medan"

    # A pull afterwards: the snapshot's cookie is the space version and holds the final rows.
    snapshot = full_pull(uows[1], citizen)
    assert snapshot["cookie"] == space_version(server.uow, citizen)
    value = snapshot["view"][f"application/{draft}"]
    for key in own_field.values():
        assert value["fields"][key] == final.fields[key]
    assert value["fields"]["birth_place"] == last_write["birth_place"][1]
    assert {snapshot["view"][f"application/{a}"]["state"] for a in officer_apps.values()} == \
        {"revision_requested", "completed", "rejected"}


# ---- 3. pulling while others push -------------------------------------------------------

def test_a_pull_during_pushes_sees_a_consistent_growing_space(server, uows) -> None:
    rounds = 12
    citizen = new_citizen(server)
    pusher = Device(citizen)                      # shares its client group with the puller
    other = Device(citizen)                       # another device of the citizen
    puller_group = pusher.client_group_id

    # Pusher's batches: create a_k, set its purpose, and every second batch discard a_{k-1}
    # (which the puller may have seen: it must then see the tombstone).
    effects: list[tuple[int, str, str, Any]] = []  # (mutation id, op, app, value)
    plan: dict[str, list[dict[str, Any]]] = {"pusher": [], "other": []}
    for tag, device in (("pusher", pusher), ("other", other)):
        previous = None
        for k in range(rounds):
            app_id = new_id()
            ms = [mutation(device, "application.create", application_id=app_id,
                           service_id=PASPOR),
                  mutation(device, "application.set_fields", application_id=app_id,
                           fields={"purpose": ["wisata", "studi", "bekerja"][k % 3]})]
            if k % 2 == 1:
                ms.append(mutation(device, "application.discard", application_id=previous))
            if device is pusher:
                effects += [(ms[0]["id"], "create", app_id, None),
                            (ms[1]["id"], "purpose", app_id, ms[1]["args"]["fields"]["purpose"])]
                if k % 2 == 1:
                    effects.append((ms[2]["id"], "discard", previous, None))
            plan[tag].append(body(device, ms))
            previous = app_id
    pusher_apps = {app for _, _, app, _ in effects}

    def expected_pusher_apps(lmid: int) -> dict[str, str | None]:
        """The pusher's live applications (id -> purpose) once mutations 1..lmid applied."""
        live: dict[str, str | None] = {}
        for mid, op, app, value in effects:
            if mid > lmid:
                break
            if op == "create":
                live[app] = None
            elif op == "purpose":
                live[app] = value
            else:
                live.pop(app)
        return live

    pushing = threading.Event()
    pushing.set()
    finished: list[str] = []

    def pusher_thread(tag: str, uow) -> Callable[[], None]:
        def run() -> None:
            try:
                for request in plan[tag]:
                    answer = push(uow, citizen, request, NOW)
                    assert {r["status"] for r in answer["results"]} == {"applied"}, answer
            finally:
                finished.append(tag)
                if len(finished) == 2:
                    pushing.clear()
        return run

    def puller(uow) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            view: dict[str, Any] = {}
            cookie, lmid, cookies, pulls = None, 0, [], 0
            while True:
                last_round = not pushing.is_set()  # read BEFORE pulling: then this pull is
                response = pull(uow, citizen, {  # after every push
                    "protocol": 1, "client_group_id": puller_group, "cookie": cookie})
                pulls += 1
                assert response["reset"] is (cookie is None), response["reset"]
                if cookie is not None:
                    assert response["cookie"] >= cookie, (
                        f"the cookie went back from {cookie} to {response['cookie']}")
                    assert response["patch"] or response["cookie"] == cookie
                ops = [op["op"] for op in response["patch"]]
                assert ops == sorted(ops), "dels must come before puts"
                apply_patch(view, response)
                cookie = response["cookie"]
                cookies.append(cookie)
                new_lmid = response["last_mutation_ids"].get(pusher.client_id, 0)
                assert new_lmid >= lmid, f"last_mutation_id went back from {lmid} to {new_lmid}"
                lmid = new_lmid
                # The cookie, the rows and last_mutation_ids come from ONE snapshot: the
                # view holds exactly the effects of the pusher's mutations 1..lmid.
                seen = {key.split("/", 1)[1]: value["fields"].get("purpose")
                        for key, value in view.items()
                        if key.startswith("application/") and key.split("/", 1)[1]
                        in pusher_apps}
                assert seen == expected_pusher_apps(lmid), (
                    f"pull {pulls} (cookie {cookie}, last_mutation_id {lmid}) is not one "
                    f"snapshot: view {seen} but expected {expected_pusher_apps(lmid)}")
                if last_round:
                    return {"view": view, "cookie": cookie, "cookies": cookies, "lmid": lmid}
        return run

    answers = run_together({"pusher": pusher_thread("pusher", uows[0]),
                            "other": pusher_thread("other", uows[1]),
                            "puller": puller(uows[1])})

    seen = answers["puller"]
    assert len(set(seen["cookies"])) >= 3, (
        f"the puller saw too few states to prove anything: cookies {seen['cookies']}")
    assert seen["cookie"] == space_version(server.uow, citizen)
    assert seen["lmid"] == len(effects) and seen["lmid"] == pusher.next_id - 1
    final = full_pull(server.uow, citizen)
    assert final["cookie"] == seen["cookie"]
    assert seen["view"] == final["view"], "patches applied in order differ from a full pull"
    live = {k for k in final["view"] if k.startswith("application/")}
    assert len(live) == 2 * (rounds - rounds // 2)  # each discarded its predecessor
    assert_versions_unique_and_gapless(server, citizen)
