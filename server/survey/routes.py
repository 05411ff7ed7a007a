"""SKM routes: a routing table over survey.operations. The results are public (the
regulation requires publishing them; no personal data: sums only, and no scores for a group
of fewer than 5 answers); suggestions are for the MPP's supervisors (admins: any MPP).
Answers arrive through the sync push (`survey.submit`, server/survey/mutations.py)."""
from __future__ import annotations

from flask import Blueprint as FlaskBlueprint
from flask import Response, jsonify, render_template, request

from ..access import allow, current_principal
from ..accounts.operations import is_national_admin
from ..db_types import utcnow
from ..errors import ApiError, ErrorSchema
from ..extensions import Blueprint, db
from . import operations as ops
from . import skm
from .schemas import PeriodQuerySchema, ResultsSchema, SuggestionListSchema, SuggestionQuerySchema

blp = Blueprint("survey", __name__, url_prefix="/api",
                description="SKM / Satisfaction survey: published IKM per MPP, suggestions")
pages = FlaskBlueprint("survey_pages", __name__)
BEARER = [{"bearerAuth": []}]
# Published figures change as answers arrive: a cache may keep them a few minutes.
PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}


def _period(period=None, first=None, last=None) -> ops.Period:
    return ops.period(period, first, last, utcnow())


@blp.route("/mpps/<code:mpp>/skm")
@allow("public")
@blp.arguments(PeriodQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ResultsSchema)
@blp.alt_response(400, schema=ErrorSchema, description="invalid_period")
@blp.alt_response(404, schema=ErrorSchema, description="mpp_not_found")
def results(mpp, **query):
    """Hasil SKM / Published survey results: the IKM of the MPP, of each agency and service
    for a period (Permen PANRB 14/2017), each element's mean, the band, and the sample
    against the Krejcie-Morgan minimum. No scores for a group of fewer than 5 answers."""
    # Sent as built, not dumped through ResultsSchema (which documents it): the report is
    # made field by field in operations.results from sums only, with nothing personal in
    # it, and dumping its nested groups cost a third of the answer's time (bench/survey_ikm.py).
    response = jsonify(ops.results(db.session, mpp, _period(**query)))
    response.headers.update(PUBLIC_CACHE)
    return response


@blp.route("/mpps/<code:mpp>/skm.csv")
@allow("public")
@blp.arguments(PeriodQuerySchema, location="query", as_kwargs=True)
@blp.response(200, {"type": "string", "format": "binary"}, content_type="text/csv",
              description="CSV, one line for the MPP, each agency and each service: "
              + ", ".join(ops.CSV_COLUMNS))
@blp.alt_response(400, schema=ErrorSchema, description="invalid_period")
@blp.alt_response(404, schema=ErrorSchema, description="mpp_not_found")
def results_csv(mpp, **query):
    """Hasil SKM (CSV) / Published survey results as CSV."""
    report = ops.results(db.session, mpp, _period(**query))
    name = f"skm-{mpp}-{report['period']['code'].replace('..', '_')}.csv"
    return Response(ops.results_csv(report), mimetype="text/csv", headers={
        **PUBLIC_CACHE, "Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/officer/skm/suggestions")
@allow("supervisor")
@blp.arguments(SuggestionQuerySchema, location="query", as_kwargs=True)
@blp.response(200, SuggestionListSchema)
@blp.alt_response(400, schema=ErrorSchema, description="invalid_period, mpp_required")
@blp.alt_response(404, schema=ErrorSchema, description="mpp_not_found")
@blp.doc(security=BEARER)
def suggestions(mpp=None, agency=None, limit=200, offset=0, **query):
    """Saran responden / Respondents' suggestions, for the MPP's supervisor: the text, the
    service and the month; never who wrote it."""
    officer = current_principal().officer
    if not is_national_admin(officer):
        mpp = officer.mpp.code  # a supervisor reads their own MPP whatever they ask
    elif not mpp:
        raise ApiError(400, "mpp_required", {"problem": "mpp"})
    return ops.suggestions(db.session, mpp, _period(**query), agency=agency, limit=limit,
                           offset=offset)


@pages.route("/skm/<code:mpp>")
@allow("public")
def results_page(mpp):
    """The results as a printable page (server-rendered: it works without the PWA, prints on
    A4 for the wall of the MPP, and search engines read it)."""
    args = request.args
    unknown = set(args) - {"period", "from", "to", "lang"}
    if unknown:
        raise ApiError(400, "unknown_parameter", params={"names": ", ".join(sorted(unknown))})
    try:
        query = PeriodQuerySchema().load({k: v for k, v in args.items() if k != "lang" and v})
    except Exception as exc:  # marshmallow's ValidationError: a bad date
        raise ApiError(400, "invalid_period", {"problem": "date"}) from exc
    report = ops.results(db.session, mpp, _period(**query))
    lang = "en" if args.get("lang") == "en" else "id"
    html = render_template("survey/results.html", r=report, lang=lang,
                           words=skm.ELEMENT_TEXT, query=request.query_string.decode())
    return Response(html, mimetype="text/html", headers=PUBLIC_CACHE)
