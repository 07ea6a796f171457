"""service items the centre edited itself: a reload of the shipped catalogue leaves them alone

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-05 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: cases reference service_items, so the table is not copied.
    op.add_column(
        "service_items",
        sa.Column("edited_locally", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("service_items") as batch_op:
        batch_op.drop_column("edited_locally")
