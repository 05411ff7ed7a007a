"""Form values against the service's form schema (sync.fields)."""
from __future__ import annotations

import pytest

from sync.errors import Rejection
from sync.fields import FieldProblem, normalise, submit_problems, validate_updates
from sync.model import Application, ApplicationRequirement, FieldSpec
from tests.sync import catalog
from tests.sync.factories import NIK_BUDI, NIK_SITI, NOW, PASPOR
from server.i18n import localise_problem


def spec(kind: str, **validation) -> FieldSpec:
    return FieldSpec("f", kind, validation=validation)


def problem(field: FieldSpec, value) -> str:
    with pytest.raises(FieldProblem) as info:
        normalise(field, value)
    return info.value.code


@pytest.mark.parametrize("kind, value, stored", [
    ("text", "  Budi  ", "Budi"),
    ("text", "", None),
    ("text", "   ", None),
    ("text", None, None),
    ("textarea", "baris satu\r\nbaris dua", "baris satu\nbaris dua"),
    ("address", "Jl. Ahmad Yani\nLangsa", "Jl. Ahmad Yani\nLangsa"),
    ("number", 3, 3),
    ("number", 2.5, 2.5),
    ("date", "1990-05-17", "1990-05-17"),
    ("nik", "1174 0117 0590 0001", NIK_BUDI),
    ("phone", "0812-3456-7890", "+6281234567890"),
    ("phone", "+62 812 3456 7890", "+6281234567890"),
    ("email", "budi@example.id", "budi@example.id"),
])
def test_values_are_stored_normalised(kind, value, stored) -> None:
    assert normalise(spec(kind), value) == stored


@pytest.mark.parametrize("kind, value, code", [
    ("text", 12, "wrong_type"),
    ("text", ["a"], "wrong_type"),
    ("text", "a\nb", "control_characters"),
    ("textarea", "a\x00b", "control_characters"),
    ("text", "x" * 201, "too_long"),            # default max for text
    ("address", "x" * 501, "too_long"),
    ("number", "3", "wrong_type"),
    ("number", True, "wrong_type"),
    ("number", float("nan"), "wrong_type"),
    ("number", float("inf"), "wrong_type"),
    ("date", "17-05-1990", "invalid_date"),
    ("date", "2026-02-30", "invalid_date"),
    ("date", "1850-01-01", "invalid_date"),
    ("date", 19900517, "wrong_type"),
    ("email", "budi@", "invalid_email"),
    ("email", "budi@example", "invalid_email"),
    ("nik", "123", "nik_format"),
    ("nik", "0174011705900001", "nik_region"),
    ("nik", "1174011705900000", "nik_serial"),
    ("nik", "1174013213900001", "nik_birth_date"),
    ("nik", 1174011705900001, "wrong_type"),
    ("phone", "021 555 1234", "phone_format"),
    ("nik", "١١٧٤٠١١٧٠٥٩٠٠٠٠١", "nik_format"),     # digits, but not 0-9
    ("phone", "+62٨١٢٣٤٥٦٧٨٩٠", "phone_format"),
    ("date", "１９９０-05-17", "invalid_date"),
    ("choice", "X", "not_a_choice"),
    ("choice", 1, "wrong_type"),
])
def test_bad_values_have_a_code(kind, value, code) -> None:
    assert problem(spec(kind), value) == code


def test_validation_keys_of_the_catalog() -> None:
    assert problem(spec("text", min_length=3), "ab") == "too_short"
    assert problem(spec("text", max_length=3), "abcd") == "too_long"
    assert normalise(spec("text", max_length=3), "abc") == "abc"
    assert problem(spec("text", pattern="^[0-9]{16}$"), "12345") == "pattern_mismatch"
    assert normalise(spec("text", pattern="^[0-9]{16}$"), "1174010101100003") == \
        "1174010101100003"
    assert problem(spec("number", min=1, max=20), 0) == "below_min"
    assert problem(spec("number", min=1, max=20), 21) == "above_max"
    assert normalise(spec("number", min=1, max=20), 20) == 20
    choice = spec("choice", choices=[{"value": "L", "label_id": "Laki-laki",
                                      "label_en": "Male"}])
    assert normalise(choice, "L") == "L"


def test_problems_are_codes_the_server_puts_into_both_languages() -> None:
    with pytest.raises(FieldProblem) as info:
        normalise(spec("text", max_length=5), "abcdefg")
    assert info.value.to_dict() == {"code": "too_long", "params": {"n": 5}}
    assert localise_problem(info.value.to_dict()) == {"code": "too_long",
                                    "message": "Isian terlalu panjang (paling banyak 5 karakter).",
                                    "message_en": "Too long (at most 5 characters)."}


# --------------------------------------------------------------------------------------
# A whole update against a real form: the passport form has nik, birth_date and sex.

PASPOR_SPEC = catalog.service(PASPOR)


def rejection(current, updates) -> Rejection:
    with pytest.raises(Rejection) as info:
        validate_updates(PASPOR_SPEC, current, updates)
    return info.value


def test_unknown_keys_are_rejected_and_named() -> None:
    r = rejection({}, {"purpose": "wisata", "state": "approved", "officer_note": "ok"})
    assert r.code == "unknown_fields"
    assert r.details == {"keys": ["officer_note", "state"]}


def test_every_bad_value_is_listed() -> None:
    r = rejection({}, {"purpose": "liburan", "email": "x", "passport_type": "elektronik"})
    assert r.code == "invalid_field_values"
    assert set(r.details["fields"]) == {"purpose", "email"}
    assert r.details["fields"]["purpose"]["code"] == "not_a_choice"


def test_nik_is_checked_against_birth_date_and_sex_of_the_same_form() -> None:
    r = rejection({"birth_date": "1990-05-18", "sex": "L"}, {"nik": NIK_BUDI})
    assert r.details["fields"]["nik"]["code"] == "nik_birth_date_mismatch"
    r = rejection({"birth_date": "1990-05-17", "sex": "P"}, {"nik": NIK_BUDI})
    assert r.details["fields"]["nik"]["code"] == "nik_sex_mismatch"
    # both written together, consistently
    assert validate_updates(PASPOR_SPEC, {"birth_date": "1990-05-18"},
                            {"nik": NIK_SITI, "birth_date": "1992-08-03", "sex": "P"}) == {
        "nik": NIK_SITI, "birth_date": "1992-08-03", "sex": "P"}


def test_fixing_the_birth_date_first_is_allowed_and_submit_flags_the_nik() -> None:
    """Writing only the birth date never traps the citizen; submit still catches it."""
    assert validate_updates(PASPOR_SPEC, {"nik": NIK_BUDI}, {"birth_date": "1992-08-03"}) == {
        "birth_date": "1992-08-03"}
    application = Application("a", "c", PASPOR, "draft", NOW, NOW,
                              fields={"nik": NIK_BUDI, "birth_date": "1992-08-03"})
    problems = submit_problems(PASPOR_SPEC, application, lambda code, doc: None)
    assert problems["invalid_fields"]["nik"]["code"] == "nik_birth_date_mismatch"


def test_a_form_without_birth_date_checks_the_nik_alone() -> None:
    kk = catalog.service("langsa.dukcapil.kk-perubahan")
    assert validate_updates(kk, {}, {"nik": NIK_SITI}) == {"nik": NIK_SITI}


def test_submit_lists_what_is_missing() -> None:
    application = Application("a", "c", PASPOR, "draft", NOW, NOW,
                              fields={"nik": NIK_BUDI, "email": "not-an-email"},
                              requirements={"ktp": ApplicationRequirement("ktp", "d1"),
                                            "kk": ApplicationRequirement("kk", "d2"),
                                            "ijazah": ApplicationRequirement(
                                                "ijazah", "d3", "rejected", "buram")})
    reasons = {"d1": None, "d2": "document_expired", "d3": None}
    problems = submit_problems(PASPOR_SPEC, application, lambda code, doc: reasons[doc])
    assert problems["missing_fields"] == ["full_name", "birth_place", "birth_date", "sex",
                                          "address", "passport_type", "purpose", "phone"]
    assert {k: localise_problem(p) for k, p in problems["invalid_fields"].items()} == {"email": {
        "code": "invalid_email", "message": "Alamat email tidak sah.",
        "message_en": "Not a valid email address."}}
    assert problems["missing_requirements"] == [
        {"code": "kk", "reason": "document_expired"},
        {"code": "ijazah", "reason": "document_rejected"}]


def test_nothing_missing() -> None:
    fields = {"nik": NIK_BUDI, "full_name": "BUDI", "birth_place": "Langsa",
              "birth_date": "1990-05-17", "sex": "L", "address": "Langsa",
              "passport_type": "elektronik", "purpose": "wisata", "phone": "+6281234567890",
              "email": "budi@example.id"}
    application = Application("a", "c", PASPOR, "draft", NOW, NOW, fields=fields,
                              requirements={"ktp": ApplicationRequirement("ktp", "d1"),
                                            "kk": ApplicationRequirement("kk", "d2",
                                                                         "accepted")})
    assert submit_problems(PASPOR_SPEC, application, lambda code, doc: None) is None
