"""SKM survey: receipts, responses apart from them, daily sums per service

Revision ID: 0014_survey
Revises: 0013_visit_queue
Create Date: 2026-12-04 15:40:00

server/survey/models.py says why the tables are apart. The applications completed before
this revision are counted into survey_daily's population here (their last change's day in
WIB), as the engine's store counts every later one.
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_survey'
down_revision = '0013_visit_queue'
branch_labels = None
depends_on = None

ELEMENTS = [f'u{i}' for i in range(1, 10)]
WIB = dt.timedelta(hours=7)


def upgrade():
    op.create_table('survey_receipt',
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('citizen_id', sa.Uuid(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'],
                            name=op.f('fk_survey_receipt_citizen_id_citizen')),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_survey_receipt'))
    )
    with op.batch_alter_table('survey_receipt', schema=None) as batch_op:
        batch_op.create_index('ix_survey_receipt_space', ['citizen_id', 'version'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('mpp_code', sa.String(length=40), nullable=False),
    sa.Column('agency_code', sa.String(length=60), nullable=False),
    sa.Column('service_code', sa.String(length=120), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    *[sa.Column(key, sa.SmallInteger(), nullable=False) for key in ELEMENTS],
    sa.Column('age_band', sa.String(length=20), nullable=False),
    sa.Column('sex', sa.String(length=5), nullable=False),
    sa.Column('education', sa.String(length=20), nullable=False),
    sa.Column('occupation', sa.String(length=20), nullable=False),
    sa.Column('suggestion', sa.Text(), nullable=False),
    *[sa.CheckConstraint(f'{key} BETWEEN 1 AND 4', name=op.f(f'ck_survey_response_{key}_score'))
      for key in ELEMENTS],
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response'))
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index('ix_survey_response_mpp_day', ['mpp_code', 'day'], unique=False)

    op.create_table('survey_daily',
    sa.Column('service_code', sa.String(length=120), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    *[sa.Column(key, sa.Integer(), nullable=False) for key in ELEMENTS],
    sa.PrimaryKeyConstraint('service_code', 'day', name=op.f('pk_survey_daily'))
    )
    op.create_table('survey_completion',
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('service_code', sa.String(length=120), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_survey_completion'))
    )
    _count_completed_applications()


def _count_completed_applications():
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, service_code, updated_at FROM application WHERE state = 'completed'")).all()
    days = {}
    completions = []
    for application_id, service_code, updated_at in rows:
        if isinstance(updated_at, str):  # SQLite hands text back to a raw query
            updated_at = dt.datetime.fromisoformat(updated_at)
        day = (updated_at + WIB).date()
        completions.append({'application_id': application_id, 'service_code': service_code,
                            'day': day})
        days[(service_code, day)] = days.get((service_code, day), 0) + 1
    if completions:
        completion = sa.table('survey_completion', sa.column('application_id'),
                              sa.column('service_code'), sa.column('day', sa.Date()))
        op.bulk_insert(completion, completions)
        daily = sa.table('survey_daily', sa.column('service_code'), sa.column('day', sa.Date()),
                         sa.column('responses'), sa.column('completed'),
                         *[sa.column(key) for key in ELEMENTS])
        op.bulk_insert(daily, [{'service_code': code, 'day': day, 'responses': 0,
                                'completed': n, **{key: 0 for key in ELEMENTS}}
                               for (code, day), n in sorted(days.items())])


def downgrade():
    op.drop_table('survey_completion')
    op.drop_table('survey_daily')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_response_mpp_day')
    op.drop_table('survey_response')
    with op.batch_alter_table('survey_receipt', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_receipt_space')
    op.drop_table('survey_receipt')
