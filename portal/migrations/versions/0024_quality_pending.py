"""quality_pending: the datasets waiting for their score after a change (the job
quality.score_pending drains it)

Revision ID: 0024_quality_pending
Revises:
Create Date: 2026-12-05 05:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0024_quality_pending'
down_revision = None
branch_labels = ('quality_pending',)
depends_on = None


def upgrade() -> None:
    op.create_table('quality_pending',
    sa.Column('dataset_id', sa.String(length=36), nullable=False),
    sa.Column('asked', sa.DateTime(), nullable=False),
    sa.Column('asks', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('dataset_id', name=op.f('pk_quality_pending'))
    )
    with op.batch_alter_table('quality_pending', schema=None) as batch_op:
        batch_op.create_index('ix_quality_pending_asked', ['asked'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quality_pending', schema=None) as batch_op:
        batch_op.drop_index('ix_quality_pending_asked')

    op.drop_table('quality_pending')
