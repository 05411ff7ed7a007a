"""Pull: what changed in the citizen's space since the client's cookie (sync-protocol.md,
"Pull").

    pull(uow, citizen_id, body) -> {"cookie", "reset", "last_mutation_ids", "patch"}

The cookie is the citizen's space version. It and the rows are read in ONE snapshot, so the
patch brings the client exactly to the cookie's state, and since versions only grow, the
cookie never goes back. A null cookie, one older than the tombstone horizon or newer than
the server (a restored backup) gets `reset: true` and the whole space: the client replaces
its view. Otherwise the patch holds the rows with version > cookie (dels first, then puts),
at a cost proportional to them.

A pull does not bind a client group (only a push does), but a group bound to another
citizen is refused (403), and `last_mutation_ids` lists the clients of the asking group.
"""
from __future__ import annotations

from typing import Any

from . import views
from .errors import client_group_forbidden
from .model import Changes
from .protocol import parse_pull
from .store import UnitOfWork


def pull(uow: UnitOfWork, citizen_id: str, body: Any) -> dict[str, Any]:
    request = parse_pull(body)
    with uow.snapshot():
        group = uow.get_client_group(request.client_group_id)
        if group is not None and group.citizen_id != citizen_id:
            raise client_group_forbidden()
        version = uow.space_version(citizen_id)
        cookie = request.cookie
        reset = cookie is None or cookie < uow.horizon(citizen_id) or cookie > version
        changes = uow.changes_since(citizen_id, 0 if reset or cookie is None else cookie)
        last_mutation_ids = ({c.id: c.last_mutation_id
                              for c in uow.clients_of_group(request.client_group_id)}
                             if group is not None else {})
    return {"cookie": version, "reset": reset, "last_mutation_ids": last_mutation_ids,
            "patch": patch(changes, reset)}


def patch(changes: Changes, reset: bool) -> list[dict[str, Any]]:
    puts: list[tuple[int, str, Any]] = []
    if changes.profile is not None:
        puts.append((changes.profile.version, "profile", views.profile_value(changes.profile)))
    puts += [(a.version, f"application/{a.id}", views.application_value(a))
             for a in changes.applications]
    puts += [(d.version, f"document/{d.id}", views.document_value(d))
             for d in changes.documents]
    puts += [(n.version, f"notification/{n.id}", views.notification_value(n))
             for n in changes.notifications]
    puts += [(r.version, f"result/{r.client_id}/{r.mutation_id}", views.result_value(r))
             for r in changes.results]
    puts += [(v.version, f"visit/{v.id}", v.value) for v in changes.visits]
    puts += [(e.version, e.key, e.value) for e in changes.entries]
    live = {key for _, key, _ in puts}
    # On a reset the client starts from nothing, so deletions are moot. A tombstone whose
    # key is live again (recreated after it) is older than the live row: skip it.
    dels = [] if reset else sorted(t.key for t in changes.tombstones if t.key not in live)
    return ([{"op": "del", "key": key} for key in dels]
            + [{"op": "put", "key": key, "value": value}
               for _, key, value in sorted(puts, key=lambda p: (p[0], p[1]))])
