"""the records that travel up only (wishes, visits, 议事, partner units and projects, party
members, meetings and 双报到 services) go to the street office: the party tables get a UUID, and
every such record the desk already holds is queued once

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 09:00:00

Queued here rather than by the first sync after the upgrade: the rows and their outbox entries
are written in the upgrade's own transaction (with the backup taken before it), so a desk that
never syncs again still has them waiting, and no sync has to tell an old record from a new one.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_UUIDS = ("party_members", "party_meetings", "party_report_in_services")
QUEUED = {
    "wish": "wishes",
    "visit": "visits",
    "deliberation": "deliberations",
    "partner_unit": "partner_units",
    "partner_project": "partner_projects",
    "party_member": "party_members",
    "party_meeting": "party_meetings",
    "report_in_service": "party_report_in_services",
}


def upgrade() -> None:
    bind = op.get_bind()
    # Plain ALTER TABLE and a unique index, not a table rebuilt by batch mode: other tables hold
    # foreign keys to these, and a rebuild would have to drop them. The column stays nullable in
    # an upgraded database; the model's default fills it for every new row.
    for table in NEW_UUIDS:
        op.add_column(table, sa.Column("uuid", sa.String(length=36), nullable=True))
        ids = bind.execute(sa.text(f"SELECT id FROM {table}")).scalars().all()  # noqa: S608 — fixed names
        for row_id in ids:
            bind.execute(
                sa.text(f"UPDATE {table} SET uuid = :u WHERE id = :i"),  # noqa: S608
                {"u": str(uuid.uuid4()), "i": row_id},
            )
        op.create_index(f"ix_{table}_uuid", table, ["uuid"], unique=True)
    for record_type, table in QUEUED.items():
        bind.execute(
            sa.text(
                "INSERT INTO sync_outbox (record_type, record_uuid, version, created_at, attempts, "
                f"last_error, fields) SELECT :t, uuid, 1, CURRENT_TIMESTAMP, 0, '', '[\"*\"]' FROM {table}"  # noqa: S608
            ),
            {"t": record_type},
        )


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(
        sa.text("DELETE FROM sync_outbox WHERE record_type IN :types").bindparams(
            sa.bindparam("types", expanding=True)
        ),
        {"types": list(QUEUED)},
    )
    for table in NEW_UUIDS:
        op.drop_index(f"ix_{table}_uuid", table_name=table)
        op.drop_column(table, "uuid")
