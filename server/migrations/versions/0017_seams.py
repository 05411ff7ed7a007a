"""seams: an invalid document's reason is stored as its message code, no longer as text

The UTC column type (server/db_types.py) needed no schema change: every timestamp column
already held naive UTC, which is what the type stores.

Uploads stored an invalid document's reason as one string in both languages
("<Bahasa Indonesia> / <English>"); now `document.reason` holds the code (a key of
server/i18n.py) and the server puts it into words when it answers. Upgrade turns each stored
text of a known reason into its code; downgrade turns the codes back into the texts. A reason
stored in other words (none known) is left as it is: the server shows such text unchanged.

Revision ID: 0017_seams
Revises: 0016_document_checks
Create Date: 2026-12-04 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_seams'
down_revision = '0016_document_checks'
branch_labels = None
depends_on = None

# The reasons uploads stored, as they were written (server/uploads, before this revision):
# (code, Bahasa Indonesia, English), stored as "<id> / <en>".
REASONS = (
    ("upload_invalid_empty",
     "Berkas kosong.",
     "The file is empty."),
    ("upload_invalid_sha256",
     "Berkas yang diterima tidak sama dengan yang dikirim. Unggah ulang.",
     "The file received differs from the one sent. Upload it again."),
    ("upload_invalid_type",
     "Berkas bukan foto JPEG, PNG, WebP, atau dokumen PDF.",
     "The file is not a JPEG, PNG or WebP photo or a PDF document."),
    ("upload_invalid_type_mismatch",
     "Isi berkas tidak sesuai dengan jenisnya (misalnya foto yang dinamai .pdf).",
     "The file's content does not match its type (e.g. a photo named .pdf)."),
    ("upload_invalid_damaged",
     "Berkas rusak atau tidak lengkap dan tidak dapat dibuka.",
     "The file is damaged or incomplete and cannot be opened."),
    ("upload_invalid_image_too_large",
     "Gambar terlalu besar (jumlah piksel). Perkecil lalu unggah ulang.",
     "The image is too large (pixel count). Make it smaller and upload again."),
    ("upload_invalid_trailing_data",
     "Berkas berisi data tambahan yang tidak dikenal setelah gambar.",
     "The file carries unknown extra data after the image."),
    ("upload_invalid_pdf_pages",
     "PDF terlalu banyak halaman (maksimum 50).",
     "The PDF has too many pages (at most 50)."),
    ("upload_invalid_pdf_encrypted",
     "PDF dilindungi kata sandi. Unggah PDF tanpa kata sandi.",
     "The PDF is password-protected. Upload it without a password."),
    ("upload_invalid_pdf_active",
     "PDF berisi skrip, tindakan yang berjalan sendiri, atau berkas sisipan, dan tidak diterima. Pindai ulang dokumen atau kirim foto halamannya.",
     "The PDF contains scripts, actions that run by themselves, or embedded files, and is not accepted. Scan the document again or send photos of its pages."),
    ("upload_invalid_cancelled",
     "Unggahan dibatalkan.",
     "The upload was cancelled."),
    ("upload_invalid_expired",
     "Unggahan tidak selesai dalam 24 jam dan sudah dihapus.",
     "The upload was not finished within 24 hours and was removed."),
)

document = sa.table("document", sa.column("reason", sa.Text))


def upgrade():
    for code, text_id, text_en in REASONS:
        op.execute(document.update().where(document.c.reason == f"{text_id} / {text_en}")
                   .values(reason=code))


def downgrade():
    for code, text_id, text_en in REASONS:
        op.execute(document.update().where(document.c.reason == code)
                   .values(reason=f"{text_id} / {text_en}"))
