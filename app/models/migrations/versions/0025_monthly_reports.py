"""monthly reports upward (月度工作报表)

Revision ID: 0025
Revises: 0021
Create Date: 2026-12-05 18:00:00

One row per community and month: the figures as made, the notes, and which version the street
office holds (sent with the sync).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "monthly_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("community_code", sa.String(15), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(60), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("sent_version", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("uuid", name=op.f("uq_monthly_reports_uuid")),
        sa.UniqueConstraint("community_code", "month", name=op.f("uq_monthly_reports_community_code")),
    )


def downgrade() -> None:
    op.drop_table("monthly_reports")
