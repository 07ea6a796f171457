"""The street at a glance (a tab of the desk) and the desk's screenshot option."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QImage
from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, Resident
from app.services.admin.stats import StreetCounts, street_counts
from app.views.desk_app import application
from app.views.street_overview import StreetOverviewWidget


def test_overview_shows_the_street_and_its_counts(qtbot, demo_db):
    application()
    with demo_db.sessions() as session:
        counts = street_counts(session)
    widget = StreetOverviewWidget(counts)
    qtbot.addWidget(widget)
    assert widget.title.text() == "桃园街道"
    assert f"{counts.totals.residents:,} 名居民" in widget.summary.text()
    model = widget.table.model()
    assert model.rowCount() == 7  # six communities and the totals row
    assert model.index(6, 0).data() == "合计" and model.index(6, 5).data() == f"{counts.totals.residents:,}"


def test_empty_street_tells_what_to_do(qtbot):
    application()
    widget = StreetOverviewWidget(StreetCounts(None, []))
    qtbot.addWidget(widget)
    assert "init --demo" in widget.summary.text() and widget.table.model().rowCount() == 0


def test_bundled_chinese_font_is_registered(qtbot):
    application()
    assert any("Droid Sans Fallback" in f for f in QFontDatabase.families())


def test_screenshot_of_the_login_screen(tmp_path, demo_db, qapp):
    target = tmp_path / "login.png"
    assert main(["--db", demo_db.url, "desk", "--screenshot", str(target)]) == 0
    assert not QImage(str(target)).isNull()


def test_screenshot_signed_in_with_a_lookup_is_audited(tmp_path, demo_db, qapp):
    with demo_db.sessions() as session:
        person = session.scalars(select(Resident).limit(1)).one()
    target = tmp_path / "desk.png"
    argv = [
        "--db",
        demo_db.url,
        "desk",
        "--screenshot",
        str(target),
        "--user",
        "qiantai",
        "--lookup",
        person.id_number,
    ]
    assert main(argv) == 0
    image = QImage(str(target))
    assert image.width() >= 1000 and image.height() >= 700
    with demo_db.sessions() as session:
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.actor, entry.action, entry.resident_id) == ("qiantai", "lookup", person.id)


def test_scripted_sign_in_is_only_for_screenshots(capsys, demo_db):
    assert main(["--db", demo_db.url, "desk", "--user", "qiantai"]) == 1
    assert "--screenshot" in capsys.readouterr().err
    assert main(["--db", demo_db.url, "desk", "--screenshot", "x.png", "--user", "ghost"]) == 1
    assert "不存在" in capsys.readouterr().err
