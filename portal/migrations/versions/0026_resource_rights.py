"""resource: the rights statement of a distribution (dct:rights)

Revision ID: 0026_resource_rights
Revises: 0013_resource_declared
Create Date: 2026-12-05 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0026_resource_rights'
down_revision = '0013_resource_declared'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rights', sa.String(length=2000), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_column('rights')
