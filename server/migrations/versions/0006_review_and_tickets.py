"""officer console: reviewer claim, pickup details, visit tickets

Revision ID: 0006_review_and_tickets
Revises: 0005_document_preview
Create Date: 2026-11-23 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_review_and_tickets'
down_revision = '0005_document_preview'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
