"""Starting the desk: application object, font, database, first window, optional screenshot."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.db import Database
from app.services.stats import street_counts
from app.views.fonts import install_chinese_font
from app.views.street_overview import StreetOverviewWindow


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("yichuang")
    app.setOrganizationName("yichuang")
    install_chinese_font(app)
    return app


def build_desk_window(db: Database) -> StreetOverviewWindow:
    with db.sessions() as session:
        counts = street_counts(session)
    return StreetOverviewWindow(counts, db.url)


def run_desk(db: Database, screenshot: Path | None = None) -> int:
    app = application()
    window = build_desk_window(db)
    window.show()
    if screenshot is not None:
        app.processEvents()
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(screenshot)):
            raise OSError(f"无法写入截图 {screenshot}")
        window.close()
        return 0
    return app.exec()
