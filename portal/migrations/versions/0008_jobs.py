"""the in-process job queue

Revision ID: 0008_jobs
Revises:
Create Date: 2026-12-04 16:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008_jobs'
down_revision = None
branch_labels = ('jobs',)
depends_on = None


def upgrade() -> None:
    op.create_table('job',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('queue', sa.String(length=50), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('lock_key', sa.String(length=200), nullable=True),
    sa.Column('queueing_key', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('heartbeat', sa.DateTime(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('started', sa.DateTime(), nullable=True),
    sa.Column('finished', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index('ix_job_status_created', ['status', 'created'], unique=False)
        batch_op.create_index('ix_job_lock_key_status', ['lock_key', 'status'], unique=False)
        batch_op.create_index('ix_job_queueing_key_status', ['queueing_key', 'status'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('job')
