"""Officers of MPP Langsa and their citizens' applications, made the way the PWA makes them
(sync push over HTTP), for the console's API tests and the OpenAPI fuzz test."""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from sqlalchemy import func, select

from server.applications.models import Application, ApplicationRequirement, Notification
from server.applications.store import SqlUnitOfWork
from server.audit.models import AuditEvent
from server.extensions import db
from sync import documents, reconcile
from tests.api.devices import Device

PASPOR = "langsa.imigrasi.paspor-baru"
NIK_PREFIX = "117401170590"  # Kota Langsa, a man born 17 May 1990; the serial varies
_serial = iter(range(1, 9999))
BASE = "/api/officer/applications"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class World:
    """Officers of MPP Langsa (imigrasi: owns the passport service; dukcapil: does not), a
    supervisor of Langsa and one of Payakumbuh, and helpers to make citizens' applications."""

    def __init__(self, app, client, callers):
        self.app, self.client, self.callers = app, client, callers
        self.imigrasi = callers.officer("verifier", "langsa", "imigrasi")
        self.imigrasi_2 = callers.officer("verifier", "langsa", "imigrasi")
        self.dukcapil = callers.officer("verifier", "langsa", "dukcapil")
        self.supervisor = callers.officer("supervisor", "langsa")
        self.elsewhere = callers.officer("supervisor", "payakumbuh")

    # ---- citizens ---------------------------------------------------------------------
    def _uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(db.engine)

    def document(self, citizen_id, doc_type: str) -> str:
        document_id = str(uuid.uuid4())
        with self.app.app_context():
            uow = self._uow()
            with uow.transaction():
                documents.register_upload(uow, str(citizen_id), document_id, now(),
                                          content_type="image/jpeg", size=123_456,
                                          sha256=hashlib.sha256(document_id.encode()).hexdigest(),
                                          document_type=doc_type)
            with uow.transaction():
                documents.finish_upload(uow, document_id, now(), ok=True)
        return document_id

    def submitted(self, *, birth_place: str = "Langsa", nik: str | None = None):
        """A citizen with a verified record and a submitted passport application."""
        citizen = self.callers.citizen()
        nik = nik or f"{NIK_PREFIX}{next(_serial):04d}"
        record = {"nik": nik, "full_name": "BUDI SANTOSO", "birth_place": "Langsa",
                  "birth_date": "1990-05-17", "sex": "L", "address": "Jl. Ahmad Yani No. 5",
                  "email": "budi@example.id"}
        with self.app.app_context():
            uow = self._uow()
            with uow.transaction():
                reconcile.update_profile(uow, str(citizen["id"]), record, set(record), now(),
                                         actor="system", actor_id="dukcapil")
        phone = Device(self.client, citizen["headers"])
        app_id = str(uuid.uuid4())
        ktp, kk = self.document(citizen["id"], "ktp"), self.document(citizen["id"], "kk")
        response = phone.push(
            phone.mutation("application.create", application_id=app_id, service_id=PASPOR),
            phone.mutation("application.set_fields", application_id=app_id, fields={
                "passport_type": "elektronik", "purpose": "wisata",
                "birth_place": birth_place}),
            phone.mutation("application.attach", application_id=app_id,
                           requirement_code="ktp", document_id=ktp),
            phone.mutation("application.attach", application_id=app_id,
                           requirement_code="kk", document_id=kk),
            phone.mutation("application.submit", application_id=app_id))
        results = response.get_json()["results"]
        assert all(r["status"] == "applied" for r in results), results
        return {"citizen": citizen, "phone": phone, "id": app_id, "ktp": ktp, "kk": kk,
                "nik": nik}

    # ---- officers ---------------------------------------------------------------------
    def get(self, who, path, **kwargs):
        return self.client.get(path, headers=who["headers"], **kwargs)

    def post(self, who, path, body, lang=None):
        headers = dict(who["headers"])
        if lang:
            headers["Accept-Language"] = lang
        return self.client.post(path, json=body, headers=headers)

    def detail(self, who, app_id) -> dict:
        response = self.get(who, f"{BASE}/{app_id}")
        assert response.status_code == 200, response.get_data(True)
        return response.get_json()

    def act(self, who, app_id, action, status=200, **body):
        if "version" not in body:
            body["version"] = self.detail(who, app_id)["version"]
        response = self.post(who, f"{BASE}/{app_id}/{action}", body)
        assert response.status_code == status, response.get_data(True)
        return response.get_json()

    def stored(self, app_id) -> dict:
        """Everything an action could change, read straight from the database."""
        with self.app.app_context():
            a = db.session.get(Application, app_id)
            rows = db.session.scalars(select(ApplicationRequirement).where(
                ApplicationRequirement.application_id == app_id)).all()
            notes = db.session.scalar(select(func.count()).select_from(Notification).where(
                Notification.application_id == app_id))
            return {"state": a.state, "version": a.version, "note": a.officer_note,
                    "pickup": a.pickup, "ticket": a.ticket_code, "reviewer": a.reviewer_id,
                    "requirements": {r.code: (r.review_status, r.officer_note, r.document_id)
                                     for r in rows},
                    "notifications": notes}

    def audit(self, action) -> list[AuditEvent]:
        with self.app.app_context():
            return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                      .order_by(AuditEvent.id)).all()

    def to_approved(self, app_id, who=None):
        who = who or self.imigrasi
        self.act(who, app_id, "start-review")
        for code in ("ktp", "kk"):
            self.act(who, app_id, "review", requirement=code, decision="accept")
        return self.act(who, app_id, "approve")

    def to_ready(self, app_id, who=None):
        who = who or self.imigrasi
        self.to_approved(app_id, who)
        return self.act(who, app_id, "mark-ready", pickup=PICKUP)

    def pulled(self, made) -> dict:
        patch = made["phone"].pull(cookie=None).get_json()["patch"]
        return {op["key"]: op.get("value") for op in patch}


PICKUP = {"counter": "Loket 5", "hours": "Senin-Jumat 08.00-16.00",
          "bring": ["KTP-el asli", "Kartu Keluarga asli"]}
