"""street server: every community that has held a case keeps getting its changes

Revision ID: s0003
Revises: s0002
Create Date: 2026-12-05 09:00:00

``holders`` lists the communities that have held a case (",TY,XH,"). Cases stored before get
their origin, owner and the community that escalated them: what the pull addressed until now.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0003"
down_revision: str | None = "s0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("street_cases") as batch:
        batch.add_column(sa.Column("holders", sa.Text(), nullable=False, server_default=""))
    op.execute(
        "UPDATE street_cases SET holders = ',' || origin_community || ','"
        " || CASE WHEN owner_community IN ('street', origin_community) THEN ''"
        " ELSE owner_community || ',' END"
        " || CASE WHEN escalated_from IN ('', origin_community, owner_community) THEN ''"
        " ELSE escalated_from || ',' END"
    )


def downgrade() -> None:
    with op.batch_alter_table("street_cases") as batch:
        batch.drop_column("holders")
