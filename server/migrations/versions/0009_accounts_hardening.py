"""accounts hardening: lockout per source, session revocation (filled by the hardening work)

Revision ID: 0009_accounts_hardening
Revises: 0008_queue_order_index
Create Date: 2026-12-03 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_accounts_hardening'
down_revision = '0008_queue_order_index'
branch_labels = None
depends_on = None


def upgrade():
    # Wrong passwords counted per (username, source) and per username from everywhere
    # ("*"), for known and unknown usernames alike (accounts.operations.officer_login).
    op.create_table('login_failure',
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('username', 'source', name=op.f('pk_login_failure'))
    )
    # Running counts are not carried over: an upgrade starts every count at zero.
    with op.batch_alter_table('officer', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('officer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
    with op.batch_alter_table('officer', schema=None) as batch_op:
        batch_op.alter_column('failed_logins', server_default=None)
    op.drop_table('login_failure')
