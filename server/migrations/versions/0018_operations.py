"""operations: the dashboard's rollup of the journal, and officers' first sign-in password

Revision ID: 0018_operations
Revises: 0017_seams
Create Date: 2026-12-04 16:05:00

server/dashboard/models.py: one fact row per submitted application (first submit, ready,
completed, revisions, for the came-once rate, first-time-right and SLA figures), one row per
rejected requirement (the most rejected requirements and their reasons), officer actions per
day (workload), the cohort's sums per service and day and its ready-hours histogram per month
(so a year is read from a few thousand rows), and the journal position the rollup has read
up to. Officers get a default
counter and the flag that makes them set a new password at their next sign-in
(server/staff). Written by hand to match the models (tests/db/test_migrations.py checks it).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_operations'
down_revision = '0017_seams'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('officer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counter_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_officer_counter_id_mpp_counter'),
                                    'mpp_counter', ['counter_id'], ['id'])
    op.create_table('ops_rollup_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ops_rollup_state'))
    )
    op.create_table('ops_application',
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('service_code', sa.String(length=120), nullable=False),
    sa.Column('citizen_id', sa.Uuid(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('ready_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_state', sa.String(length=30), nullable=True),
    sa.Column('revisions', sa.Integer(), nullable=False),
    sa.Column('rejections', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_ops_application'))
    )
    with op.batch_alter_table('ops_application', schema=None) as batch_op:
        batch_op.create_index('ix_ops_application_mpp_submitted',
                              ['mpp_id', 'submitted_at'], unique=False)
        batch_op.create_index('ix_ops_application_agency_submitted',
                              ['agency_id', 'submitted_at'], unique=False)
    op.create_table('ops_rejection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('service_code', sa.String(length=120), nullable=False),
    sa.Column('requirement_code', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ops_rejection'))
    )
    with op.batch_alter_table('ops_rejection', schema=None) as batch_op:
        batch_op.create_index('ix_ops_rejection_mpp_at', ['mpp_id', 'at'], unique=False)
        batch_op.create_index('ix_ops_rejection_application', ['application_id'],
                              unique=False)
    op.create_table('ops_officer_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('officer_id', sa.String(length=64), nullable=False),
    sa.Column('service_code', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'officer_id', 'service_code', 'action',
                            name=op.f('pk_ops_officer_day'))
    )
    with op.batch_alter_table('ops_officer_day', schema=None) as batch_op:
        batch_op.create_index('ix_ops_officer_day_mpp_day', ['mpp_id', 'day'], unique=False,
                              postgresql_include=['agency_id', 'officer_id', 'action', 'n'])

    op.create_table('ops_service_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('service_code', sa.String(length=120), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in (
        'submitted', 'decided', 'first_time_right', 'revisions', 'ready', 'ready_within_sla',
        'completed', 'rejected', 'withdrawn')],
    sa.PrimaryKeyConstraint('day', 'service_code', name=op.f('pk_ops_service_day'))
    )
    with op.batch_alter_table('ops_service_day', schema=None) as batch_op:
        batch_op.create_index('ix_ops_service_day_mpp_day', ['mpp_id', 'day'], unique=False)
    op.create_table('ops_ready_hours',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('service_code', sa.String(length=120), nullable=False),
    sa.Column('hours', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'service_code', 'hours', name=op.f('pk_ops_ready_hours'))
    )
    with op.batch_alter_table('ops_ready_hours', schema=None) as batch_op:
        batch_op.create_index('ix_ops_ready_hours_mpp_month', ['mpp_id', 'month'],
                              unique=False)


def downgrade():
    op.drop_table('ops_ready_hours')
    op.drop_table('ops_service_day')
    op.drop_table('ops_officer_day')
    op.drop_table('ops_rejection')
    op.drop_table('ops_application')
    op.drop_table('ops_rollup_state')
    with op.batch_alter_table('officer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_officer_counter_id_mpp_counter'),
                                 type_='foreignkey')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('counter_id')
