"""The two kinds of failure in sync, each a stable code and its parameters: no text here.

- `SyncError`: the request as a whole is refused (HTTP 400, 403, 409, 413). Nothing in the
  refused part is applied; the server maps it to its one error shape
  `{"error": {"code", "message", "details"}}`.
- `Rejection`: one mutation (or one officer action) is refused for a domain reason. In a
  push it is not a transport failure: its effects roll back and its result is stored and
  returned with status "rejected" (docs/sync-protocol.md, "Push").

The words are the server's: its one catalog (`server/i18n.py`, keys `rejection.<code>` and
the SyncError codes) translates a code and its parameters, and the server adds `message` and
`message_en` to every refusal it answers (`server.i18n.localise_rejection`). Messages may
name values from `details` with `{name}` placeholders. `REJECTION_CODES` lists the engine's
codes, so docs and tests can enumerate them.
"""
from __future__ import annotations

from typing import Any

from .rules import RuleError


class SyncError(Exception):
    """A request-level failure: HTTP `status`, stable `code`, `details` for the client and
    `params` for the message (the details unless given)."""

    def __init__(self, status: int, code: str, details: dict[str, Any] | None = None,
                 params: dict[str, Any] | None = None):
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.details = details if details is not None else {}
        self.params = params if params is not None else self.details


def bad_protocol(got: Any, supported: tuple[int, ...]) -> SyncError:
    return SyncError(
        400, "bad_protocol",
        {"supported": list(supported), "got": got if isinstance(got, (int, str)) else None},
        {"got": repr(got), "supported": ", ".join(map(str, supported))})


def invalid_request(problems: list[dict[str, str]]) -> SyncError:
    """`problems`: [{"path": "mutations[2].id", "problem": "..."}], in English for developers."""
    return SyncError(400, "invalid_request", {"problems": problems})


def client_group_forbidden() -> SyncError:
    return SyncError(403, "client_group_forbidden")


def mutation_gap(last_mutation_id: int, got: int) -> SyncError:
    return SyncError(409, "mutation_gap", {"last_mutation_id": last_mutation_id, "got": got},
                     {"next": last_mutation_id + 1})


def batch_too_large(count: int, limit: int) -> SyncError:
    return SyncError(413, "batch_too_large", {"count": count, "max_mutations": limit})


# --------------------------------------------------------------------------------------
# Domain rejections (their words: server/i18n.py, "rejection.<code>")

REJECTION_CODES: tuple[str, ...] = (
    # the envelope was readable, the rest was not
    "unknown_mutation", "invalid_args", "args_too_large",
    # applications
    "service_not_found", "service_unavailable", "application_id_unavailable",
    "application_not_found", "application_locked", "unknown_fields", "invalid_field_values",
    "requirement_not_found", "incomplete", "invalid_transition", "not_discardable",
    # documents
    "document_not_found", "document_not_ready", "document_invalid", "document_type_mismatch",
    "document_format_not_allowed", "document_expired", "document_already_rejected",
    # officer actions (the officer console shows these)
    "requirement_has_no_document", "not_in_review", "note_required", "requirements_not_accepted",
    "nothing_to_revise", "discrepancy_not_found", "stale", "ticket_invalid",
)


class Rejection(Exception):
    """A domain refusal of one mutation or officer action; stored as its result."""

    def __init__(self, code: str, details: dict[str, Any] | None = None):
        super().__init__(code)
        self.code = code
        self.details = details if details is not None else {}

    def to_dict(self) -> dict[str, Any]:
        """The stored result's error: the code and its details (per code, see
        docs/sync-protocol.md); the server adds `message` and `message_en` when it answers."""
        return {"code": self.code, "details": self.details}


def reject(code: str, **details: Any) -> Rejection:
    """The Rejection for `code` with these details (which fill its message's placeholders)."""
    return Rejection(code, details)


def rule_problem(error: RuleError) -> dict[str, Any]:
    """A `sync.rules.RuleError` as one entry of a per-field problem list."""
    return {"code": error.code, "params": {}}
