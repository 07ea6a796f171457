"""What every subcommand gets: the database (opened on first use) and JSON output helpers."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.config import DB_ENV, database_url, sqlite_path
from app.db import Database, DatabaseError, open_database


class CommandError(Exception):
    """A failure explained in one sentence; the command exits with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class Context:
    def __init__(self, db_option: str | None = None):
        self.db_option = db_option
        self._db: Database | None = None
        self.loaded = None  # what opening a new or upgraded database loaded (an InitResult)

    @property
    def url(self) -> str:
        return database_url(self.db_option)

    def db(self, *, create: bool = False) -> Database:
        """The database, opened on first use. A file named with ``--db`` or ``$YICHUANG_DB`` that
        does not exist is refused unless ``create`` (``init``): a typing mistake must not quietly
        start an empty centre. The default file in the user data folder is created as before."""
        if self._db is None:
            path = sqlite_path(self.url)
            named = self.db_option or os.environ.get(DB_ENV)
            if named and path is not None and not create and not path.exists():
                raise CommandError(
                    f"数据库文件 {path} 不存在：请检查 --db 或 {DB_ENV} 的拼写；新建数据库请先运行 yichuang init"
                )
            try:
                self._db = open_database(self.url)
            except DatabaseError as exc:
                raise CommandError(str(exc)) from exc
            if self._db.upgraded:
                # A new or upgraded database gets the shipped tags and catalogue straight away,
                # so every command sees a usable centre even before `yichuang init`.
                from app.services.setup.initialise import initialise

                self.loaded = initialise(self._db)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None

    @staticmethod
    def emit(obj: Any) -> None:
        """One JSON object on one line, Chinese kept readable."""
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()

    def emit_lines(self, objs: Iterable[Any]) -> None:
        for obj in objs:
            self.emit(obj)


def record_written_copy(db: Database, path: Path, *, actor: str, subject: str, purpose: str) -> None:
    """Log a file the command has just written that holds personal data (a backup, a picture of
    a resident's screen). A copy that could not be logged is removed rather than left behind
    unaccounted for."""
    from app.services.common import audit

    try:
        size = path.stat().st_size
        with db.sessions.begin() as session:
            audit.record(
                session,
                actor=actor,
                action="export",
                subject=subject,
                purpose=purpose,
                detail=f"{path}（{size} 字节）",
            )
    except Exception:
        path.unlink(missing_ok=True)
        raise


def writable_target(path: Path) -> Path:
    """Check before anything is stored or numbered that ``path`` can be written: a case accepted
    or a serial burnt whose paper then cannot be written leaves a script retrying into duplicates."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise CommandError(f"{target} 是一个文件夹，请给出文件名")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"文件夹 {folder} 不存在")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise CommandError(f"没有写入 {target} 的权限")
    return target
