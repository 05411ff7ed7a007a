"""Many clients, a faulty network, restarts and officers: sync still converges exactly once.

A Hypothesis state machine drives three clients (citizen A on two devices, citizen B on
one) and an officer against one server, through a transport that drops requests before the
server, drops responses after the commit, duplicates batches, delivers only the tail of a
batch (a gap), and replays old batches late. Clients restart from what they persisted
(an outbox whose acknowledged entries may not have been removed yet); the server restarts
(a new engine over the same data). Officers review, request revisions, approve...; the
record changes; uploads finish; tombstones are purged; time passes.

After healing (every outbox flushed over a reliable link, every client pulled), it checks:
- every mutation ever made was applied exactly once (one journal entry) or stored as
  rejected (one result), never both, and every response ever seen agreed with that;
- per-client order: the versions at which a client's mutations took effect grow with their
  ids, and no mutation was lost (the server's last_mutation_id is the client's last id);
- per-field last writer wins in server order: each field holds the value of the last
  applied write to it;
- cookies never went back, and each client's view (built only from pull patches) equals
  the server's space;
- the server's rows are consistent (documents attached are the citizen's, discrepancies
  only against verified values, a reference on every submitted application...).

Run it against another unit of work by adding a backend to tests/sync/backends.py.
"""
from __future__ import annotations

import copy
import datetime as dt
import os
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from sync import documents, officer, reconcile, states
from sync.errors import Rejection, SyncError
from sync.model import REJECTED as REVIEW_REJECTED
from sync.pull import pull
from sync.push import push

from .backends import BACKENDS
from .factories import KK_CHANGE, NIK_BUDI, NIK_SITI, NOW, PASPOR, PROFILE_BUDI

SETTINGS = settings(
    max_examples=int(os.environ.get("SYNC_PROPERTY_EXAMPLES", "60")),
    stateful_step_count=int(os.environ.get("SYNC_PROPERTY_STEPS", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

CITIZEN_A, CITIZEN_B = "citizen-a", "citizen-b"
PROFILE_B = {"nik": NIK_SITI, "full_name": "SITI RAHMAH", "birth_date": "1992-08-03",
             "sex": "P", "phone": "+6285277778888", "address": "Gampong Jawa, Langsa"}
SERVICES = (PASPOR, KK_CHANGE)
FAULTS = ("ok", "ok", "ok", "drop_request", "drop_response", "duplicate", "tail")

# Values already in normal form (so what is stored is what was sent), and bad ones.
GOOD_VALUES: dict[str, list[Any]] = {
    "nik": [NIK_BUDI, NIK_SITI],
    "text": ["BUDI SANTOSO", "Siti Rahmah", "Langsa", "1174010101100003"],
    "date": ["1990-05-17", "1992-08-03", "2001-01-31"],
    "phone": ["+6281234567890", "+6285277778888"],
    "email": ["budi@example.id", "siti@example.id"],
    "address": ["Jl. Ahmad Yani No. 5, Langsa", "Gampong Jawa, Langsa"],
    "number": [1, 3, 20],
}
BAD_VALUES: dict[str, list[Any]] = {
    "nik": ["1234", 1174011705900001],
    "text": [12, "x" * 250],
    "date": ["2026-02-30", "17-05-1990"],
    "phone": ["12345"],
    "email": ["not-an-email"],
    "address": [["a list"]],
    "number": ["3", 0, 99],
    "choice": ["bogus"],
    "textarea": [{"an": "object"}],
}


@dataclass
class Sent:
    client: str
    id: int
    name: str
    args: dict[str, Any]


@dataclass
class SimClient:
    """A PWA installation: what it persisted survives restarts, the rest does not."""

    name: str
    citizen_id: str
    client_group_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    # persisted (IndexedDB)
    next_id: int = 1
    persisted_outbox: list[dict[str, Any]] = field(default_factory=list)
    cookie: int | None = None
    view: dict[str, Any] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    # in memory
    outbox: list[dict[str, Any]] = field(default_factory=list)

    def enqueue(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        mutation = {"id": self.next_id, "name": name, "args": args, "client_time": 0}
        self.next_id += 1
        self.outbox.append(mutation)
        self.persisted_outbox.append(copy.deepcopy(mutation))
        return mutation

    def acknowledge(self, last_mutation_id: int, persist: bool) -> None:
        self.outbox = [m for m in self.outbox if m["id"] > last_mutation_id]
        if persist:
            self.persisted_outbox = [m for m in self.persisted_outbox
                                     if m["id"] > last_mutation_id]

    def restart(self) -> None:
        self.outbox = copy.deepcopy(self.persisted_outbox)

    def body(self, mutations: list[dict[str, Any]]) -> dict[str, Any]:
        return {"protocol": 1, "client_group_id": self.client_group_id,
                "client_id": self.client_id, "mutations": copy.deepcopy(mutations)}


class SyncMachine(RuleBasedStateMachine):
    def __init__(self, make_server=BACKENDS["memory"]) -> None:
        super().__init__()
        self.server = make_server()
        self.now = NOW
        self.clients = {
            "A1": SimClient("A1", CITIZEN_A),
            "A2": SimClient("A2", CITIZEN_A),
            "B1": SimClient("B1", CITIZEN_B),
        }
        self.sent: dict[tuple[str, int], Sent] = {}
        self.observed: dict[tuple[str, int], tuple[str, str | None]] = {}
        self.delayed: list[tuple[str, dict[str, Any]]] = []
        self.documents: dict[str, list[str]] = {CITIZEN_A: [], CITIZEN_B: []}
        self.uploading: list[str] = []
        self.max_cookie: dict[str, int] = {CITIZEN_A: 0, CITIZEN_B: 0}
        self.steps = Counter()
        with self.uow.transaction():
            reconcile.update_profile(self.uow, CITIZEN_A, PROFILE_BUDI, set(PROFILE_BUDI),
                                     self.now, actor="system", actor_id="seed")
        with self.uow.transaction():
            reconcile.update_profile(self.uow, CITIZEN_B, PROFILE_B, {"nik", "full_name"},
                                     self.now, actor="system", actor_id="seed")

    @property
    def uow(self):
        return self.server.uow

    # ---- helpers -----------------------------------------------------------------------
    def _record(self, client: SimClient, response: dict[str, Any]) -> None:
        for result in response["results"]:
            key = (client.client_id, result["id"])
            seen = (result["status"], (result.get("error") or {}).get("code"))
            assert self.observed.setdefault(key, seen) == seen, (key, self.observed[key], seen)

    def _deliver_push(self, client: SimClient, body: dict[str, Any]) -> dict[str, Any] | None:
        """The server's answer, or None for a 409 (whose details the client uses)."""
        try:
            response = push(self.uow, client.citizen_id, body, self.now)
        except SyncError as error:
            assert error.status == 409 and error.code == "mutation_gap", error
            last = error.details["last_mutation_id"]
            return {"last_mutation_id": last, "results": [], "gap": True}
        self._record(client, response)
        return response

    def _applications(self) -> list[Any]:
        with self.uow.snapshot():
            return (self.uow.applications_of(CITIZEN_A) + self.uow.applications_of(CITIZEN_B))

    def _app_ids_for(self, client: SimClient) -> list[str]:
        own = list(client.created)
        seen = [k.split("/", 1)[1] for k in client.view if k.startswith("application/")]
        foreign = [a.id for a in self._applications() if a.citizen_id != client.citizen_id]
        return own + own + seen + foreign[:1] + [str(uuid.uuid4())]

    def _service_of(self, application_id: str, client: SimClient):
        value = client.view.get(f"application/{application_id}")
        code = value["service_id"] if value else None
        if code is None:
            for sent in self.sent.values():
                if sent.name == "application.create" and \
                        sent.args.get("application_id") == application_id:
                    code = sent.args["service_id"]
                    break
        with self.uow.snapshot():
            return self.uow.service(code or PASPOR) or self.uow.service(PASPOR)

    # ---- citizens' edits ---------------------------------------------------------------
    @rule(client=st.sampled_from(["A1", "A2", "B1"]), data=st.data())
    def edit(self, client: str, data: st.DataObject) -> None:
        c = self.clients[client]
        kind = data.draw(st.sampled_from(
            ["create", "create", "set_fields", "set_fields", "set_fields", "attach", "attach",
             "detach", "submit", "submit", "withdraw", "discard", "bad"]))
        if kind == "create":
            reuse = data.draw(st.sampled_from(["new", "new", "new", "own", "foreign"]))
            ids = {"new": [str(uuid.uuid4())], "own": c.created or [str(uuid.uuid4())],
                   "foreign": [a.id for a in self._applications()
                               if a.citizen_id != c.citizen_id] or [str(uuid.uuid4())]}[reuse]
            application_id = data.draw(st.sampled_from(ids))
            service = data.draw(st.sampled_from(SERVICES + ("langsa.tidak.ada",)))
            name, args = "application.create", {"application_id": application_id,
                                                "service_id": service}
            if reuse == "new":
                c.created.append(application_id)
        elif kind == "bad":
            name, args = data.draw(st.sampled_from([
                ("application.fly", {"application_id": str(uuid.uuid4())}),
                ("application.submit", {"application_id": "not-a-uuid"}),
                ("application.submit", {"application_id": str(uuid.uuid4()), "state": "approved"}),
                ("application.set_fields", {"application_id": str(uuid.uuid4()), "fields": []}),
            ]))
        else:
            application_id = data.draw(st.sampled_from(self._app_ids_for(c)))
            service = self._service_of(application_id, c)
            args = {"application_id": application_id}
            name = f"application.{kind}"
            if kind == "set_fields":
                keys = data.draw(st.lists(st.sampled_from([f.key for f in service.fields]
                                                          + ["state", "officer_note"]),
                                          min_size=1, max_size=3, unique=True))
                values = {}
                for key in keys:
                    spec = service.field(key)
                    if spec is None:
                        values[key] = "x"
                        continue
                    good = (list(spec.choice_values) if spec.type == "choice"
                            else [f"{client}-{c.next_id}"] if spec.type == "textarea"
                            else GOOD_VALUES[spec.type])
                    values[key] = data.draw(st.sampled_from(
                        good * 4 + [None] + BAD_VALUES.get(spec.type, [])))
                args["fields"] = values
            elif kind in ("attach", "detach"):
                codes = [r.code for r in service.requirements] + ["tidak_ada"]
                args["requirement_code"] = data.draw(st.sampled_from(codes))
                if kind == "attach":
                    other = CITIZEN_B if c.citizen_id == CITIZEN_A else CITIZEN_A
                    own_docs = self.documents[c.citizen_id]
                    pool = own_docs * 3 + self.documents[other][:1] + [str(uuid.uuid4())]
                    args["document_id"] = data.draw(st.sampled_from(pool))
        mutation = c.enqueue(name, args)
        self.sent[(c.client_id, mutation["id"])] = Sent(client, mutation["id"], name,
                                                        copy.deepcopy(args))
        self.steps["edit"] += 1

    # ---- the network -------------------------------------------------------------------
    @rule(client=st.sampled_from(["A1", "A2", "B1"]), fault=st.sampled_from(FAULTS),
          size=st.integers(1, 6), persist=st.booleans())
    def flush(self, client: str, fault: str, size: int, persist: bool) -> None:
        c = self.clients[client]
        batch = c.outbox[:size]
        if not batch:
            return
        body = c.body(batch)
        self.delayed.append((client, copy.deepcopy(body)))
        self.steps[f"push:{fault}"] += 1
        if fault == "drop_request":
            return
        if fault == "tail":
            body["mutations"] = body["mutations"][1:]
        response = self._deliver_push(c, body)
        if fault == "duplicate":
            response = self._deliver_push(c, body)
        if fault == "drop_response" or response is None:
            return
        c.acknowledge(response["last_mutation_id"], persist)
        if response.get("gap"):
            self.steps["gap"] += 1
        # Nothing the client has not seen acknowledged may be missing from its outbox.
        if c.outbox:
            assert c.outbox[0]["id"] == response["last_mutation_id"] + 1 or \
                response["last_mutation_id"] < c.outbox[0]["id"], (c.outbox[0], response)

    @rule(data=st.data(), deliver_response=st.booleans())
    def replay_old_batch(self, data: st.DataObject, deliver_response: bool) -> None:
        if not self.delayed:
            return
        client, body = data.draw(st.sampled_from(self.delayed))
        c = self.clients[client]
        response = self._deliver_push(c, copy.deepcopy(body))
        self.steps["replay"] += 1
        if deliver_response and response is not None:
            c.acknowledge(response["last_mutation_id"], persist=False)

    @rule(client=st.sampled_from(["A1", "A2", "B1"]),
          fault=st.sampled_from(["ok", "ok", "drop_request", "drop_response"]))
    def sync_pull(self, client: str, fault: str) -> None:
        c = self.clients[client]
        if fault == "drop_request":
            return
        self._pull(c, apply=fault == "ok")
        self.steps[f"pull:{fault}"] += 1

    def _pull(self, c: SimClient, apply: bool = True) -> dict[str, Any]:
        response = pull(self.uow, c.citizen_id, {"protocol": 1,
                                                 "client_group_id": c.client_group_id,
                                                 "cookie": c.cookie})
        cookie = response["cookie"]
        assert cookie >= self.max_cookie[c.citizen_id], "the server's cookie went back"
        self.max_cookie[c.citizen_id] = cookie
        if c.cookie is not None:
            assert cookie >= c.cookie, "a client's cookie went back"
        if response["reset"]:
            self.steps["reset"] += 1
        if apply:
            view = {} if response["reset"] else dict(c.view)
            for op in response["patch"]:
                if op["op"] == "put":
                    view[op["key"]] = copy.deepcopy(op["value"])
                else:
                    view.pop(op["key"], None)
            c.view, c.cookie = view, cookie
        return response

    @rule(client=st.sampled_from(["A1", "A2", "B1"]))
    def restart_client(self, client: str) -> None:
        self.clients[client].restart()
        self.steps["client_restart"] += 1

    @rule()
    def restart_server(self) -> None:
        self.server.restart()
        self.steps["server_restart"] += 1

    # ---- the rest of the world ---------------------------------------------------------
    @rule(citizen=st.sampled_from([CITIZEN_A, CITIZEN_B]),
          doc_type=st.sampled_from(["ktp", "ktp", "kk", "kk", "akta_kelahiran", "pas_foto",
                                    None]),
          outcome=st.sampled_from(["ready", "ready", "ready", "invalid", "uploading"]),
          content_type=st.sampled_from(["image/jpeg", "image/jpeg", "application/pdf",
                                        "image/gif"]))
    def upload(self, citizen: str, doc_type: str | None, outcome: str, content_type: str):
        document_id = str(uuid.uuid4())
        with self.uow.transaction():
            documents.register_upload(self.uow, citizen, document_id, self.now,
                                      content_type=content_type, size=1000, sha256="a" * 64,
                                      document_type=doc_type)
        if outcome == "uploading":
            self.uploading.append(document_id)
        else:
            with self.uow.transaction():
                documents.finish_upload(self.uow, document_id, self.now, ok=outcome == "ready",
                                        reason="not a picture")
        self.documents[citizen].append(document_id)
        self.steps["upload"] += 1

    @rule(data=st.data())
    def finish_upload(self, data: st.DataObject) -> None:
        if not self.uploading:
            return
        document_id = data.draw(st.sampled_from(self.uploading))
        self.uploading.remove(document_id)
        with self.uow.transaction():
            documents.finish_upload(self.uow, document_id, self.now, ok=True)

    @rule(citizen=st.sampled_from([CITIZEN_A, CITIZEN_B]),
          doc_type=st.sampled_from(["ktp", "kk"]))
    def issue_wallet_document(self, citizen: str, doc_type: str) -> None:
        document_id = str(uuid.uuid4())
        with self.uow.transaction():
            documents.issue_to_wallet(self.uow, citizen, document_id, self.now,
                                      document_type=doc_type, content_type="application/pdf",
                                      size=1000, sha256="b" * 64, issuer_id="dukcapil")
        self.documents[citizen].append(document_id)

    @rule(data=st.data())
    def officer_acts(self, data: st.DataObject) -> None:
        applications = [a for a in self._applications() if a.state != states.DRAFT]
        if not applications:
            return
        a = data.draw(st.sampled_from(applications))
        action = data.draw(st.sampled_from([
            "start_review", "start_review", "review", "review", "review", "request_revision",
            "approve", "reject_application", "mark_ready", "complete", "accept_discrepancy",
            "expire_revision"]))
        kwargs: dict[str, Any] = {"officer_id": "officer-1", "now": self.now}
        try:
            with self.uow.transaction():
                if action == "review":
                    with_doc = sorted(c for c, r in a.requirements.items() if r.document_id)
                    code = data.draw(st.sampled_from(with_doc or ["ktp"]))
                    accept = data.draw(st.booleans())
                    officer.review_requirement(self.uow, a.id, code, accept,
                                               "" if accept else "Foto buram", **kwargs)
                elif action == "request_revision":
                    officer.request_revision(self.uow, a.id, data.draw(
                        st.sampled_from(["", "Perbaiki alamat"])), **kwargs)
                elif action == "reject_application":
                    officer.reject_application(self.uow, a.id, "Tidak memenuhi syarat", **kwargs)
                elif action == "accept_discrepancy":
                    fields = sorted(a.discrepancies) or ["nik"]
                    officer.accept_discrepancy(self.uow, a.id, data.draw(st.sampled_from(fields)),
                                               **kwargs)
                elif action == "expire_revision":
                    officer.expire_revision(self.uow, a.id, self.now)
                else:
                    getattr(officer, action)(self.uow, a.id, **kwargs)
            self.steps[f"officer:{action}"] += 1
        except Rejection:
            self.steps["officer:refused"] += 1

    @rule(citizen=st.sampled_from([CITIZEN_A, CITIZEN_B]),
          change=st.sampled_from(["phone", "name", "unverify"]))
    def record_changes(self, citizen: str, change: str) -> None:
        values: dict[str, Any] = {
            "phone": {"phone": "+6281111222233"},
            "name": {"full_name": "BUDI SANTOSO BIN AHMAD"},
            "unverify": {},
        }[change]
        with self.uow.snapshot():
            profile = self.uow.get_profile(citizen)
        verified = set(profile.verified) | set(values)
        if change == "unverify":
            verified.discard("full_name")
        with self.uow.transaction():
            reconcile.update_profile(self.uow, citizen, values, verified, self.now,
                                     actor="system", actor_id="dukcapil")

    @rule(citizen=st.sampled_from([CITIZEN_A, CITIZEN_B]))
    def purge_tombstones(self, citizen: str) -> None:
        with self.uow.snapshot():
            version = self.uow.space_version(citizen)
        self.server.purge_tombstones(citizen, version)
        self.steps["purge"] += 1

    @rule(days=st.sampled_from([1, 30, 200, 400]))
    def time_passes(self, days: int) -> None:
        self.now += dt.timedelta(days=days)

    # ---- invariants at every step (cheap) ----------------------------------------------
    @invariant()
    def no_client_runs_ahead_of_its_outbox(self) -> None:
        for c in self.clients.values():
            ids = [m["id"] for m in c.outbox]
            assert ids == sorted(ids) and len(set(ids)) == len(ids)
            assert all(1 <= i < c.next_id for i in ids)

    # ---- healing and the final checks --------------------------------------------------
    def teardown(self) -> None:
        try:
            self._heal()
            self._check_exactly_once_and_order()
            self._check_last_writer_wins()
            self._check_views()
            self._check_server_rows()
        finally:
            self.server.close()

    def _heal(self) -> None:
        for c in self.clients.values():
            c.restart()  # what it persisted is all a client can count on
            for _ in range(1000):
                if not c.outbox:
                    break
                response = self._deliver_push(c, c.body(c.outbox[:100]))
                assert not response.get("gap"), "a reliable flush from the outbox head gapped"
                c.acknowledge(response["last_mutation_id"], persist=True)
            assert not c.outbox, "the outbox did not drain"
        for c in self.clients.values():
            response = self._pull(c)
            assert response["last_mutation_ids"] == {c.client_id: c.next_id - 1}

    def _check_exactly_once_and_order(self) -> None:
        journal = self.server.journal()
        applied = Counter((e.client_id, e.mutation_id) for e in journal if e.client_id)
        versions: dict[str, list[tuple[int, int]]] = {}
        for e in journal:
            if e.client_id:
                versions.setdefault(e.client_id, []).append((e.mutation_id, e.version))
        with self.uow.snapshot():
            for (client_id, mutation_id), sent in self.sent.items():
                stored = self.uow.get_result(client_id, mutation_id)
                count = applied[(client_id, mutation_id)]
                assert (count == 1) != (stored is not None), (
                    f"{sent.name} #{mutation_id} of {sent.client}: applied {count} times, "
                    f"stored result {stored}")
                status = "applied" if count else "rejected"
                if (client_id, mutation_id) in self.observed:
                    assert self.observed[(client_id, mutation_id)][0] == status
                if stored is not None:
                    versions.setdefault(client_id, []).append((mutation_id, stored.version))
        for client_id, pairs in versions.items():
            pairs.sort()
            taken = [v for _, v in pairs]
            assert taken == sorted(taken) and len(set(taken)) == len(taken), (
                "a client's mutations took effect out of order", pairs)
        assert set(applied) <= set(self.sent), "the journal has a mutation nobody sent"

    def _check_last_writer_wins(self) -> None:
        journal = self.server.journal()
        expected: dict[tuple[str, str], Any] = {}
        # The journal is in commit order, which is server order.
        for e in journal:
            if e.action != "application.set_fields" or not e.client_id:
                continue
            sent = self.sent[(e.client_id, e.mutation_id)]
            for key, value in sent.args["fields"].items():
                expected[(sent.args["application_id"], key)] = value
        with self.uow.snapshot():
            for (application_id, key), value in expected.items():
                a = self.uow.get_application(application_id)
                if a is None:
                    continue  # discarded later
                assert a.fields.get(key) == value, (application_id, key, a.fields.get(key), value)

    def _check_views(self) -> None:
        for c in self.clients.values():
            probe = pull(self.uow, c.citizen_id, {"protocol": 1,
                                                  "client_group_id": str(uuid.uuid4()),
                                                  "cookie": None})
            space = {op["key"]: op["value"] for op in probe["patch"]}
            assert probe["cookie"] == c.cookie
            assert c.view == space, self._diff(c.view, space)

    @staticmethod
    def _diff(view: dict, space: dict) -> str:
        keys = sorted(set(view) | set(space))
        return "\n".join(f"{k}: client={view.get(k)!r}\n   server={space.get(k)!r}"
                         for k in keys if view.get(k) != space.get(k))

    def _check_server_rows(self) -> None:
        with self.uow.snapshot():
            for a in self.uow.applications_of(CITIZEN_A) + self.uow.applications_of(CITIZEN_B):
                assert a.state in states.STATES
                assert (a.reference is None) == (a.state == states.DRAFT), a
                profile = self.uow.get_profile(a.citizen_id)
                for key, d in a.discrepancies.items():
                    assert d.profile_key in profile.verified, (key, d)
                    assert profile.values.get(d.profile_key) == d.record_value, (key, d)
                for row in a.requirements.values():
                    if row.document_id:
                        doc = self.uow.get_document(row.document_id)
                        assert doc is not None and doc.citizen_id == a.citizen_id
                    if row.review_status == REVIEW_REJECTED:
                        assert row.officer_note, row


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_sync_converges_exactly_once_under_faults(backend: str) -> None:
    run_state_machine_as_test(lambda: SyncMachine(BACKENDS[backend]), settings=SETTINGS)


def test_the_machine_reaches_the_interesting_paths() -> None:
    """A fixed walk through the machine's rules, so a change that makes the random runs
    miss gaps, resets, duplicates or officer decisions does not go unnoticed."""
    m = SyncMachine()
    a1, b1 = m.clients["A1"], m.clients["B1"]
    app = str(uuid.uuid4())
    m.upload(CITIZEN_A, "ktp", "ready", "image/jpeg")
    m.upload(CITIZEN_A, "kk", "ready", "image/jpeg")
    ktp, kk = m.documents[CITIZEN_A]
    for name, args in [
        ("application.create", {"application_id": app, "service_id": PASPOR}),
        ("application.set_fields", {"application_id": app,
                                    "fields": {"passport_type": "elektronik", "purpose": "studi"}}),
        ("application.attach", {"application_id": app, "requirement_code": "ktp",
                                "document_id": ktp}),
        ("application.attach", {"application_id": app, "requirement_code": "kk",
                                "document_id": kk}),
        ("application.submit", {"application_id": app}),
    ]:
        mutation = a1.enqueue(name, args)
        m.sent[(a1.client_id, mutation["id"])] = Sent("A1", mutation["id"], name, args)
    a1.created.append(app)
    m.flush("A1", "tail", 2, True)          # 409 gap, nothing applied
    assert m.steps["gap"] == 1 and a1.outbox[0]["id"] == 1
    m.flush("A1", "drop_response", 3, True)  # applied, the client does not know
    m.restart_client("A1")
    m.flush("A1", "duplicate", 6, False)     # resent: 1-3 skipped, 4-5 applied once
    assert not a1.outbox
    m.sync_pull("A1", "ok")
    assert a1.view[f"application/{app}"]["state"] == "submitted"
    m.restart_server()
    with m.uow.transaction():
        officer.start_review(m.uow, app, "officer-1", m.now)
    m.purge_tombstones(CITIZEN_A)
    b1.enqueue("application.submit", {"application_id": app})  # another citizen's id
    m.sent[(b1.client_id, 1)] = Sent("B1", 1, "application.submit", {"application_id": app})
    m.flush("B1", "ok", 1, True)
    assert m.observed[(b1.client_id, 1)] == ("rejected", "application_not_found")
    m.teardown()
    assert m.clients["A2"].view[f"application/{app}"]["state"] == "in_review"
