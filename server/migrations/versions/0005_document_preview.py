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
    pass


def downgrade():
    pass
