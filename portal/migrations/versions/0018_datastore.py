"""datastore: the ingest state and data pointer of each tabular resource

Revision ID: 0018_datastore
Revises:
Create Date: 2026-12-04 20:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0018_datastore'
down_revision = None
branch_labels = ('datastore',)
depends_on = '0001_catalog'


def upgrade() -> None:
    op.create_table('datastore_table',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('resource_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('data_key', sa.String(length=500), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=True),
    sa.Column('row_count', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('options_digest', sa.String(length=64), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('started', sa.DateTime(), nullable=True),
    sa.Column('finished', sa.DateTime(), nullable=True),
    sa.Column('ingested', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_datastore_table_resource_id_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_datastore_table')),
    sa.UniqueConstraint('resource_id', name=op.f('uq_datastore_table_resource_id'))
    )
    with op.batch_alter_table('datastore_table', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_datastore_table_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('datastore_table', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_datastore_table_status'))
    op.drop_table('datastore_table')
