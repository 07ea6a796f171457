"""street server: the plain ID-number hashes of kiosk walk-in requests leave the events

Revision ID: s0004
Revises: s0003
Create Date: 2026-12-05 10:00:00

Before the desk's migration 0008, a kiosk walk-in request's event carried ``id_hash``, a plain
SHA-256 of the person's ID number, reversed in seconds when region and birth year are known, and
it synced here. The desks removed it from their own copies; this removes it from the street's.
The request itself (the case) never carried it. Nothing can bring the old value back, so the
downgrade changes nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0004"
down_revision: str | None = "s0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENTS = sa.table(
    "street_case_events",
    sa.column("origin_community", sa.String),
    sa.column("uuid", sa.String),
    sa.column("data", sa.JSON),
)


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_EVENTS.c.origin_community, _EVENTS.c.uuid, _EVENTS.c.data).where(
            sa.cast(_EVENTS.c.data, sa.Text).like('%"id_hash"%')
        )
    ).all()
    for origin, uuid, data in rows:
        if isinstance(data, dict) and "id_hash" in data:
            conn.execute(
                sa.update(_EVENTS)
                .where(_EVENTS.c.origin_community == origin, _EVENTS.c.uuid == uuid)
                .values(data={k: v for k, v in data.items() if k != "id_hash"})
            )


def downgrade() -> None:
    pass
