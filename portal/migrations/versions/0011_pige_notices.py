"""pige: e-mail notices already sent about a plan's step

Revision ID: 0011_pige_notices
Revises: 0010_pige_documents
Create Date: 2026-12-04 17:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011_pige_notices'
down_revision = '0010_pige_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pige_notice',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('sent', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['pige_plan_version.id'], name=op.f('fk_pige_notice_version_id_pige_plan_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pige_notice')),
    sa.UniqueConstraint('version_id', 'position', 'kind', name='uq_pige_notice_step_kind')
    )
    with op.batch_alter_table('pige_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pige_notice_version_id'), ['version_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pige_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pige_notice_version_id'))
    op.drop_table('pige_notice')
