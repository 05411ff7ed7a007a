"""Migration 0017_seams with rows: an invalid document's reason stored as text in both
languages becomes its code on the way up and the same text again on the way down; a reason
in other words is left as it is, and every other column is untouched."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from server.accounts.models import Citizen
from server.applications.models import Document
from server.db_types import utcnow
from server.extensions import db
from server.i18n import MESSAGES, reason_words

OLD_DAMAGED = ("Berkas rusak atau tidak lengkap dan tidak dapat dibuka. / The file is damaged "
               "or incomplete and cannot be opened.")
OLD_EXPIRED = ("Unggahan tidak selesai dalam 24 jam dan sudah dihapus. / The upload was not "
               "finished within 24 hours and was removed.")
OTHER_WORDS = "Foto terpotong / Photo cut off"


def _reasons() -> dict[str, str]:
    return dict(db.session.execute(sa.select(Document.id, Document.reason)).all())


def _rows() -> list:
    return [tuple(r) for r in db.session.execute(
        sa.select(Document.id, Document.status, Document.created_at, Document.sha256,
                  Document.version).order_by(Document.id))]


def test_stored_reasons_become_codes_and_back(app):
    with app.app_context():
        downgrade(revision="0016_document_checks")
        citizen = Citizen(phone="+6281200000777")
        db.session.add(citizen)
        db.session.flush()
        for doc_id, reason in (("d-damaged", OLD_DAMAGED), ("d-expired", OLD_EXPIRED),
                               ("d-other", OTHER_WORDS), ("d-ready", "")):
            db.session.add(Document(id=doc_id, citizen_id=citizen.id,
                                    status="ready" if not reason else "invalid",
                                    created_at=utcnow(), reason=reason, version=1))
        db.session.commit()
        before = _rows()
        db.session.remove()

        upgrade()
        assert _reasons() == {"d-damaged": "upload_invalid_damaged",
                              "d-expired": "upload_invalid_expired",
                              "d-other": OTHER_WORDS, "d-ready": ""}
        assert _rows() == before
        # What the citizen reads is what was stored before.
        assert reason_words("upload_invalid_damaged") == OLD_DAMAGED
        assert reason_words("upload_invalid_expired") == OLD_EXPIRED
        assert reason_words(OTHER_WORDS) == OTHER_WORDS
        db.session.remove()

        downgrade(revision="0016_document_checks")
        assert _reasons() == {"d-damaged": OLD_DAMAGED, "d-expired": OLD_EXPIRED,
                              "d-other": OTHER_WORDS, "d-ready": ""}
        assert _rows() == before
        db.session.remove()
        upgrade()


def test_every_reason_uploads_store_is_known_to_the_migration():
    """The migration's frozen texts are today's catalog texts, for every upload reason."""
    import importlib

    seams = importlib.import_module("server.migrations.versions.0017_seams")
    frozen = {code: f"{text_id} / {text_en}" for code, text_id, text_en in seams.REASONS}
    current = {k: reason_words(k) for k in MESSAGES if k.startswith("upload_invalid_")}
    assert frozen == current
