"""sync protocol v2: the server version each copy is based on, the fields a change set, pulled
records held for their case, conflicts shown to staff, and the push receipt

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch copy: copying ``cases`` would drop and recreate it, and its
    # events (ON DELETE CASCADE) with it.
    for table in ("cases", "certificates"):
        op.add_column(table, sa.Column("sync_base", sa.Integer(), nullable=False, server_default="0"))
        # Protocol v1 stored the desk's own version at the server: a copy with nothing waiting is
        # based on it. One still waiting keeps 0, and the server's answer brings its copy.
        op.execute(
            f"UPDATE {table} SET sync_base = version WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o "
            f"WHERE o.record_uuid = {table}.uuid AND o.sent_at IS NULL)"
        )
    op.add_column("sync_outbox", sa.Column("fields", sa.JSON(), nullable=False, server_default='["*"]'))
    op.add_column("sync_state", sa.Column("receipt", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "sync_held",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_uuid", sa.String(length=36), nullable=False),
        sa.Column("parent_uuid", sa.String(length=36), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_held")),
    )
    op.create_index(op.f("ix_sync_held_parent_uuid"), "sync_held", ["parent_uuid"])
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_uuid", sa.String(length=36), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )


def downgrade() -> None:
    op.drop_table("sync_conflicts")
    op.drop_index(op.f("ix_sync_held_parent_uuid"), table_name="sync_held")
    op.drop_table("sync_held")
    # DROP COLUMN in place (SQLite 3.35 and later): no copy of ``cases``, whose events would go with it.
    for table, column in (
        ("sync_state", "receipt"),
        ("sync_outbox", "fields"),
        ("certificates", "sync_base"),
        ("cases", "sync_base"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
