"""A catalog error in words, Bahasa Indonesia first with English (server/i18n.py `catalog.*`).

The loader says what is wrong in English (`flask catalog load` prints it as it always did)
and marshmallow's shape checks say it in their own English. Here each such message is read
back into a code and its parameters, once, by the table below; the words of each code are in
the one message catalog. tests/api/test_catalog_admin.py feeds the loader a broken document
for every rule and checks that no message falls through to the generic `catalog.invalid`.
An error made with a code (CatalogError.code, e.g. a publication's own checks) keeps it.
"""
from __future__ import annotations

import re
from typing import Any

from ..i18n import words
from .loader import CatalogError

# (pattern of the English message, code). First match wins; named groups are parameters.
PATTERNS: list[tuple[re.Pattern, str]] = [(re.compile(p), code) for p, code in [
    # marshmallow's own messages
    (r"^Missing data for required field\.$", "required"),
    (r"^Unknown field\.$", "unknown_field"),
    (r"^Field may not be null\.$", "not_null"),
    (r"^Not a valid (?:integer|number)\.$", "not_a_number"),
    (r"^Not a valid string\.$", "not_text"),
    (r"^Not a valid boolean\.$", "not_boolean"),
    (r"^Not a valid list\.$", "not_a_list"),
    (r"^(?:Not a valid mapping type|Invalid input type)\.$", "not_a_mapping"),
    (r"^Not a valid date\.$", "not_a_date"),
    (r"^Special numeric values \(nan or infinity\) are not permitted\.$", "not_a_number"),
    (r"^Shorter than minimum length (?P<min>\d+)\.$", "too_short"),
    (r"^Longer than maximum length (?P<max>\d+)\.$", "too_long"),
    (r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$", "length_between"),
    (r"^Must be greater than or equal to (?P<min>\S+) and less than or equal to "
     r"(?P<max>\S+)\.$", "between"),
    (r"^Must be greater than or equal to (?P<min>\S+)\.$", "at_least"),
    (r"^Must be one of: (?P<choices>.*)\.$", "one_of"),
    # the loader's shape rules (server/catalog/loader.py)
    (r"^must be lower-case letters, digits and _$", "slug"),
    (r"^must be lower-case letters, digits and -$", "code_chars"),
    (r"^must look like agency-kind\.service-name", "standard_code"),
    (r"^must be 2 to 5 capital letters$", "ref_prefix_chars"),
    (r"^write the time as text in quotes", "time_as_text"),
    (r"^must be a time HH:MM", "time"),
    (r"^a catalog file needs ", "file_empty"),
    # the loader's cross-references
    (r"^file not found$", "file_not_found"),
    (r"^cannot read file: (?P<detail>.*)$", "cannot_read"),
    (r"^invalid JSON (?P<detail>.*)$", "invalid_json"),
    (r"^invalid YAML(?P<detail>.*)$", "invalid_yaml"),
    (r"^no \.yaml, \.yml or \.json file found$", "no_files"),
    (r"^the top level must be a mapping$", "top_level"),
    (r"^duplicate field key '(?P<value>.*)'$", "duplicate_field_key"),
    (r"^a choice field needs choices$", "choices_needed"),
    (r"^only a choice field has choices$", "choices_not_allowed"),
    (r"^duplicate choice value$", "duplicate_choice"),
    (r"^invalid pattern: (?P<detail>.*)$", "invalid_pattern"),
    (r"^duplicate requirement code '(?P<value>.*)'$", "duplicate_requirement"),
    (r"^unknown document type '(?P<value>.*)'$", "unknown_document_type"),
    (r"^duplicate format$", "duplicate_format"),
    (r"^duplicate code '(?P<value>[^']*)' \(also in (?P<other>.*)\)$", "duplicate_code_in"),
    (r"^duplicate code '(?P<value>[^']*)'$", "duplicate_code"),
    (r"^must begin with its agency_kind '(?P<value>.*)'$", "standard_prefix"),
    (r"^duplicate ref_prefix '(?P<value>[^']*)' \(also in (?P<other>.*)\)$",
     "duplicate_ref_prefix"),
    (r"^ref_prefix '(?P<value>[^']*)' belongs to MPP '(?P<other>.*)'$", "ref_prefix_taken"),
    (r"^refers to no service standard: '(?P<value>[^']*)'", "unknown_standard"),
    (r"^duplicate code: '(?P<value>[^']*)' is offered twice", "offered_twice"),
    (r"^standard of agency kind '(?P<value>[^']*)' cannot be offered by agency kind "
     r"'(?P<other>.*)'$", "wrong_agency_kind"),
    (r"^duplicate date (?P<value>\S+) \(also in (?P<other>.*)\)$", "duplicate_date_in"),
    (r"^duplicate date (?P<value>\S+)$", "duplicate_date"),
    (r"^min_days must not be after max_days$", "window_order"),
    (r"^'(?P<value>[^']*)' already has opening hours$", "day_twice"),
    (r"^must be after open$", "close_after_open"),
    (r"^a break must start after opening", "break_inside"),
    (r"^breaks must not overlap$", "breaks_overlap"),
    (r"^online \+ walk_in \+ assisted must be 100", "share_sum"),
    (r"^no agency '(?P<value>[^']*)' in this MPP$", "unknown_agency"),
    (r"^agency '(?P<value>[^']*)' does not offer '(?P<other>[^']*)' in this MPP$",
     "counter_service_not_offered"),
    (r"^'(?P<value>[^']*)' is served at no counter", "not_served"),
    (r"^a visit of (?P<value>\d+) minutes fits in no counter's online time of one slot "
     r"\((?P<other>\d+) minutes at most\)$", "visit_too_long"),
]]


def describe(error: CatalogError) -> tuple[str, dict[str, Any]]:
    """The error's catalog code and parameters (`invalid` with the English as `detail` when
    no pattern knows the message)."""
    if error.code:
        return error.code, dict(error.params)
    for pattern, code in PATTERNS:
        match = pattern.search(error.message)
        if match:
            return code, match.groupdict()
    return "invalid", {"detail": error.message}


def dotted(path: str) -> str:
    """The loader's `a[3].b` as the editor's `a.3.b`."""
    return re.sub(r"\[(\d+)\]", r".\1", path)


def localise(error: CatalogError) -> dict[str, Any]:
    """One error as the API sends it: {scope, path, code, message, message_en}."""
    code, params = describe(error)
    return {"scope": error.file, "path": dotted(error.path), "code": code,
            "message": words(f"catalog.{code}", "id", params),
            "message_en": words(f"catalog.{code}", "en", params)}
