"""population upkeep: the resident history (一人一表 kept current) and the date and destination of
a move-out or a death

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-05 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: the residents table is referenced by others and is never copied.
    op.add_column("residents", sa.Column("left_on", sa.Date(), nullable=True))
    op.add_column("residents", sa.Column("moved_to", sa.String(200), nullable=False, server_default=""))
    op.create_table(
        "resident_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("summary", sa.String(300), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_resident_history_resident_id_residents"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_history")),
    )
    op.create_index(op.f("ix_resident_history_resident_id"), "resident_history", ["resident_id"])
    op.create_index(op.f("ix_resident_history_at"), "resident_history", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_resident_history_at"), table_name="resident_history")
    op.drop_index(op.f("ix_resident_history_resident_id"), table_name="resident_history")
    op.drop_table("resident_history")
    # DROP COLUMN in place (SQLite 3.35 and later): a batch copy of ``residents`` would drop the
    # table, and with it (ON DELETE CASCADE) every resident's tags and photo.
    op.drop_column("residents", "moved_to")
    op.drop_column("residents", "left_on")
