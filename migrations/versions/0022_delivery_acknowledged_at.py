"""A delivery remembers when its recipient's system first acknowledged it (an automatic reply).

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.drop_column("acknowledged_at")
