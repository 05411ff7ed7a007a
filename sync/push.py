"""Push: apply a client's mutations exactly once, in order (sync-protocol.md, "Push").

    push(uow, citizen_id, body, now) -> {"last_mutation_id", "results": [...]}

1. Parse (sync.protocol): an unreadable request raises SyncError and applies nothing.
2. One transaction for the batch. It starts by checking the binding (the client group is
   the citizen's, the client the group's; a binding never changes once made) and locking the
   client row, which re-reads last_mutation_id: two flushers of one outbox run one after
   the other, the second seeing what the first applied. A group or client with no row yet
   (or a wrong binding, to answer 403) leaves it, nothing written, for `_bind`, which makes
   the binding in its own transaction (or raises 403); then the batch starts again. An
   empty push checks the binding in a read-only snapshot.
3. Each mutation in order, in its own savepoint (`uow.savepoint()`):
   - id <= last: already done; its stored rejected result, or "applied".
   - id > last + 1: stop; the ones before it commit, then SyncError 409 mutation_gap.
   - else: apply it, and last advances. A Rejection undoes its savepoint (that mutation's
     effects alone); its rejected result is stored instead, and last advances too. A batch
     of one mutation takes no savepoint: a rejection rolls the transaction back, and the
     batch runs again to store it (_RejectedAlone).
   last_mutation_id is written to the client row once, in the same transaction: each
   mutation's effects and its advance of last_mutation_id commit together or not at all,
   which is what "its own transaction" guarantees, and a batch of n costs one BEGIN, one
   client lock and one commit (one disk wait) instead of n (issue #20).
   Anything else (a bug, the database going away) undoes that mutation's savepoint; the
   ones before it commit if the database still can, then it propagates (a 5xx): that
   mutation stays in the client's outbox and is retried.
4. Nothing is answered before the commit, and every commit waits for the disk: an answer
   never reports a mutation a crash could still undo.
"""
from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from typing import Any

from .errors import Rejection, client_group_forbidden, mutation_gap
from .model import Client, ClientGroup, MutationResult
from .mutators import MUTATORS
from .protocol import Mutation, PushRequest, parse_push
from .space import SpaceWriter
from .states import CITIZEN
from .store import UnitOfWork

APPLIED, REJECTED = "applied", "rejected"


class _RejectedAlone(Exception):
    """The batch's one mutation was rejected. It ran without a savepoint (a push of one
    mutation is the common case, and a savepoint costs a round trip on PostgreSQL), so the
    whole transaction rolls back, which holds nothing else but the client lock, and the
    batch runs again to store the rejection (the client is locked and checked again)."""

    def __init__(self, rejection: Rejection):
        super().__init__(rejection.code)
        self.rejection = rejection


class _Unbound(Exception):
    """The group or client has no row yet, or is bound elsewhere: leave the mutation's
    transaction (nothing written) for `_bind`, which makes the binding or answers 403."""


def push(uow: UnitOfWork, citizen_id: str, body: Any, now: dt.datetime) -> dict[str, Any]:
    request = parse_push(body)
    if not request.mutations:
        last = _bind(uow, citizen_id, request.client_group_id, request.client_id)
        return {"last_mutation_id": last, "results": []}
    check_binding, rejected = True, None
    while True:
        try:
            return _apply_batch(uow, citizen_id, request, now, check_binding, rejected)
        except _Unbound:
            _bind(uow, citizen_id, request.client_group_id, request.client_id)
            check_binding = False
        except _RejectedAlone as alone:
            rejected = alone.rejection


def _apply_batch(uow: UnitOfWork, citizen_id: str, request: PushRequest, now: dt.datetime,
                 check_binding: bool, rejected: Rejection | None) -> dict[str, Any]:
    """`rejected`: why the batch's one mutation was rejected by an earlier try (see
    _RejectedAlone)."""
    alone = len(request.mutations) == 1
    results = []
    stop: Exception | None = None  # the 409 or the failure that ended the batch early
    with uow.transaction():
        client = _locked_client(uow, citizen_id, request, check_binding)
        last = client.last_mutation_id
        for mutation in request.mutations:
            if mutation.id <= last:
                results.append(_stored(uow, client.id, mutation.id))
                continue
            if mutation.id > last + 1:
                stop = mutation_gap(last, mutation.id)
                break
            try:
                results.append(_apply(uow, citizen_id, client.id, mutation, now, alone,
                                      rejected))
            except Exception as exc:  # a bug, the database going away (see 3. above)
                if alone:  # no savepoint undid it (or _RejectedAlone): the transaction
                    raise  # rolls back whole, and holds nothing else to keep
                stop = exc
                break
            last = mutation.id
        if last != client.last_mutation_id:
            client.last_mutation_id = last
            uow.put_client(client)
    if stop is not None:
        raise stop
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


def _locked_client(uow: UnitOfWork, citizen_id: str, request: PushRequest,
                   check_binding: bool) -> Client:
    """The client row, locked. `check_binding`: first check that the group is the citizen's
    and the client the group's, else raise _Unbound (nothing is written before)."""
    if check_binding:
        found = uow.lock_bound_client(request.client_id)
        if found is None or found[0].client_group_id != request.client_group_id \
                or found[1] != citizen_id:
            raise _Unbound
        return found[0]
    client = uow.lock_client(request.client_id)
    if client is None:  # deleted between bind and now: treat as a gap from 0
        raise mutation_gap(0, request.mutations[0].id)
    return client


def _stored(uow: UnitOfWork, client_id: str, mutation_id: int) -> dict[str, Any]:
    stored = uow.get_result(client_id, mutation_id)
    if stored is None:
        return {"id": mutation_id, "status": APPLIED}
    return {"id": mutation_id, "status": stored.status, "error": stored.error}


def _apply(uow: UnitOfWork, citizen_id: str, client_id: str, mutation: Mutation,
           now: dt.datetime, alone: bool = False,
           rejection: Rejection | None = None) -> dict[str, Any]:
    """Apply one mutation in a savepoint of the batch's transaction, or store why not.
    `alone`: the batch's only mutation, applied without a savepoint (_RejectedAlone)."""
    savepoint = nullcontext if alone else uow.savepoint
    rejection = rejection or mutation.problem
    if rejection is None:
        try:
            with savepoint():
                writer = SpaceWriter(uow, citizen_id, now, actor=CITIZEN, actor_id=citizen_id,
                                     client_id=client_id, mutation_id=mutation.id)
                MUTATORS[mutation.name](writer, mutation.args)
                return {"id": mutation.id, "status": APPLIED}
        except Rejection as exc:
            if alone:
                raise _RejectedAlone(exc) from None
            rejection = exc
    with savepoint():
        error = rejection.to_dict()
        version = uow.next_version(citizen_id)
        uow.put_result(MutationResult(client_id, mutation.id, citizen_id, mutation.name, error,
                                      version))
    return {"id": mutation.id, "status": REJECTED, "error": error}
