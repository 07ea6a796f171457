"""Opening the database: connection settings, schema upgrades and sessions.

Every way in (desk, kiosk, command line, tests) goes through :func:`open_database`, so the SQLite
settings that make an acknowledged intake survive a power cut are never forgotten, and an older
database file is upgraded (after a copy is kept) before anything reads it.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import sqlite_path
from app.resources import migrations_path

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
# The newest migration. Known here so that opening an up-to-date database (every start of the
# desk) needs no Alembic import, which costs ~0.4 s; tests/unit/test_db.py keeps it honest.
SCHEMA_HEAD = "0009"


class DatabaseError(RuntimeError):
    """A database problem explained in one sentence for the person at the desk."""


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # WAL lets the desk read while a background sync writes; synchronous=FULL makes a commit
    # durable before it returns; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_db_engine(url: str, **kwargs: object) -> Engine:
    """An engine with this project's connection settings applied to every connection."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    """The newest revision in the migrations folder, as Alembic sees it."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(migrations_path())).get_current_head()
    assert head is not None, "the migrations folder has no revision"
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's revision, read straight from Alembic's table (None for a new database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup_sqlite(engine: Engine, target: Path) -> Path:
    """A consistent copy of a live SQLite database through SQLite's online backup API."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    raw = engine.raw_connection()
    try:
        destination = sqlite3.connect(tmp)
        try:
            raw.driver_connection.backup(destination)
        finally:
            destination.close()
    finally:
        raw.close()
    tmp.replace(target)
    return target


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """Bring the schema to ``revision``. Returns True when something was applied.

    A file database that already holds data is copied beside itself first, so a failed upgrade
    never costs the centre its records.
    """
    before = current_revision(engine)
    if before == SCHEMA_HEAD and revision == "head":
        return False
    from alembic import command

    path = sqlite_path(str(engine.url))
    if before is not None and path is not None and path.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        copy = backup_sqlite(engine, path.with_name(f"{path.name}.before-{before}-{stamp}"))
        log.info("copied the database to %s before upgrading from %s", copy.name, before)
    command.upgrade(alembic_config(engine), revision)
    log.info("database schema upgraded from %s to %s", before, revision)
    return True


@dataclass
class Database:
    """An open, up-to-date database: the engine and a factory for sessions."""

    engine: Engine
    sessions: sessionmaker[Session]
    upgraded: bool = False  # the schema was created or upgraded when this database was opened

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open (creating or upgrading as needed) the database at ``url``."""
    try:
        engine = create_db_engine(url)
        upgraded = upgrade(engine) if migrate else False
    except Exception as exc:  # noqa: BLE001 — turned into one sentence for the user
        raise DatabaseError(f"无法打开数据库 {_describe(url)}：{_reason(exc)}") from exc
    return Database(engine, sessionmaker(engine, expire_on_commit=False), upgraded)


def _describe(url: str) -> str:
    path = sqlite_path(url)
    return str(path) if path else url.split("@")[-1]


def _reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
