"""One message catalog on the server (server/i18n.py): every code any module can raise or
store has words in Bahasa Indonesia and in English there.

The codes are found by reading the code, not from a list kept by hand: every call that makes
a refusal, an API error, a value's problem, an upload's reason or a translated text with a
literal code (AST of server/ and sync/), and the engine's published code lists (rejection
and problem codes, states, review reasons, the default code of each HTTP status)."""
from __future__ import annotations

import ast
import datetime as dt
import re
import string
from pathlib import Path

import pytest

from server.errors import STATUS_CODES
from server.i18n import (
    MESSAGES, day_words, localise_problem, localise_rejection, reason_words, words,
)
from server.review import reasons
from sync import states
from sync.errors import REJECTION_CODES
from sync.fields import PROBLEM_CODES

ROOT = Path(__file__).resolve().parents[2]

# call name -> (index of the code among the positional arguments, catalog key prefix)
CALLS = {
    "reject": (0, "rejection."), "refuse": (0, "rejection."), "Rejection": (0, "rejection."),
    "SyncError": (1, ""), "ApiError": (1, ""),
    "RuleError": (0, "problem."), "FieldProblem": (0, "problem."), "_problem": (0, "problem."),
    "translate": (0, ""), "words": (0, ""), "Verdict": (1, ""), "_end": (3, ""),
    "Reason": (0, "reason."),
}


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def codes_in_source() -> dict[str, set[str]]:
    """Catalog key -> the files that use it."""
    found: dict[str, set[str]] = {}
    for path in sorted([*ROOT.glob("server/**/*.py"), *ROOT.glob("sync/**/*.py")]):
        if "migrations" in path.parts:
            continue
        relative = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) in CALLS:
                index, prefix = CALLS[_name(node)]
                values = [node.args[index]] if len(node.args) > index else []
                values += [k.value for k in node.keywords if k.arg == "message_key"]
                for value in values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str) \
                            and value.value:
                        found.setdefault(prefix + value.value, set()).add(relative)
            # an upload check's verdict is a returned reason key (server/uploads/checks.py)
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) and \
                    isinstance(node.value.value, str) and \
                    re.fullmatch(r"upload_invalid_\w+", node.value.value):
                found.setdefault(node.value.value, set()).add(relative)
    return found


def published_codes() -> set[str]:
    return ({f"rejection.{c}" for c in REJECTION_CODES}
            | {f"problem.{c}" for c in PROBLEM_CODES}
            | {f"state.{s}" for s in states.STATES}
            | {f"reason.{r.code}" for t in [reasons.COMMON, *reasons.BY_DOCUMENT_TYPE.values()]
               for r in t}
            | set(STATUS_CODES.values())
            | {f"weekday.{d}" for d in range(7)} | {f"month.{m}" for m in range(1, 13)})


def test_the_walk_finds_the_codes_of_every_kind():
    """The walk is not empty by accident: each kind of code is seen in the source."""
    found = codes_in_source()
    assert len(found) > 150
    for key in ("rejection.incomplete", "rejection.stale", "problem.too_long",
                "problem.nik_format", "problem.field_verified", "bad_protocol", "mutation_gap",
                "otp_invalid", "upload_invalid_damaged", "upload_invalid_expired",
                "push_ready_title", "unknown_reason"):
        assert key in found, key


def test_every_code_has_bahasa_indonesia_and_english():
    needed = set(codes_in_source()) | published_codes()
    missing = sorted(k for k in needed if k not in MESSAGES)
    assert missing == [], f"codes with no words in server/i18n.py: {missing}"
    for key in needed:
        entry = MESSAGES[key]
        assert set(entry) == {"id", "en"}, key
        assert entry["id"].strip() and entry["en"].strip(), key


def test_both_languages_name_the_same_placeholders():
    def names(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    differing = [k for k, e in MESSAGES.items() if names(e["id"]) != names(e["en"])]
    assert differing == []


def test_a_refusal_is_put_into_words_in_both_languages_with_its_details():
    said = localise_rejection({"code": "invalid_transition",
                               "details": {"state": "draft", "to": "approved"}})
    assert said == {
        "code": "invalid_transition",
        "message": "Permohonan berstatus 'draft' tidak dapat diubah menjadi 'approved'.",
        "message_en": "An application that is 'draft' cannot become 'approved'.",
        "details": {"state": "draft", "to": "approved"}}
    # A list is joined, a missing detail reads "?", never a crash.
    assert localise_rejection({"code": "unknown_fields", "details": {"keys": ["a", "b"]}})[
        "message_en"] == "This service's form has no field: a, b."
    assert localise_rejection({"code": "stale", "details": {}})["message_en"].startswith(
        "The application changed since you opened it (version ?)")


def test_a_date_in_words():
    day = dt.date(2026, 12, 7)
    assert day_words(day, "id") == "Senin, 7 Desember 2026"
    assert day_words(day, "en") == "Monday, 7 December 2026"
    assert day_words(dt.date(2027, 1, 31), "en", weekday=False) == "31 January 2027"


def test_problems_inside_a_refusal_and_a_documents_reason_are_put_into_words():
    said = localise_rejection({"code": "invalid_field_values", "details": {
        "fields": {"email": {"code": "invalid_email", "params": {}}}}})
    assert said["details"]["fields"] == {"email": {
        "code": "invalid_email", "message": "Alamat email tidak sah.",
        "message_en": "Not a valid email address."}}
    broken = localise_rejection({"code": "document_invalid",
                                 "details": {"reason": "upload_invalid_damaged"}})
    assert broken["message_en"] == ("The document file cannot be used: The file is damaged "
                                    "or incomplete and cannot be opened.")
    assert broken["details"] == {"reason": "upload_invalid_damaged"}
    assert reason_words("upload_invalid_empty") == "Berkas kosong. / The file is empty."
    # A reason stored as text (before 0017_seams turned the known ones into codes) stays.
    assert reason_words("Foto terpotong / Photo cut") == "Foto terpotong / Photo cut"
    assert reason_words("") is None


def test_old_stored_results_with_words_are_answered_the_same():
    """Results stored before the engine kept only codes carry their own words: the catalog's
    words for the same code and details are the same text."""
    stored = {"code": "requirement_not_found", "message": "Persyaratan 'x' tidak ada pada "
              "layanan ini.", "message_en": "This service has no requirement 'x'.",
              "details": {"requirement_code": "x"}}
    said = localise_rejection(stored)
    assert (said["message"], said["message_en"]) == (stored["message"], stored["message_en"])


@pytest.mark.parametrize("code", sorted(PROBLEM_CODES))
def test_each_problem_has_words(code):
    said = localise_problem({"code": code, "params": {"n": 3}})
    assert said["message"] != said["message_en"]
    assert "?" not in words(f"problem.{code}", "en", {"n": 3})
