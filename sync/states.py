"""The application state machine, defined once.

The server publishes `describe()` so the PWA and the officer console never keep a second
copy of which state may follow which, or who may move it there.

    draft --submit--> submitted --start_review--> in_review --approve--> approved
                                                     |  |                   |
                       revision_requested <----------+  +--reject--> rejected
                         |      ^ request_revision                          mark_ready
                         +------+ (resubmit: back to submitted)              v
                                                                   ready --complete--> completed
    withdraw (citizen): from submitted, in_review, revision_requested
    expire_revision (system): revision_requested -> rejected when the revision deadline passes
    A draft is not withdrawn but discarded (deleted, leaving a tombstone).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DRAFT = "draft"
SUBMITTED = "submitted"
IN_REVIEW = "in_review"
REVISION_REQUESTED = "revision_requested"
APPROVED = "approved"
READY = "ready"
COMPLETED = "completed"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"

STATES = (DRAFT, SUBMITTED, IN_REVIEW, REVISION_REQUESTED, APPROVED, READY, COMPLETED,
          REJECTED, WITHDRAWN)

CITIZEN = "citizen"
OFFICER = "officer"
SYSTEM = "system"
ACTORS = (CITIZEN, OFFICER, SYSTEM)

# The citizen writes form fields and attaches documents only in these states.
CITIZEN_EDITABLE = frozenset({DRAFT, REVISION_REQUESTED})
TERMINAL = frozenset({COMPLETED, REJECTED, WITHDRAWN})
# The officer queue, in the order of its tabs: the states with an officer's work pending or
# a visit to come (the queue's default filter and its partial index, the console's tabs).
OFFICER_QUEUE = (SUBMITTED, IN_REVIEW, REVISION_REQUESTED, APPROVED, READY)


@dataclass(frozen=True)
class Transition:
    action: str
    from_state: str
    to_state: str
    actors: frozenset[str]


def _t(action: str, from_state: str, to_state: str, *actors: str) -> Transition:
    return Transition(action, from_state, to_state, frozenset(actors))


TRANSITIONS: tuple[Transition, ...] = (
    _t("submit", DRAFT, SUBMITTED, CITIZEN),
    _t("submit", REVISION_REQUESTED, SUBMITTED, CITIZEN),
    _t("withdraw", SUBMITTED, WITHDRAWN, CITIZEN),
    _t("withdraw", IN_REVIEW, WITHDRAWN, CITIZEN),
    _t("withdraw", REVISION_REQUESTED, WITHDRAWN, CITIZEN),
    _t("start_review", SUBMITTED, IN_REVIEW, OFFICER),
    _t("request_revision", IN_REVIEW, REVISION_REQUESTED, OFFICER),
    _t("approve", IN_REVIEW, APPROVED, OFFICER),
    _t("reject", IN_REVIEW, REJECTED, OFFICER),
    _t("expire_revision", REVISION_REQUESTED, REJECTED, SYSTEM),
    _t("mark_ready", APPROVED, READY, OFFICER),
    # Handed over at the counter (officer), or a digital product downloaded (system).
    _t("complete", READY, COMPLETED, OFFICER, SYSTEM),
)

_BY_EDGE: dict[tuple[str, str], Transition] = {(t.from_state, t.to_state): t for t in TRANSITIONS}
assert len(_BY_EDGE) == len(TRANSITIONS), "one transition per (from, to)"


def transition(from_state: str, to_state: str) -> Transition | None:
    return _BY_EDGE.get((from_state, to_state))


def can(actor: str, from_state: str, to_state: str) -> bool:
    """True if `actor` (citizen, officer, system) may move an application from -> to."""
    t = _BY_EDGE.get((from_state, to_state))
    return t is not None and actor in t.actors


def citizen_may_edit(state: str) -> bool:
    return state in CITIZEN_EDITABLE


def describe(label: Callable[[str, str], str]) -> dict[str, Any]:
    """The state machine as JSON, for the server to publish; `label(state, language)` names a
    state in "id" or "en" (the words are the server's: server/i18n.py, "state.<name>")."""
    return {
        "states": [{"name": s, "label_id": label(s, "id"), "label_en": label(s, "en"),
                    "citizen_editable": s in CITIZEN_EDITABLE, "terminal": s in TERMINAL,
                    "officer_queue": s in OFFICER_QUEUE}
                   for s in STATES],
        "transitions": [{"action": t.action, "from": t.from_state, "to": t.to_state,
                         "actors": sorted(t.actors)} for t in TRANSITIONS],
        "actors": list(ACTORS),
    }
