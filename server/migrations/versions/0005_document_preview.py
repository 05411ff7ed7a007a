"""uploads: WebP previews for officers (filled by the uploads work)

Revision ID: 0005_document_preview
Revises: 0004_uploads
Create Date: 2026-11-23 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_document_preview'
down_revision = '0004_uploads'
branch_labels = None
depends_on = None


def upgrade():
    # The storage name of a finished image's WebP preview (server/uploads/previews.py).
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preview_name', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_upload_preview_name'), ['preview_name'])


def downgrade():
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_upload_preview_name'), type_='unique')
        batch_op.drop_column('preview_name')
