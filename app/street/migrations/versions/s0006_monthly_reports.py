"""street server: the communities' monthly reports (月度工作报表)

Revision ID: s0006
Revises: s0005
Create Date: 2026-12-05 18:10:00

One row per community and month, replaced by a re-sent one (docs/REPORTS.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0006"
down_revision: str | None = "s0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "street_monthly_reports",
        sa.Column("community", sa.String(15), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(60), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("community", "month", name=op.f("pk_street_monthly_reports")),
    )


def downgrade() -> None:
    op.drop_table("street_monthly_reports")
