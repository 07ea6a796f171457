"""party life: a meeting's host, recorder and photos (files beside the database, listed here),
how a member checked in, and a member leaving the register

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("party_meetings", sa.Column("host", sa.String(50), nullable=False, server_default=""))
    op.add_column("party_meetings", sa.Column("recorder", sa.String(50), nullable=False, server_default=""))
    op.add_column(
        "party_meeting_attendance", sa.Column("how", sa.String(8), nullable=False, server_default="")
    )
    op.add_column("party_members", sa.Column("left_on", sa.Date(), nullable=True))
    op.add_column("party_members", sa.Column("left_reason", sa.String(80), nullable=False, server_default=""))
    op.create_table(
        "party_meeting_photos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "meeting_id",
            sa.Integer(),
            sa.ForeignKey("party_meetings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("stored_name", sa.String(80), nullable=False),
        sa.Column("original_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_party_meeting_photos_meeting_id", "party_meeting_photos", ["meeting_id"])


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy would drop and recreate party_members, which
    # other tables reference, and fail with foreign keys on.
    op.drop_index("ix_party_meeting_photos_meeting_id", table_name="party_meeting_photos")
    op.drop_table("party_meeting_photos")
    op.drop_column("party_members", "left_reason")
    op.drop_column("party_members", "left_on")
    op.drop_column("party_meeting_attendance", "how")
    op.drop_column("party_meetings", "recorder")
    op.drop_column("party_meetings", "host")
