"""SKM survey responses and their aggregates (reserved: empty until its domain fills it)

Revision ID: 0014_survey
Revises: 0013_visit_queue
Create Date: 2026-12-04 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_survey'
down_revision = '0013_visit_queue'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
