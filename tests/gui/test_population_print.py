"""打印一户一档 / 打印一幢一册 from the resident panel: previewed, audited, masked for roles that do
not see full numbers, refused outside a grid worker's grids."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import AuditEntry, Building, Grid, Household, Resident
from app.services.admin.scope import user_grid_codes
from app.services.common.idcard import mask
from app.views.desk.context import StaffUser
from app.views.desk.main_window import DeskWindow
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner
from tests.gui.fakes import FilePrinterPreview


def _desk(qtbot, demo_db, tmp_path, user: StaffUser) -> DeskWindow:
    application()
    FilePrinterPreview.reset(str(tmp_path / "printed.pdf"))
    window = DeskWindow(desk_context(demo_db, user, runner=ImmediateRunner(), preview=FilePrinterPreview))
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture(autouse=True)
def _close_previews():
    yield
    FilePrinterPreview.close_all()


def _head(demo_db, inside: bool) -> Resident:
    with demo_db.sessions() as session:
        codes = user_grid_codes(session, "wangge")
        where = Grid.code.in_(codes) if inside else Grid.code.not_in(codes)
        return session.scalars(
            select(Resident)
            .join(Household)
            .join(Building)
            .join(Grid)
            .where(Resident.relation_to_head == "户主", where)
            .order_by(Resident.id)
            .limit(1)
        ).one()


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_front_desk_previews_a_household_file_with_full_numbers(qtbot, demo_db, tmp_path):
    window = _desk(qtbot, demo_db, tmp_path, StaffUser("qiantai", "李静", "front_desk"))
    panel = window.intake.panel
    assert not panel.household_button.isEnabled()
    person = _head(demo_db, inside=False)
    window.intake.look_up(person.id_number)
    assert panel.household_button.isEnabled()
    qtbot.mouseClick(panel.household_button, Qt.MouseButton.LeftButton)
    preview = FilePrinterPreview.shown[-1]
    assert preview.windowTitle().startswith("一户一档")
    text = _text(preview.pdf)
    assert person.name in text and person.id_number in text
    qtbot.mouseClick(panel.building_button, Qt.MouseButton.LeftButton)
    book = FilePrinterPreview.shown[-1]
    assert "一幢一册" in _text(book.pdf) and person.name in _text(book.pdf)
    with demo_db.sessions() as session:
        actions = session.scalars(select(AuditEntry.purpose).where(AuditEntry.action == "print")).all()
    assert "打印一户一档" in actions and any(p.startswith("打印一幢一册") for p in actions)


def test_a_grid_worker_prints_masked_and_only_their_grids(qtbot, demo_db, tmp_path, monkeypatch):
    window = _desk(qtbot, demo_db, tmp_path, StaffUser("wangge", "网格员", "grid_worker"))
    panel = window.intake.panel
    insider, outsider = _head(demo_db, inside=True), _head(demo_db, inside=False)
    window.intake.look_up(insider.id_number)
    qtbot.mouseClick(panel.household_button, Qt.MouseButton.LeftButton)
    text = _text(FilePrinterPreview.shown[-1].pdf)
    assert mask(insider.id_number) in text and insider.id_number not in text
    shown = len(FilePrinterPreview.shown)
    # someone of another grid is not shown at all, so there is nothing of theirs to print
    window.intake.look_up(outsider.id_number)
    assert outsider.name not in panel.name.text()
    assert not panel.household_button.isEnabled() and not panel.building_button.isEnabled()
    qtbot.mouseClick(panel.building_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.household_button, Qt.MouseButton.LeftButton)
    assert len(FilePrinterPreview.shown) == shown
