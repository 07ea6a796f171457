"""The desk's first window, looked at as a person would."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QImage

from app.cli import main
from app.services.stats import street_counts
from app.views.desk_app import application, build_desk_window


def test_window_shows_the_street_and_its_counts(qtbot, demo_db):
    application()
    window = build_desk_window(demo_db)
    qtbot.addWidget(window)
    window.show()
    assert window.title.text() == "桃园街道"
    with demo_db.sessions() as session:
        totals = street_counts(session).totals
    assert f"{totals.residents:,} 名居民" in window.summary.text()
    model = window.table.model()
    assert model.rowCount() == 7  # six communities and the totals row
    last = model.rowCount() - 1
    assert model.index(last, 0).data() == "合计"
    assert model.index(last, 5).data() == f"{totals.residents:,}"
    assert "sqlite" in window.statusBar().currentMessage()


def test_empty_database_tells_what_to_do(qtbot, db):
    application()
    window = build_desk_window(db)
    qtbot.addWidget(window)
    assert "init --demo" in window.summary.text() and window.table.model().rowCount() == 0


def test_bundled_chinese_font_is_registered(qtbot):
    application()
    assert any("Droid Sans Fallback" in f for f in QFontDatabase.families())


def test_screenshot_option_writes_a_png_of_the_window(tmp_path, demo_db, qapp):
    target = tmp_path / "desk.png"
    assert main(["--db", demo_db.url, "desk", "--screenshot", str(target)]) == 0
    image = QImage(str(target))
    assert not image.isNull() and image.width() >= 600 and image.height() >= 400
