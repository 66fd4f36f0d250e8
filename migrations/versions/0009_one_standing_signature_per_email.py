"""Signatures: one standing signature per email and letter, enforced by a partial unique index;
a public sign-on repeating an organization's name points at the signature it may duplicate.

The signatory's email key is copied onto its signatures (the index needs it beside letter_id and
status). Existing duplicates are merged first: the one that counts most (approved, confirmed, held,
pending; then the oldest) stays.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

WHERE = "email_key != '' AND status IN ('pending', 'held', 'confirmed', 'approved')"

_COPY_KEYS = """
UPDATE signatures SET email_key = (
    SELECT signatories.email_key FROM signatories WHERE signatories.id = signatures.signatory_id
)
"""
#: Every standing signature but the one that stays (the one that counts most, then the oldest)
#: of one person on one letter is merged into that one.
_MERGE_DUPLICATES = """
UPDATE signatures SET status = 'merged', merged_into_id = (
    SELECT kept.id FROM signatures AS kept
    WHERE kept.letter_id = signatures.letter_id AND kept.email_key = signatures.email_key
      AND kept.status IN ('pending', 'held', 'confirmed', 'approved')
    ORDER BY CASE kept.status WHEN 'approved' THEN 0 WHEN 'confirmed' THEN 1 WHEN 'held' THEN 2 ELSE 3 END,
             kept.id
    LIMIT 1
)
WHERE email_key != '' AND status IN ('pending', 'held', 'confirmed', 'approved') AND id != (
    SELECT kept.id FROM signatures AS kept
    WHERE kept.letter_id = signatures.letter_id AND kept.email_key = signatures.email_key
      AND kept.status IN ('pending', 'held', 'confirmed', 'approved')
    ORDER BY CASE kept.status WHEN 'approved' THEN 0 WHEN 'confirmed' THEN 1 WHEN 'held' THEN 2 ELSE 3 END,
             kept.id
    LIMIT 1
)
"""


def upgrade():
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_key", sa.String(length=254), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("possible_duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_signatures_possible_duplicate_of_id_signatures"),
            "signatures",
            ["possible_duplicate_of_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.alter_column("email_key", server_default=None)
    op.execute(_COPY_KEYS)
    op.execute(_MERGE_DUPLICATES)
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.create_index(
            "uq_signatures_letter_email_standing",
            ["letter_id", "email_key"],
            unique=True,
            postgresql_where=sa.text(WHERE),
            sqlite_where=sa.text(WHERE),
        )


def downgrade():
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_index("uq_signatures_letter_email_standing")
        batch_op.drop_constraint(
            batch_op.f("fk_signatures_possible_duplicate_of_id_signatures"), type_="foreignkey"
        )
        batch_op.drop_column("possible_duplicate_of_id")
        batch_op.drop_column("email_key")
