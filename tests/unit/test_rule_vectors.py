"""The rules both sides keep, held equal by shared vectors (tests/vectors/*.json): the PWA's
tests (pwa/test/) read the same files and must reach the same verdicts."""
from __future__ import annotations

import json
from pathlib import Path

from sync.states import describe

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


def load(name: str):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def test_the_published_state_machine_is_the_one_the_pwa_tests_read():
    published = describe()
    structure = {
        "states": [{k: s[k] for k in ("name", "citizen_editable", "terminal")}
                   for s in published["states"]],
        "transitions": published["transitions"],
    }
    assert load("states.json") == structure
