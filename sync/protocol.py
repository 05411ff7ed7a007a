"""Push and pull request shapes (already JSON-decoded) checked into dataclasses.

Two levels of badness:
- the request cannot be read: not an object, wrong or missing protocol version, bad ids, an
  unreadable mutation envelope, unknown keys, too many mutations. Raises SyncError (400 or
  413) and NOTHING in the request is applied.
- one mutation's envelope (id, name) is readable but the mutation is not: unknown name,
  arguments of the wrong shape or too large. The mutation is kept with a `problem`
  (Rejection); push stores it as that mutation's rejected result and goes on. So a client
  newer than the server, or with one broken change in its outbox, is never stuck.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

import marshmallow as ma
from marshmallow import validate as v

from .errors import Rejection, bad_protocol, batch_too_large, invalid_request, reject

SUPPORTED_PROTOCOLS = (1,)
MAX_MUTATIONS_PER_PUSH = 100
MAX_ARGS_BYTES = 16 * 1024  # one mutation's args, as compact UTF-8 JSON
MAX_FIELDS_PER_SET = 100
MAX_MUTATION_ID = 2**53 - 1  # exact in every JSON implementation
MAX_NAME_LENGTH = 100
MAX_CLIENT_TIME_LENGTH = 64
MAX_ARGS_DEPTH = 8  # args are flat; a form value is a scalar
# The push route's body limit (server/applications/routes.py): the largest legal batch fits.
MAX_PUSH_BYTES = MAX_MUTATIONS_PER_PUSH * (MAX_ARGS_BYTES + 512) + 1024

# \Z, not $: "$" also matches before a trailing newline.
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                     r"[0-9a-fA-F]{12}\Z")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\Z")
SERVICE_CODE_RE = r"^[a-z0-9-]+(\.[a-z0-9-]+)+\Z"
SLUG_RE = r"^[a-z0-9_]+\Z"

PUSH_KEYS = frozenset({"protocol", "client_group_id", "client_id", "mutations"})
PULL_KEYS = frozenset({"protocol", "client_group_id", "cookie"})
ENVELOPE_KEYS = frozenset({"id", "name", "args", "client_time"})


@dataclass(frozen=True)
class Mutation:
    id: int
    name: str
    args: Any  # the checked, normalised args when problem is None; else as received
    client_time: Any = None
    problem: Rejection | None = None


@dataclass(frozen=True)
class PushRequest:
    client_group_id: str
    client_id: str
    mutations: tuple[Mutation, ...]


@dataclass(frozen=True)
class PullRequest:
    client_group_id: str
    cookie: int | None


# --------------------------------------------------------------------------------------
# Argument schemas, one per mutation: every key required unless said, nothing else allowed.

class UUIDString(ma.fields.String):
    """A UUID in canonical 8-4-4-4-12 form, returned in lower case."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not UUID_RE.match(text):
            raise ma.ValidationError("Not a UUID (8-4-4-4-12 hexadecimal digits).")
        return text.lower()


class _Args(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class ApplicationArgs(_Args):
    application_id = UUIDString(required=True)


class CreateArgs(ApplicationArgs):
    service_id = ma.fields.String(required=True, validate=[
        v.Length(min=3, max=120), v.Regexp(SERVICE_CODE_RE, error="Not a service code.")])


class SetFieldsArgs(ApplicationArgs):
    # A declared field named like Schema.fields (the field map): the wire name is "fields".
    fields = ma.fields.Dict(  # type: ignore[assignment]
        keys=ma.fields.String(validate=[v.Length(min=1, max=60),
                                        v.Regexp(SLUG_RE, error="Not a field key.")]),
        values=ma.fields.Raw(allow_none=True),
        required=True, validate=v.Length(min=1, max=MAX_FIELDS_PER_SET))


class RequirementArgs(ApplicationArgs):
    requirement_code = ma.fields.String(required=True, validate=[
        v.Length(min=1, max=60), v.Regexp(SLUG_RE, error="Not a requirement code.")])


class AttachArgs(RequirementArgs):
    document_id = UUIDString(required=True)


MUTATION_ARGS: dict[str, ma.Schema] = {
    "application.create": CreateArgs(),
    "application.set_fields": SetFieldsArgs(),
    "application.attach": AttachArgs(),
    "application.detach": RequirementArgs(),
    "application.submit": ApplicationArgs(),
    "application.withdraw": ApplicationArgs(),
    "application.discard": ApplicationArgs(),
}


# --------------------------------------------------------------------------------------
# Parsing

def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_protocol(body: Any) -> None:
    if not isinstance(body, dict):
        raise invalid_request([{"path": "", "problem": "the body must be a JSON object"}])
    version = body.get("protocol")
    if not _is_int(version) or version not in SUPPORTED_PROTOCOLS:
        raise bad_protocol(version, SUPPORTED_PROTOCOLS)


def _unknown_keys(obj: dict, allowed: frozenset[str], path: str) -> list[dict[str, str]]:
    return [{"path": f"{path}{key}" if path == "" else f"{path}.{key}",
             "problem": "unknown key"} for key in sorted(map(str, set(obj) - allowed))]


def _uuid(body: dict, key: str, problems: list[dict[str, str]]) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not UUID_RE.match(value):
        problems.append({"path": key, "problem": "must be a UUID (8-4-4-4-12)"})
        return ""
    return value.lower()


def _content_problem(args: Any) -> str | None:
    """Why `args` cannot be kept whatever their shape, or None: text holding NUL or a lone
    surrogate (json.loads makes one of "\\ud800"), which no database column can store, or
    nesting deeper than MAX_ARGS_DEPTH. Walks iteratively, so no input can exhaust the stack."""
    stack = [(args, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_ARGS_DEPTH:
            return f"Nested deeper than {MAX_ARGS_DEPTH} levels."
        if isinstance(value, str):
            if "\x00" in value or not _encodable(value):
                return "Text holds a NUL character or characters that cannot be encoded."
        elif isinstance(value, dict):
            stack.extend((k, depth) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _args_size(args: Any) -> int:
    return len(json.dumps(args, separators=(",", ":"), ensure_ascii=False,
                          default=str).encode("utf-8"))


def _parse_mutation(raw: Any, path: str, problems: list[dict[str, str]]) -> Mutation | None:
    if not isinstance(raw, dict):
        problems.append({"path": path, "problem": "a mutation must be an object"})
        return None
    problems.extend(_unknown_keys(raw, ENVELOPE_KEYS, path))
    mutation_id, name = raw.get("id"), raw.get("name")
    if not _is_int(mutation_id) or not 1 <= mutation_id <= MAX_MUTATION_ID:
        problems.append({"path": f"{path}.id", "problem": "must be an integer >= 1"})
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH or \
            not NAME_RE.match(name):
        problems.append({"path": f"{path}.name",
                         "problem": f"must be a name like application.create (at most "
                                    f"{MAX_NAME_LENGTH} characters)"})
    client_time = raw.get("client_time")
    if client_time is not None and not (
            (isinstance(client_time, (int, float)) and not isinstance(client_time, bool))
            or (isinstance(client_time, str) and len(client_time) <= MAX_CLIENT_TIME_LENGTH)):
        problems.append({"path": f"{path}.client_time",
                         "problem": "must be a number, a short string or null"})
    if problems:
        return None
    assert isinstance(mutation_id, int) and isinstance(name, str)  # checked just above

    args = raw.get("args")
    problem: Rejection | None = None
    schema = MUTATION_ARGS.get(name)
    if schema is None:
        problem = reject("unknown_mutation", name=name)
    elif (content := _content_problem(args)) is not None:
        problem = reject("invalid_args", errors={"_schema": [content]})
    elif _args_size(args) > MAX_ARGS_BYTES:
        problem = reject("args_too_large", max_bytes=MAX_ARGS_BYTES)
    elif not isinstance(args, dict):
        problem = reject("invalid_args", errors={"_schema": ["args must be an object"]})
    else:
        try:
            args = schema.load(args)
        except ma.ValidationError as exc:
            problem = reject("invalid_args", errors=exc.messages)
    return Mutation(mutation_id, name, args, client_time, problem)


def parse_push(body: Any) -> PushRequest:
    """The checked push request, or SyncError (400 bad_protocol / invalid_request, 413)."""
    _check_protocol(body)
    problems = _unknown_keys(body, PUSH_KEYS, "")
    client_group_id = _uuid(body, "client_group_id", problems)
    client_id = _uuid(body, "client_id", problems)
    raw_mutations = body.get("mutations")
    if not isinstance(raw_mutations, list):
        problems.append({"path": "mutations", "problem": "must be a list"})
        raise invalid_request(problems)
    if len(raw_mutations) > MAX_MUTATIONS_PER_PUSH:
        raise batch_too_large(len(raw_mutations), MAX_MUTATIONS_PER_PUSH)
    mutations = []
    for index, raw in enumerate(raw_mutations):
        own: list[dict[str, str]] = []
        mutation = _parse_mutation(raw, f"mutations[{index}]", own)
        problems.extend(own)
        if mutation is not None:
            mutations.append(mutation)
    if problems:
        raise invalid_request(problems)
    return PushRequest(client_group_id, client_id, tuple(mutations))


def parse_pull(body: Any) -> PullRequest:
    """The checked pull request, or SyncError (400)."""
    _check_protocol(body)
    problems = _unknown_keys(body, PULL_KEYS, "")
    client_group_id = _uuid(body, "client_group_id", problems)
    if "cookie" not in body:
        problems.append({"path": "cookie", "problem": "required (null on a first pull)"})
    cookie = body.get("cookie")
    if cookie is not None and (not _is_int(cookie) or not 0 <= cookie <= MAX_MUTATION_ID):
        problems.append({"path": "cookie", "problem": "must be null or an integer >= 0"})
    if problems:
        raise invalid_request(problems)
    return PullRequest(client_group_id, cookie)

