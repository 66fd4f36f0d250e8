"""Roles per campaign (campaign_members), and an append-only audit log with campaign, kind, before/after.

Every viewer and editor becomes a member of every existing campaign with their role, so nobody
loses access. On PostgreSQL a trigger refuses UPDATE and DELETE of audit entries, except an update
that only blanks details/before/after while `undersigned.audit_erasure` is on (the erasure path).

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

ROLE_ENUM = sa.Enum(
    "admin",
    "editor",
    "viewer",
    name="membership_role",
    native_enum=False,
    create_constraint=True,
    length=32,
)
KIND_ENUM = sa.Enum(
    "staff", "worker", "public", name="auditkind", native_enum=False, create_constraint=True, length=32
)

APPEND_ONLY = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND coalesce(current_setting('undersigned.audit_erasure', true), '') = 'on'
       AND NEW.id = OLD.id
       AND NEW.action = OLD.action
       AND NEW.kind = OLD.kind
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.campaign_id IS NOT DISTINCT FROM OLD.campaign_id
       AND NEW.object_type IS NOT DISTINCT FROM OLD.object_type
       AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id
       AND NEW.created_at = OLD.created_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
"""


#: Entries about an object of a letter get the letter's campaign.
BACKFILL_THROUGH_LETTER = [
    "UPDATE audit_log SET campaign_id = (SELECT letters.campaign_id FROM letters JOIN signatures "
    "ON signatures.letter_id = letters.id WHERE signatures.id = object_id) WHERE object_type = 'signatures'",
    "UPDATE audit_log SET campaign_id = (SELECT letters.campaign_id FROM letters JOIN responses "
    "ON responses.letter_id = letters.id WHERE responses.id = object_id) WHERE object_type = 'responses'",
    "UPDATE audit_log SET campaign_id = (SELECT letters.campaign_id FROM letters JOIN deliveries "
    "ON deliveries.letter_id = letters.id WHERE deliveries.id = object_id) WHERE object_type = 'deliveries'",
    "UPDATE audit_log SET campaign_id = (SELECT letters.campaign_id FROM letters JOIN documents "
    "ON documents.letter_id = letters.id WHERE documents.id = object_id) WHERE object_type = 'documents'",
]


def upgrade():
    op.create_table(
        "campaign_members",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("role", ROLE_ENUM, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_campaign_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_members_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "campaign_id", name=op.f("pk_campaign_members")),
    )
    with op.batch_alter_table("campaign_members") as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_members_campaign_id"), ["campaign_id"], unique=False)
    op.execute(
        "INSERT INTO campaign_members (user_id, campaign_id, role, created_at) "
        "SELECT users.id, campaigns.id, users.role, CURRENT_TIMESTAMP FROM users CROSS JOIN campaigns "
        "WHERE users.role IN ('viewer', 'editor')"
    )

    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.add_column(sa.Column("kind", KIND_ENUM, nullable=False, server_default="staff"))
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("before", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("after", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_campaign_id"), ["campaign_id"], unique=False)
    op.execute("UPDATE audit_log SET kind = 'worker' WHERE actor_id IS NULL")
    op.execute("UPDATE audit_log SET campaign_id = object_id WHERE object_type = 'campaigns'")
    op.execute(
        "UPDATE audit_log SET campaign_id = "
        "(SELECT campaign_id FROM letters WHERE letters.id = object_id) WHERE object_type = 'letters'"
    )
    for statement in BACKFILL_THROUGH_LETTER:
        op.execute(statement)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_kind"))
        batch_op.drop_constraint(batch_op.f("ck_audit_log_auditkind"), type_="check")
        batch_op.drop_column("after")
        batch_op.drop_column("before")
        batch_op.drop_column("campaign_id")
        batch_op.drop_column("kind")
    with op.batch_alter_table("campaign_members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_members_campaign_id"))
    op.drop_table("campaign_members")
