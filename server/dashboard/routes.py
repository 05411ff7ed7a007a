"""Dashboard API: a routing table over dashboard.operations. Any officer may call it; what
they see is their reach (operations.scope_for): asking for more is a 403, audited."""
from __future__ import annotations

from flask import Response

from ..access import allow, current_principal
from ..audit.operations import record
from ..db_types import utcnow
from ..errors import ApiError, ErrorSchema
from ..i18n import current_language
from ..extensions import Blueprint, db
from ..transactions import request_work
from . import operations as ops
from .schemas import DashboardQuerySchema, DashboardSchema

blp = Blueprint("dashboard", __name__, url_prefix="/api",
                description="Dasbor MPP / The supervisor's dashboard")
BEARER = [{"bearerAuth": []}]


def _report(mpp=None, agency=None, first=None, last=None) -> dict:
    officer = current_principal().officer
    now = utcnow()
    first, last = ops.period(first, last, now)
    work = request_work()
    work.write()  # the rollup catches up, and a refusal is audited (server/transactions.py)
    try:
        scope = ops.scope_for(db.session, officer, mpp, agency)
    except ApiError as err:
        if err.status == 403:
            record("dashboard.denied", target_kind="dashboard",
                   target_id=f"{mpp or '-'}/{agency or '-'}", outcome="denied",
                   details={"mpp": mpp, "agency": agency})
            work.keep()
        raise
    ops.catch_up(db.session, now)
    return ops.report(db.session, officer, scope, first, last, now)


@blp.route("/dashboard")
@allow("officer")
@blp.arguments(DashboardQuerySchema, location="query", as_kwargs=True)
@blp.response(200, DashboardSchema)
@blp.alt_response(400, schema=ErrorSchema, description="dashboard_period_invalid")
@blp.alt_response(403, schema=ErrorSchema, description="dashboard_out_of_reach (audited)")
@blp.alt_response(404, schema=ErrorSchema, description="mpp_not_found, agency_not_found")
@blp.doc(security=BEARER)
def dashboard(**query):
    """Dasbor / How the MPP is doing in a period, per agency and service: came-once rate,
    first-time-right, revisions, rejected requirements, SLA, backlog, workload, the floor,
    IKM and complaints. Supervisors: their MPP; admins: any; verifiers: their agency."""
    return _report(**query)


@blp.route("/dashboard/<any(" + ", ".join(ops.SECTIONS) + "):section>.csv")
@allow("officer")
@blp.arguments(DashboardQuerySchema, location="query", as_kwargs=True)
@blp.response(200, {"type": "string", "format": "binary"}, content_type="text/csv",
              description="One figure of the dashboard as CSV")
@blp.alt_response(400, schema=ErrorSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(security=BEARER)
def dashboard_csv(section, **query):
    """Dasbor (CSV) / One figure of the dashboard as CSV: services, backlog, second_visits,
    rejections, workload or floor."""
    data = _report(**query)
    scope = data["scope"]["mpp"] + (f"-{data['scope']['agency']}" if data["scope"]["agency"]
                                    else "")
    name = f"dasbor-{section}-{scope}-{data['period']['first']}_{data['period']['last']}.csv"
    return Response(ops.to_csv(data, section, current_language()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
