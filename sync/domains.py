"""Mutations of domains outside the application aggregate (the survey, complaints, ...).

A domain that keeps its own rows (its own tables, never the application aggregate) plugs a
mutation kind into the engine with `register(DomainMutation(...))`, and its storage with
`register_port(backend, domain, factory)` for each unit of work it runs on ("sql" in the
server, "memory" for sync.memory). Nothing else in the engine changes:

- The mutation goes through the same push (sync/push.py): parsed by its `args` schema (a
  bad shape is a stored `invalid_args` rejection), applied once, in order, inside the ONE
  transaction that locks the client row and advances last_mutation_id. Its mutator gets the
  citizen's SpaceWriter (its version taken first, as for any mutation) and the domain's
  port bound to that same transaction: `port = w.uow.port("survey")`. A Rejection rolls
  back the port's writes with everything else.
- A port is made per call by its factory from the unit of work (`factory(uow)`): the SQL
  one reads `uow.conn` (the transaction's connection), the memory one writes through
  `uow.table(domain, name)` (undone on rollback like every other memory write).
- What the citizen's phone should see (a receipt, a complaint's status) is returned by the
  port's `changes_since(citizen_id, after) -> list[SpaceEntry]`: rows stamped with the
  writer's version, so pull (one snapshot, cost proportional to what changed) carries them
  under the domain's own keys (`survey/<id>`, `complaint/<id>`).

The engine stays free of the domain (and of Flask): it only knows names and factories.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import marshmallow as ma

from .model import SpaceEntry
from .space import SpaceWriter

DomainMutator = Callable[[SpaceWriter, dict[str, Any]], None]

BACKENDS = ("sql", "memory")


class DomainPort(Protocol):
    """The least a domain's storage offers the engine (a domain adds its own methods)."""

    def changes_since(self, citizen_id: str, after: int) -> list[SpaceEntry]:
        """The domain's rows in the citizen's space with version > after (after=0: all)."""
        ...


@dataclass(frozen=True)
class DomainMutation:
    name: str  # "survey.submit": <domain>.<verb>
    args: ma.Schema  # every key checked, unknown keys refused (class Meta: unknown = RAISE)
    apply: DomainMutator  # raises sync.errors.Rejection for a domain reason


PortFactory = Callable[[Any], DomainPort]
# (backend, domain) -> factory(uow)
PORTS: dict[tuple[str, str], PortFactory] = {}
DOMAIN_MUTATIONS: dict[str, DomainMutation] = {}


def register(*mutations: DomainMutation) -> None:
    """Add mutation kinds to the engine (idempotent: a second app in one process registers
    the same objects again). A name the engine already has for something else is a bug."""
    from .mutators import MUTATORS
    from .protocol import MUTATION_ARGS

    for mutation in mutations:
        existing = DOMAIN_MUTATIONS.get(mutation.name)
        if existing is None and mutation.name in MUTATORS:
            raise ValueError(f"mutation {mutation.name} is the engine's own")
        if existing is not None and existing.apply is not mutation.apply:
            raise ValueError(f"mutation {mutation.name} is registered twice")
        DOMAIN_MUTATIONS[mutation.name] = mutation
        MUTATORS[mutation.name] = mutation.apply
        MUTATION_ARGS[mutation.name] = mutation.args


def register_port(backend: str, domain: str, factory: PortFactory) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}")
    PORTS[(backend, domain)] = factory


def port(backend: str, domain: str, uow: Any) -> DomainPort:
    """The domain's storage on `uow` (called by the units of work's `port`)."""
    factory = PORTS.get((backend, domain))
    if factory is None:
        raise LookupError(f"no {backend} storage registered for the domain {domain!r}")
    return factory(uow)


def space_entries(backend: str, uow: Any, citizen_id: str, after: int) -> list[SpaceEntry]:
    """Every registered domain's rows in the citizen's space changed since `after`."""
    out: list[SpaceEntry] = []
    for (kind, _domain), factory in sorted(PORTS.items(), key=lambda item: item[0]):
        if kind == backend:
            out += factory(uow).changes_since(citizen_id, after)
    return out
