"""resource: the hash and last modification the publisher declared

Revision ID: 0013_resource_declared
Revises: 0006_dataset_feed_indexes
Create Date: 2026-12-04 19:35:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0013_resource_declared'
down_revision = '0006_dataset_feed_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('last_modified', sa.DateTime(), nullable=True))
    # A stored file was last modified when it was uploaded (later uploads set it themselves).
    op.execute("UPDATE resource SET last_modified = modified WHERE url_type = 'upload'")


def downgrade() -> None:
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_column('last_modified')
        batch_op.drop_column('hash')
