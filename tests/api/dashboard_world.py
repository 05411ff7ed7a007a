"""A world for the dashboard's figures (tests/api/test_dashboard.py, the browser test of the
supervisor's screens): five passport applications at imigrasi Langsa taken through the real
API, with the visit floor's record of when their citizens came."""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select

from server.applications.models import Application
from server.catalog.models import Agency, Service
from server.dashboard import operations as dash
from server.extensions import db
from server.visit_queue.models import QueueTicket, QueueTicketApplication
from server.walk_in.models import WalkIn
from sync.space import local_date
from tests.api.officer_world import PASPOR, PICKUP, now


def caught_up(world, hours: float = 1) -> None:
    """The rollup as a request `hours` from now would make it (nothing left in LAG)."""
    with world.app.app_context():
        dash.catch_up(db.session, now() + dt.timedelta(hours=hours))
        db.session.commit()


def ticket_code(world, made) -> str:
    return world.pulled(made)[f"application/{made['id']}"]["ticket"]["code"]


def complete(world, made) -> None:
    world.act(world.imigrasi, made["id"], "complete", code=ticket_code(world, made))


def came(world, app_id: str, days: list[dt.date]) -> None:
    """The visit floor's record of the citizen coming on `days` for this application (one
    queue ticket each, served with the application), as server/visit_queue writes it."""
    with world.app.app_context():
        service = db.session.scalar(select(Service).where(Service.code == PASPOR))
        agency = db.session.get(Agency, service.agency_id)
        for i, day in enumerate(days):
            moment = dt.datetime.combine(day, dt.time(3, 0), dt.timezone.utc)
            ticket = QueueTicket(
                mpp_id=agency.mpp_id, agency_id=agency.id, day=day, seq=900 + i,
                number=f"B-{900 + i}", service_id=service.id, status="done", lane="walk_in",
                channel="walk_in", minutes=15, qr_token=secrets.token_hex(8),
                checked_in_at=moment, called_at=moment + dt.timedelta(minutes=10),
                done_at=moment + dt.timedelta(minutes=20))
            db.session.add(ticket)
            db.session.flush()
            db.session.add(QueueTicketApplication(ticket_id=ticket.id, application_id=app_id))
        db.session.commit()


def revised(world, made) -> None:
    """Rejected KK (template reason 'blurry'), sent back, fixed by the citizen, resubmitted."""
    app_id = made["id"]
    world.act(world.imigrasi, app_id, "start-review")
    world.act(world.imigrasi, app_id, "review", requirement="ktp", decision="accept")
    world.act(world.imigrasi, app_id, "review", requirement="kk", decision="reject",
              reason="blurry", note="terpotong")
    world.act(world.imigrasi, app_id, "request-revision", note="Unggah ulang KK")
    phone = made["phone"]
    new_kk = world.document(made["citizen"]["id"], "kk")
    results = phone.push(
        phone.mutation("application.attach", application_id=app_id, requirement_code="kk",
                       document_id=new_kk),
        phone.mutation("application.submit", application_id=app_id)).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    world.act(world.imigrasi, app_id, "start-review")
    world.act(world.imigrasi, app_id, "review", requirement="kk", decision="accept")
    world.act(world.imigrasi, app_id, "approve")
    world.act(world.imigrasi, app_id, "mark-ready", pickup=PICKUP)


def five_applications(world) -> dict:
    """A ready and completed, never through the queue (came once); B revised once for its KK
    (blurry), two queue numbers on two days (came twice); C completed with one queue number
    on the day (came once); D rejected; E submitted. Returns them by letter."""
    a, b, c, d, e = (world.submitted() for _ in range(5))
    world.to_ready(a["id"])
    complete(world, a)
    revised(world, b)
    today = local_date(now())
    came(world, b["id"], [today - dt.timedelta(days=2), today])
    complete(world, b)
    world.to_ready(c["id"])
    came(world, c["id"], [today])
    complete(world, c)
    world.act(world.imigrasi, d["id"], "start-review")
    world.act(world.imigrasi, d["id"], "reject", note="Bukan WNI")
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def walk_in(world, serial: int, started_days_ago: int = 0) -> str:
    """A walk-in passport application taken through the console's walk-in API (no phone, as
    tests/api/test_walk_in.py does it: identity, form, two photographed documents, submit),
    then made ready and completed at the counter today. `started_days_ago`: the day the
    officer started it at the counter (the citizen came then too), as server/walk_in writes
    its mark. Returns its id."""
    from tests.api.walk_in_world import BASE, FORM, attach_and_submit, start

    officer = world.imigrasi
    nik = f"117401570590{serial:04d}"  # Kota Langsa, a woman born 17 May 1990
    started = start(world, officer, nik=nik, no_phone=True, note="Tidak punya HP")
    assert started.status_code == 201, started.get_data(True)
    app_id = started.get_json()["id"]
    # no phone of their own: the form's contact number is a relative's
    filled = world.post(officer, f"{BASE}/{app_id}/fields",
                        {"fields": {**FORM, "phone": f"0813 5555 {serial:04d}"}})
    assert filled.status_code == 200, filled.get_data(True)
    attach_and_submit(world, officer, app_id)
    if started_days_ago:
        with world.app.app_context():
            mark = db.session.get(WalkIn, app_id)
            mark.created_at = mark.created_at - dt.timedelta(days=started_days_ago)
            db.session.commit()
    world.to_ready(app_id)
    with world.app.app_context():
        ticket = db.session.get(Application, app_id).ticket_code
    world.act(officer, app_id, "complete", code=ticket)
    return app_id


def two_walk_ins(world) -> dict:
    """F started, submitted, made ready and completed today at the counter (came once); G
    started at the counter two days ago, submitted and completed today (came twice, with no
    requirement rejected). Neither was revised; both were ready within the SLA."""
    return {"f": walk_in(world, 43), "g": walk_in(world, 44, started_days_ago=2)}
