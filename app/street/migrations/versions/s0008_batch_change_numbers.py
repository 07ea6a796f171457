"""street server: a batch's stored answer keeps the change numbers it took

Revision ID: s0008
Revises: s0007
Create Date: 2026-12-06 09:00:00

A desk whose answer was lost sends the batch again under its own id and gets the stored answer.
With the change numbers in it (``first_change``, ``receipt``), the desk's pull of its own writes
stops before them as after any answered push, instead of bringing the whole batch back. Batches
answered before this migration keep 0 and 0, as they were answered then.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0008"
down_revision: str | None = "s0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("push_batches") as batch:
        batch.add_column(sa.Column("first_change", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_change", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("push_batches") as batch:
        batch.drop_column("last_change")
        batch.drop_column("first_change")
