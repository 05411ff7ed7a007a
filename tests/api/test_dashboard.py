"""The supervisor's dashboard (issue #18): its figures against a world made by hand, through
the real API (applications pushed as the PWA does, officers acting in the console), and each
refusal: a verifier asking for another agency, a supervisor for another MPP, a bad period.

Run alone: .venv/bin/python -m pytest tests/api/test_dashboard.py -q
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from server.applications.models import Application
from server.audit.models import AuditEvent
from server.catalog.models import Mpp
from server.dashboard import operations as dash
from server.dashboard.models import OpsApplication, OpsBacklogSettled
from server.extensions import db
from sync.space import local_date
from tests.api.dashboard_world import caught_up, five_applications, two_walk_ins
from tests.api.officer_world import PASPOR, World, now
from tests.helpers import assert_error

LATER = {"first": None, "last": None}


@pytest.fixture
def world(app, client, callers):
    return World(app, client, callers)


def _dashboard(world, who, **query):
    query = {k: v for k, v in query.items() if v is not None}
    response = world.client.get("/api/dashboard", query_string=query,
                                headers=who["headers"])
    assert response.status_code == 200, response.get_data(True)
    return response.get_json()


def test_figures_of_a_world_made_by_hand(world):
    """Five passport applications at imigrasi Langsa:
    A ready and completed with no revision, never through the queue: came once (to collect);
    B sent back once for its KK (blurry), completed; its citizen took a queue number on two
      days (and completed on the second): came twice, because of the KK;
    C ready and completed with no revision, one queue number on the day it was completed:
      came once;
    D rejected at review (no revision);
    E submitted, nobody has touched it.
    By hand: submitted 5; completed 3 (A, B, C), came once 2 -> 2/3; second visits: kk 1;
    decided (ready or rejected) 4, first time right (ready, no revision) 2 -> 2/4 = 0.5;
    revisions 1 over 5 -> 0.2; rejected requirements: kk/blurry once; backlog: 1 submitted;
    ready 3, all before their due date -> SLA share 1.0."""
    five_applications(world)
    caught_up(world)

    body = _dashboard(world, world.supervisor)
    assert body["scope"] == {"mpp": "langsa", "mpp_name": body["scope"]["mpp_name"],
                             "agency": None, "agency_name": None}
    row = next(s for s in body["services"] if s["service"] == PASPOR)
    assert (row["submitted"], row["completed"], row["came_once"]) == (5, 3, 2)
    assert row["came_once_rate"] == round(2 / 3, 4)
    assert row["second_visit_reasons"] == {"kk": 1}
    assert (row["decided"], row["first_time_right"]) == (4, 2)
    assert row["first_time_right_share"] == 0.5
    assert (row["revisions"], row["revisions_per_application"]) == (1, 0.2)
    assert (row["ready"], row["ready_within_sla"], row["sla_share"]) == (3, 3, 1.0)
    assert row["ready_hours_median"] == 0 and row["ready_hours_p90"] == 0  # all in minutes
    assert row["rejected"] == 1 and row["overdue_now"] == 0
    assert row["backlog"] == {"submitted": 1, "in_review": 0, "revision_requested": 0,
                              "approved": 0, "ready": 0}
    assert row["backlog_age"] == {"0-2": 1, "3-7": 0, "8-14": 0, "15+": 0}
    assert body["rejections"] == [{"service": PASPOR, "requirement": "kk",
                                   "reason": "blurry", "count": 1}]
    # every other service of Langsa is listed with nothing in it
    others = [s for s in body["services"] if s["service"] != PASPOR]
    assert others and all(s["submitted"] == 0 and s["came_once_rate"] is None for s in others)
    assert body["totals"]["submitted"] == 5 and body["totals"]["came_once_rate"] == round(2 / 3, 4)
    # workload: the one officer who did it all, by action
    (person,) = body["workload"]
    assert person["username"] == world.imigrasi["username"]
    assert person["actions"]["start_review"] == 5  # A, B twice, C, D
    assert person["actions"]["mark_ready"] == 3 and person["actions"]["complete"] == 3
    assert person["actions"]["request_revision"] == 1 and person["actions"]["reject"] == 1
    # the floor's three tickets (B twice, C once), each waited 10 minutes, served 10
    floor = body["floor"]
    assert (floor["tickets"], floor["served"], floor["no_shows"]) == (3, 3, 0)
    assert floor["services"][0]["waiting_avg_s"] == 600.0

    # a second catch-up applies nothing twice
    caught_up(world, hours=2)
    assert _dashboard(world, world.supervisor)["services"] == body["services"]

    # each figure as CSV: the same numbers
    response = world.client.get("/api/dashboard/services.csv", headers=world.supervisor["headers"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(True))))
    paspor = next(r for r in rows if r["service"] == PASPOR)
    assert (paspor["came_once"], paspor["came_once_rate"], paspor["first_time_right_share"]) \
        == ("2", str(round(2 / 3, 4)), "0.5")
    for section in dash.SECTIONS:
        response = world.client.get(f"/api/dashboard/{section}.csv",
                                    headers=world.supervisor["headers"])
        assert response.status_code == 200, (section, response.get_data(True))
        assert response.get_data(True).count("\r\n") >= 1
    visits = list(csv.DictReader(io.StringIO(world.client.get(
        "/api/dashboard/second_visits.csv", headers=world.supervisor["headers"]).get_data(True))))
    assert visits == [{"agency": "imigrasi", "service": PASPOR, "service_title": row["name_id"],
                       "requirement": "kk", "requirement_title": "Kartu Keluarga",
                       "applications": "1"}]


def test_walk_ins_count_in_every_figure_and_are_marked(world):
    """The five applications of the first test and two walk-ins started at the counter
    (tests/api/dashboard_world.two_walk_ins): F started, ready and completed today; G started
    two days ago, completed today. By hand, for the passport service:
    submitted 5 + 2 = 7, walk-ins 2 -> share 2/7;
    completed A, B, C, F, G = 5; came once A, C, F = 3 -> 3/5 (walk-ins: F of F, G -> 1/2;
      app: A, C of A, B, C -> 2/3, as before); second visits: kk 1 (B), none rejected 1 (G);
    decided A, B, C, D, F, G = 6; first time right A, C, F, G = 4 -> 4/6 (walk-ins 2/2 = 1.0;
      app 2/4 = 0.5, as before); revisions 1 (B's), none of them a walk-in's;
    ready A, B, C, F, G = 5, all within the SLA (walk-ins 2/2, app 3/3)."""
    five_applications(world)
    two_walk_ins(world)
    caught_up(world)

    body = _dashboard(world, world.supervisor)
    row = next(s for s in body["services"] if s["service"] == PASPOR)
    assert (row["submitted"], row["completed"], row["came_once"]) == (7, 5, 3)
    assert row["came_once_rate"] == 0.6
    assert row["walk_in_share"] == round(2 / 7, 4)
    walk_in, app = row["walk_in"], row["app"]
    assert (walk_in["submitted"], walk_in["completed"], walk_in["came_once"]) == (2, 2, 1)
    assert walk_in["came_once_rate"] == 0.5
    assert (app["submitted"], app["completed"], app["came_once"]) == (5, 3, 2)
    assert app["came_once_rate"] == round(2 / 3, 4)
    assert (row["decided"], row["first_time_right"]) == (6, 4)
    assert row["first_time_right_share"] == round(4 / 6, 4)
    assert (walk_in["decided"], walk_in["first_time_right"],
            walk_in["first_time_right_share"]) == (2, 2, 1.0)
    assert (app["decided"], app["first_time_right"], app["first_time_right_share"]) == (4, 2, 0.5)
    assert (walk_in["revisions"], app["revisions"]) == (0, 1)
    assert (row["ready"], row["ready_within_sla"], row["sla_share"]) == (5, 5, 1.0)
    assert (walk_in["ready"], walk_in["sla_share"], app["ready"], app["sla_share"]) == (
        2, 1.0, 3, 1.0)
    assert row["second_visit_reasons"] == {"(none)": 1, "kk": 1}
    totals = body["totals"]
    assert (totals["walk_in"]["submitted"], totals["walk_in"]["came_once"]) == (2, 1)
    assert totals["walk_in_share"] == round(2 / 7, 4)
    assert totals["app"]["came_once_rate"] == round(2 / 3, 4)
    # a verifier of the agency sees the same split
    own = next(s for s in _dashboard(world, world.imigrasi)["services"]
               if s["service"] == PASPOR)
    assert (own["walk_in"], own["app"]) == (walk_in, app)

    # the CSV carries both channels beside the totals
    rows = list(csv.DictReader(io.StringIO(world.client.get(
        "/api/dashboard/services.csv", headers=world.supervisor["headers"]).get_data(True))))
    paspor = next(r for r in rows if r["service"] == PASPOR)
    assert (paspor["submitted"], paspor["walk_in_submitted"], paspor["app_submitted"]) == (
        "7", "2", "5")
    assert (paspor["walk_in_came_once_rate"], paspor["app_came_once_rate"]) == (
        "0.5", str(round(2 / 3, 4)))
    assert (paspor["walk_in_first_time_right_share"], paspor["app_sla_share"]) == ("1.0", "1.0")
    total = next(r for r in rows if r["service"] == "*")
    assert (total["walk_in_submitted"], total["walk_in_share"]) == ("2", str(round(2 / 7, 4)))


def test_codes_come_with_their_titles(world):
    """The dashboard names what its codes mean: the service's title, the requirement's
    document type and the rejection reason's words, in both languages, and each CSV puts the
    title in the caller's language beside the code."""
    five_applications(world)
    caught_up(world)
    body = _dashboard(world, world.supervisor)
    names = body["names"]
    assert names["requirements"]["kk"] == {"name_id": "Kartu Keluarga",
                                           "name_en": "Family card (Kartu Keluarga)"}
    assert names["reasons"] == {"blurry": {"name_id": "Foto buram", "name_en": "Blurry photo"}}
    row = next(s for s in body["services"] if s["service"] == PASPOR)
    assert names["services"][PASPOR] == {"name_id": row["name_id"], "name_en": row["name_en"]}
    assert set(names["services"]) == {s["service"] for s in body["services"]}

    def csv_rows(section, lang):
        response = world.client.get(f"/api/dashboard/{section}.csv", headers={
            **world.supervisor["headers"], "Accept-Language": lang})
        assert response.status_code == 200, response.get_data(True)
        return list(csv.DictReader(io.StringIO(response.get_data(True))))

    (rejection,) = csv_rows("rejections", "id")
    assert rejection == {"service": PASPOR, "service_title": row["name_id"],
                         "requirement": "kk", "requirement_title": "Kartu Keluarga",
                         "reason": "blurry", "reason_title": "Foto buram", "count": "1"}
    (rejection,) = csv_rows("rejections", "en")
    assert (rejection["service_title"], rejection["requirement_title"],
            rejection["reason_title"]) == (row["name_en"], "Family card (Kartu Keluarga)",
                                           "Blurry photo")
    (visit,) = csv_rows("second_visits", "en")
    assert (visit["requirement"], visit["requirement_title"]) == ("kk",
                                                                  "Family card (Kartu Keluarga)")
    paspor = next(r for r in csv_rows("services", "id") if r["service"] == PASPOR)
    assert paspor["service_title"] == row["name_id"]


def test_submit_to_ready_percentiles_and_sla_from_the_journal(world):
    """Four applications made ready 5, 20, 50 and 400 hours after their submit (journal rows
    as the engine writes them). Nearest-rank median of four: the 2nd (20 h); p90: the 4th
    (400 h). Ready within the SLA: those ready on or before their due date."""
    made = [world.submitted() for _ in range(4)]
    hours = [5, 20, 50, 400]
    with world.app.app_context():
        for m, h in zip(made, hours):
            submitted = db.session.scalar(select(AuditEvent.at).where(
                AuditEvent.target_id == m["id"], AuditEvent.action == "sync.application.submit"))
            db.session.add(AuditEvent(
                at=submitted + dt.timedelta(hours=h), actor_kind="officer",
                actor_id=str(world.imigrasi["id"]), action="sync.mark_ready",
                target_kind="application", target_id=m["id"], outcome="ok",
                details={"previous": "approved", "state": "ready", "version": 9}))
        db.session.commit()
        due = {m["id"]: db.session.get(Application, m["id"]).due_on for m in made}
        submitted_at = {m["id"]: db.session.get(Application, m["id"]).submitted_at
                        for m in made}
    within = sum(1 for m, h in zip(made, hours)
                 if local_date(submitted_at[m["id"]] + dt.timedelta(hours=h)) <= due[m["id"]])
    assert within == 3  # the passport's SLA is days, not 400 hours: the last one is late
    caught_up(world, hours=500)
    last = (local_date(now()) + dt.timedelta(days=1)).isoformat()
    row = next(s for s in _dashboard(world, world.supervisor, last=last)["services"]
               if s["service"] == PASPOR)
    assert (row["ready_hours_median"], row["ready_hours_p90"]) == (20, 400)
    assert (row["ready"], row["ready_within_sla"], row["sla_share"]) == (4, 3, 0.75)
    assert row["first_time_right"] == 4
    # a period of whole months reads the monthly histogram instead of the facts: the same
    today = local_date(now())
    month = today.replace(day=1)
    end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    assert dash._months_within(month, end) == ([month], [])
    row = next(s for s in _dashboard(world, world.supervisor, first=month.isoformat(),
                                     last=end.isoformat())["services"] if s["service"] == PASPOR)
    assert (row["ready_hours_median"], row["ready_hours_p90"], row["sla_share"]) == (20, 400,
                                                                                     0.75)


def test_backlog_by_age_overdue_and_in_review_from_its_rollup(world):
    """Three submitted applications, their submit day and due date set back as if submitted
    on other days (WIB): P two days ago (due later), Q five days ago (due two days ago),
    R twenty days ago (due ten days ago). By hand: backlog submitted 3; ages 0-2: P, 3-7: Q,
    15+: R; overdue now: Q and R. R can no longer change bucket, so the catch-up folds it into
    the settled sums. Then an officer starts reviewing R: submitted 2 (P, Q), in review 1
    (R: still 15+ and overdue, so overdue 2), that officer has 1 in review now."""
    made = {k: world.submitted() for k in "pqr"}
    today = local_date(now())
    back = {"p": (2, None), "q": (5, 2), "r": (20, 10)}
    with world.app.app_context():
        for k, (submitted_days, due_days) in back.items():
            row = db.session.get(Application, made[k]["id"])
            row.submitted_at = row.submitted_at - dt.timedelta(days=submitted_days)
            if due_days is not None:
                row.due_on = today - dt.timedelta(days=due_days)
        db.session.commit()
    caught_up(world)
    with world.app.app_context():
        assert db.session.scalar(select(func.sum(OpsBacklogSettled.n))) == 1  # R

    row = next(s for s in _dashboard(world, world.supervisor)["services"]
               if s["service"] == PASPOR)
    assert row["backlog"] == {"submitted": 3, "in_review": 0, "revision_requested": 0,
                              "approved": 0, "ready": 0}
    assert row["backlog_age"] == {"0-2": 1, "3-7": 1, "8-14": 0, "15+": 1}
    assert row["overdue_now"] == 2

    world.act(world.imigrasi, made["r"]["id"], "start-review")
    caught_up(world)
    body = _dashboard(world, world.imigrasi)
    row = next(s for s in body["services"] if s["service"] == PASPOR)
    assert row["backlog"] == {"submitted": 2, "in_review": 1, "revision_requested": 0,
                              "approved": 0, "ready": 0}
    assert row["backlog_age"] == {"0-2": 1, "3-7": 1, "8-14": 0, "15+": 1}
    assert row["overdue_now"] == 2
    (person,) = body["workload"]
    assert (person["username"], person["in_review_now"]) == (world.imigrasi["username"], 1)


def test_a_verifier_sees_their_agency_and_is_refused_another(world):
    world.submitted()
    caught_up(world)
    own = _dashboard(world, world.imigrasi)
    assert own["scope"]["agency"] == "imigrasi"
    assert {s["agency"] for s in own["services"]} == {"imigrasi"}
    assert own["services"][0]["submitted"] + sum(s["submitted"] for s in own["services"][1:]) == 1

    with world.app.app_context():
        before = db.session.scalar(select(func.count()).select_from(OpsApplication))
    for query in ({"agency": "dukcapil"}, {"mpp": "payakumbuh"}):
        response = world.client.get("/api/dashboard", query_string=query,
                                    headers={**world.imigrasi["headers"],
                                             "Accept-Language": "en"})
        error = assert_error(response, 403, "dashboard_out_of_reach")
        assert "own agency" in error["message"]
    response = world.client.get("/api/dashboard/services.csv",
                                query_string={"agency": "dukcapil"},
                                headers=world.imigrasi["headers"])
    assert "instansi" in assert_error(response, 403, "dashboard_out_of_reach")["message"]
    denied = world.audit("dashboard.denied")
    assert [e.target_id for e in denied] == ["-/dukcapil", "payakumbuh/-", "-/dukcapil"]
    assert all(e.outcome == "denied" and e.actor_id == str(world.imigrasi["id"])
               for e in denied)
    with world.app.app_context():  # nothing else changed
        assert db.session.scalar(select(func.count()).select_from(OpsApplication)) == before


def test_a_supervisor_sees_their_mpp_only_and_an_admin_any(world, callers):
    world.submitted()
    caught_up(world)
    assert_error(world.client.get("/api/dashboard", query_string={"mpp": "langsa"},
                                  headers=world.elsewhere["headers"]),
                 403, "dashboard_out_of_reach")
    theirs = _dashboard(world, world.elsewhere)
    assert theirs["scope"]["mpp"] == "payakumbuh" and theirs["totals"]["submitted"] == 0
    one_agency = _dashboard(world, world.supervisor, agency="imigrasi")
    assert one_agency["totals"]["submitted"] == 1
    assert _dashboard(world, world.supervisor, agency="dukcapil")["totals"]["submitted"] == 0
    assert_error(world.client.get("/api/dashboard", query_string={"agency": "nope"},
                                  headers=world.supervisor["headers"]), 404, "agency_not_found")
    admin = callers.officer("admin")
    assert _dashboard(world, admin, mpp="langsa")["totals"]["submitted"] == 1
    assert_error(world.client.get("/api/dashboard", query_string={"mpp": "nope"},
                                  headers=admin["headers"]), 404, "mpp_not_found")


def test_a_bad_period_is_refused(world):
    for query in ({"first": "2026-03-01", "last": "2026-02-01"},
                  {"first": "2024-01-01", "last": "2026-01-01"}):
        error = assert_error(world.client.get("/api/dashboard", query_string=query,
                                              headers=world.supervisor["headers"]),
                             400, "dashboard_period_invalid")
        assert "400" in error["message"]
    assert_error(world.client.get("/api/dashboard", query_string={"first": "kemarin"},
                                  headers=world.supervisor["headers"]), 400, "validation_failed")


def test_the_period_selects_the_cohort(world):
    world.submitted()
    caught_up(world)
    yesterday = local_date(now()) - dt.timedelta(days=1)
    body = _dashboard(world, world.supervisor, first=(yesterday - dt.timedelta(days=9))
                      .isoformat(), last=yesterday.isoformat())
    assert body["totals"]["submitted"] == 0
    assert body["totals"]["backlog"]["submitted"] == 1  # the backlog is as of now
    with world.app.app_context():
        assert db.session.scalar(select(Mpp.code).where(Mpp.code == "langsa")) == "langsa"
