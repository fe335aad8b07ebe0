"""validation reports, one per resource

Revision ID: 0005_validation
Revises:
Create Date: 2026-11-21 22:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005_validation'
down_revision = None
branch_labels = ('validation',)
depends_on = '0001_catalog'


def upgrade() -> None:
    op.create_table('validation_report',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('resource_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('validator', sa.String(length=50), nullable=False),
    sa.Column('validator_version', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('options_digest', sa.String(length=64), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('warning_count', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('started', sa.DateTime(), nullable=True),
    sa.Column('finished', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_validation_report_resource_id_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_validation_report')),
    sa.UniqueConstraint('resource_id', name=op.f('uq_validation_report_resource_id'))
    )
    with op.batch_alter_table('validation_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_validation_report_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('validation_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_validation_report_status'))

    op.drop_table('validation_report')
