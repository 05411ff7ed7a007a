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
    # Written by hand to match server/push/models.py (tests/db/test_migrations.py checks it).
    op.create_table('push_subscription',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('citizen_id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('endpoint', sa.String(length=1024), nullable=False),
    sa.Column('p256dh', sa.String(length=100), nullable=False),
    sa.Column('auth', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('vapid_public_key', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_push_subscription_citizen_id_citizen')),
    sa.ForeignKeyConstraint(['session_id'], ['device_session.id'], name=op.f('fk_push_subscription_session_id_device_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscription')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscription_endpoint'))
    )
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscription_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_subscription_session_id'), ['session_id'], unique=False)

    op.create_table('push_message',
    sa.Column('notification_id', sa.String(length=36), nullable=False),
    sa.Column('deliveries', sa.Integer(), nullable=False),
    sa.Column('fanned_out_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_push_message_notification_id_notification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('notification_id', name=op.f('pk_push_message'))
    )

    op.create_table('push_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.String(length=36), nullable=False),
    sa.Column('citizen_id', sa.Uuid(), nullable=False),
    sa.Column('subscription_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('lease_token', sa.String(length=36), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_push_delivery_citizen_id_citizen')),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_push_delivery_notification_id_notification'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['push_subscription.id'], name=op.f('fk_push_delivery_subscription_id_push_subscription'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_delivery')),
    sa.UniqueConstraint('notification_id', 'subscription_id', name=op.f('uq_push_delivery_notification_id_subscription_id'))
    )
    with op.batch_alter_table('push_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_push_delivery_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_delivery_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_delivery_notification_id'), ['notification_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_delivery_subscription_id'), ['subscription_id'], unique=False)

    # The worker's look for notifications not yet fanned out reads only recent ones.
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_created_at', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_created_at')

    with op.batch_alter_table('push_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_delivery_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_push_delivery_notification_id'))
        batch_op.drop_index(batch_op.f('ix_push_delivery_citizen_id'))
        batch_op.drop_index('ix_push_delivery_due')
    op.drop_table('push_delivery')
    op.drop_table('push_message')

    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscription_session_id'))
        batch_op.drop_index(batch_op.f('ix_push_subscription_citizen_id'))
    op.drop_table('push_subscription')
