"""Updates by email to signers who asked: the opt-in on the signatory, the notices and mails sent.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("signatories") as batch_op:
        batch_op.add_column(
            sa.Column("wants_updates", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("updates_requested_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "update_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("letter_id", sa.Integer(), sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("status_events.id", ondelete="SET NULL")),
        sa.Column("delivery_id", sa.Integer(), sa.ForeignKey("deliveries.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prepared_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_update_notices_letter_id", "update_notices", ["letter_id"])
    op.create_table(
        "update_mails",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "notice_id", sa.Integer(), sa.ForeignKey("update_notices.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "signatory_id", sa.Integer(), sa.ForeignKey("signatories.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("outbox_messages.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("notice_id", "signatory_id", name="uq_update_mails_notice_signatory"),
    )
    op.create_index("ix_update_mails_signatory_id", "update_mails", ["signatory_id"])


def downgrade():
    op.drop_index("ix_update_mails_signatory_id", table_name="update_mails")
    op.drop_table("update_mails")
    op.drop_index("ix_update_notices_letter_id", table_name="update_notices")
    op.drop_table("update_notices")
    with op.batch_alter_table("signatories") as batch_op:
        batch_op.drop_column("updates_requested_at")
        batch_op.drop_column("wants_updates")
