"""marshmallow schemas of the dashboard."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v


class DashboardQuerySchema(ma.Schema):
    mpp = ma.fields.String(validate=v.Length(min=1, max=40),
                           metadata={"description": "admins: any MPP; others: their own"})
    agency = ma.fields.String(validate=v.Length(min=1, max=40),
                              metadata={"description": "one agency; a verifier: their own"})
    first = ma.fields.Date(metadata={"description": "first day (WIB); default 30 days ago"})
    last = ma.fields.Date(metadata={"description": "last day (WIB); default today"})


class DashboardSchema(ma.Schema):
    scope = ma.fields.Dict()
    period = ma.fields.Dict()
    generated_at = ma.fields.String()
    agencies = ma.fields.List(ma.fields.Dict())
    services = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "per service: submitted, first_time_right_share, "
                       "revisions_per_application, sla_share, ready_hours_median/p90, "
                       "completed, came_once_rate, second_visit_reasons, backlog, "
                       "backlog_age, overdue_now; walk_in (the walk-ins' part: submitted, "
                       "decided, first_time_right, revisions, ready, ready_within_sla, "
                       "completed, came_once and their shares), app (the rest), "
                       "walk_in_share"})
    totals = ma.fields.Dict()
    rejections = ma.fields.List(ma.fields.Dict())
    workload = ma.fields.List(ma.fields.Dict())
    floor = ma.fields.Dict(allow_none=True)
    ikm = ma.fields.Dict(allow_none=True)
    complaints = ma.fields.Dict(allow_none=True)
    names = ma.fields.Dict(metadata={
        "description": "titles of the codes by language: services {code: {name_id, "
                       "name_en}}, requirements (their document type), reasons"})
    freshness = ma.fields.Dict(metadata={
        "description": "as_of: the moment the figures were computed (a cached answer is "
                       "up to max_age_s old), cached: whether this answer came from the cache"})
