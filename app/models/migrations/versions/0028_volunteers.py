"""volunteer service (志愿服务): teams, volunteers, memberships, activities, attendance

Revision ID: 0028
Revises: 0024
Create Date: 2026-12-20 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "volunteer_teams",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "community_id", sa.Integer(), sa.ForeignKey("communities.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grids.id", ondelete="SET NULL"), nullable=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("leader", sa.String(50), nullable=False),
        sa.Column("leader_phone", sa.String(30), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_volunteer_teams_community_id", "volunteer_teams", ["community_id"])
    op.create_index("ix_volunteer_teams_grid_id", "volunteer_teams", ["grid_id"])
    op.create_table(
        "volunteers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "community_id", sa.Integer(), sa.ForeignKey("communities.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column(
            "resident_id",
            sa.Integer(),
            sa.ForeignKey("residents.id", ondelete="RESTRICT"),
            nullable=True,
            unique=True,
        ),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("id_masked", sa.String(20), nullable=False),
        sa.Column("id_key", sa.String(64), nullable=False, unique=True),
        sa.Column("phone", sa.String(30), nullable=False),
        sa.Column("skills", sa.String(200), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_volunteers_community_id", "volunteers", ["community_id"])
    op.create_table(
        "volunteer_memberships",
        sa.Column(
            "team_id",
            sa.Integer(),
            sa.ForeignKey("volunteer_teams.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "volunteer_id", sa.Integer(), sa.ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("joined_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_volunteer_memberships_volunteer_id", "volunteer_memberships", ["volunteer_id"])
    op.create_table(
        "volunteer_activities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "team_id", sa.Integer(), sa.ForeignKey("volunteer_teams.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("place", sa.String(80), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_by", sa.String(60), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_volunteer_activities_team_id", "volunteer_activities", ["team_id"])
    op.create_index("ix_volunteer_activities_starts_at", "volunteer_activities", ["starts_at"])
    op.create_table(
        "volunteer_attendance",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "activity_id",
            sa.Integer(),
            sa.ForeignKey("volunteer_activities.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column(
            "volunteer_id", sa.Integer(), sa.ForeignKey("volunteers.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("signed_in_at", sa.DateTime(), nullable=False),
        sa.Column("signed_out_at", sa.DateTime(), nullable=True),
        sa.Column("computed_hours", sa.Float(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("signed_by", sa.String(60), nullable=False),
        sa.Column("correction_reason", sa.String(200), nullable=False),
        sa.Column("corrected_by", sa.String(60), nullable=False),
        sa.Column("corrected_at", sa.DateTime(), nullable=True),
        *_stamps(),
        sa.UniqueConstraint("activity_id", "volunteer_id", name="uq_volunteer_attendance_activity_id"),
    )
    op.create_index("ix_volunteer_attendance_activity_id", "volunteer_attendance", ["activity_id"])
    op.create_index("ix_volunteer_attendance_volunteer_id", "volunteer_attendance", ["volunteer_id"])


def downgrade() -> None:
    op.drop_table("volunteer_attendance")
    op.drop_table("volunteer_activities")
    op.drop_table("volunteer_memberships")
    op.drop_table("volunteers")
    op.drop_table("volunteer_teams")
