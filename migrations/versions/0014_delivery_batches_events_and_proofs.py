"""Deliveries: batches, the history of every state change, proof files, channel records.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

OLD_CHANNELS = ("email", "post", "courier", "fax", "hand", "portal")
CHANNELS = (*OLD_CHANNELS, "partner")
OLD_STATUSES = ("planned", "queued", "sending", "sent", "delivered", "failed", "cancelled")
STATUSES = (*OLD_STATUSES, "bounced", "unconfirmed")
ACTORS = ("staff", "worker", "partner")
PROOFS = ("receipt", "photo", "tracking", "transmission_report", "partner_record", "smtp_reply", "other")
TIMES = ("send_at", "claimed_at", "handed_over_at", "delivered_at", "dispatched_at")
TEXTS = {
    "document_sha256": 64,
    "destination": 320,
    "message_id": 255,
    "failure_reason": 64,
    "carrier": 100,
    "tracking_number": 100,
    "cost": 40,
    "received_by": 200,
    "reference": 200,
    "partner_name": 200,
}


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _check(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    op.create_table(
        "delivery_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["letter_id"], ["letters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_batches")),
    )
    with op.batch_alter_table("delivery_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_batches_letter_id"), ["letter_id"], unique=False)

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("is_resend", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("server_reply", sa.Text(), nullable=False, server_default=""))
        for name in TIMES:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        for name, length in TEXTS.items():
            default = None if name in ("document_sha256", "message_id") else ""
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=default is None, server_default=default)
            )
        batch_op.create_unique_constraint(batch_op.f("uq_deliveries_message_id"), ["message_id"])
        batch_op.create_index(batch_op.f("ix_deliveries_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deliveries_status"), ["status"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_deliveries_batch_id_delivery_batches"),
            "delivery_batches",
            ["batch_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_deliveries_created_by_id_users"),
            "users",
            ["created_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint(batch_op.f("ck_deliveries_channel"), type_="check")
        batch_op.create_check_constraint("channel", _check("channel", CHANNELS))
        batch_op.drop_constraint(batch_op.f("ck_deliveries_deliverystatus"), type_="check")
        batch_op.create_check_constraint("deliverystatus", _check("status", STATUSES))
        batch_op.drop_constraint(batch_op.f("ck_deliveries_language"), type_="check")
        batch_op.create_check_constraint("documentlanguage", _check("language", ("en", "ko", "both")))

    op.create_table(
        "delivery_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_status", _enum(STATUSES, "from_status"), nullable=True),
        sa.Column("to_status", _enum(STATUSES, "to_status"), nullable=False),
        sa.Column("actor_kind", _enum(ACTORS, "actorkind"), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_events")),
    )
    with op.batch_alter_table("delivery_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_events_delivery_id"), ["delivery_id"], unique=False)

    op.create_table(
        "delivery_proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(PROOFS, "proofkind"), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor_kind", _enum(ACTORS, "actorkind"), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_proofs")),
    )
    with op.batch_alter_table("delivery_proofs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_proofs_delivery_id"), ["delivery_id"], unique=False)


def downgrade():
    op.drop_table("delivery_proofs")
    op.drop_table("delivery_events")
    op.execute("UPDATE deliveries SET channel = 'hand' WHERE channel = 'partner'")
    op.execute("UPDATE deliveries SET status = 'failed' WHERE status IN ('bounced', 'unconfirmed')")
    op.execute("UPDATE deliveries SET language = 'en' WHERE language = 'both'")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deliveries_documentlanguage"), type_="check")
        batch_op.create_check_constraint("language", _check("language", ("en", "ko")))
        batch_op.drop_constraint(batch_op.f("ck_deliveries_deliverystatus"), type_="check")
        batch_op.create_check_constraint("deliverystatus", _check("status", OLD_STATUSES))
        batch_op.drop_constraint(batch_op.f("ck_deliveries_channel"), type_="check")
        batch_op.create_check_constraint("channel", _check("channel", OLD_CHANNELS))
        batch_op.drop_constraint(batch_op.f("fk_deliveries_created_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_deliveries_batch_id_delivery_batches"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_deliveries_status"))
        batch_op.drop_index(batch_op.f("ix_deliveries_batch_id"))
        batch_op.drop_constraint(batch_op.f("uq_deliveries_message_id"), type_="unique")
        for name in reversed(TEXTS):
            batch_op.drop_column(name)
        for name in reversed(TIMES):
            batch_op.drop_column(name)
        batch_op.drop_column("server_reply")
        batch_op.drop_column("is_resend")
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("batch_id")
    op.drop_table("delivery_batches")
