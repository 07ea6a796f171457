"""grid party branches travel up to the street office (name and grid): the organisation table
gets a UUID for every node, and the grid branches already there are queued

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 04:20:00

As in 0035: plain ALTER TABLE and a unique index (members, meetings and lower nodes hold foreign
keys to the organisation), and the grid branches queued in the upgrade's own transaction. Only
grid branches travel; building groups and 党员中心户 get a UUID but stay on the desk.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE, RECORD_TYPE = "party_organisations", "party_branch"


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column(TABLE, sa.Column("uuid", sa.String(length=36), nullable=True))
    for row_id in bind.execute(sa.text(f"SELECT id FROM {TABLE}")).scalars().all():  # noqa: S608 — fixed names
        bind.execute(
            sa.text(f"UPDATE {TABLE} SET uuid = :u WHERE id = :i"), {"u": str(uuid.uuid4()), "i": row_id}
        )  # noqa: S608
    op.create_index(f"ix_{TABLE}_uuid", TABLE, ["uuid"], unique=True)
    bind.execute(
        sa.text(
            "INSERT INTO sync_outbox (record_type, record_uuid, version, created_at, attempts, "
            f"last_error, fields) SELECT :t, uuid, 1, CURRENT_TIMESTAMP, 0, '', '[\"*\"]' FROM {TABLE} "  # noqa: S608
            "WHERE level = 'grid_branch'"
        ),
        {"t": RECORD_TYPE},
    )


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM sync_outbox WHERE record_type = :t"), {"t": RECORD_TYPE})
    op.drop_index(f"ix_{TABLE}_uuid", table_name=TABLE)
    op.drop_column(TABLE, "uuid")
