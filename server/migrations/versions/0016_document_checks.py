"""NIK pre-check jobs on identity documents (reserved: empty until its domain fills it)

Revision ID: 0016_document_checks
Revises: 0015_complaints
Create Date: 2026-12-04 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_document_checks'
down_revision = '0015_complaints'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
