"""the index on residents.state holds only those who left

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 18:30:00

Nearly every resident is 在册, so the index on ``state`` narrows nothing, yet SQLite, which keeps
no statistics unless asked, took it over the index on ``household_id`` whenever a query named
both: a household's members were found by walking every living resident of the street (200 ms a
swipe at 1,000,000 residents, and the household picker of 居民信息维护 slower still). A partial
index on the few who moved away or died serves the searches confined to them; a query uses it
only when it says ``state <> 'living'`` itself (app.services.population.search_plan.in_state).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


LEFT = "state <> 'living'"


def upgrade() -> None:
    op.drop_index("ix_residents_state", table_name="residents")
    op.create_index(
        "ix_residents_left",
        "residents",
        ["state"],
        sqlite_where=sa.text(LEFT),
        postgresql_where=sa.text(LEFT),
    )


def downgrade() -> None:
    op.drop_index("ix_residents_left", table_name="residents")
    op.create_index("ix_residents_state", "residents", ["state"])
