"""escalation targets: the departments a case can be escalated to, with level and contact

Revision ID: 0023
Revises: 0016
Create Date: 2026-12-05 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The list the desk offered before targets became data, with the level each one stands at.
SEED = [
    ("街道办事处", "street"),
    ("街道社会事务办", "street"),
    ("街道城管科", "street"),
    ("街道综治中心", "street"),
    ("区民政局", "district"),
    ("区人社局", "district"),
    ("区住建局", "district"),
    ("区城市管理执法局", "district"),
]


def upgrade() -> None:
    table = op.create_table(
        "escalation_targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(60), nullable=False, unique=True),
        sa.Column("level", sa.String(12), nullable=False),
        sa.Column("contact", sa.String(120), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
    )
    op.bulk_insert(
        table, [{"name": name, "level": level, "contact": "", "active": True} for name, level in SEED]
    )


def downgrade() -> None:
    op.drop_table("escalation_targets")
