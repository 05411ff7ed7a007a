"""accounts hardening: lockout per source, session revocation (filled by the hardening work)

Revision ID: 0009_accounts_hardening
Revises: 0008_queue_order_index
Create Date: 2026-12-03 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_accounts_hardening'
down_revision = '0008_queue_order_index'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
