"""finding a resident without the card: name pinyin, initials and phone digits, a phone index

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000

# The phone index: an FTS5 table over residents.phone_digits with the trigram tokenizer (any
# run of three or more digits is found through it), kept by triggers, so that every writer,
# including plain SQL, keeps it current. See app/services/population/search.py.
PHONE_INDEX = [
    "CREATE VIRTUAL TABLE resident_phones USING fts5("
    "phone_digits, content='residents', content_rowid='id', tokenize='trigram')",
    "INSERT INTO resident_phones(resident_phones) VALUES ('rebuild')",
    "CREATE TRIGGER residents_phone_insert AFTER INSERT ON residents BEGIN "
    "INSERT INTO resident_phones(rowid, phone_digits) VALUES (new.id, new.phone_digits); END",
    "CREATE TRIGGER residents_phone_delete AFTER DELETE ON residents BEGIN "
    "INSERT INTO resident_phones(resident_phones, rowid, phone_digits) "
    "VALUES ('delete', old.id, old.phone_digits); END",
    "CREATE TRIGGER residents_phone_update AFTER UPDATE OF phone_digits ON residents BEGIN "
    "INSERT INTO resident_phones(resident_phones, rowid, phone_digits) "
    "VALUES ('delete', old.id, old.phone_digits); "
    "INSERT INTO resident_phones(rowid, phone_digits) VALUES (new.id, new.phone_digits); END",
]


def upgrade() -> None:
    from app.models.resident_keys import search_keys

    # Plain ADD COLUMN (no batch copy of the residents table, which other tables reference).
    for name, length in (("name_pinyin", 200), ("name_initials", 50), ("phone_digits", 30)):
        op.add_column("residents", sa.Column(name, sa.String(length), nullable=False, server_default=""))
    bind = op.get_bind()
    residents = sa.table(
        "residents",
        sa.column("id"),
        sa.column("name"),
        sa.column("phone"),
        sa.column("name_pinyin"),
        sa.column("name_initials"),
        sa.column("phone_digits"),
    )
    update = (
        residents.update()
        .where(residents.c.id == sa.bindparam("rid"))
        .values(
            name_pinyin=sa.bindparam("name_pinyin"),
            name_initials=sa.bindparam("name_initials"),
            phone_digits=sa.bindparam("phone_digits"),
        )
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(residents.c.id, residents.c.name, residents.c.phone)
            .where(residents.c.id > last)
            .order_by(residents.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(update, [{"rid": r.id, **search_keys(r.name, r.phone)} for r in rows])
        last = rows[-1].id
    op.create_index("ix_residents_name_pinyin", "residents", ["name_pinyin"])
    op.create_index("ix_residents_name_initials", "residents", ["name_initials"])
    op.create_index("ix_households_room", "households", ["room"])
    if bind.dialect.name == "sqlite":
        for statement in PHONE_INDEX:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("residents_phone_insert", "residents_phone_delete", "residents_phone_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS resident_phones")
    op.drop_index("ix_households_room", table_name="households")
    op.drop_index("ix_residents_name_initials", table_name="residents")
    op.drop_index("ix_residents_name_pinyin", table_name="residents")
    # DROP COLUMN in place (SQLite 3.35 and later): a batch copy of ``residents`` would drop the
    # table, and with it (ON DELETE CASCADE) every resident's tags and photo.
    for name in ("phone_digits", "name_initials", "name_pinyin"):
        op.drop_column("residents", name)
