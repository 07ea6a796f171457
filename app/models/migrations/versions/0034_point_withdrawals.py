"""points given by hand can be withdrawn: when, by whom, approved by whom and why

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 03:20:00

An entry typed in error (the wrong member, the wrong sign) stays on record but stops counting.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


COLUMNS = (
    sa.Column("withdrawn_on", sa.Date(), nullable=True),
    sa.Column("withdrawn_by", sa.String(60), nullable=False, server_default=""),
    sa.Column("withdraw_approved_by", sa.String(60), nullable=False, server_default=""),
    sa.Column("withdraw_reason", sa.String(200), nullable=False, server_default=""),
)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("party_point_entries", column)


def downgrade() -> None:
    with op.batch_alter_table("party_point_entries") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column.name)
