"""Test configuration shared by every test.

Qt runs offscreen (set here, before anything imports Qt), and every test gets its own database and
log folder so no test touches the user's real data folder.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import datetime as dt  # noqa: E402
import importlib.util  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app.db import Database, open_database  # noqa: E402

DEMO_TODAY = dt.date(2026, 11, 23)


def _read_this_checkouts_resources() -> None:
    """The tests read the resources/ beside them (templates, catalogue), even where the installed
    package ``yichuang_resources`` points at another checkout of the project."""
    here = Path(__file__).resolve().parent.parent / "resources"
    spec = importlib.util.find_spec("yichuang_resources")
    if (
        spec is not None
        and spec.submodule_search_locations
        and here in map(lambda p: Path(p).resolve(), spec.submodule_search_locations)
    ):
        return
    spec = importlib.util.spec_from_file_location(
        "yichuang_resources", here / "__init__.py", submodule_search_locations=[str(here)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["yichuang_resources"] = module
    spec.loader.exec_module(module)


_read_this_checkouts_resources()


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    """No test may read or write the real user data, key or log folders."""
    monkeypatch.setenv("YICHUANG_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("YICHUANG_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("YICHUANG_KEYS_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("YICHUANG_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.delenv("YICHUANG_PASSWORD", raising=False)
    from PySide6.QtCore import QSettings  # per-machine settings (reader, window place) too

    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(tmp_path / "qt-settings"))


@pytest.fixture
def db(tmp_path) -> Database:
    """An empty, fully migrated SQLite database with the shipped tags and catalogue."""
    from app.services.setup.initialise import initialise

    database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    initialise(database)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory):
    """A small demo street built once per test session; tests copy it before writing. Without
    the year of cases, certificates and appointments (see ``demo_history_db``): most tests want
    a case list and a register that hold only what they put there."""
    from app.services.setup.initialise import initialise

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(f"sqlite:///{path}")
    initialise(database, with_demo=True, seed=7, residents=1500, today=DEMO_TODAY, history=False)
    _settle_up_only(database)
    database.dispose()
    return path


def _settle_up_only(database: Database) -> None:
    """The demo's wishes, visits, party and partner records are queued for the street like any
    others; the tests of the case sync count exactly what travels, so in this copy they are
    marked as sent. The tests of those records start from ``demo_life_db_file``, where they wait."""
    from sqlalchemy import update

    from app.models import OutboxEntry
    from app.models.sync import RECORD_TYPES

    with database.sessions.begin() as session:
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.record_type.not_in(RECORD_TYPES))
            .values(sent_at=dt.datetime(2026, 1, 1))
        )


@pytest.fixture(scope="session")
def demo_life_db_file(tmp_path_factory):
    """The small demo street as ``init --demo`` leaves it: its records of community life wait
    in the outbox for the first sync."""
    from app.services.setup.initialise import initialise

    path = tmp_path_factory.mktemp("demo-life") / "demo.db"
    database = open_database(f"sqlite:///{path}")
    initialise(database, with_demo=True, seed=7, residents=1500, today=DEMO_TODAY, history=False)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def demo_history_db_file(tmp_path_factory):
    """The small demo street with its year of history, as ``init --demo`` writes it."""
    from app.services.setup.initialise import initialise

    folder = tmp_path_factory.mktemp("demo-history")
    before = os.environ.get("YICHUANG_KEYS_DIR")
    os.environ["YICHUANG_KEYS_DIR"] = str(folder / "keys")  # the demo's certificates are signed
    try:
        database = open_database(f"sqlite:///{folder / 'demo.db'}")
        initialise(database, with_demo=True, seed=7, residents=1500, today=DEMO_TODAY)
        database.dispose()
    finally:
        if before is None:
            os.environ.pop("YICHUANG_KEYS_DIR", None)
        else:
            os.environ["YICHUANG_KEYS_DIR"] = before
    return folder / "demo.db"


@pytest.fixture
def demo_history_db(demo_history_db_file, tmp_path) -> Database:
    """A private copy of the demo street with a year of cases, certificates and appointments."""
    import shutil

    copy = tmp_path / "demo-history.db"
    shutil.copy(demo_history_db_file, copy)
    database = open_database(f"sqlite:///{copy}")
    yield database
    database.dispose()


@pytest.fixture
def demo_db(demo_db_file, tmp_path) -> Database:
    """A private copy of the demo street, safe to change."""
    import shutil

    copy = tmp_path / "demo.db"
    shutil.copy(demo_db_file, copy)
    database = open_database(f"sqlite:///{copy}")
    yield database
    database.dispose()


@pytest.fixture
def soffice() -> str:
    """LibreOffice's command, for the tests that open a workbook in it. CI installs it and
    requires it (``YICHUANG_TEST_LIBREOFFICE=require``); elsewhere a machine without it skips them."""
    import shutil

    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("YICHUANG_TEST_LIBREOFFICE") == "require":
            pytest.fail("LibreOffice (soffice) is not installed and YICHUANG_TEST_LIBREOFFICE=require")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found
