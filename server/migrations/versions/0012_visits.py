"""the one visit: opening hours, holidays, counters, booking slots

Revision ID: 0012_visits
Revises: 0011_superseded_documents
Create Date: 2026-12-03 18:00:00

Catalog data (server/catalog/models.py): holidays (national, and each MPP's own), each MPP's
visit policy (opening hours, booking window, limits), its counters with the services each
serves, and two columns of a service (minutes at the counter, when booking opens). Booked
visits (server/visits/models.py): slots with their places per channel, bookings, stops.
Written by hand to match the models (tests/db/test_migrations.py checks it).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_visits'
down_revision = '0011_superseded_documents'
branch_labels = None
depends_on = None


def _within(channel):
    return sa.CheckConstraint(
        f'taken_{channel} >= 0 AND taken_{channel} <= capacity_{channel}',
        name=op.f(f'ck_visit_slot_{channel}_within_capacity'))


def upgrade():
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_minutes', sa.Integer(), nullable=False,
                                      server_default='15'))
        batch_op.add_column(sa.Column('visit_after', sa.String(length=20), nullable=False,
                                      server_default='ready'))

    op.create_table('holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name_id', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_holiday_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday')),
    sa.UniqueConstraint('mpp_id', 'day', name=op.f('uq_holiday_mpp_id_day'))
    )
    with op.batch_alter_table('holiday', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holiday_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_holiday_mpp_id'), ['mpp_id'], unique=False)

    op.create_table('visit_policy',
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('window_min_days', sa.Integer(), nullable=False),
    sa.Column('window_max_days', sa.Integer(), nullable=False),
    sa.Column('max_open_bookings', sa.Integer(), nullable=False),
    sa.Column('cancel_hold_minutes', sa.Integer(), nullable=False),
    sa.Column('week', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_visit_policy_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('mpp_id', name=op.f('pk_visit_policy'))
    )

    op.create_table('mpp_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('desks', sa.Integer(), nullable=False),
    sa.Column('share_online', sa.Integer(), nullable=False),
    sa.Column('share_walk_in', sa.Integer(), nullable=False),
    sa.Column('share_assisted', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'],
                            name=op.f('fk_mpp_counter_agency_id_agency')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_mpp_counter_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mpp_counter')),
    sa.UniqueConstraint('mpp_id', 'code', name=op.f('uq_mpp_counter_mpp_id_code'))
    )
    with op.batch_alter_table('mpp_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mpp_counter_agency_id'), ['agency_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_mpp_counter_mpp_id'), ['mpp_id'], unique=False)

    op.create_table('mpp_counter_service',
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['mpp_counter.id'],
                            name=op.f('fk_mpp_counter_service_counter_id_mpp_counter')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'],
                            name=op.f('fk_mpp_counter_service_service_id_service')),
    sa.PrimaryKeyConstraint('counter_id', 'service_id', name=op.f('pk_mpp_counter_service'))
    )
    with op.batch_alter_table('mpp_counter_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mpp_counter_service_service_id'), ['service_id'],
                              unique=False)

    op.create_table('visit_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('capacity_online', sa.Integer(), nullable=False),
    sa.Column('taken_online', sa.Integer(), nullable=False),
    sa.Column('capacity_walk_in', sa.Integer(), nullable=False),
    sa.Column('taken_walk_in', sa.Integer(), nullable=False),
    sa.Column('capacity_assisted', sa.Integer(), nullable=False),
    sa.Column('taken_assisted', sa.Integer(), nullable=False),
    _within('online'), _within('walk_in'), _within('assisted'),
    sa.ForeignKeyConstraint(['counter_id'], ['mpp_counter.id'],
                            name=op.f('fk_visit_slot_counter_id_mpp_counter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_slot')),
    sa.UniqueConstraint('counter_id', 'starts_at', name=op.f('uq_visit_slot_counter_id_starts_at'))
    )

    op.create_table('visit_booking',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('citizen_id', sa.Uuid(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('arrives_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('ticket_code', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'],
                            name=op.f('fk_visit_booking_citizen_id_citizen')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_visit_booking_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_booking')),
    sa.UniqueConstraint('ticket_code', name=op.f('uq_visit_booking_ticket_code'))
    )
    with op.batch_alter_table('visit_booking', schema=None) as batch_op:
        batch_op.create_index('ix_visit_booking_citizen', ['citizen_id', 'status', 'arrives_at'],
                              unique=False)
        batch_op.create_index('ix_visit_booking_space', ['citizen_id', 'version'], unique=False)

    op.create_table('visit_stop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('open_application_id', sa.String(length=36), nullable=True),
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('holding', sa.Boolean(), nullable=False),
    sa.Column('hold_until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'],
                            name=op.f('fk_visit_stop_application_id_application')),
    sa.ForeignKeyConstraint(['booking_id'], ['visit_booking.id'],
                            name=op.f('fk_visit_stop_booking_id_visit_booking')),
    sa.ForeignKeyConstraint(['counter_id'], ['mpp_counter.id'],
                            name=op.f('fk_visit_stop_counter_id_mpp_counter')),
    sa.ForeignKeyConstraint(['slot_id'], ['visit_slot.id'],
                            name=op.f('fk_visit_stop_slot_id_visit_slot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_stop')),
    sa.UniqueConstraint('open_application_id', name=op.f('uq_visit_stop_open_application_id'))
    )
    with op.batch_alter_table('visit_stop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_stop_application_id'), ['application_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_visit_stop_booking_id'), ['booking_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_visit_stop_slot_id'), ['slot_id'], unique=False)
        batch_op.create_index('ix_visit_stop_held', ['holding', 'hold_until'], unique=False)


def downgrade():
    op.drop_table('visit_stop')
    op.drop_table('visit_booking')
    op.drop_table('visit_slot')
    op.drop_table('mpp_counter_service')
    op.drop_table('mpp_counter')
    op.drop_table('visit_policy')
    op.drop_table('holiday')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_column('visit_after')
        batch_op.drop_column('visit_minutes')
