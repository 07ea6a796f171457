"""covering indexes for the 统计 tab: residents by birth date and sex, visits by day

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 00:20:00

The age pyramid counts living residents by birth date and sex. With only the birth date indexed,
SQLite walked that index and looked every resident up in the table: 5 s at a million residents.
An index holding the birth date, sex, state and household answers it alone (0.2 s) and still
serves the age searches, which range over its first column. The period's visits are counted the
same way from an index of the day, grid, way and case.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_residents_birth_date", table_name="residents")
    op.create_index("ix_residents_birth", "residents", ["birth_date", "sex", "state", "household_id"])
    op.drop_index("ix_visits_visited_on", table_name="visits")
    op.create_index("ix_visits_day", "visits", ["visited_on", "grid_id", "way", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_visits_day", table_name="visits")
    op.create_index("ix_visits_visited_on", "visits", ["visited_on"])
    op.drop_index("ix_residents_birth", table_name="residents")
    op.create_index("ix_residents_birth_date", "residents", ["birth_date"])
