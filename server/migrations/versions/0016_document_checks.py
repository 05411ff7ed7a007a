"""NIK pre-check jobs on identity documents (server/document_checks)

Revision ID: 0016_document_checks
Revises: 0015_complaints
Create Date: 2026-12-04 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_document_checks'
down_revision = '0015_complaints'
branch_labels = None
depends_on = None


def upgrade():
    # Written by hand to match server/document_checks/models.py (test_migrations checks it).
    op.create_table('document_check',
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('document_type', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_token', sa.String(length=36), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('niks', sa.JSON(), nullable=False),
    sa.Column('kk_number', sa.String(length=16), nullable=True),
    sa.Column('rotation', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'],
                            name=op.f('fk_document_check_document_id_document'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_check'))
    )
    with op.batch_alter_table('document_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_check_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('document_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_check_status'))
    op.drop_table('document_check')
