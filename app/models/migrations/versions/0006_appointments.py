"""window appointments (一键预约) booked at the kiosk or the desk

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:34:42.025686
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot", sa.String(length=11), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("holder_hash", sa.String(length=64), nullable=False),
        sa.Column("holder_name", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("item_code", sa.String(length=20), nullable=False),
        sa.Column("item_name", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_appointments_community_id_communities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_appointments_resident_id_residents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("uuid", name=op.f("uq_appointments_uuid")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index("ix_appointments_community_day", ["community_id", "day"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointments_holder_hash"), ["holder_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointments_resident_id"), ["resident_id"], unique=False)
        batch_op.create_index(
            "uq_appointments_booked_slot",
            ["community_id", "day", "slot", "resident_id"],
            unique=True,
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_appointments_booked_slot",
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        )
        batch_op.drop_index(batch_op.f("ix_appointments_resident_id"))
        batch_op.drop_index(batch_op.f("ix_appointments_holder_hash"))
        batch_op.drop_index("ix_appointments_community_day")

    op.drop_table("appointments")
