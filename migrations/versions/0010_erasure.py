"""Erasure: withdrawn documents, the document a delivery sent, erased signatories.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_deliveries_document_id"), ["document_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_deliveries_document_id_documents"), "documents", ["document_id"], ["id"]
        )

    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.drop_column("erased_at")

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_deliveries_document_id_documents"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_deliveries_document_id"))
        batch_op.drop_column("document_id")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
