"""catalog_drafts: catalog administration's drafts and publications (#18)

Revision ID: 0020_catalog_drafts
Revises: 0019_walk_in
Create Date: 2026-12-04 18:20:00

server/catalog/models.py: the national standards as written (service_standard), drafts of
one scope (catalog_draft), each service's standard while it was in force
(service_standard_version); agency.listed and service.overrides so an export gives the data
files back. Written by hand to match the models (tests/db/test_migrations.py checks it).
Rows loaded before it: agencies count as listed, overrides stay None (the export then takes
what differs from the standard); `flask catalog load` fills service_standard.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_catalog_drafts'
down_revision = '0019_walk_in'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'service_standard',
        sa.Column('code', sa.String(length=80), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_service_standard')),
    )
    op.create_table(
        'catalog_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=60), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=False),
        sa.Column('base_digest', sa.String(length=64), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.Column('published_version', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_draft')),
    )
    with op.batch_alter_table('catalog_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_draft_scope'), ['scope'], unique=False)
    op.create_table(
        'service_standard_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_code', sa.String(length=120), nullable=False),
        sa.Column('catalog_version', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.DateTime(), nullable=True),
        sa.Column('valid_to', sa.DateTime(), nullable=True),
        sa.Column('standard', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_standard_version')),
    )
    with op.batch_alter_table('service_standard_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_standard_version_service_code'),
                              ['service_code'], unique=False)
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('listed', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overrides', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_column('overrides')
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('listed')
    with op.batch_alter_table('service_standard_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_standard_version_service_code'))
    op.drop_table('service_standard_version')
    with op.batch_alter_table('catalog_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_draft_scope'))
    op.drop_table('catalog_draft')
    op.drop_table('service_standard')
