"""dashboard_speed: indexes or rollups for the supervisor dashboard at 1,000,000 applications (#18)

Revision ID: 0021_dashboard_speed
Revises: 0020_catalog_drafts
Create Date: 2026-12-04 18:20:00

Reserved for the dashboard (server/dashboard/): filled in by its author.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0021_dashboard_speed'
down_revision = '0020_catalog_drafts'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
