"""notice board versions per grid, board QR settings per street

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:02:47.486515
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("grids", schema=None) as batch_op:
        batch_op.add_column(sa.Column("board_version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(
            sa.Column("board_printed_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("board_printed_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("streets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("board_qr_mode", sa.String(length=10), server_default="url", nullable=False)
        )
        batch_op.add_column(
            sa.Column("board_url_template", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("streets", schema=None) as batch_op:
        batch_op.drop_column("board_url_template")
        batch_op.drop_column("board_qr_mode")

    with op.batch_alter_table("grids", schema=None) as batch_op:
        batch_op.drop_column("board_printed_at")
        batch_op.drop_column("board_printed_version")
        batch_op.drop_column("board_version")
