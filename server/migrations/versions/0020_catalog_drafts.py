"""catalog_drafts: catalog administration's drafts and publications (#18)

Revision ID: 0020_catalog_drafts
Revises: 0019_walk_in
Create Date: 2026-12-04 18:20:00

Reserved for the catalog administration (server/catalog/): filled in by its author.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0020_catalog_drafts'
down_revision = '0019_walk_in'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
