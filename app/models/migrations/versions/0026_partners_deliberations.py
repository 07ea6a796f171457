"""partner units (共建单位) with resources, needs and 双向认领 projects; 议事 records with the
四议两公开 steps and the cases and wishes they answer

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
    ]


def _fk(column: str, target: str, ondelete: str, *, nullable: bool = False, **kw) -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, **kw)


def upgrade() -> None:
    op.create_table(
        "partner_units",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("community_id", "communities.id", "RESTRICT"),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("contact_name", sa.String(50), nullable=False),
        sa.Column("contact_phone", sa.String(30), nullable=False),
        sa.Column("address", sa.String(120), nullable=False),
        sa.Column("agreement_from", sa.Date(), nullable=True),
        sa.Column("agreement_to", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_partner_units_community_id", "partner_units", ["community_id"])
    op.create_table(
        "partner_unit_members",
        _fk("member_id", "party_members.id", "CASCADE", primary_key=True),
        _fk("unit_id", "partner_units.id", "CASCADE"),
    )
    op.create_index("ix_partner_unit_members_unit_id", "partner_unit_members", ["unit_id"])
    op.create_table(
        "partner_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("side", sa.String(10), nullable=False),
        _fk("unit_id", "partner_units.id", "CASCADE", nullable=True),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_partner_items_unit_id", "partner_items", ["unit_id"])
    op.create_table(
        "partner_projects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("project_no", sa.String(20), nullable=False, unique=True),
        _fk("unit_id", "partner_units.id", "RESTRICT"),
        _fk("item_id", "partner_items.id", "SET NULL", nullable=True),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("owner", sa.String(60), nullable=False),
        sa.Column("claimed_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("finished_on", sa.Date(), nullable=True),
        *_stamps(),
    )
    op.create_index("ix_partner_projects_unit_id", "partner_projects", ["unit_id"])
    op.create_index("ix_partner_projects_claimed_on", "partner_projects", ["claimed_on"])
    op.create_table(
        "partner_milestones",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("project_id", "partner_projects.id", "CASCADE"),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
    )
    op.create_index("ix_partner_milestones_project_id", "partner_milestones", ["project_id"])

    op.create_table(
        "deliberations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("meeting_no", sa.String(20), nullable=False, unique=True),
        _fk("community_id", "communities.id", "RESTRICT"),
        _fk("grid_id", "grids.id", "SET NULL", nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(120), nullable=False),
        sa.Column("convenor", sa.String(60), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(80), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("opinions", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("votes_for", sa.Integer(), nullable=False),
        sa.Column("votes_against", sa.Integer(), nullable=False),
        sa.Column("votes_abstain", sa.Integer(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("result_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(60), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_deliberations_community_id", "deliberations", ["community_id"])
    op.create_index("ix_deliberations_grid_id", "deliberations", ["grid_id"])
    op.create_index("ix_deliberations_held_on", "deliberations", ["held_on"])
    op.create_table(
        "deliberation_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("deliberation_id", "deliberations.id", "CASCADE"),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(60), nullable=False),
        sa.UniqueConstraint("deliberation_id", "step"),
    )
    op.create_index("ix_deliberation_steps_deliberation_id", "deliberation_steps", ["deliberation_id"])
    op.create_table(
        "deliberation_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("deliberation_id", "deliberations.id", "CASCADE"),
        _fk("case_id", "cases.id", "CASCADE", nullable=True),
        _fk("wish_id", "wishes.id", "CASCADE", nullable=True),
        sa.Column("joint", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_deliberation_links_deliberation_id", "deliberation_links", ["deliberation_id"])
    op.create_index("ix_deliberation_links_case_id", "deliberation_links", ["case_id"])
    op.create_index("ix_deliberation_links_wish_id", "deliberation_links", ["wish_id"])


def downgrade() -> None:
    for table in (
        "deliberation_links",
        "deliberation_steps",
        "deliberations",
        "partner_milestones",
        "partner_projects",
        "partner_items",
        "partner_unit_members",
        "partner_units",
    ):
        op.drop_table(table)
