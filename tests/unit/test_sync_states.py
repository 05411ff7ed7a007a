"""The application state machine (sync.states), defined once and published."""
from __future__ import annotations

import json

from sync import states
from sync.states import CITIZEN, OFFICER, SYSTEM
from server.i18n import state_label

# (from, to, who may) - the table in docs/sync-protocol.md; a change there changes this.
TABLE = {
    ("draft", "submitted"): {CITIZEN},
    ("revision_requested", "submitted"): {CITIZEN},
    ("submitted", "withdrawn"): {CITIZEN},
    ("in_review", "withdrawn"): {CITIZEN},
    ("revision_requested", "withdrawn"): {CITIZEN},
    ("submitted", "in_review"): {OFFICER},
    ("in_review", "revision_requested"): {OFFICER},
    ("in_review", "approved"): {OFFICER},
    ("in_review", "rejected"): {OFFICER},
    ("revision_requested", "rejected"): {SYSTEM},
    ("approved", "ready"): {OFFICER},
    ("ready", "completed"): {OFFICER, SYSTEM},
}


def test_unknown_states_and_actors_are_refused() -> None:
    assert not states.can(CITIZEN, "draft", "approved")
    assert not states.can("anyone", "draft", "submitted")
    assert not states.can(OFFICER, "nonsense", "in_review")


def test_the_citizen_edits_only_drafts_and_revisions() -> None:
    assert {s for s in states.STATES if states.citizen_may_edit(s)} == {
        "draft", "revision_requested"}


def test_terminal_states_have_no_way_out_and_every_state_is_reachable() -> None:
    for t in states.TRANSITIONS:
        assert t.from_state not in states.TERMINAL
    reached, frontier = {"draft"}, ["draft"]
    while frontier:
        here = frontier.pop()
        for t in states.TRANSITIONS:
            if t.from_state == here and t.to_state not in reached:
                reached.add(t.to_state)
                frontier.append(t.to_state)
    assert reached == set(states.STATES)


def test_describe_is_json_and_says_everything_the_client_needs() -> None:
    described = json.loads(json.dumps(states.describe(state_label)))
    assert [s["name"] for s in described["states"]] == list(states.STATES)
    draft = described["states"][0]
    assert draft == {"name": "draft", "label_id": "Draf", "label_en": "Draft",
                     "citizen_editable": True, "terminal": False, "officer_queue": False}
    assert [s["name"] for s in described["states"] if s["officer_queue"]] == [
        "submitted", "in_review", "revision_requested", "approved", "ready"]
    published = {(t["from"], t["to"]): set(t["actors"]) for t in described["transitions"]}
    assert published == TABLE
    assert {(actor, before, after) for actor in states.ACTORS for before in states.STATES
            for after in states.STATES if states.can(actor, before, after)} == {
        (actor, before, after) for (before, after), actors in published.items()
        for actor in actors}, "can() answers what is published"
    assert {t["action"] for t in described["transitions"]} == {
        "submit", "withdraw", "start_review", "request_revision", "approve", "reject",
        "expire_revision", "mark_ready", "complete"}
