"""street server: the records of community life that travel up only (wishes, visits, 议事,
partner units and projects, party members, meetings and 双报到 services), one table for all types

Revision ID: s0009
Revises: s0008
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0009"
down_revision: str | None = "s0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "street_life_records",
        sa.Column("origin_community", sa.String(length=15), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("data_hash", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("origin_community", "type", "uuid", name=op.f("pk_street_life_records")),
    )


def downgrade() -> None:
    op.drop_table("street_life_records")
