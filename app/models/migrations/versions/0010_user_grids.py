"""the grids a grid worker's account serves (what it may see)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_grids",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grids.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_user_grids_grid_id", "user_grids", ["grid_id"])


def downgrade() -> None:
    op.drop_index("ix_user_grids_grid_id", table_name="user_grids")
    op.drop_table("user_grids")
