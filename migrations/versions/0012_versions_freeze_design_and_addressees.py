"""Letter versions freeze their design, languages and addressees, and the revision they were made from.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("letter_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column(
                "single_language",
                sa.Enum("en", "ko", name="language", native_enum=False, create_constraint=True, length=32),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("revision_number", sa.Integer(), nullable=True))
    # Existing versions were printed with their letter's design, languages and addressees.
    op.execute(
        "UPDATE letter_versions SET"
        " template = (SELECT template FROM letters WHERE letters.id = letter_versions.letter_id),"
        " single_language = (SELECT single_language FROM letters"
        " WHERE letters.id = letter_versions.letter_id)"
    )
    with op.batch_alter_table("letter_versions", schema=None) as batch_op:
        batch_op.alter_column("template", existing_type=sa.String(length=64), nullable=False)
    op.create_table(
        "letter_version_recipients",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_letter_version_recipients_recipient_id_recipients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["letter_versions.id"],
            name=op.f("fk_letter_version_recipients_version_id_letter_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "recipient_id", name=op.f("pk_letter_version_recipients")),
    )
    op.execute(
        "INSERT INTO letter_version_recipients (version_id, recipient_id, position)"
        " SELECT letter_versions.id, letter_recipients.recipient_id, letter_recipients.position"
        " FROM letter_versions JOIN letter_recipients"
        " ON letter_recipients.letter_id = letter_versions.letter_id"
    )


def downgrade():
    op.drop_table("letter_version_recipients")
    with op.batch_alter_table("letter_versions", schema=None) as batch_op:
        batch_op.drop_column("revision_number")
        batch_op.drop_constraint(batch_op.f("ck_letter_versions_language"), type_="check")
        batch_op.drop_column("single_language")
        batch_op.drop_column("template")
