"""complaints (pengaduan) and their handling

Revision ID: 0015_complaints
Revises: 0014_survey
Create Date: 2026-12-04 15:40:00

server/complaints/models.py: the complaint as officers handle it (no identity in it), its
answers, the link to the citizen who filed it (read by the citizen's own sync space only),
and the reference counters. Generated from the models, timestamps as sa.DateTime (naive
UTC, server/db_types.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_complaints'
down_revision = '0014_survey'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complaint_counter',
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_complaint_counter_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('mpp_id', 'year', name=op.f('pk_complaint_counter'))
    )
    op.create_table('complaint',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reference', sa.String(length=30), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('service_code', sa.String(length=120), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('about', sa.JSON(), nullable=True),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('reopened_at', sa.DateTime(), nullable=True),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.Column('ack_due_on', sa.Date(), nullable=False),
    sa.Column('answer_due_on', sa.Date(), nullable=False),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('escalation', sa.String(length=20), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.CheckConstraint("category IN ('pengaduan', 'aspirasi', 'informasi')", name=op.f('ck_complaint_category_known')),
    sa.CheckConstraint('reopen_count >= 0 AND reopen_count <= 1', name=op.f('ck_complaint_reopened_once')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_complaint_agency_id_agency')),
    sa.ForeignKeyConstraint(['assignee_id'], ['officer.id'], name=op.f('fk_complaint_assignee_id_officer')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_complaint_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('reference', name=op.f('uq_complaint_reference'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_due', ['status', 'answer_due_on'], unique=False)
        batch_op.create_index('ix_complaint_queue', ['mpp_id', 'agency_id', 'status'], unique=False)

    op.create_table('complaint_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.String(length=36), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_answer_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_complaint_answer_officer_id_officer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_answer'))
    )
    with op.batch_alter_table('complaint_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_answer_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_filer',
    sa.Column('complaint_id', sa.String(length=36), nullable=False),
    sa.Column('citizen_id', sa.Uuid(), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_complaint_filer_citizen_id_citizen')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_filer_complaint_id_complaint')),
    sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_complaint_filer'))
    )
    with op.batch_alter_table('complaint_filer', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_filer_space', ['citizen_id', 'version'], unique=False)



def downgrade():
    with op.batch_alter_table('complaint_filer', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_filer_space')

    op.drop_table('complaint_filer')
    with op.batch_alter_table('complaint_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_answer_complaint_id'))

    op.drop_table('complaint_answer')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_queue')
        batch_op.drop_index('ix_complaint_due')

    op.drop_table('complaint')
    op.drop_table('complaint_counter')
