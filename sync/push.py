"""Push: apply a client's mutations exactly once, in order (sync-protocol.md, "Push").

    push(uow, citizen_id, body, now) -> {"last_mutation_id", "results": [...]}

1. Parse (sync.protocol): an unreadable request raises SyncError and applies nothing.
2. Bind: the client group to the citizen at its first push (another citizen: 403), the
   client to its group (another group: 403). A binding never changes once made, so the
   first mutation's own transaction checks it before anything is written (no transaction
   of its own on the common path); only a group or client with no row yet (or a wrong
   binding, to answer 403) goes through `_bind`, with its own transactions. An empty push
   checks it in a read-only snapshot.
3. Each mutation in its OWN transaction that starts by locking the client row and
   re-reading last_mutation_id (so two flushers of one outbox cannot both apply it):
   - id <= last: already done; its stored rejected result, or "applied".
   - id > last + 1: stop; SyncError 409 mutation_gap (earlier mutations stay applied).
   - else: apply; last_mutation_id advances in the same transaction.
   A Rejection rolls that transaction back; a second transaction (again under the client
   lock, re-checking the order) stores the rejected result and advances last_mutation_id.
   Anything else (a bug, the database going away) propagates: the mutation stays in the
   client's outbox and is retried.
4. Durability: every mutation but the batch's last commits with `durable=False` (the unit
   of work may then skip waiting for the disk: PostgreSQL's synchronous_commit off); the
   last one's durable commit makes them all durable, since a database's log is written in
   order. Nothing is answered before that: a 409 after such commits first calls
   `uow.settle()`. So an answer never reports a mutation a crash could still undo, and a
   batch of n costs one disk wait, not n. (A 5xx answers nothing: what was applied is
   applied once, durably or not, and a resend skips it.)
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import Rejection, SyncError, client_group_forbidden, mutation_gap
from .model import Client, ClientGroup, MutationResult
from .mutators import MUTATORS
from .protocol import Mutation, parse_push
from .space import SpaceWriter
from .states import CITIZEN
from .store import UnitOfWork

APPLIED, REJECTED = "applied", "rejected"


class _Unbound(Exception):
    """The group or client has no row yet, or is bound elsewhere: leave the mutation's
    transaction (nothing written) for `_bind`, which makes the binding or answers 403."""


def push(uow: UnitOfWork, citizen_id: str, body: Any, now: dt.datetime) -> dict[str, Any]:
    request = parse_push(body)
    if not request.mutations:
        last = _bind(uow, citizen_id, request.client_group_id, request.client_id)
        return {"last_mutation_id": last, "results": []}
    binding: tuple[str, str] | None = (citizen_id, request.client_group_id)
    results = []
    unsettled = False  # a commit with durable=False that no durable one has followed yet
    final = len(request.mutations) - 1
    try:
        for index, mutation in enumerate(request.mutations):
            durable = index == final
            try:
                result, last = _process(uow, citizen_id, request.client_id, mutation, now,
                                        binding, durable)
            except _Unbound:
                _bind(uow, citizen_id, request.client_group_id, request.client_id)
                result, last = _process(uow, citizen_id, request.client_id, mutation, now,
                                        None, durable)
            binding = None  # checked (or made) once: it never changes afterwards
            unsettled = not durable
            results.append(result)
    except SyncError:
        if unsettled:  # the 409 reports last_mutation_id: it must survive a crash
            uow.settle()
        raise
    return {"last_mutation_id": last, "results": results}


def _bind(uow: UnitOfWork, citizen_id: str, client_group_id: str, client_id: str) -> int:
    """Check (or make, at the first push) the bindings; return the client's
    last_mutation_id as it stands (only an empty push answers with it: every mutation
    re-reads it under the client lock)."""
    # A binding never changes once made, so once both rows exist a read is enough: no
    # write transaction (on SQLite the database's write lock) on the common path.
    with uow.snapshot():
        group = uow.get_client_group(client_group_id)
        if group is not None:
            if group.citizen_id != citizen_id:
                raise client_group_forbidden()
            # Not lock_client: a read-only snapshot takes no row lock (PostgreSQL refuses
            # FOR UPDATE in it). A client bound to another group is not in this list: the
            # write path below answers it.
            for client in uow.clients_of_group(client_group_id):
                if client.id == client_id:
                    return client.last_mutation_id
    return _bind_first(uow, citizen_id, client_group_id, client_id)


def _bind_first(uow: UnitOfWork, citizen_id: str, client_group_id: str, client_id: str) -> int:
    """The group or the client has no row yet (as the snapshot saw it): bind in a write
    transaction, which decides any race with another first push."""
    with uow.transaction():
        group = uow.get_client_group(client_group_id)
        if group is None:
            # Insert-if-absent then read back: a concurrent first push may have won, and
            # its binding (to this or another citizen) is the one that counts.
            uow.add_client_group(ClientGroup(client_group_id, citizen_id))
            group = uow.get_client_group(client_group_id)
            assert group is not None  # inserted or found: it exists now
        if group.citizen_id != citizen_id:
            raise client_group_forbidden()
        client = uow.lock_client(client_id)
        if client is None:
            # Never overwrite: an upsert here once reset a racing push's last_mutation_id
            # to 0 and applied its batch twice (found by tests/sync/test_concurrency.py).
            uow.add_client(Client(client_id, client_group_id, 0))
            client = uow.lock_client(client_id)
            assert client is not None  # inserted or found: it exists now
        if client.client_group_id != client_group_id:
            raise client_group_forbidden()
        return client.last_mutation_id


def _locked_client(uow: UnitOfWork, client_id: str, mutation: Mutation,
                   binding: tuple[str, str] | None = None
                   ) -> tuple[Client, dict[str, Any] | None]:
    """The locked client row, and the answer if the mutation is already done. Raises the
    409 for a gap. `binding` (citizen, client group): check first that the group is the
    citizen's and the client the group's, else raise _Unbound (nothing read is kept)."""
    if binding is not None:
        group = uow.get_client_group(binding[1])
        if group is None or group.citizen_id != binding[0]:
            raise _Unbound
    client = uow.lock_client(client_id)
    if binding is not None and (client is None or client.client_group_id != binding[1]):
        raise _Unbound
    if client is None:  # deleted between bind and now: treat as a gap from 0
        raise mutation_gap(0, mutation.id)
    if mutation.id <= client.last_mutation_id:
        return client, _stored(uow, client_id, mutation.id)
    if mutation.id > client.last_mutation_id + 1:
        raise mutation_gap(client.last_mutation_id, mutation.id)
    return client, None


def _stored(uow: UnitOfWork, client_id: str, mutation_id: int) -> dict[str, Any]:
    stored = uow.get_result(client_id, mutation_id)
    if stored is None:
        return {"id": mutation_id, "status": APPLIED}
    return {"id": mutation_id, "status": stored.status, "error": stored.error}


def _process(uow: UnitOfWork, citizen_id: str, client_id: str, mutation: Mutation,
             now: dt.datetime, binding: tuple[str, str] | None = None,
             durable: bool = True) -> tuple[dict[str, Any], int]:
    rejection = mutation.problem
    if rejection is None:
        try:
            with uow.transaction(durable=durable):
                client, done = _locked_client(uow, client_id, mutation, binding)
                if done is not None:
                    return done, client.last_mutation_id
                writer = SpaceWriter(uow, citizen_id, now, actor=CITIZEN, actor_id=citizen_id,
                                     client_id=client_id, mutation_id=mutation.id)
                MUTATORS[mutation.name](writer, mutation.args)
                client.last_mutation_id = mutation.id
                uow.put_client(client)
                return {"id": mutation.id, "status": APPLIED}, mutation.id
        except Rejection as exc:
            rejection = exc
            binding = None  # checked by the transaction the rejection rolled back
    return _store_rejection(uow, citizen_id, client_id, mutation, rejection, binding, durable)


def _store_rejection(uow: UnitOfWork, citizen_id: str, client_id: str, mutation: Mutation,
                     rejection: Rejection, binding: tuple[str, str] | None = None,
                     durable: bool = True) -> tuple[dict[str, Any], int]:
    with uow.transaction(durable=durable):
        client, done = _locked_client(uow, client_id, mutation, binding)
        if done is not None:  # another flusher of this outbox got there first
            return done, client.last_mutation_id
        error = rejection.to_dict()
        version = uow.next_version(citizen_id)
        uow.put_result(MutationResult(client_id, mutation.id, citizen_id, mutation.name, error,
                                      version))
        client.last_mutation_id = mutation.id
        uow.put_client(client)
        return {"id": mutation.id, "status": REJECTED, "error": error}, mutation.id
