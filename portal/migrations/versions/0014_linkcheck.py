"""link checks, one per remote resource

Revision ID: 0014_linkcheck
Revises:
Create Date: 2026-12-04 20:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0014_linkcheck'
down_revision = None
branch_labels = ('linkcheck',)
depends_on = '0001_catalog'


def upgrade() -> None:
    op.create_table('link_check',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('resource_id', sa.String(length=36), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('final_url', sa.String(length=2000), nullable=False),
    sa.Column('media_type', sa.String(length=200), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('remote_modified', sa.DateTime(), nullable=True),
    sa.Column('url_since', sa.DateTime(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.Column('last_success', sa.DateTime(), nullable=True),
    sa.Column('first_failure', sa.DateTime(), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_link_check_resource_id_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_check')),
    sa.UniqueConstraint('resource_id', name=op.f('uq_link_check_resource_id'))
    )
    with op.batch_alter_table('link_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_check_checked_at'), ['checked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_check_status'), ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('link_check')
