"""Helpers for walk-in applications at the counter (#18), as tests/api/test_walk_in.py and
the dashboard's world (tests/api/dashboard_world.py) take them through the console's API:
the identity to start with, the form, a photographed document and its tus upload."""
from __future__ import annotations

import io
import uuid

from PIL import Image, ImageDraw

from tests.api.officer_world import PASPOR
from tests.uploads.conftest import OFFSET_STREAM, TUS, b64, sha256

BASE = "/api/officer/walk-in"
NIK = "1174015705900042"  # Kota Langsa, a woman born 17 May 1990 (day + 40)
FORM = {"full_name": "SITI AMINAH", "birth_place": "Langsa", "address": "Jl. Teuku Umar 3",
        "passport_type": "elektronik", "purpose": "wisata", "email": "siti@example.id"}


def photo(text: str) -> bytes:
    """A document photo as the console sends it (a JPEG of a page with words on it)."""
    image = Image.new("RGB", (900, 600), "white")
    draw = ImageDraw.Draw(image)
    for row in range(12):
        draw.text((40, 30 + row * 45), f"{text} baris {row} NIK {NIK}", fill="black")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def start(world, who, lang=None, **body):
    payload = {"service_id": PASPOR, "nik": NIK, "birth_date": "1990-05-17", "sex": "P",
               "full_name": "SITI AMINAH", **body}
    return world.post(who, BASE, payload, lang=lang)


def upload(world, who, application_id, data: bytes) -> str:
    document_id = str(uuid.uuid4())
    meta = {"document_id": document_id, "filename": "foto.jpg", "content_type": "image/jpeg",
            "sha256": sha256(data)}
    headers = {**TUS, **who["headers"], "Upload-Length": str(len(data)),
               "Content-Type": OFFSET_STREAM,
               "Upload-Metadata": ",".join(f"{k} {b64(v)}" for k, v in meta.items())}
    response = world.client.post(f"{BASE}/{application_id}/uploads", data=data,
                                 headers=headers)
    assert response.status_code == 201, response.get_data(True)
    assert response.headers["Upload-Offset"] == str(len(data))
    assert response.headers["Location"].startswith(f"{BASE}/{application_id}/uploads/")
    return document_id


def attach_and_submit(world, who, application_id):
    """The KTP and the KK photographed at the counter, attached and submitted: the submit's
    answer (asserted 200 on the way)."""
    for code, text in (("ktp", "KTP"), ("kk", "KARTU KELUARGA")):
        document_id = upload(world, who, application_id, photo(text))
        attached = world.post(who, f"{BASE}/{application_id}/attach",
                              {"requirement_code": code, "document_id": document_id})
        assert attached.status_code == 200, attached.get_data(True)
    submitted = world.post(who, f"{BASE}/{application_id}/submit", {})
    assert submitted.status_code == 200, submitted.get_data(True)
    return submitted
