"""street server: Open311 GeoReport v2 clients and the requests they file

Revision ID: s0005
Revises: s0004
Create Date: 2026-12-05 13:10:00

``street_open311_clients`` holds the programs allowed to file requests (their key as a SHA-256
hash); ``street_open311_requests`` the public face of each request filed: its number, token,
service and grid, beside the case the street made for the community (docs/OPEN311.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0005"
down_revision: str | None = "s0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "street_open311_clients",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_street_open311_clients")),
    )
    op.create_index(op.f("ix_street_open311_clients_key_hash"), "street_open311_clients", ["key_hash"])
    op.create_table(
        "street_open311_requests",
        sa.Column("case_uuid", sa.String(36), nullable=False),
        sa.Column("request_no", sa.String(40), nullable=False),
        sa.Column("token", sa.String(40), nullable=False),
        sa.Column("client", sa.String(40), nullable=False),
        sa.Column("community", sa.String(15), nullable=False),
        sa.Column("grid_code", sa.String(20), nullable=False),
        sa.Column("service_code", sa.String(20), nullable=False),
        sa.Column("service_name", sa.String(100), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("expected_at", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("case_uuid", name=op.f("pk_street_open311_requests")),
        sa.UniqueConstraint("request_no", name=op.f("uq_street_open311_requests_request_no")),
        sa.UniqueConstraint("token", name=op.f("uq_street_open311_requests_token")),
    )
    op.create_index(op.f("ix_street_open311_requests_community"), "street_open311_requests", ["community"])
    op.create_index(
        op.f("ix_street_open311_requests_service_code"), "street_open311_requests", ["service_code"]
    )
    op.create_index(
        op.f("ix_street_open311_requests_requested_at"), "street_open311_requests", ["requested_at"]
    )


def downgrade() -> None:
    op.drop_table("street_open311_requests")
    op.drop_table("street_open311_clients")
