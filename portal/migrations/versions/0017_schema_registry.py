"""Table Schemas registered by entities, versioned

Revision ID: 0017_schema_registry
Revises: 0005_validation
Create Date: 2026-12-04 19:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0017_schema_registry'
down_revision = '0005_validation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registered_schema',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('descriptor', sa.JSON(), nullable=False),
    sa.Column('creator_user_id', sa.String(length=36), nullable=True),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['creator_user_id'], ['user_account.id'], name=op.f('fk_registered_schema_creator_user_id_user_account')),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], name=op.f('fk_registered_schema_entity_id_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registered_schema')),
    sa.UniqueConstraint('entity_id', 'name', 'version', name='uq_registered_schema_entity_name_version')
    )
    with op.batch_alter_table('registered_schema', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registered_schema_entity_id'), ['entity_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('registered_schema', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registered_schema_entity_id'))

    op.drop_table('registered_schema')
