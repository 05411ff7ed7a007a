"""officer console: reviewer claim, pickup details, visit tickets

Revision ID: 0006_review_and_tickets
Revises: 0005_document_preview
Create Date: 2026-11-23 18:30:00

Columns on `application` for the officer console (server/review): who reviews it and since
when, the pickup details and visit ticket given at mark-ready, and two keys the store
derives for the queue (the SLA due date and the applicant's NIK), with the indexes the
queue and the ticket lookup use. Rows that exist already get their derived keys here.
"""
import datetime as dt
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_review_and_tickets'
down_revision = '0005_document_preview'
branch_labels = None
depends_on = None

WIB = dt.timezone(dt.timedelta(hours=7))


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewer_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('review_started_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('pickup', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('ticket_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('applicant_nik', sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_application_ticket_code'),
                                          ['ticket_code'])
        batch_op.create_index(batch_op.f('ix_application_applicant_nik'), ['applicant_nik'],
                              unique=False)
        batch_op.create_index('ix_application_queue',
                              ['service_code', 'state', 'due_on', 'submitted_at'], unique=False)
    _derive_queue_keys()


def _derive_queue_keys():
    """What SqlUnitOfWork._queue_keys would have written, for rows made before it existed
    (the same rule, sync.workdays, imported here frozen in behaviour by its tests)."""
    from sync import workdays

    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT a.id, a.submitted_at, a.fields, s.sla_days, s.id AS service_id "
        "FROM application a JOIN service s ON s.code = a.service_code")).mappings().all()
    nik_fields = dict(conn.execute(sa.text(
        "SELECT service_id, key FROM service_field WHERE profile_key = 'nik'")).all())
    application = sa.table('application', sa.column('id', sa.String),
                           sa.column('due_on', sa.Date), sa.column('applicant_nik', sa.String))
    for row in rows:
        fields = row['fields']
        if isinstance(fields, str):  # SQLite hands JSON back as text through sa.text()
            fields = json.loads(fields)
        submitted = row['submitted_at']
        if isinstance(submitted, str):
            submitted = dt.datetime.fromisoformat(submitted)
        due_on = None
        if submitted is not None:
            local = submitted.replace(tzinfo=dt.timezone.utc).astimezone(WIB).date()
            due_on = workdays.due_date(local, row['sla_days'])
        key = nik_fields.get(row['service_id'])
        nik = (fields or {}).get(key) if key else None
        nik = nik if isinstance(nik, str) and len(nik) <= 16 else None
        conn.execute(application.update().where(application.c.id == row['id'])
                     .values(due_on=due_on, applicant_nik=nik))


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_queue')
        batch_op.drop_index(batch_op.f('ix_application_applicant_nik'))
        batch_op.drop_constraint(batch_op.f('uq_application_ticket_code'), type_='unique')
        batch_op.drop_column('applicant_nik')
        batch_op.drop_column('due_on')
        batch_op.drop_column('ticket_code')
        batch_op.drop_column('pickup')
        batch_op.drop_column('review_started_at')
        batch_op.drop_column('reviewer_id')
