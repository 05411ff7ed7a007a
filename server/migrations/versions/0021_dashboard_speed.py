"""dashboard_speed: walk-ins in the dashboard's rollup, and what a year at 1,000,000 needs (#18)

Revision ID: 0021_dashboard_speed
Revises: 0020_catalog_drafts
Create Date: 2026-12-04 18:20:00

server/dashboard/models.py: a fact row says whether the application was started at the
counter (walk_in, from server/walk_in's table), and the sums per service and day keep the
walk-ins' part of each count (walk_in_*), so every figure can be split app / walk-in. The
facts and sums already there are filled from the walk_in table here. Written by hand to
match the models (tests/db/test_migrations.py checks it).
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_dashboard_speed'
down_revision = '0020_catalog_drafts'
branch_labels = None
depends_on = None

SPLIT = ('submitted', 'decided', 'first_time_right', 'revisions', 'ready',
         'ready_within_sla', 'completed')
WIB = dt.timezone(dt.timedelta(hours=7))


def _wib_day(moment):
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(WIB).date()


def _backfill():
    """Mark the walk-ins' facts and add their part to the day sums (server/dashboard/
    operations._contribution, as of this revision)."""
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE ops_application SET walk_in = :yes WHERE application_id IN "
                         "(SELECT application_id FROM walk_in)"), {"yes": True})
    facts = sa.table('ops_application', sa.column('service_code', sa.String),
                     sa.column('submitted_at', sa.DateTime), sa.column('due_on', sa.Date),
                     sa.column('ready_at', sa.DateTime), sa.column('completed_at', sa.DateTime),
                     sa.column('closed_state', sa.String), sa.column('revisions', sa.Integer),
                     sa.column('walk_in', sa.Boolean))
    sums = {}
    for f in conn.execute(sa.select(facts).where(facts.c.walk_in == sa.true())):
        ready = f.ready_at is not None
        values = {
            'submitted': 1, 'decided': int(ready or f.closed_state == 'rejected'),
            'first_time_right': int(ready and f.revisions == 0), 'revisions': f.revisions,
            'ready': int(ready),
            'ready_within_sla': int(ready and f.due_on is not None
                                    and _wib_day(f.ready_at) <= f.due_on),
            'completed': int(f.completed_at is not None)}
        key = (_wib_day(f.submitted_at), f.service_code)
        total = sums.setdefault(key, dict.fromkeys(SPLIT, 0))
        for k, v in values.items():
            total[k] += v
    days = sa.table('ops_service_day', sa.column('day', sa.Date),
                    sa.column('service_code', sa.String),
                    *[sa.column(f'walk_in_{c}', sa.Integer) for c in SPLIT])
    for (day, service), values in sums.items():
        conn.execute(sa.update(days).where(days.c.day == day, days.c.service_code == service)
                     .values({f'walk_in_{c}': v for c, v in values.items()}))


def upgrade():
    with op.batch_alter_table('ops_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('walk_in', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('ops_service_day', schema=None) as batch_op:
        for c in SPLIT:
            batch_op.add_column(sa.Column(f'walk_in_{c}', sa.Integer(), server_default='0',
                                          nullable=False))
    _backfill()


def downgrade():
    with op.batch_alter_table('ops_service_day', schema=None) as batch_op:
        for c in reversed(SPLIT):
            batch_op.drop_column(f'walk_in_{c}')
    with op.batch_alter_table('ops_application', schema=None) as batch_op:
        batch_op.drop_column('walk_in')
