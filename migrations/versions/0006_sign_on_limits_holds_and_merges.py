"""Sign-on: per-letter rate limits, the closing date, held and merged signatures.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD_STATUSES = ("pending", "held", "confirmed", "approved", "rejected", "withdrawn", "expired")
NEW_STATUSES = (*OLD_STATUSES, "merged")


def _status_check(statuses):
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def upgrade():
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "sign_on_limits",
                sa.String(length=100),
                nullable=False,
                server_default="1 per 60 seconds; 5 per 300 seconds",
            )
        )
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.alter_column("sign_on_limits", server_default=None)

    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hold_reason", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_signatures_merged_into_id_signatures"),
            "signatures",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint(batch_op.f("ck_signatures_signaturestatus"), type_="check")
        batch_op.create_check_constraint("signaturestatus", _status_check(NEW_STATUSES))
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.alter_column("hold_reason", server_default=None)


def downgrade():
    op.execute("UPDATE signatures SET status = 'rejected' WHERE status = 'merged'")
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_signatures_signaturestatus"), type_="check")
        batch_op.create_check_constraint("signaturestatus", _status_check(OLD_STATUSES))
        batch_op.drop_constraint(batch_op.f("fk_signatures_merged_into_id_signatures"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("hold_reason")

    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("sign_on_limits")
