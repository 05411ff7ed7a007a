"""The sync API: thin shells over sync.push and sync.pull (the contract: docs/sync-protocol.md)."""
from __future__ import annotations

from flask import jsonify, request

from sync import states
from sync.errors import SyncError
from sync.protocol import MAX_PUSH_BYTES
from sync.pull import pull
from sync.push import push

from ..access import allow, current_principal
from ..db_types import utcnow
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint
from ..json_input import json_body
from ..i18n import localise_sync, state_label
from ..transactions import engine_store, own_transactions
from .schemas import (
    PullRequestSchema, PullResponseSchema, PushRequestSchema, PushResponseSchema, StatesSchema,
)

blp = Blueprint("sync", __name__, url_prefix="/api/sync",
                description="Sinkronisasi draf / Syncing drafts (protocol 1)")
BEARER = [{"bearerAuth": []}]


# The sync engine's unit of work of the app (server/transactions.py).
unit_of_work = engine_store


def _sync_error(err: SyncError) -> ApiError:
    return ApiError(err.status, err.code, err.details, params=err.params)


@blp.route("/push", methods=["POST"])
@allow("citizen")
@blp.doc(security=BEARER, requestBody={
    "required": True, "content": {"application/json": {"schema": PushRequestSchema}}})
@blp.response(200, PushResponseSchema)
@blp.alt_response(409, schema=ErrorSchema, description="mutation_gap: details.last_mutation_id")
@blp.alt_response(403, schema=ErrorSchema, description="client group of another citizen")
@blp.alt_response(413, schema=ErrorSchema, description="batch over the limit")
@own_transactions  # one transaction per batch, a savepoint per mutation (sync/push.py)
def sync_push():
    """Kirim perubahan / Push mutations: each applied once, in order, or stored as rejected."""
    request.max_content_length = MAX_PUSH_BYTES  # room for the largest batch the engine takes
    body = json_body()
    try:
        result = push(unit_of_work(), str(current_principal().citizen_id), body,
                      utcnow())
    except SyncError as err:
        raise _sync_error(err) from None
    return jsonify(localise_sync(result))


@blp.route("/pull", methods=["POST"])
@allow("citizen")
@blp.doc(security=BEARER, requestBody={
    "required": True, "content": {"application/json": {"schema": PullRequestSchema}}})
@blp.response(200, PullResponseSchema)
@blp.alt_response(403, schema=ErrorSchema, description="client group of another citizen")
@own_transactions  # one read snapshot (sync/pull.py)
def sync_pull():
    """Ambil perubahan / Pull what changed in my space since the cookie."""
    body = json_body()
    try:
        result = pull(unit_of_work(), str(current_principal().citizen_id), body)
    except SyncError as err:
        raise _sync_error(err) from None
    return jsonify(localise_sync(result))


@blp.route("/states")
@allow("public")
@blp.response(200, StatesSchema)
def sync_states():
    """Alur status permohonan / The application state machine, published so clients keep
    no copy of it."""
    response = jsonify(states.describe(state_label))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
