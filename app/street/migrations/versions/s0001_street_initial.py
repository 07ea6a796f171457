"""street server: communities and keys, cases, events, certificates, batches, change counter

Revision ID: s0001
Revises:
Create Date: 2026-11-23 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "street_communities",
        sa.Column("code", sa.String(15), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("pull_cursor", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_street_communities")),
    )
    op.create_index(op.f("ix_street_communities_key_hash"), "street_communities", ["key_hash"])
    op.create_table(
        "street_cases",
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("case_no", sa.String(40), nullable=False),
        sa.Column("origin_community", sa.String(15), nullable=False),
        sa.Column("owner_community", sa.String(15), nullable=False),
        sa.Column("escalated_from", sa.String(15), nullable=False),
        sa.Column("last_writer", sa.String(15), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_street_cases")),
    )
    for column in ("case_no", "origin_community", "owner_community", "status", "due_date", "seq"):
        op.create_index(op.f(f"ix_street_cases_{column}"), "street_cases", [column])
    op.create_table(
        "street_case_events",
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("case_uuid", sa.String(36), nullable=False),
        sa.Column("origin_community", sa.String(15), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_street_case_events")),
    )
    op.create_index(op.f("ix_street_case_events_case_uuid"), "street_case_events", ["case_uuid"])
    op.create_index(op.f("ix_street_case_events_seq"), "street_case_events", ["seq"])
    op.create_table(
        "street_certificates",
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("origin_community", sa.String(15), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_street_certificates")),
    )
    op.create_index(
        op.f("ix_street_certificates_origin_community"), "street_certificates", ["origin_community"]
    )
    op.create_index(op.f("ix_street_certificates_seq"), "street_certificates", ["seq"])
    op.create_table(
        "push_batches",
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("community", sa.String(15), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_push_batches")),
    )
    counter = op.create_table(
        "street_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_street_counter")),
    )
    op.bulk_insert(counter, [{"id": 1, "value": 0}])


def downgrade() -> None:
    for table in (
        "street_counter",
        "push_batches",
        "street_certificates",
        "street_case_events",
        "street_cases",
        "street_communities",
    ):
        op.drop_table(table)
