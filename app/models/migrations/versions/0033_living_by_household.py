"""covering indexes for the population figures: residents by household with state and grid, and
the age pyramid's index with the grid

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 02:50:00

The 统计 tab counts living residents and households per grid. The index on the household alone
made SQLite look every resident up in the table for their state (0.5 s at a million residents);
one on (household, state, grid) answers the count by itself (0.2 s) and still serves every
search by household, which reads its first column. The age pyramid's index gains the grid, so a
report narrowed to one grid is counted from the index too instead of from every resident's row.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_residents_household_id", table_name="residents")
    op.create_index("ix_residents_household", "residents", ["household_id", "state", "grid_id"])
    op.drop_index("ix_residents_birth", table_name="residents")
    op.create_index(
        "ix_residents_birth", "residents", ["birth_date", "sex", "state", "grid_id", "household_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_residents_birth", table_name="residents")
    op.create_index("ix_residents_birth", "residents", ["birth_date", "sex", "state", "household_id"])
    op.drop_index("ix_residents_household", table_name="residents")
    op.create_index("ix_residents_household_id", "residents", ["household_id"])
