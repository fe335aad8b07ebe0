"""dataset_json: package_show's dictionaries of the public datasets, stored as JSON text
(portal.api.stored_json)

Revision ID: 0025_dataset_json
Revises:
Create Date: 2026-12-05 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0025_dataset_json'
down_revision = None
branch_labels = ('dataset_json',)
depends_on = None


def upgrade() -> None:
    op.create_table('dataset_json',
    sa.Column('dataset_id', sa.String(length=36), nullable=False),
    sa.Column('variant', sa.String(length=500), nullable=False),
    sa.Column('revision', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('dataset_id', name=op.f('pk_dataset_json'))
    )


def downgrade() -> None:
    op.drop_table('dataset_json')
