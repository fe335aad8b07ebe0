"""pige: where DS 5468 places each entity (obliged or voluntary)

Revision ID: 0009_pige_obligation
Revises: 0004_pige
Create Date: 2026-12-04 16:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_pige_obligation'
down_revision = '0004_pige'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pige_entity_scope',
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('paragraph', sa.String(length=3), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('user_name', sa.String(length=100), nullable=False),
    sa.Column('modified', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], name=op.f('fk_pige_entity_scope_entity_id_entity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entity_id', name=op.f('pk_pige_entity_scope'))
    )


def downgrade() -> None:
    op.drop_table('pige_entity_scope')
