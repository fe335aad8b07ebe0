"""quality: MQA scores per dataset and day

Revision ID: 0015_quality
Revises:
Create Date: 2026-12-04 19:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0015_quality'
down_revision = None
branch_labels = ('quality',)
depends_on = '0001_catalog'


def upgrade() -> None:
    op.create_table('quality_score',
    sa.Column('dataset_id', sa.String(length=36), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('points', sa.Float(), nullable=False),
    sa.Column('findability', sa.Float(), nullable=False),
    sa.Column('accessibility', sa.Float(), nullable=False),
    sa.Column('interoperability', sa.Float(), nullable=False),
    sa.Column('reusability', sa.Float(), nullable=False),
    sa.Column('contextuality', sa.Float(), nullable=False),
    sa.Column('shacl_violations', sa.Integer(), nullable=False),
    sa.Column('shacl_warnings', sa.Integer(), nullable=False),
    sa.Column('resources', sa.Integer(), nullable=False),
    sa.Column('resources_valid', sa.Integer(), nullable=False),
    sa.Column('resources_invalid', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Boolean(), nullable=True),
    sa.Column('links_broken', sa.Integer(), nullable=False),
    sa.Column('links_unchecked', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('computed', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['dataset.id'], name=op.f('fk_quality_score_dataset_id_dataset'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dataset_id', 'day', name=op.f('pk_quality_score'))
    )
    with op.batch_alter_table('quality_score', schema=None) as batch_op:
        batch_op.create_index('ix_quality_score_day_entity', ['day', 'entity_id'], unique=False)
        batch_op.create_index('ix_quality_score_entity_day', ['entity_id', 'day'], unique=False)
        batch_op.create_index('ix_quality_score_computed', ['computed'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quality_score', schema=None) as batch_op:
        batch_op.drop_index('ix_quality_score_entity_day')
        batch_op.drop_index('ix_quality_score_computed')
        batch_op.drop_index('ix_quality_score_day_entity')

    op.drop_table('quality_score')
