"""Chasers: a delivery may follow up an earlier one that was not answered in time, with its own text.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.add_column(sa.Column("chaser_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("chaser_text", sa.Text(), nullable=False, server_default=""))
        batch_op.create_foreign_key(
            "fk_deliveries_chaser_of_id_deliveries",
            "deliveries",
            ["chaser_of_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_deliveries_chaser_of_id", ["chaser_of_id"])


def downgrade():
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.drop_index("ix_deliveries_chaser_of_id")
        batch_op.drop_constraint("fk_deliveries_chaser_of_id_deliveries", type_="foreignkey")
        batch_op.drop_column("chaser_text")
        batch_op.drop_column("chaser_of_id")
