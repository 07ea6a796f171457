"""street server: the street office's screens (staff accounts, web sessions, joint meetings)

Revision ID: s0007
Revises: s0006
Create Date: 2026-12-06 09:00:00

``street_communities.street`` names the street office a community belongs to (the code of a
role "street" row); street staff (``street_users``, argon2id hashes, lock-out after failed
sign-ins) read and act on that street's cases only. ``street_web_sessions`` keeps the signed-in
browsers (token hashes and CSRF tokens), ``street_meetings`` and ``street_meeting_cases`` the
joint meetings (联席会) and the cases they took up, ``street_audit`` who read and did what.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0007"
down_revision: str | None = "s0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("street_communities", sa.Column("street", sa.String(15), nullable=False, server_default=""))
    op.create_index(op.f("ix_street_communities_street"), "street_communities", ["street"])
    op.create_table(
        "street_users",
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("display_name", sa.String(60), nullable=False),
        sa.Column("street", sa.String(15), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("locked_at", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_street_users")),
    )
    op.create_index(op.f("ix_street_users_street"), "street_users", ["street"])
    op.create_table(
        "street_web_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["username"],
            ["street_users.username"],
            name=op.f("fk_street_web_sessions_username_street_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_street_web_sessions")),
    )
    op.create_index(op.f("ix_street_web_sessions_username"), "street_web_sessions", ["username"])
    op.create_table(
        "street_meetings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("street", sa.String(15), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(100), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_street_meetings")),
    )
    op.create_index(op.f("ix_street_meetings_street"), "street_meetings", ["street"])
    op.create_table(
        "street_meeting_cases",
        sa.Column("meeting_id", sa.String(36), nullable=False),
        sa.Column("case_uuid", sa.String(36), nullable=False),
        sa.Column("owner", sa.String(60), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("task", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["street_meetings.id"],
            name=op.f("fk_street_meeting_cases_meeting_id_street_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "case_uuid", name=op.f("pk_street_meeting_cases")),
    )
    op.create_table(
        "street_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("street", sa.String(15), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("subject", sa.String(60), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_street_audit")),
    )
    op.create_index(op.f("ix_street_audit_at"), "street_audit", ["at"])
    op.create_index(op.f("ix_street_audit_username"), "street_audit", ["username"])


def downgrade() -> None:
    op.drop_table("street_audit")
    op.drop_table("street_meeting_cases")
    op.drop_table("street_meetings")
    op.drop_table("street_web_sessions")
    op.drop_table("street_users")
    op.drop_index(op.f("ix_street_communities_street"), table_name="street_communities")
    op.drop_column("street_communities", "street")
