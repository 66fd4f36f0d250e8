"""Campaigns, recipients, letters with their revisions and frozen versions.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "head_of_state",
                "ministry",
                "embassy",
                "government_body",
                "international_body",
                "organization",
                "person",
                name="recipientkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_ko", sa.String(length=200), nullable=False),
        sa.Column("addressee_en", sa.String(length=200), nullable=False),
        sa.Column("addressee_ko", sa.String(length=200), nullable=False),
        sa.Column("address_en", sa.Text(), nullable=False),
        sa.Column("address_ko", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("fax", sa.String(length=40), nullable=False),
        sa.Column("portal_url", sa.String(length=300), nullable=False),
        sa.Column(
            "preferred_language",
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
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipients")),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("title_ko", sa.String(length=200), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("summary_ko", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "resolved",
                "archived",
                name="campaignstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_campaigns_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("slug", name=op.f("uq_campaigns_slug")),
    )
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "open_letter",
                "petition",
                name="letterkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "in_review",
                "open",
                "closed",
                "delivered",
                "archived",
                name="letterstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column(
            "single_language",
            sa.Enum(
                "en",
                "ko",
                name="language",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("place_en", sa.String(length=120), nullable=False),
        sa.Column("place_ko", sa.String(length=120), nullable=False),
        sa.Column("is_individual_approval_required", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("title_ko", sa.String(length=300), nullable=False),
        sa.Column("subject_en", sa.String(length=300), nullable=False),
        sa.Column("subject_ko", sa.String(length=300), nullable=False),
        sa.Column("salutation_en", sa.String(length=200), nullable=False),
        sa.Column("salutation_ko", sa.String(length=200), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("body_ko", sa.Text(), nullable=False),
        sa.Column("closing_en", sa.String(length=500), nullable=False),
        sa.Column("closing_ko", sa.String(length=500), nullable=False),
        sa.Column("signatories_intro_en", sa.String(length=300), nullable=False),
        sa.Column("signatories_intro_ko", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_letters_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_letters_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
        sa.UniqueConstraint(
            "campaign_id", "slug", name=op.f("uq_letters_campaign_id_slug")
        ),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_letters_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_letters_status"), ["status"], unique=False)
    op.create_table(
        "letter_recipients",
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_letter_recipients_letter_id_letters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_letter_recipients_recipient_id_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "letter_id", "recipient_id", name=op.f("pk_letter_recipients")
        ),
    )
    op.create_table(
        "letter_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("title_ko", sa.String(length=300), nullable=False),
        sa.Column("subject_en", sa.String(length=300), nullable=False),
        sa.Column("subject_ko", sa.String(length=300), nullable=False),
        sa.Column("salutation_en", sa.String(length=200), nullable=False),
        sa.Column("salutation_ko", sa.String(length=200), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("body_ko", sa.Text(), nullable=False),
        sa.Column("closing_en", sa.String(length=500), nullable=False),
        sa.Column("closing_ko", sa.String(length=500), nullable=False),
        sa.Column("signatories_intro_en", sa.String(length=300), nullable=False),
        sa.Column("signatories_intro_ko", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_letter_revisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_letter_revisions_letter_id_letters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_revisions")),
        sa.UniqueConstraint(
            "letter_id", "number", name=op.f("uq_letter_revisions_letter_id_number")
        ),
    )
    op.create_table(
        "letter_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("place_en", sa.String(length=120), nullable=False),
        sa.Column("place_ko", sa.String(length=120), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_by_id", sa.Integer(), nullable=True),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("title_ko", sa.String(length=300), nullable=False),
        sa.Column("subject_en", sa.String(length=300), nullable=False),
        sa.Column("subject_ko", sa.String(length=300), nullable=False),
        sa.Column("salutation_en", sa.String(length=200), nullable=False),
        sa.Column("salutation_ko", sa.String(length=200), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("body_ko", sa.Text(), nullable=False),
        sa.Column("closing_en", sa.String(length=500), nullable=False),
        sa.Column("closing_ko", sa.String(length=500), nullable=False),
        sa.Column("signatories_intro_en", sa.String(length=300), nullable=False),
        sa.Column("signatories_intro_ko", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["frozen_by_id"],
            ["users.id"],
            name=op.f("fk_letter_versions_frozen_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_letter_versions_letter_id_letters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_versions")),
        sa.UniqueConstraint(
            "letter_id", "number", name=op.f("uq_letter_versions_letter_id_number")
        ),
    )


def downgrade():
    op.drop_table("letter_versions")
    op.drop_table("letter_revisions")
    op.drop_table("letter_recipients")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letters_status"))
        batch_op.drop_index(batch_op.f("ix_letters_campaign_id"))
    op.drop_table("letters")
    op.drop_table("campaigns")
    op.drop_table("recipients")
