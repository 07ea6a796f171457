"""party life: a meeting's host, recorder and photos (files beside the database, listed here),
how a member checked in, and a member leaving the register

Revision ID: 0029
Revises: 0024
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("party_meetings") as batch:
        batch.add_column(sa.Column("host", sa.String(50), nullable=False, server_default=""))
        batch.add_column(sa.Column("recorder", sa.String(50), nullable=False, server_default=""))
    with op.batch_alter_table("party_meeting_attendance") as batch:
        batch.add_column(sa.Column("how", sa.String(8), nullable=False, server_default=""))
    with op.batch_alter_table("party_members") as batch:
        batch.add_column(sa.Column("left_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("left_reason", sa.String(80), nullable=False, server_default=""))
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
    op.drop_index("ix_party_meeting_photos_meeting_id", table_name="party_meeting_photos")
    op.drop_table("party_meeting_photos")
    with op.batch_alter_table("party_members") as batch:
        batch.drop_column("left_reason")
        batch.drop_column("left_on")
    with op.batch_alter_table("party_meeting_attendance") as batch:
        batch.drop_column("how")
    with op.batch_alter_table("party_meetings") as batch:
        batch.drop_column("recorder")
        batch.drop_column("host")
