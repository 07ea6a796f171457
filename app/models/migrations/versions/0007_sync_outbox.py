"""sync outbox and sync state (client side of the street sync)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:58:49.596472
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_uuid", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_outbox")),
    )
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_sync_outbox_pending", ["sent_at", "record_type"], unique=False)
        batch_op.create_index("ix_sync_outbox_record", ["record_type", "record_uuid"], unique=False)

    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("server_time_offset_s", sa.Float(), nullable=False),
        sa.Column("server_url", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_state")),
    )
    # Records stored before the sync existed go out with the first round, like every later change.
    for record_type, table, version in (
        ("case", "cases", "version"),
        ("certificate", "certificates", "version"),
        ("case_event", "case_events", "1"),
    ):
        op.execute(
            f"INSERT INTO sync_outbox (record_type, record_uuid, version, created_at, attempts, last_error) "
            f"SELECT '{record_type}', uuid, {version}, CURRENT_TIMESTAMP, 0, '' FROM {table} ORDER BY id"
        )


def downgrade() -> None:
    op.drop_table("sync_state")
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_outbox_record")
        batch_op.drop_index("ix_sync_outbox_pending")

    op.drop_table("sync_outbox")
