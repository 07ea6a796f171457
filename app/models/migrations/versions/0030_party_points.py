"""party member points: the centre's rules, points given by hand, the year-end grades

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
    ]


def upgrade() -> None:
    op.create_table(
        "party_point_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("per", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(10), nullable=False),
        sa.Column("cap", sa.Float(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("code", name=op.f("uq_party_point_rules_code")),
    )
    op.create_table(
        "party_point_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "member_id", sa.Integer(), sa.ForeignKey("party_members.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("approved_by", sa.String(60), nullable=False),
        sa.Column("recorded_by", sa.String(60), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_party_point_entries_member_id", "party_point_entries", ["member_id"])
    op.create_index("ix_party_point_entries_entered_on", "party_point_entries", ["entered_on"])
    op.create_table(
        "party_member_grades",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "member_id", sa.Integer(), sa.ForeignKey("party_members.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(12), nullable=False),
        sa.Column("proposed", sa.String(12), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("decided_by", sa.String(60), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("member_id", "year", name="uq_party_member_grades_member_year"),
    )
    op.create_index("ix_party_member_grades_member_id", "party_member_grades", ["member_id"])
    op.create_index("ix_party_member_grades_year", "party_member_grades", ["year"])


def downgrade() -> None:
    op.drop_table("party_member_grades")
    op.drop_table("party_point_entries")
    op.drop_table("party_point_rules")
