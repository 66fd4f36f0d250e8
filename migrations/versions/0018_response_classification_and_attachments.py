"""Responses: classification, the body's reference, subject and sender; attachments hashed and published.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OLD_CHANNELS = ("email", "post", "statement", "meeting", "phone", "other")
CHANNELS = (*OLD_CHANNELS, "official_notice")
CLASSIFICATIONS = (
    "acknowledgement",
    "automatic_reply",
    "registration",
    "substantive",
    "refusal",
    "referral",
    "information_request",
)


def _check(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "classification",
                sa.Enum(
                    *CLASSIFICATIONS,
                    name="responseclassification",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=False,
                server_default="acknowledgement",
            )
        )
        batch_op.add_column(sa.Column("reference", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("subject", sa.String(length=998), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("sender", sa.String(length=998), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_responses_created_by_id_users"),
            "users",
            ["created_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint(batch_op.f("ck_responses_responsechannel"), type_="check")
        batch_op.create_check_constraint("responsechannel", _check("channel", CHANNELS))
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.alter_column("classification", server_default=None)

    with op.batch_alter_table("response_attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("is_public", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("uploaded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_response_attachments_uploaded_by_id_users"),
            "users",
            ["uploaded_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("response_attachments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_response_attachments_uploaded_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("uploaded_by_id")
        batch_op.drop_column("is_public")
        batch_op.drop_column("sha256")
    op.execute("UPDATE responses SET channel = 'other' WHERE channel = 'official_notice'")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_responses_responsechannel"), type_="check")
        batch_op.create_check_constraint("responsechannel", _check("channel", OLD_CHANNELS))
        batch_op.drop_constraint(batch_op.f("fk_responses_created_by_id_users"), type_="foreignkey")
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("sender")
        batch_op.drop_column("subject")
        batch_op.drop_column("reference")
        batch_op.drop_constraint(batch_op.f("ck_responses_responseclassification"), type_="check")
        batch_op.drop_column("classification")
