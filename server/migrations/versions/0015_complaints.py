"""complaints (pengaduan) and their handling (reserved: empty until its domain fills it)

Revision ID: 0015_complaints
Revises: 0014_survey
Create Date: 2026-12-04 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_complaints'
down_revision = '0014_survey'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
