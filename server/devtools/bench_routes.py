"""The benchmarks' baseline: a JSON endpoint that does no work.

Registered only when BENCH_NOOP_ROUTE is on (never in production, see server/config.py), so
it is not a product route: it is not in the OpenAPI document and the access-matrix test
never sees it. bench/sync_push.py divides the push rate by this endpoint's rate, measured on
the same gunicorn server, to get a ratio that means something on a shared machine.

It parses the JSON body like the sync routes do and answers a body of the push's shape. It
is public (no token lookup): the push side's token check is part of what a push costs.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..access import allow
from ..errors import ApiError

bp = Blueprint("bench", __name__, url_prefix="/api/bench")


@bp.route("/noop", methods=["POST"])
@allow("public")
def noop():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json")
    mutations = body.get("mutations") or []
    return jsonify({"last_mutation_id": 0,
                    "results": [{"id": m.get("id"), "status": "applied"}
                                for m in mutations if isinstance(m, dict)]})
