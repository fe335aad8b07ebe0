"""pige: AGETIC's observations kept by section (strategic line) of the plan

Revision ID: 0012_pige_observations
Revises: 0011_pige_notices
Create Date: 2026-12-04 17:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012_pige_observations'
down_revision = '0011_pige_notices'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pige_plan_step', schema=None) as batch_op:
        batch_op.add_column(sa.Column('observation_sections', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pige_plan_step', schema=None) as batch_op:
        batch_op.drop_column('observation_sections')
