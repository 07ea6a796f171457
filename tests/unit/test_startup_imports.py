"""What the desk and the kiosk load before their first screen: only what that screen needs.

Each library below costs tens to hundreds of milliseconds to import and is needed only when
something is printed, exported or synced; the start-up figures in docs/PERFORMANCE.md depend on
them staying out of the way. Run in a fresh interpreter: this test process has them all loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOADED_ON_FIRST_USE = ("openpyxl", "reportlab", "httpx", "qrcode", "pypinyin", "pypdfium2", "lxml")

_PROBE = """
import json, sys
from app.cli import build_parser, command_in
build_parser(command_in(sys.argv[2:]))
from app.db import open_database
from app.views.desk_app import application, desk_context, scripted_user
from app.views.ops import ImmediateRunner
db = open_database(sys.argv[1])
application()
if sys.argv[2] == "desk":
    from app.views.desk.main_window import DeskWindow
    window = DeskWindow(desk_context(db, scripted_user(db, "qiantai"), runner=ImmediateRunner()))
else:
    from app.views.kiosk.window import KioskWindow
    window = KioskWindow(db, runner=ImmediateRunner())
window.show()
application().processEvents()
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in json.loads(sys.argv[3]))))
"""


def _loaded(db_url: str, command: str) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, db_url, command, json.dumps(LOADED_ON_FIRST_USE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_signed_in_desk_opens_without_the_printing_export_and_sync_libraries(demo_db):
    assert _loaded(str(demo_db.url), "desk") == []


def test_the_kiosks_first_page_opens_without_them(demo_db):
    assert _loaded(str(demo_db.url), "kiosk") == []


def test_the_probe_would_see_a_library_that_is_loaded(demo_db):
    """The probe itself works: printing a register loads reportlab."""
    probe = _PROBE.replace("window.show()", "import app.printing.documents.ledger\nwindow.show()")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(demo_db.url), "desk", json.dumps(LOADED_ON_FIRST_USE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "reportlab" in json.loads(done.stdout.strip().splitlines()[-1])
