"""accounts: a user's "about" text, membership requests, datasets by creator

Revision ID: 0016_accounts
Revises:
Create Date: 2026-12-04 19:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_accounts"
down_revision = None
branch_labels = ("accounts",)
depends_on = "0001_catalog"


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("about", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("about", server_default=None)
    op.create_table(
        "membership_request",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("decided", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"],
                                name=op.f("fk_membership_request_entity_id_entity"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_membership_request_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_request")),
        sa.UniqueConstraint("user_id", "entity_id", name="uq_membership_request_user_entity"),
    )
    with op.batch_alter_table("membership_request", schema=None) as batch_op:
        batch_op.create_index("ix_membership_request_entity_id", ["entity_id"], unique=False)
        batch_op.create_index("ix_membership_request_state", ["state"], unique=False)
    # "My datasets" (the dashboard, the profile) are an entity's or the ones a user created.
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.create_index("ix_dataset_creator_user_id", ["creator_user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.drop_index("ix_dataset_creator_user_id")
    op.drop_table("membership_request")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("about")
