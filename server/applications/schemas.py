"""Schemas that DOCUMENT the sync endpoints in the OpenAPI document. The engine (sync/protocol.py)
validates requests itself, so that its errors keep the protocol's own codes."""
from __future__ import annotations

import marshmallow as ma


class MutationSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"description": "1, 2, 3... per client_id"})
    name = ma.fields.String(required=True, metadata={"example": "application.create"})
    args = ma.fields.Dict(required=True)
    client_time = ma.fields.String(metadata={"description": "when the citizen did it"})


class PushRequestSchema(ma.Schema):
    protocol = ma.fields.Integer(required=True, metadata={"example": 1})
    client_group_id = ma.fields.UUID(required=True)
    client_id = ma.fields.UUID(required=True)
    mutations = ma.fields.List(ma.fields.Nested(MutationSchema), required=True)


class ResultErrorSchema(ma.Schema):
    code = ma.fields.String()
    message = ma.fields.String()
    message_id = ma.fields.String()
    message_en = ma.fields.String()
    details = ma.fields.Raw()


class ResultSchema(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": ["applied", "rejected"]})
    error = ma.fields.Nested(ResultErrorSchema)


class PushResponseSchema(ma.Schema):
    last_mutation_id = ma.fields.Integer()
    results = ma.fields.List(ma.fields.Nested(ResultSchema))


class PullRequestSchema(ma.Schema):
    protocol = ma.fields.Integer(required=True, metadata={"example": 1})
    client_group_id = ma.fields.UUID(required=True)
    cookie = ma.fields.Integer(allow_none=True, required=True)


class PatchOpSchema(ma.Schema):
    op = ma.fields.String(metadata={"enum": ["put", "del"]})
    key = ma.fields.String()
    value = ma.fields.Raw()


class PullResponseSchema(ma.Schema):
    cookie = ma.fields.Integer()
    reset = ma.fields.Boolean()
    last_mutation_ids = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    patch = ma.fields.List(ma.fields.Nested(PatchOpSchema))


class StateSchema(ma.Schema):
    name = ma.fields.String()
    label_id = ma.fields.String()
    label_en = ma.fields.String()
    citizen_editable = ma.fields.Boolean()
    terminal = ma.fields.Boolean()
    officer_queue = ma.fields.Boolean(metadata={"description": "Listed in the officer queue"})


class TransitionSchema(ma.Schema):
    action = ma.fields.String()
    from_ = ma.fields.String(data_key="from")
    to = ma.fields.String()
    actors = ma.fields.List(ma.fields.String())


class StatesSchema(ma.Schema):
    states = ma.fields.List(ma.fields.Nested(StateSchema))
    transitions = ma.fields.List(ma.fields.Nested(TransitionSchema))
    actors = ma.fields.List(ma.fields.String())
