"""uploads and erasure safety (filled by the security work)

Revision ID: 0010_upload_safety
Revises: 0009_accounts_hardening
Create Date: 2026-12-03 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_upload_safety'
down_revision = '0009_accounts_hardening'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
