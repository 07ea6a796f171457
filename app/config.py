"""Where this machine keeps its database and logs, and how the user overrides that.

The database belongs to the centre and must survive upgrades and reinstalls, so it lives in the
platform's user data folder, not next to the program. ``--db`` or ``YICHUANG_DB`` points anywhere
else: a file path (SQLite) or a full SQLAlchemy URL.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "yichuang"
DB_ENV = "YICHUANG_DB"
LOG_DIR_ENV = "YICHUANG_LOG_DIR"
FILES_DIR_ENV = "YICHUANG_FILES_DIR"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def files_dir() -> Path:
    """Files the centre keeps beside its database (a meeting's photos): they belong to the centre
    like the database, so they live in the user data folder unless ``YICHUANG_FILES_DIR`` says
    otherwise."""
    override = os.environ.get(FILES_DIR_ENV)
    return Path(override) if override else data_dir() / "files"


def log_dir() -> Path:
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "yichuang.db"


def database_url(option: str | None = None) -> str:
    """The SQLAlchemy URL to use: the ``--db`` option, else ``YICHUANG_DB``, else the default file."""
    chosen = option or os.environ.get(DB_ENV) or str(default_db_path())
    if "://" in chosen:
        return chosen
    return "sqlite:///" + str(Path(chosen).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other databases and in-memory SQLite."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix) :].split("?", 1)[0]
    if rest in ("", ":memory:"):
        return None
    return Path(rest)


def database_label(url: str) -> str:
    """The database as a person reads it: a file's path, or a server's host and database name;
    never the driver prefix or a password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return url.split("://", 1)[-1].split("@")[-1].split("?", 1)[0]
