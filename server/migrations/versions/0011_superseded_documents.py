"""officer console: superseded documents stay readable to their reviewers (filled by the console work)

Revision ID: 0011_superseded_documents
Revises: 0010_upload_safety
Create Date: 2026-12-03 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_superseded_documents'
down_revision = '0010_upload_safety'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
