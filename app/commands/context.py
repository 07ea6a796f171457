"""What every subcommand gets: the database (opened on first use) and JSON output helpers."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.config import database_url
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

    @property
    def url(self) -> str:
        return database_url(self.db_option)

    def db(self) -> Database:
        if self._db is None:
            try:
                self._db = open_database(self.url)
            except DatabaseError as exc:
                raise CommandError(str(exc)) from exc
            if self._db.upgraded:
                # A new or upgraded database gets the shipped tags and catalogue straight away,
                # so every command sees a usable centre even before `yichuang init`.
                from app.services.setup.initialise import initialise

                initialise(self._db)
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
