"""community engagement: micro-wishes (微心愿), home visits (走访) and visiting rules by tag

Revision ID: 0022
Revises: 0016
Create Date: 2026-12-05 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "wishes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("wish_no", sa.String(20), nullable=False, unique=True),
        sa.Column(
            "community_id", sa.Integer(), sa.ForeignKey("communities.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grids.id", ondelete="SET NULL"), nullable=True),
        sa.Column(
            "resident_id", sa.Integer(), sa.ForeignKey("residents.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("budget_yuan", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("posted_by", sa.String(60), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reviewed_by", sa.String(60), nullable=False),
        sa.Column("claimer_kind", sa.String(10), nullable=False),
        sa.Column("claimer_name", sa.String(80), nullable=False),
        sa.Column("claimer_phone", sa.String(30), nullable=False),
        sa.Column("claimed_on", sa.Date(), nullable=True),
        sa.Column("fulfilled_on", sa.Date(), nullable=True),
        sa.Column("fulfil_note", sa.Text(), nullable=False),
        sa.Column("fulfil_photo", sa.LargeBinary(), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("end_reason", sa.Text(), nullable=False),
        *_stamps(),
    )
    for column in ("community_id", "grid_id", "resident_id", "posted_on", "status"):
        op.create_index(f"ix_wishes_{column}", "wishes", [column])
    op.create_table(
        "visit_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "tag_id", sa.Integer(), sa.ForeignKey("tags.id", ondelete="CASCADE"), nullable=False, unique=True
        ),
        sa.Column("every_days", sa.Integer(), nullable=False),
        *_stamps(),
    )
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grids.id", ondelete="SET NULL"), nullable=True),
        sa.Column(
            "resident_id", sa.Integer(), sa.ForeignKey("residents.id", ondelete="RESTRICT"), nullable=True
        ),
        sa.Column(
            "household_id", sa.Integer(), sa.ForeignKey("households.id", ondelete="RESTRICT"), nullable=True
        ),
        sa.Column("visitor", sa.String(60), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("way", sa.String(6), nullable=False),
        sa.Column("found", sa.Text(), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="SET NULL"), nullable=True),
        sa.Column("recorded_by", sa.String(60), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        *_stamps(),
    )
    for column in ("grid_id", "resident_id", "household_id", "visited_on"):
        op.create_index(f"ix_visits_{column}", "visits", [column])


def downgrade() -> None:
    op.drop_table("visits")
    op.drop_table("visit_rules")
    op.drop_table("wishes")
