"""The rules both sides keep, held equal by shared vectors (tests/vectors/*.json): the PWA's
tests (pwa/test/) read the same files and must reach the same verdicts."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sync import fields, rules
from sync.model import FieldSpec
from sync.states import describe
from server.i18n import state_label

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


def load(name: str):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def test_the_published_state_machine_is_the_one_the_pwa_tests_read():
    published = describe(state_label)
    structure = {
        "states": [{k: s[k] for k in ("name", "citizen_editable", "terminal")}
                   for s in published["states"]],
        "transitions": published["transitions"],
    }
    assert load("states.json") == structure


IDENTITY = load("identity_rules.json")
FIELDS = load("form_fields.json")


@pytest.mark.parametrize("case", IDENTITY["nik"], ids=lambda c: c["note"])
def test_nik_vectors(case):
    birth = dt.date.fromisoformat(case["birth_date"]) if case["birth_date"] else None
    problem = rules.nik_problem(case["nik"], birth, case["sex"])
    assert (problem.code if problem else None) == case["problem"]


@pytest.mark.parametrize("case", IDENTITY["kk"], ids=lambda c: c["note"])
def test_kk_vectors(case):
    problem = rules.kk_problem(case["kk"])
    assert (problem.code if problem else None) == case["problem"]


@pytest.mark.parametrize("case", IDENTITY["phone"], ids=lambda c: repr(c["text"]))
def test_phone_vectors(case):
    assert rules.normalise_phone(case["text"]) == case["normalised"]


def typed_value(kind: str, text: str):
    """What the PWA sends for the text typed into a field (its asValue)."""
    if text.strip() == "":
        return None
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number
    return text


@pytest.mark.parametrize("case", FIELDS, ids=lambda c: f"{c['type']}:{c['text'][:20]!r}")
def test_form_field_vectors(case):
    """The field rules as published (the service's form schema) give the same verdict here
    as on the phone (pwa/test/rule-vectors.test.js reads the same file)."""
    spec = FieldSpec("f", case["type"], validation=case["validation"])
    try:
        fields.normalise(spec, typed_value(case["type"], case["text"]))
        problem = None
    except fields.FieldProblem as error:
        problem = error.code
    assert problem == case["problem"]


def test_every_problem_code_has_a_vector():
    codes = {c["problem"] for c in FIELDS} | {c["problem"] for c in IDENTITY["nik"]} | {
        c["problem"] for c in IDENTITY["kk"]}
    assert set(fields.PROBLEM_CODES) <= codes
    assert {"nik_format", "nik_region", "nik_serial", "nik_birth_date", "nik_birth_date_mismatch",
            "nik_sex_mismatch", "kk_format", "kk_region", "phone_format"} <= codes
