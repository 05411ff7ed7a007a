"""web push: VAPID subscriptions and the delivery outbox

Revision ID: 0007_push
Revises: 0006_review_and_tickets
Create Date: 2026-11-23 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_push'
down_revision = '0006_review_and_tickets'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
