"""the visit floor: check-in, queue numbers, counter calls, display (reserved: empty until its domain fills it)

Revision ID: 0013_visit_queue
Revises: 0012_visits
Create Date: 2026-12-04 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_visit_queue'
down_revision = '0012_visits'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
