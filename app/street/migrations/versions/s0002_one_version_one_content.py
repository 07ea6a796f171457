"""street server: content hashes, events keyed per writer and linked to their case's community

Revision ID: s0002
Revises: s0001
Create Date: 2026-11-24 09:00:00

Rows stored before keep a null hash: the next push of such a record is judged on its base
version, never answered "unchanged" on a guess.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0002"
down_revision: str | None = "s0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("street_cases", "street_certificates"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("data_hash", sa.String(64), nullable=True))
    with op.batch_alter_table("street_case_events") as batch:
        batch.add_column(sa.Column("case_origin", sa.String(15), nullable=False, server_default=""))
    # An event stored before belongs to the case's community when the case is there, else to its own.
    op.execute(
        "UPDATE street_case_events SET case_origin = COALESCE((SELECT c.origin_community FROM street_cases c "
        "WHERE c.uuid = street_case_events.case_uuid), street_case_events.origin_community)"
    )
    with op.batch_alter_table("street_case_events") as batch:
        batch.drop_constraint("pk_street_case_events", type_="primary")
        batch.create_primary_key("pk_street_case_events", ["origin_community", "uuid"])


def downgrade() -> None:
    with op.batch_alter_table("street_case_events") as batch:
        batch.drop_constraint("pk_street_case_events", type_="primary")
        batch.create_primary_key("pk_street_case_events", ["uuid"])
        batch.drop_column("case_origin")
    for table in ("street_cases", "street_certificates"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("data_hash")
