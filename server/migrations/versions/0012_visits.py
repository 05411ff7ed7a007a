"""the one visit: opening hours, holidays, counters, booking slots (filled by the visit work)

Revision ID: 0012_visits
Revises: 0011_superseded_documents
Create Date: 2026-12-03 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_visits'
down_revision = '0011_superseded_documents'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
