"""the sync state keeps a note of the records the last round set aside for an older street server
(their type unknown to it), so the desk's status line can say why they wait

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-06 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "sync_state", sa.Column("held_back_note", sa.String(length=300), nullable=False, server_default="")
    )


def downgrade() -> None:
    op.drop_column("sync_state", "held_back_note")
