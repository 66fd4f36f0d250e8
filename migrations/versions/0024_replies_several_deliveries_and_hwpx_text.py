"""One reply may answer several deliveries; the text read out of a Hangul (HWPX) attachment.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "response_deliveries",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_response_deliveries_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_response_deliveries_delivery_id_deliveries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_response_deliveries_added_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("response_id", "delivery_id", name=op.f("pk_response_deliveries")),
    )
    op.create_index("ix_response_deliveries_delivery_id", "response_deliveries", ["delivery_id"])
    with op.batch_alter_table("response_attachments") as batch_op:
        batch_op.add_column(sa.Column("extracted_text", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("response_attachments") as batch_op:
        batch_op.drop_column("extracted_text")
    op.drop_index("ix_response_deliveries_delivery_id", table_name="response_deliveries")
    op.drop_table("response_deliveries")
