"""The `document_check` table: the NIK pre-check of one identity document, and its job.

One row per document (the document id is the key, so a document is checked once however many
applications use it). The row is the durable queue entry too, as the push worker's deliveries
are: `pending` rows wait for a worker, `running` ones are held under a lease (a worker killed
mid-read leaves a lease that runs out, and the job is claimed again, at most MAX_ATTEMPTS
times), `done` rows hold what was read. What the form says is compared when it is shown
(results.py), so a form edited later is compared afresh.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

PENDING, RUNNING, DONE = "pending", "running", "done"
# What a done check found: numbers `read`, nothing readable (`unreadable`: no text, a blank
# page, an image that cannot be opened, a worker that failed on it every time).
READ, UNREADABLE = "read", "unreadable"


class DocumentCheck(db.Model):
    __tablename__ = "document_check"

    document_id: Mapped[str] = mapped_column(String(36), ForeignKey("document.id",
                                                                    ondelete="CASCADE"),
                                             primary_key=True)
    document_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    lease_token: Mapped[str | None] = mapped_column(String(36))
    lease_until: Mapped[dt.datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    # The NIKs read (a KK lists every member's), the KK number on a KK, and the rotation
    # (degrees, counter-clockwise) at which they were read.
    niks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    kk_number: Mapped[str | None] = mapped_column(String(16))
    rotation: Mapped[int | None]
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
