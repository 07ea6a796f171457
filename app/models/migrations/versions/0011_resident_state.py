"""a resident's state on the population base: living, moved away or dead (nobody is deleted)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the residents table, which other tables reference).
    op.add_column("residents", sa.Column("state", sa.String(10), nullable=False, server_default="living"))
    op.create_index("ix_residents_state", "residents", ["state"])


def downgrade() -> None:
    op.drop_index("ix_residents_state", table_name="residents")
    # DROP COLUMN in place (SQLite 3.35 and later): a batch copy of ``residents`` would drop the
    # table, and with it (ON DELETE CASCADE) every resident's tags and photo.
    op.drop_column("residents", "state")
