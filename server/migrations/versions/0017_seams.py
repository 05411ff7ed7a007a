"""spare for the seams (UTC column type), empty unless needed (reserved: empty until its domain fills it)

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


def upgrade():
    pass


def downgrade():
    pass
