"""The letter timeline: more kinds of event, evidence, proposals; answer terms per letter and per body.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "published",
    "delivered",
    "submitted",
    "registered",
    "acknowledged",
    "responded",
    "followed_up",
    "resolved",
    "other",
)
NEW_KINDS = (
    *OLD_KINDS,
    "received",
    "under_consideration",
    "referred",
    "declined",
    "closed",
    "extended",
    "paused",
    "resumed",
)


def _kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("evidence_path", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("evidence_filename", sa.String(length=255), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("is_proposed", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("new_due_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_status_events_delivery_id_deliveries"),
            "deliveries",
            ["delivery_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(batch_op.f("ix_status_events_delivery_id"), ["delivery_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_status_events_letter_id"), ["letter_id"], unique=False)
        batch_op.drop_constraint(batch_op.f("ck_status_events_statuskind"), type_="check")
        batch_op.create_check_constraint("statuskind", _kind_check(NEW_KINDS))
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        for name in ("evidence_path", "evidence_filename", "is_proposed"):
            batch_op.alter_column(name, server_default=None)
    for table in ("letters", "recipients"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("response_due_working_days", sa.Integer(), nullable=True))


def downgrade():
    for table in ("recipients", "letters"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("response_due_working_days")
    status_events = sa.table("status_events", sa.column("kind"))
    op.execute(status_events.update().where(status_events.c.kind.notin_(OLD_KINDS)).values(kind="other"))
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_status_events_statuskind"), type_="check")
        batch_op.create_check_constraint("statuskind", _kind_check(OLD_KINDS))
        batch_op.drop_index(batch_op.f("ix_status_events_letter_id"))
        batch_op.drop_index(batch_op.f("ix_status_events_delivery_id"))
        batch_op.drop_constraint(batch_op.f("fk_status_events_delivery_id_deliveries"), type_="foreignkey")
        batch_op.drop_column("new_due_on")
        batch_op.drop_column("is_proposed")
        batch_op.drop_column("evidence_filename")
        batch_op.drop_column("evidence_path")
        batch_op.drop_column("delivery_id")
