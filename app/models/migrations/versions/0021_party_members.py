"""party member register

Revision ID: 0021
Revises: 0016
Create Date: 2026-12-05 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "party_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "resident_id", sa.Integer(), sa.ForeignKey("residents.id", ondelete="RESTRICT"), nullable=True
        ),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("id_masked", sa.String(20), nullable=False),
        sa.Column(
            "branch_id",
            sa.Integer(),
            sa.ForeignKey("party_organisations.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("full_on", sa.Date(), nullable=True),
        sa.Column("transferred_in_on", sa.Date(), nullable=True),
        sa.Column("transferred_out_on", sa.Date(), nullable=True),
        sa.Column("unit_name", sa.String(80), nullable=False),
        sa.Column("phone", sa.String(30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_party_members_resident_id", "party_members", ["resident_id"], unique=True)
    op.create_index("ix_party_members_branch_id", "party_members", ["branch_id"])
    op.create_table(
        "party_report_in_services",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "member_id", sa.Integer(), sa.ForeignKey("party_members.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("post", sa.String(30), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("content", sa.String(300), nullable=False),
        sa.Column("confirmed_by", sa.String(50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_party_report_in_services_member_id", "party_report_in_services", ["member_id"])
    op.create_index("ix_party_report_in_services_served_on", "party_report_in_services", ["served_on"])
    op.create_table(
        "party_meetings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "branch_id",
            sa.Integer(),
            sa.ForeignKey("party_organisations.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(80), nullable=False),
        sa.Column("topic", sa.String(120), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_party_meetings_branch_id", "party_meetings", ["branch_id"])
    op.create_index("ix_party_meetings_held_on", "party_meetings", ["held_on"])
    op.create_table(
        "party_meeting_attendance",
        sa.Column(
            "meeting_id",
            sa.Integer(),
            sa.ForeignKey("party_meetings.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("party_members.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("absence_reason", sa.String(80), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("party_meeting_attendance")
    op.drop_table("party_meetings")
    op.drop_table("party_report_in_services")
    op.drop_table("party_members")
