"""Deliveries: staff's cover messages per letter and language; outbox messages that carry a PDF.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "delivery_cover_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column(
            "language",
            sa.Enum("en", "ko", name="language", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["letter_id"], ["letters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_cover_messages")),
        sa.UniqueConstraint(
            "letter_id", "language", name=op.f("uq_delivery_cover_messages_letter_id_language")
        ),
    )
    with op.batch_alter_table("delivery_cover_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_cover_messages_letter_id"), ["letter_id"], unique=False)

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment_document_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("attachment_filename", sa.String(length=255), nullable=False, server_default="")
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_attachment_document_id_documents"),
            "documents",
            ["attachment_document_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_attachment_document_id_documents"), type_="foreignkey"
        )
        batch_op.drop_column("attachment_filename")
        batch_op.drop_column("attachment_document_id")
    op.drop_table("delivery_cover_messages")
