"""translations: metadata in other languages than Spanish, beside the main columns

Revision ID: 0021_translations
Revises:
Create Date: 2026-12-04 20:35:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0021_translations'
down_revision = None
branch_labels = ('translations',)
depends_on = '0013_resource_declared'

COLUMNS = {
    'entity': ('title_translated', 'description_translated'),
    'theme': ('title_translated', 'description_translated'),
    'dataset': ('title_translated', 'description_translated', 'keywords_translated'),
    'resource': ('name_translated', 'description_translated'),
}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                # Existing rows have no translations: an empty object.
                batch_op.add_column(sa.Column(column, sa.JSON(), nullable=False,
                                              server_default='{}'))


def downgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(columns):
                batch_op.drop_column(column)
