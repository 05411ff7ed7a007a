"""The `upload` table: one resumable (tus) upload of one document.

The document row itself belongs to the citizen's sync space and is written only through the
sync engine (sync/documents.py); this row is the transfer's bookkeeping. `document_id` is
unique: it is the idempotency key of creation. `id` is the random token in the upload URL.
`lock_token` / `locked_at` make PATCH a compare-and-set: a PATCH claims the row (offset must
match, no live claim) before it streams, so two PATCHes of one upload never both write.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Upload(db.Model):
    __tablename__ = "upload"

    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"), unique=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"), index=True)
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    # Declared by the client in Upload-Metadata; kept only as data.
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    # The officers' small WebP preview of a ready image (previews.py); None for PDFs and
    # for anything not ready. Deleted with the file.
    preview_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    completed_at: Mapped[dt.datetime | None]
    terminated: Mapped[bool] = mapped_column(default=False)
    lock_token: Mapped[str | None] = mapped_column(String(32))
    locked_at: Mapped[dt.datetime | None]
