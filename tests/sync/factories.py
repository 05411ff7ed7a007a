"""A small harness over one sync Server for example-based tests: citizens, their devices
(client group + client with its own mutation counter), profiles, documents and officer
actions, with a clock the test moves."""
from __future__ import annotations

import copy
import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sync import documents, officer, reconcile
from sync.model import Application, Document
from sync.pull import pull
from sync.push import push

from .backends import MemoryServer

NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)  # 10:00 WIB, Monday 2 March 2026

# Valid NIKs: region 117401 (Kota Langsa), birth date DDMMYY (+40 on the day for women).
NIK_BUDI = "1174011705900001"   # man, born 17 May 1990
NIK_SITI = "1174024308920002"   # woman, born 3 August 1992
PASPOR = "langsa.imigrasi.paspor-baru"      # nik, birth_date, sex, email... ktp + kk required
KK_CHANGE = "langsa.dukcapil.kk-perubahan"  # nik, kk_number (pattern), details (textarea)
INACTIVE = "langsa.test.tutup"

PROFILE_BUDI = {
    "nik": NIK_BUDI, "full_name": "BUDI SANTOSO", "birth_place": "Langsa",
    "birth_date": "1990-05-17", "sex": "L", "address": "Jl. Ahmad Yani No. 5, Langsa",
    "kk_number": "1174010101100003", "phone": "+6281234567890", "email": "budi@example.id",
}


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Device:
    citizen_id: str
    client_group_id: str = field(default_factory=new_id)
    client_id: str = field(default_factory=new_id)
    next_id: int = 1
    cookie: int | None = None
    view: dict[str, Any] = field(default_factory=dict)

    def mutation(self, name: str, **args: Any) -> dict[str, Any]:
        m = {"id": self.next_id, "name": name, "args": args, "client_time": 1767225600000}
        self.next_id += 1
        return m


class Harness:
    def __init__(self, server: Any = None) -> None:
        self.server = server or MemoryServer()
        self.now = NOW

    @property
    def uow(self):
        return self.server.uow

    # ---- sync --------------------------------------------------------------------------
    def device(self, citizen_id: str) -> Device:
        return Device(citizen_id)

    def body(self, device: Device, *mutations: dict[str, Any]) -> dict[str, Any]:
        return {"protocol": 1, "client_group_id": device.client_group_id,
                "client_id": device.client_id, "mutations": list(mutations)}

    def push(self, device: Device, *mutations: dict[str, Any]) -> dict[str, Any]:
        return push(self.uow, device.citizen_id, self.body(device, *mutations), self.now)

    def do(self, device: Device, name: str, **args: Any) -> dict[str, Any]:
        """Push one mutation; return its result."""
        response = self.push(device, device.mutation(name, **args))
        return response["results"][0]

    def pull(self, device: Device, cookie: Any = "keep") -> dict[str, Any]:
        response = pull(self.uow, device.citizen_id,
                        {"protocol": 1, "client_group_id": device.client_group_id,
                         "cookie": device.cookie if cookie == "keep" else cookie})
        if response["reset"]:
            device.view = {}
        for op in response["patch"]:
            if op["op"] == "put":
                device.view[op["key"]] = op["value"]
            else:
                device.view.pop(op["key"], None)
        device.cookie = response["cookie"]
        return response

    # ---- seeding -----------------------------------------------------------------------
    def profile(self, citizen_id: str, values: dict[str, Any],
                verified: set[str] | None = None) -> None:
        with self.uow.transaction():
            reconcile.update_profile(self.uow, citizen_id, values,
                                     set(values) if verified is None else verified, self.now,
                                     actor="system", actor_id="dukcapil")

    def document(self, citizen_id: str, document_type: str | None = "ktp", *, ok: bool = True,
                 finished: bool = True, content_type: str = "image/jpeg") -> str:
        document_id = new_id()
        with self.uow.transaction():
            documents.register_upload(self.uow, citizen_id, document_id, self.now,
                                      content_type=content_type, size=120_000, sha256="ab" * 32,
                                      document_type=document_type)
        if finished:
            with self.uow.transaction():
                documents.finish_upload(self.uow, document_id, self.now, ok=ok,
                                        reason="" if ok else "The file is not a picture.")
        return document_id

    def wallet_document(self, citizen_id: str, document_type: str) -> str:
        document_id = new_id()
        with self.uow.transaction():
            documents.issue_to_wallet(self.uow, citizen_id, document_id, self.now,
                                      document_type=document_type, content_type="application/pdf",
                                      size=80_000, sha256="cd" * 32, issuer_id="dukcapil")
        return document_id

    def officer(self, action: str, *args: Any, **kwargs: Any) -> None:
        with self.uow.transaction():
            getattr(officer, action)(self.uow, *args, officer_id="officer-1", now=self.now,
                                     **kwargs)

    # ---- reading -----------------------------------------------------------------------
    def application(self, application_id: str) -> Application | None:
        with self.uow.snapshot():
            return self.uow.get_application(application_id)

    def get_document(self, document_id: str) -> Document | None:
        with self.uow.snapshot():
            return self.uow.get_document(document_id)

    def version(self, citizen_id: str) -> int:
        with self.uow.snapshot():
            return self.uow.space_version(citizen_id)

    def space(self, citizen_id: str) -> dict[str, Any]:
        """The citizen's whole space as pull sends it on a reset, key -> value."""
        probe = Device(citizen_id)
        response = pull(self.uow, citizen_id, {"protocol": 1,
                                               "client_group_id": probe.client_group_id,
                                               "cookie": None})
        return {op["key"]: op["value"] for op in response["patch"]}

    def dump(self) -> dict[str, Any]:
        """Everything the memory store holds, to prove that 'nothing changed'."""
        store = self.server.store
        with store.lock:
            return copy.deepcopy({k: v for k, v in vars(store).items() if k != "lock"})


def filled_paspor(h: Harness, device: Device, application_id: str | None = None) -> str:
    """A passport draft of Budi with every field and required document: ready to submit."""
    application_id = application_id or new_id()
    assert h.do(device, "application.create", application_id=application_id,
                service_id=PASPOR)["status"] == "applied"
    assert h.do(device, "application.set_fields", application_id=application_id,
                fields={"passport_type": "elektronik", "purpose": "wisata"})["status"] == "applied"
    for code, doc_type in (("ktp", "ktp"), ("kk", "kk")):
        doc = h.document(device.citizen_id, doc_type)
        result = h.do(device, "application.attach", application_id=application_id,
                      requirement_code=code, document_id=doc)
        assert result["status"] == "applied", result
    return application_id
