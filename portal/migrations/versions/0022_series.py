"""series: datasets marked as DCAT-AP 3 dataset series, their members, and dataset versions

Revision ID: 0022_series
Revises:
Create Date: 2026-12-04 20:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0022_series'
down_revision = None
branch_labels = ('series',)
depends_on = '0013_resource_declared'


def upgrade() -> None:
    op.create_table('dataset_series',
    sa.Column('dataset_id', sa.String(length=36), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['dataset.id'], name=op.f('fk_dataset_series_dataset_id_dataset'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dataset_id', name=op.f('pk_dataset_series'))
    )
    op.create_table('series_member',
    sa.Column('series_id', sa.String(length=36), nullable=False),
    sa.Column('dataset_id', sa.String(length=36), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['dataset.id'], name=op.f('fk_series_member_dataset_id_dataset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['dataset_series.dataset_id'], name=op.f('fk_series_member_series_id_dataset_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('series_id', 'dataset_id', name=op.f('pk_series_member'))
    )
    with op.batch_alter_table('series_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_member_dataset_id'), ['dataset_id'], unique=False)


    op.create_table('dataset_version',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('dataset_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.String(length=50), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['dataset.id'], name=op.f('fk_dataset_version_dataset_id_dataset'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_version')),
    sa.UniqueConstraint('dataset_id', 'version', name='uq_dataset_version_dataset_id')
    )
    with op.batch_alter_table('dataset_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dataset_version_dataset_id'), ['dataset_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dataset_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dataset_version_dataset_id'))
    op.drop_table('dataset_version')
    with op.batch_alter_table('series_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_member_dataset_id'))
    op.drop_table('series_member')
    op.drop_table('dataset_series')
