"""Storage: connection settings, URL choice, and upgrading an older database file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from app import config
from app.db import DatabaseError, create_db_engine, current_revision, head_revision, open_database, upgrade


def test_sqlite_connections_are_durable_and_checked(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    db.dispose()


def test_foreign_keys_are_enforced(db):
    from app.models import Household

    with pytest.raises(Exception, match="FOREIGN KEY"), db.sessions.begin() as session:
        session.add(Household(building_id=999, unit=1, room="101"))


def test_database_url_prefers_option_then_environment_then_default(monkeypatch, tmp_path):
    monkeypatch.setenv(config.DB_ENV, str(tmp_path / "env.db"))
    assert config.database_url(str(tmp_path / "opt.db")) == f"sqlite:///{tmp_path / 'opt.db'}"
    assert config.database_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert config.database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv(config.DB_ENV)
    default = config.database_url(None)
    assert (
        default.endswith("yichuang.db") and "yichuang" in Path(default[len("sqlite:///") :]).parent.as_posix()
    )


def test_opening_an_older_database_upgrades_it_and_keeps_a_copy(tmp_path):
    path = tmp_path / "old.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine, "0001")  # the schema as the first release shipped it
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO streets (code, name, district, city, hotline) "
                "VALUES ('610202010', '老街道', '', '', '')"
            )
        )
    engine.dispose()
    assert not _tables(path) >= {"users", "service_items"}

    db = open_database(f"sqlite:///{path}")

    assert current_revision(db.engine) == head_revision()
    assert _tables(path) >= {"users", "audit_log", "service_items", "centre_settings"}
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM streets")).scalar() == "老街道"
    copies = list(tmp_path.glob("old.db.before-0001-*"))
    assert len(copies) == 1 and "streets" in _tables(copies[0])
    db.dispose()


def test_schema_head_constant_is_the_newest_migration():
    from app.db import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD, "update SCHEMA_HEAD in app/db.py after adding a migration"


def test_a_current_database_is_not_copied_again(tmp_path):
    path = tmp_path / "cur.db"
    open_database(f"sqlite:///{path}").dispose()
    open_database(f"sqlite:///{path}").dispose()
    assert not list(tmp_path.glob("cur.db.before-*"))


def test_unopenable_database_is_one_sentence(tmp_path):
    (tmp_path / "not-a-db.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError, match="无法打开数据库") as err:
        open_database(f"sqlite:///{tmp_path / 'not-a-db.db'}")
    assert "\n" not in str(err.value)


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _columns(path, table: str) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


@pytest.mark.parametrize("was_a_copy", [False, True])
def test_a_failed_upgrade_puts_the_database_back_as_it_was(tmp_path, monkeypatch, was_a_copy):
    """SQLite runs a migration's DDL outside a transaction: 0036 failing after its ALTER TABLE
    would leave a column that the next start's upgrade trips over. The copy goes back instead,
    with the copy's mark only if the file had one already."""
    from alembic import op

    from app.db import COPY_SETTING

    path = tmp_path / "desk.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine, "0035")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO streets (code, name, district, city, hotline) "
                "VALUES ('610202010', '老街道', '', '', '')"
            )
        )
        if was_a_copy:
            conn.execute(
                text(
                    "INSERT INTO centre_settings (key, value, created_at, updated_at) "
                    "VALUES (:k, '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"k": COPY_SETTING},
            )
    engine.dispose()

    def fails(*_args, **_kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(op, "create_index", fails)  # after 0036 has added its column
    with pytest.raises(DatabaseError, match="磁盘已满.*已恢复为升级前的状态") as failed:
        open_database(f"sqlite:///{path}")
    (copy,) = tmp_path.glob("desk.db.before-0035-*")  # the copy alone, no WAL left beside it
    assert copy.name in str(failed.value)
    assert "uuid" not in _columns(path, "party_organisations")
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0035",)]
        assert conn.execute("SELECT name FROM streets").fetchall() == [("老街道",)]
        marks = conn.execute("SELECT key FROM centre_settings WHERE key = ?", (COPY_SETTING,)).fetchall()
        assert marks == ([(COPY_SETTING,)] if was_a_copy else [])
    assert not Path(f"{path}-wal").exists() and not (tmp_path / "desk.db.part").exists()

    monkeypatch.undo()  # the cause is gone: the next start upgrades it
    db = open_database(f"sqlite:///{path}")
    assert current_revision(db.engine) == head_revision()
    assert "uuid" in _columns(path, "party_organisations")
    db.dispose()


def test_a_failed_upgrade_leaves_a_database_in_use_alone_and_says_how_to_restore(tmp_path, monkeypatch):
    from alembic import op

    path = tmp_path / "desk.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine, "0035")
    engine.dispose()
    other = sqlite3.connect(path)  # a kiosk of the old version, still open
    other.execute("PRAGMA journal_mode=WAL").fetchone()
    other.execute("SELECT count(*) FROM streets").fetchone()

    def fails(*_args, **_kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(op, "create_index", fails)
    try:
        with pytest.raises(DatabaseError, match="未能自动恢复.*yichuang restore --from") as failed:
            open_database(f"sqlite:///{path}")
    finally:
        other.close()
    copy = next(tmp_path.glob("desk.db.before-0035-*"))
    assert str(copy) in str(failed.value) and path.exists()
