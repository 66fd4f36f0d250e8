"""The recipient registry: more kinds, a contact person, tags, and a name key for matching.

Revision ID: 0008
Revises: 0007
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "head_of_state",
    "ministry",
    "embassy",
    "government_body",
    "international_body",
    "organization",
    "person",
)
NEW_KINDS = (*OLD_KINDS, "ngo_partner", "other")
_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def _kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def _name_key(*names):
    """As app.signatures.normalize.stored_name_key, frozen here as it was when this revision was written."""
    keys = [_NOISE.sub("", unicodedata.normalize("NFKC", n).casefold()) for n in names if n]
    keys = [k for k in keys if k]
    return "|" + "|".join(keys) + "|" if keys else ""


def upgrade():
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=410), nullable=False, server_default=""))
        for name, length in (("contact_name", 200), ("contact_email", 254), ("contact_phone", 40)):
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=""))
        batch_op.drop_constraint(batch_op.f("ck_recipients_recipientkind"), type_="check")
        batch_op.create_check_constraint("recipientkind", _kind_check(NEW_KINDS))
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        for name in ("name_key", "contact_name", "contact_email", "contact_phone"):
            batch_op.alter_column(name, server_default=None)

    recipients = sa.table(
        "recipients", sa.column("id"), sa.column("name_en"), sa.column("name_ko"), sa.column("name_key")
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(recipients.c.id, recipients.c.name_en, recipients.c.name_ko)):
        connection.execute(
            recipients.update()
            .where(recipients.c.id == row.id)
            .values(name_key=_name_key(row.name_en, row.name_ko))
        )

    op.create_table(
        "recipient_tags",
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_recipient_tags_recipient_id_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recipient_id", "name", name=op.f("pk_recipient_tags")),
    )


def downgrade():
    op.drop_table("recipient_tags")
    # The kinds this revision added become the nearest older ones.
    op.execute("UPDATE recipients SET kind = 'organization' WHERE kind IN ('ngo_partner', 'other')")
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_recipients_recipientkind"), type_="check")
        batch_op.create_check_constraint("recipientkind", _kind_check(OLD_KINDS))
        for name in ("contact_phone", "contact_email", "contact_name", "name_key"):
            batch_op.drop_column(name)
