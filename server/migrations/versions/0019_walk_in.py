"""walk_in: applications started at the counter for a citizen without the app (#18)

Revision ID: 0019_walk_in
Revises: 0018_operations
Create Date: 2026-12-04 16:30:00

server/walk_in/models.py: one row per assisted application (who started it, at which
agency, how the citizen was identified), so figures can count walk-ins as such. Written by
hand to match the model (tests/db/test_migrations.py checks it).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_walk_in'
down_revision = '0018_operations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'walk_in',
        sa.Column('application_id', sa.String(length=36), nullable=False),
        sa.Column('citizen_id', sa.Uuid(), nullable=False),
        sa.Column('officer_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('service_code', sa.String(length=120), nullable=False),
        sa.Column('identified_by', sa.String(length=10), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'],
                                name=op.f('fk_walk_in_agency_id_agency')),
        sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'],
                                name=op.f('fk_walk_in_citizen_id_citizen')),
        sa.ForeignKeyConstraint(['officer_id'], ['officer.id'],
                                name=op.f('fk_walk_in_officer_id_officer')),
        sa.PrimaryKeyConstraint('application_id', name=op.f('pk_walk_in')),
    )
    with op.batch_alter_table('walk_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_in_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_in_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_in_officer_id'), ['officer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('walk_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_in_officer_id'))
        batch_op.drop_index(batch_op.f('ix_walk_in_citizen_id'))
        batch_op.drop_index(batch_op.f('ix_walk_in_agency_id'))
    op.drop_table('walk_in')
