"""Complaints made the way the PWA makes them (complaint.* sync mutations over HTTP) about
applications of the officer world (tests/api/officer_world.py), and what the database holds
of them, for the complaints API tests and the anonymity matrix."""
from __future__ import annotations

import uuid

from sqlalchemy import func, select

from server.applications.models import Notification
from server.audit.models import AuditEvent
from server.complaints.models import Complaint, ComplaintAnswer, ComplaintCounter, ComplaintFiler
from server.extensions import db
from tests.api.officer_world import World

QUEUE = "/api/officer/complaints"


class ComplaintWorld(World):
    def rejected(self, **kwargs) -> dict:
        """A submitted passport application whose KK the imigrasi officer rejected."""
        made = self.submitted(**kwargs)
        self.act(self.imigrasi, made["id"], "start-review")
        self.act(self.imigrasi, made["id"], "review", requirement="ktp", decision="accept")
        self.act(self.imigrasi, made["id"], "review", requirement="kk", decision="reject",
                 reason="blurry", note="bagian bawah terpotong")
        self.act(self.imigrasi, made["id"], "request-revision", note="Mohon unggah ulang KK")
        return made

    def file(self, phone, **args) -> tuple[str, dict]:
        """Push complaint.file; (complaint id, the mutation's result)."""
        args.setdefault("complaint_id", str(uuid.uuid4()))
        args.setdefault("category", "pengaduan")
        args.setdefault("text", "Berkas KK saya ditolak padahal sudah jelas.")
        response = phone.push(phone.mutation("complaint.file", **args))
        assert response.status_code == 200, response.get_data(True)
        return args["complaint_id"], response.get_json()["results"][0]

    def citizen_step(self, phone, name, **args) -> dict:
        response = phone.push(phone.mutation(name, **args))
        assert response.status_code == 200, response.get_data(True)
        return response.get_json()["results"][0]

    def complaint(self, who, complaint_id) -> dict:
        response = self.get(who, f"{QUEUE}/{complaint_id}")
        assert response.status_code == 200, response.get_data(True)
        return response.get_json()

    def handle(self, who, complaint_id, action, status=200, **body):
        if "revision" not in body:
            body["revision"] = self.complaint(who, complaint_id)["revision"]
        response = self.post(who, f"{QUEUE}/{complaint_id}/{action}", body)
        assert response.status_code == status, response.get_data(True)
        return response.get_json()

    def space_value(self, phone, complaint_id) -> dict | None:
        patch = phone.pull(cookie=None).get_json()["patch"]
        return {op["key"]: op.get("value") for op in patch}.get(f"complaint/{complaint_id}")

    def complaint_tables(self) -> dict:
        """Every complaint row as stored, to show that a refusal changed nothing."""
        with self.app.app_context():
            def rows(model):
                return sorted(tuple(sorted((k, repr(v)) for k, v in r._mapping.items()))
                              for r in db.session.execute(select(model.__table__)))
            return {"complaint": rows(Complaint), "filer": rows(ComplaintFiler),
                    "answer": rows(ComplaintAnswer), "counter": rows(ComplaintCounter),
                    "notes": db.session.scalar(select(func.count()).select_from(Notification)
                                               .where(Notification.kind == "complaint_update"))}

    def complaint_audit(self, complaint_id=None) -> list[AuditEvent]:
        with self.app.app_context():
            query = select(AuditEvent).where(AuditEvent.target_kind == "complaint")
            if complaint_id:
                query = query.where(AuditEvent.target_id == complaint_id)
            return db.session.scalars(query.order_by(AuditEvent.id)).all()
