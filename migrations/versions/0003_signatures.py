"""Signatories and their signatures on letter versions.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signatories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "organization",
                "individual",
                name="signatorykind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_ko", sa.String(length=200), nullable=False),
        sa.Column("line_en", sa.String(length=300), nullable=False),
        sa.Column("line_ko", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("logo_path", sa.String(length=200), nullable=True),
        sa.Column(
            "display",
            sa.Enum(
                "full",
                "initials",
                "counted",
                name="display",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("has_consented", sa.Boolean(), nullable=False),
        sa.Column(
            "language",
            sa.Enum(
                "en",
                "ko",
                name="language",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("anonymized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatories")),
    )
    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signatories_email_key"), ["email_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signatories_name_key"), ["name_key"], unique=False
        )
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signatory_id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "held",
                "confirmed",
                "approved",
                "rejected",
                "withdrawn",
                "expired",
                name="signaturestatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum(
                "form",
                "staff",
                "import",
                "demo",
                name="signaturesource",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("ip_hash", sa.String(length=64), nullable=True),
        sa.Column("rejection_reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_signatures_letter_id_letters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signatory_id"],
            ["signatories.id"],
            name=op.f("fk_signatures_signatory_id_signatories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["letter_versions.id"],
            name=op.f("fk_signatures_version_id_letter_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
    )
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_signatures_letter_status", ["letter_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signatures_signatory_id"), ["signatory_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signatures_version_id"), ["version_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signatures_version_id"))
        batch_op.drop_index(batch_op.f("ix_signatures_signatory_id"))
        batch_op.drop_index("ix_signatures_letter_status")
    op.drop_table("signatures")
    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signatories_name_key"))
        batch_op.drop_index(batch_op.f("ix_signatories_email_key"))
    op.drop_table("signatories")
