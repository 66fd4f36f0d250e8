"""Partner links and their reports; responses posted by the recipient through its right of reply.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "delivery_partner_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name="fk_delivery_partner_links_delivery_id_deliveries",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name="fk_delivery_partner_links_created_by_id_users",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["users.id"],
            name="fk_delivery_partner_links_revoked_by_id_users",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_messages.id"],
            name="fk_delivery_partner_links_outbox_message_id_outbox_messages",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_partner_links"),
        sa.UniqueConstraint("nonce", name="uq_delivery_partner_links_nonce"),
    )
    op.create_index("ix_delivery_partner_links_delivery_id", "delivery_partner_links", ["delivery_id"])
    op.create_table(
        "delivery_partner_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("partner_name", sa.String(length=200), nullable=False),
        sa.Column("dispatched_on", sa.Date(), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("received_by", sa.String(length=200), nullable=False),
        sa.Column("delivered_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("proof_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name="fk_delivery_partner_reports_delivery_id_deliveries",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["delivery_partner_links.id"],
            name="fk_delivery_partner_reports_link_id_delivery_partner_links",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proof_id"],
            ["delivery_proofs.id"],
            name="fk_delivery_partner_reports_proof_id_delivery_proofs",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name="fk_delivery_partner_reports_reviewed_by_id_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_partner_reports"),
    )
    op.create_index("ix_delivery_partner_reports_delivery_id", "delivery_partner_reports", ["delivery_id"])
    with op.batch_alter_table("responses") as batch_op:
        batch_op.add_column(
            sa.Column(
                "source",
                sa.Enum(
                    "staff",
                    "recipient",
                    name="responsesource",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=False,
                server_default="staff",
            )
        )
        batch_op.add_column(
            sa.Column("responder_name", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("responder_title", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_column("responder_title")
        batch_op.drop_column("responder_name")
        batch_op.drop_constraint(batch_op.f("ck_responses_responsesource"), type_="check")
        batch_op.drop_column("source")
    op.drop_index("ix_delivery_partner_reports_delivery_id", table_name="delivery_partner_reports")
    op.drop_table("delivery_partner_reports")
    op.drop_index("ix_delivery_partner_links_delivery_id", table_name="delivery_partner_links")
    op.drop_table("delivery_partner_links")
