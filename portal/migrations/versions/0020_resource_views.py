"""resource views: the charts and maps saved on a resource (CKAN's resource_view)

Revision ID: 0020_resource_views
Revises:
Create Date: 2026-12-04 20:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0020_resource_views'
down_revision = None
branch_labels = ('views',)
depends_on = '0001_catalog'


def upgrade() -> None:
    op.create_table('resource_view',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('resource_id', sa.String(length=36), nullable=False),
    sa.Column('view_type', sa.String(length=50), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('modified', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_resource_view_resource_id_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_view'))
    )
    with op.batch_alter_table('resource_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_view_resource_id'), ['resource_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('resource_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_view_resource_id'))
    op.drop_table('resource_view')
