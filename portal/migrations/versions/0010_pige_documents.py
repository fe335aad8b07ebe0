"""pige: documents kept with a plan version, and each entity's designated responsible

Revision ID: 0010_pige_documents
Revises: 0009_pige_obligation
Create Date: 2026-12-04 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010_pige_documents'
down_revision = '0009_pige_obligation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pige_plan_document',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('storage_key', sa.String(length=500), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_on', sa.Date(), nullable=False),
    sa.Column('user_name', sa.String(length=100), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['pige_plan_version.id'], name=op.f('fk_pige_plan_document_version_id_pige_plan_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pige_plan_document')),
    sa.UniqueConstraint('version_id', 'kind', name='uq_pige_plan_document_kind')
    )
    with op.batch_alter_table('pige_plan_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pige_plan_document_version_id'), ['version_id'], unique=False)

    op.create_table('pige_responsible',
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('designation', sa.String(length=300), nullable=False),
    sa.Column('designated_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('modified', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], name=op.f('fk_pige_responsible_entity_id_entity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_pige_responsible_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entity_id', name=op.f('pk_pige_responsible'))
    )
    with op.batch_alter_table('pige_responsible', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pige_responsible_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pige_responsible', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pige_responsible_user_id'))
    op.drop_table('pige_responsible')
    with op.batch_alter_table('pige_plan_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pige_plan_document_version_id'))
    op.drop_table('pige_plan_document')
