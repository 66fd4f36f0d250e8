"""Outbox: sending and unconfirmed states, failure reasons, hand-off and attempt times, blanking.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD_STATUSES = ("queued", "sent", "kept", "failed")
NEW_STATUSES = ("queued", "sending", "sent", "kept", "failed", "unconfirmed")
FAILURES = ("refused", "invalid_message", "needs_smtputf8", "invalid_address", "gave_up")
TIMES = ("handed_off_at", "last_attempt_at", "next_attempt_at", "blanked_at")


def _status_check(statuses):
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "failure_reason",
                sa.Enum(
                    *FAILURES,
                    name="mailfailure",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        for name in TIMES:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_outbox_messages_mailstatus"), type_="check")
        batch_op.create_check_constraint("mailstatus", _status_check(NEW_STATUSES))
    # Messages queued before this revision were handed to the broker when they were made.
    op.execute("UPDATE outbox_messages SET handed_off_at = created_at WHERE status = 'queued'")


def downgrade():
    # Without the new states, a message that may have gone out counts as failed, never as queued.
    op.execute("UPDATE outbox_messages SET status = 'failed' WHERE status IN ('sending', 'unconfirmed')")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_messages_mailstatus"), type_="check")
        batch_op.create_check_constraint("mailstatus", _status_check(OLD_STATUSES))
        for name in reversed(TIMES):
            batch_op.drop_column(name)
        batch_op.drop_constraint(batch_op.f("ck_outbox_messages_mailfailure"), type_="check")
        batch_op.drop_column("failure_reason")
