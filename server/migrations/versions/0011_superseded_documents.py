"""officer console: superseded documents stay readable to their reviewers (no schema change)

Nothing to migrate: a replaced document keeps its row and its file, and which officer
reviewed which document on which application is already in the audit log (the engine's
`sync.review_requirement` entries, indexed by application). server/uploads/reading.py reads
it from there; this revision stays in the chain as reserved, empty both ways.

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
