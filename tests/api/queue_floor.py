"""The MPP floor in tests: kiosk and display keys made by the real CLI, officers, booked
visits made through the booking API, and the floor's clock set to a working day of the demo
calendar (config QUEUE_CLOCK), so the tests hold whatever day the suite runs."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from server.extensions import db
from server.visit_queue.models import QueueBoard, QueueCall, QueueDay, QueueTicket
from sync.space import WIB
from tests.api.visits_data import at, make_application, working_day

KK = "langsa.dukcapil.kk-baru"          # Loket 2 (dukcapil, 2 desks)
KTP = "langsa.dukcapil.ktp-el-baru"     # Loket 4 (dukcapil, perekaman)
NIB = "langsa.dpmptsp.nib"              # Loket 1 (dpmptsp)
Q = "/api/queue"


class FloorWorld:
    def __init__(self, app, client, callers, runner):
        self.app, self.client, self.callers, self.runner = app, client, callers, runner
        with app.app_context():
            self.day = working_day()
        self.set_clock("09:50")
        self.kiosk = self.key("kiosk-key", "langsa")
        self.display = self.key("display-key", "langsa")
        self.dukcapil = callers.officer("verifier", "langsa", "dukcapil")
        self.dpmptsp = callers.officer("verifier", "langsa", "dpmptsp")
        self.imigrasi = callers.officer("verifier", "langsa", "imigrasi")
        self.supervisor = callers.officer("supervisor", "langsa")

    # ---- the clock and devices --------------------------------------------------------
    def set_clock(self, clock: str, day: dt.date | None = None) -> dt.datetime:
        hours, minutes = map(int, clock.split(":"))
        moment = dt.datetime.combine(day or self.day, dt.time(hours, minutes), WIB)
        self.app.config["QUEUE_CLOCK"] = lambda: moment
        return moment

    def key(self, command: str, mpp: str) -> dict:
        result = self.runner.invoke(args=["queue", command, mpp, "--name", "uji"])
        assert result.exit_code == 0, (result.output, repr(result.exception))
        key = result.stdout.strip().splitlines()[-1]
        assert key.startswith("sdq_")
        return {"X-Device-Key": key}

    # ---- kiosk --------------------------------------------------------------------------
    def walk_in(self, service=KK, headers=None):
        return self.client.post(f"{Q}/kiosk/walk-in", json={"service": service},
                                headers={**self.kiosk, **(headers or {})})

    def check_in(self, code, headers=None, kiosk=None):
        return self.client.post(f"{Q}/kiosk/check-in", json={"ticket": code},
                                headers={**(kiosk or self.kiosk), **(headers or {})})

    # ---- a booked visit -----------------------------------------------------------------
    def booking(self, services=(KK,), clock: str = "10:00") -> dict:
        """A citizen with ready applications booked into one visit on the floor's day."""
        citizen = self.callers.citizen()
        with self.app.app_context():
            ids = [make_application(citizen["id"], s) for s in services]
        response = self.client.post("/api/visits/bookings", headers=citizen["headers"],
                                    json={"applications": ids,
                                          "arrives_at": at(self.day, clock)})
        assert response.status_code == 201, response.get_json()
        return {"citizen": citizen, "applications": ids, **response.get_json()}

    # ---- counters -----------------------------------------------------------------------
    def line(self, officer, counter="loket-2"):
        return self.client.get(f"{Q}/counters/{counter}/line", headers=officer["headers"])

    def call_next(self, officer, counter="loket-2", desk=1):
        return self.client.post(f"{Q}/counters/{counter}/call-next", json={"desk": desk},
                                headers=officer["headers"])

    def act(self, officer, ticket_id, action, body=None):
        return self.client.post(f"{Q}/tickets/{ticket_id}/{action}", json=body or {},
                                headers=officer["headers"])

    # ---- what a refusal must leave as it was ------------------------------------------------
    def state(self):
        with self.app.app_context():
            def count(model):
                return db.session.scalar(select(func.count()).select_from(model))
            tickets = db.session.execute(select(
                QueueTicket.id, QueueTicket.status, QueueTicket.calls, QueueTicket.counter_id,
                QueueTicket.desk).order_by(QueueTicket.id)).all()
            days = db.session.execute(select(QueueDay.agency_id, QueueDay.last_number,
                                             QueueDay.walk_in_taken)
                                      .order_by(QueueDay.agency_id)).all()
            boards = db.session.execute(select(QueueBoard.mpp_id, QueueBoard.version)).all()
            return (tickets, days, boards, count(QueueCall))
