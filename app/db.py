"""Opening the database: connection settings, schema upgrades and sessions.

Every way in (desk, kiosk, command line, tests) goes through :func:`open_database`, so the SQLite
settings that make an acknowledged intake survive a power cut are never forgotten, and an older
database file is upgraded (after a copy is kept) before anything reads it.
"""

from __future__ import annotations

import datetime as dt
import json
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
SCHEMA_HEAD = "0037"
# The centre setting every copy carries and the live database never does: a copy put back knows
# it is one (app.services.admin.restored decides what that means).
COPY_SETTING = "sync.restored_copy"


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
    """A consistent copy of a live SQLite database through SQLite's online backup API, marked as
    a copy before it takes its name (see COPY_SETTING)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    raw = engine.raw_connection()
    try:
        destination = sqlite3.connect(tmp)
        try:
            raw.driver_connection.backup(destination)
            _mark_copy(destination)
        finally:
            destination.close()
    finally:
        raw.close()
    tmp.replace(target)
    return target


def restore_sqlite(source: Path, target: Path) -> Path | None:
    """Put the copy ``source`` in place of the database file ``target`` and mark it as a copy.

    Refused (DatabaseError) when ``source`` is not a database of this program or while another
    program holds ``target`` open (the desk or the kiosk: they would go on writing to a file that
    is no longer there). The file it replaces is kept beside it, renamed; returns that name (None
    when there was no file)."""
    source, target = Path(source), Path(target)
    if source.resolve() == target.resolve():
        raise DatabaseError("备份文件就是当前数据库文件")
    try:
        copy = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"无法打开备份文件 {source}：{exc}") from None
    try:
        tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"alembic_version", "centre_settings"} <= tables:
            raise DatabaseError(f"{source} 不是本程序的数据库备份")
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise DatabaseError(f"备份文件 {source} 已损坏（SQLite 完整性检查未通过）")
        _refuse_if_in_use(target)
        part = target.with_name(target.name + ".part")
        part.unlink(missing_ok=True)
        destination = sqlite3.connect(part)
        try:
            copy.backup(destination)
            _mark_copy(destination)
        finally:
            destination.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"无法读取备份文件 {source}：{exc}") from None
    finally:
        copy.close()
    kept = None
    if target.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = target.replace(target.with_name(f"{target.name}.before-restore-{stamp}"))
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)  # they belong to the file just set aside
    part.replace(target)
    return kept


def _refuse_if_in_use(path: Path) -> None:
    """SQLite leaves WAL mode only for a connection that is alone with the database: while a desk,
    a kiosk or a sync has it open, the switch fails, and that says so. Once it succeeds the WAL is
    folded into the file, which is then whole by itself when it is set aside. A file SQLite cannot
    read at all (the reason to restore, often) is set aside as it is."""
    if not path.exists():
        return
    probe = sqlite3.connect(path, timeout=1.0)
    try:
        probe.execute("PRAGMA journal_mode=DELETE").fetchone()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseError("数据库正被前台、自助终端或同步使用，请先全部关闭再恢复") from None
    except sqlite3.DatabaseError:
        pass
    finally:
        probe.close()


def _has_settings(db: sqlite3.Connection) -> bool:
    """False for an empty database, or one from before settings existed."""
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'centre_settings'").fetchone()
        is not None
    )


def _is_marked(path: Path) -> bool:
    """Whether the file at ``path`` carries COPY_SETTING (a copy put back, not caught up yet)."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return _has_settings(db) and bool(
            db.execute("SELECT 1 FROM centre_settings WHERE key = ?", (COPY_SETTING,)).fetchone()
        )
    finally:
        db.close()


def _mark_copy(copy: sqlite3.Connection) -> None:
    """Write COPY_SETTING into the copy (the first copy's date is kept along a chain of copies)."""
    if not _has_settings(copy):
        return
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    copy.execute(
        "INSERT OR IGNORE INTO centre_settings (key, value, created_at, updated_at) VALUES (?, ?, ?, ?)",
        (
            COPY_SETTING,
            json.dumps({"made_at": now.isoformat()}),
            *[now.strftime("%Y-%m-%d %H:%M:%S.%f")] * 2,
        ),
    )
    copy.commit()


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
    copy, was_marked = None, False
    if before is not None and path is not None and path.exists():
        was_marked = _is_marked(path)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        copy = backup_sqlite(engine, path.with_name(f"{path.name}.before-{before}-{stamp}"))
        log.info("copied the database to %s before upgrading from %s", copy.name, before)
    try:
        command.upgrade(alembic_config(engine), revision)
    except Exception as exc:
        if copy is None or path is None:
            raise
        engine.dispose()
        try:
            _refuse_if_in_use(path)  # another program's WAL must not be pulled from under it
        except DatabaseError:
            raise DatabaseError(
                f"升级数据库结构失败（{_reason(exc)}），且数据库正被其他程序使用，未能自动恢复：请关闭前台、"
                f"自助终端和同步后，用 yichuang restore --from {copy} 恢复升级前的副本"
            ) from exc
        _put_back(copy, path, keep_mark=was_marked)
        log.error(
            "upgrading the database from %s failed (%s); it was put back as it was",
            before,
            type(exc).__name__,
        )
        raise DatabaseError(
            f"升级数据库结构失败（{_reason(exc)}）。数据库已恢复为升级前的状态，没有丢失任何记录；"
            f"升级前的副本另存为 {copy.name}"
        ) from exc
    log.info("database schema upgraded from %s to %s", before, revision)
    return True


def _put_back(copy: Path, path: Path, *, keep_mark: bool) -> None:
    """After a failed upgrade, the copy made just before it goes back in the file's place: SQLite
    runs a migration's DDL outside a transaction, so a failure halfway would leave a schema that
    no later start could upgrade. The copy holds the file as it was but carries the copy's mark,
    which comes off unless the file carried one already. The caller has closed its connections."""
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    source = sqlite3.connect(copy)  # not read-only: its WAL files go with its last connection
    try:
        destination = sqlite3.connect(part)
        try:
            source.backup(destination)
            if not keep_mark and _has_settings(destination):
                destination.execute("DELETE FROM centre_settings WHERE key = ?", (COPY_SETTING,))
                destination.commit()
        finally:
            destination.close()
    finally:
        source.close()
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)  # they belong to the half-upgraded file
    part.replace(path)


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


# SQLite's messages a person may meet when opening a file, in their words.
_SQLITE_REASONS = {
    "file is not a database": "这不是数据库文件，或文件已损坏",
    "unable to open database file": "无法打开数据库文件（文件夹不存在或没有权限）",
    "database is locked": "数据库正被其他程序占用",
    "disk I/O error": "磁盘读写出错",
    "database disk image is malformed": "数据库文件已损坏",
    "attempt to write a readonly database": "数据库文件只读，不能写入",
}


def _reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return next((words for known, words in _SQLITE_REASONS.items() if known in first), first)
