"""the visit floor: check-in, queue numbers, counter calls, display

Revision ID: 0013_visit_queue
Revises: 0012_visits
Create Date: 2026-12-04 15:40:00

server/visit_queue/models.py: kiosk and display keys (hashed), each agency's day (its last
number and walk-in minutes), each MPP's floor version (the display's ETag), queue tickets with
the applications served, and every call. Written by hand to match the models
(tests/db/test_migrations.py checks it).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_visit_queue'
down_revision = '0012_visits'
branch_labels = None
depends_on = None

AT_DESK = "status IN ('called', 'serving')"


def upgrade():
    op.create_table('queue_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_queue_device_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_device')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_queue_device_key_hash'))
    )
    with op.batch_alter_table('queue_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_device_mpp_id'), ['mpp_id'], unique=False)

    op.create_table('queue_day',
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('walk_in_capacity', sa.Integer(), nullable=False),
    sa.Column('walk_in_taken', sa.Integer(), nullable=False),
    sa.CheckConstraint('walk_in_taken >= 0 AND walk_in_taken <= walk_in_capacity',
                       name=op.f('ck_queue_day_walk_in_within_capacity')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'],
                            name=op.f('fk_queue_day_agency_id_agency')),
    sa.PrimaryKeyConstraint('agency_id', 'day', name=op.f('pk_queue_day'))
    )

    op.create_table('queue_board',
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_queue_board_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('mpp_id', name=op.f('pk_queue_board'))
    )

    op.create_table('queue_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=12), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('desk', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('lane', sa.String(length=12), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.String(length=36), nullable=True),
    sa.Column('stop_id', sa.Integer(), nullable=True),
    sa.Column('citizen_id', sa.Uuid(), nullable=True),
    sa.Column('after_ticket_id', sa.Integer(), nullable=True),
    sa.Column('qr_token', sa.String(length=40), nullable=False),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.Column('near_told', sa.Boolean(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(), nullable=False),
    sa.Column('called_at', sa.DateTime(), nullable=True),
    sa.Column('last_called_at', sa.DateTime(), nullable=True),
    sa.Column('served_at', sa.DateTime(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('counter_served_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['after_ticket_id'], ['queue_ticket.id'],
                            name=op.f('fk_queue_ticket_after_ticket_id_queue_ticket')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'],
                            name=op.f('fk_queue_ticket_agency_id_agency')),
    sa.ForeignKeyConstraint(['booking_id'], ['visit_booking.id'],
                            name=op.f('fk_queue_ticket_booking_id_visit_booking')),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'],
                            name=op.f('fk_queue_ticket_citizen_id_citizen')),
    sa.ForeignKeyConstraint(['counter_id'], ['mpp_counter.id'],
                            name=op.f('fk_queue_ticket_counter_id_mpp_counter')),
    sa.ForeignKeyConstraint(['counter_served_id'], ['mpp_counter.id'],
                            name=op.f('fk_queue_ticket_counter_served_id_mpp_counter')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_queue_ticket_mpp_id_mpp')),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'],
                            name=op.f('fk_queue_ticket_officer_id_officer')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'],
                            name=op.f('fk_queue_ticket_service_id_service')),
    sa.ForeignKeyConstraint(['stop_id'], ['visit_stop.id'],
                            name=op.f('fk_queue_ticket_stop_id_visit_stop')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_ticket')),
    sa.UniqueConstraint('agency_id', 'day', 'seq',
                        name=op.f('uq_queue_ticket_agency_id_day_seq')),
    sa.UniqueConstraint('qr_token', name=op.f('uq_queue_ticket_qr_token')),
    sa.UniqueConstraint('stop_id', name=op.f('uq_queue_ticket_stop_id'))
    )
    with op.batch_alter_table('queue_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_ticket_booking_id'), ['booking_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_queue_ticket_citizen_id'), ['citizen_id'],
                              unique=False)
        batch_op.create_index('ix_queue_ticket_line',
                              ['mpp_id', 'day', 'status', 'lane', 'seq'], unique=False)
        batch_op.create_index('uq_queue_ticket_at_desk', ['counter_id', 'desk'], unique=True,
                              sqlite_where=sa.text(AT_DESK),
                              postgresql_where=sa.text(AT_DESK))

    op.create_table('queue_ticket_application',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'],
                            name=op.f('fk_queue_ticket_application_application_id_application')),
    sa.ForeignKeyConstraint(['ticket_id'], ['queue_ticket.id'],
                            name=op.f('fk_queue_ticket_application_ticket_id_queue_ticket')),
    sa.PrimaryKeyConstraint('ticket_id', 'application_id',
                            name=op.f('pk_queue_ticket_application'))
    )
    with op.batch_alter_table('queue_ticket_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_ticket_application_application_id'),
                              ['application_id'], unique=False)

    op.create_table('queue_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('desk', sa.Integer(), nullable=False),
    sa.Column('call_no', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['mpp_counter.id'],
                            name=op.f('fk_queue_call_counter_id_mpp_counter')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_queue_call_mpp_id_mpp')),
    sa.ForeignKeyConstraint(['ticket_id'], ['queue_ticket.id'],
                            name=op.f('fk_queue_call_ticket_id_queue_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_call'))
    )
    with op.batch_alter_table('queue_call', schema=None) as batch_op:
        batch_op.create_index('ix_queue_call_board', ['mpp_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_call_ticket_id'), ['ticket_id'],
                              unique=False)


def downgrade():
    op.drop_table('queue_call')
    op.drop_table('queue_ticket_application')
    op.drop_table('queue_ticket')
    op.drop_table('queue_board')
    op.drop_table('queue_day')
    op.drop_table('queue_device')
