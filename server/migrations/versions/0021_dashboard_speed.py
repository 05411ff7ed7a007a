"""dashboard_speed: walk-ins in the dashboard's rollup, and what a year at 1,000,000 needs (#18)

Revision ID: 0021_dashboard_speed
Revises: 0020_catalog_drafts
Create Date: 2026-12-04 18:20:00

server/dashboard/models.py: a fact row says whether the application was started at the
counter (walk_in, from server/walk_in's table), and the sums per service and day keep the
walk-ins' part of each count (walk_in_*), so every figure can be split app / walk-in. The
facts and sums already there are filled from the walk_in table here.

Speed (bench/dashboard.py, EXPLAIN ANALYZE of each statement): the rollup's indexes carry the
columns the report reads (PostgreSQL INCLUDE: index-only scans), one per scope (mpp_id for a
supervisor, agency_id for a verifier, who read whole tables before). The backlog (and the
workload's "in review now") is a rollup too: each fact keeps the application's state, submit
day, due date and reviewer as last seen, ops_backlog their counts, ops_backlog_settled the
rows folded out of it once a day (ops_rollup_state.settled_on); filled here from the facts'
applications. Written by hand to match the models (tests/db/test_migrations.py checks it).
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
SUMS = ['submitted', 'decided', 'first_time_right', 'revisions', 'ready', 'ready_within_sla',
        'completed', 'rejected', 'withdrawn', *[f'walk_in_{c}' for c in SPLIT]]
# (table, index, columns, INCLUDE before, INCLUDE now); before: None when new here
INDEXES = [
    ('ops_application', 'ix_ops_application_mpp_submitted', ['mpp_id', 'submitted_at'], [],
     ['service_code', 'ready_at']),
    ('ops_application', 'ix_ops_application_agency_submitted', ['agency_id', 'submitted_at'],
     [], ['service_code', 'ready_at']),
    ('ops_rejection', 'ix_ops_rejection_mpp_at', ['mpp_id', 'at'], [],
     ['agency_id', 'service_code', 'requirement_code', 'reason']),
    ('ops_rejection', 'ix_ops_rejection_agency_at', ['agency_id', 'at'], None,
     ['service_code', 'requirement_code', 'reason']),
    ('ops_officer_day', 'ix_ops_officer_day_agency_day', ['agency_id', 'day'], None,
     ['officer_id', 'action', 'n']),
    ('ops_service_day', 'ix_ops_service_day_mpp_day', ['mpp_id', 'day'], [],
     ['service_code', *SUMS]),
    ('ops_service_day', 'ix_ops_service_day_agency_day', ['agency_id', 'day'], None,
     ['service_code', *SUMS]),
    ('ops_ready_hours', 'ix_ops_ready_hours_mpp_month', ['mpp_id', 'month'], [],
     ['service_code', 'hours', 'n']),
    ('ops_ready_hours', 'ix_ops_ready_hours_agency_month', ['agency_id', 'month'], None,
     ['service_code', 'hours', 'n']),
]
QUEUE = ('submitted', 'in_review', 'revision_requested', 'approved', 'ready')
NEVER = '9999-12-31'


def _backlog_backfill():
    """Each fact's application as it is now, and the backlog's counts of them
    (server/dashboard/operations._contribution, as of this revision)."""
    conn = op.get_bind()
    day = ("date(a.submitted_at + interval '7 hours')" if conn.dialect.name == 'postgresql'
           else "date(a.submitted_at, '+7 hours')")
    conn.execute(sa.text(
        f"UPDATE ops_application SET state = a.state, queued_on = {day}, "
        "queue_due_on = a.due_on, reviewer_id = a.reviewer_id FROM application a "
        "WHERE a.id = ops_application.application_id"))
    states = ", ".join(f"'{s}'" for s in QUEUE)
    never = "DATE '9999-12-31'" if conn.dialect.name == 'postgresql' else f"'{NEVER}'"
    conn.execute(sa.text(
        "INSERT INTO ops_backlog (service_code, state, day, due_on, reviewer_id, mpp_id, "
        f"agency_id, n) SELECT service_code, state, queued_on, coalesce(queue_due_on, {never}), "
        "coalesce(reviewer_id, ''), min(mpp_id), min(agency_id), count(*) FROM ops_application "
        f"WHERE state IN ({states}) AND queued_on IS NOT NULL "
        "GROUP BY service_code, state, queued_on, coalesce(queue_due_on, "
        f"{never}), coalesce(reviewer_id, '')"))
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
    for table, name, columns, before, now in INDEXES:
        if before is not None:
            op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False, postgresql_include=now)
    with op.batch_alter_table('ops_rollup_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settled_on', sa.Date(), nullable=True))
    with op.batch_alter_table('ops_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('queued_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('queue_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reviewer_id', sa.String(length=64), nullable=True))
    op.create_table(
        'ops_backlog',
        sa.Column('service_code', sa.String(length=120), nullable=False),
        sa.Column('state', sa.String(length=30), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('reviewer_id', sa.String(length=64), nullable=False),
        sa.Column('mpp_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('service_code', 'state', 'day', 'due_on', 'reviewer_id',
                                name=op.f('pk_ops_backlog')))
    with op.batch_alter_table('ops_backlog', schema=None) as batch_op:
        batch_op.create_index('ix_ops_backlog_mpp', ['mpp_id'], unique=False)
        batch_op.create_index('ix_ops_backlog_agency', ['agency_id'], unique=False)
        batch_op.create_index('ix_ops_backlog_day', ['day'], unique=False)
    op.create_table(
        'ops_backlog_settled',
        sa.Column('service_code', sa.String(length=120), nullable=False),
        sa.Column('state', sa.String(length=30), nullable=False),
        sa.Column('reviewer_id', sa.String(length=64), nullable=False),
        sa.Column('overdue', sa.Boolean(), nullable=False),
        sa.Column('mpp_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('service_code', 'state', 'reviewer_id', 'overdue',
                                name=op.f('pk_ops_backlog_settled')))
    with op.batch_alter_table('ops_backlog_settled', schema=None) as batch_op:
        batch_op.create_index('ix_ops_backlog_settled_mpp', ['mpp_id'], unique=False)
        batch_op.create_index('ix_ops_backlog_settled_agency', ['agency_id'], unique=False)
    _backlog_backfill()


def downgrade():
    op.drop_table('ops_backlog_settled')
    op.drop_table('ops_backlog')
    with op.batch_alter_table('ops_application', schema=None) as batch_op:
        batch_op.drop_column('reviewer_id')
        batch_op.drop_column('queue_due_on')
        batch_op.drop_column('queued_on')
        batch_op.drop_column('state')
    with op.batch_alter_table('ops_rollup_state', schema=None) as batch_op:
        batch_op.drop_column('settled_on')
    for table, name, columns, before, _now in reversed(INDEXES):
        op.drop_index(name, table_name=table)
        if before is not None:
            op.create_index(name, table, columns, unique=False, postgresql_include=before)
    with op.batch_alter_table('ops_service_day', schema=None) as batch_op:
        for c in reversed(SPLIT):
            batch_op.drop_column(f'walk_in_{c}')
    with op.batch_alter_table('ops_application', schema=None) as batch_op:
        batch_op.drop_column('walk_in')
