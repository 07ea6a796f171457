"""What every subcommand gets: the database (opened on first use) and JSON output helpers."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
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
