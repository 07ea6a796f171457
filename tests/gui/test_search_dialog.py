"""查找居民 (Ctrl+F) driven by keyboard: type, the list appears, Enter opens the person on the
intake page exactly as a card lookup does, with an audited purpose; a grid worker's list holds
only their grids, with phones masked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import AuditEntry, Building, Grid, Household, Resident
from app.services.admin.scope import user_grid_codes
from app.services.common.idcard import mask
from app.views.desk.context import StaffUser
from app.views.desk.main_window import SHORTCUTS, DeskWindow
from app.views.desk.search_dialog import SearchDialog
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner


def _window(qtbot, demo_db, user: StaffUser, monkeypatch) -> tuple[DeskWindow, list[SearchDialog]]:
    application()
    window = DeskWindow(desk_context(demo_db, user, runner=ImmediateRunner()))
    qtbot.addWidget(window)
    opened: list[SearchDialog] = []

    def show_instead(dialog: SearchDialog) -> int:  # exec() would wait for a person
        opened.append(dialog)
        dialog.show()
        return 0

    monkeypatch.setattr(SearchDialog, "exec", show_instead)
    return window, opened


def _person(demo_db, grids_in: bool, codes: list[str]) -> Resident:
    where = Grid.code.in_(codes) if grids_in else Grid.code.not_in(codes)
    with demo_db.sessions() as session:
        return session.scalars(
            select(Resident)
            .join(Household)
            .join(Building)
            .join(Grid)
            .where(where, Resident.phone != "")
            .order_by(Resident.id)
            .limit(1)
        ).one()


def _menu_action(window: DeskWindow, text: str):
    return next(a for menu in window.menuBar().actions() for a in menu.menu().actions() if a.text() == text)


def test_typing_a_phone_tail_lists_and_enter_opens_the_person(qtbot, demo_db, monkeypatch):
    window, opened = _window(qtbot, demo_db, StaffUser("qiantai", "李静", "front_desk"), monkeypatch)
    action = _menu_action(window, "查找居民…")
    assert action.shortcut().toString() == "Ctrl+F" and "Ctrl+F" in SHORTCUTS
    action.trigger()
    dialog = opened[0]
    person = _person(demo_db, False, [])
    qtbot.keyClicks(dialog.box, person.name_pinyin)  # as typed without an input method
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=3000)
    rows = dialog.model.rows
    assert any(row.name == person.name for row in rows)
    shown = [dialog.model.index(r, 3).data() for r in range(dialog.model.rowCount())]
    assert mask(person.id_number) in shown and person.id_number not in shown
    assert "找到" in dialog.status.text()
    # the person at the desk picks the row of this person and opens it with Enter
    dialog.box.clear()
    qtbot.keyClicks(dialog.box, person.phone[-6:])
    qtbot.waitUntil(lambda: any(r.resident_id == person.id for r in dialog.model.rows), timeout=3000)
    row = next(i for i, r in enumerate(dialog.model.rows) if r.resident_id == person.id)
    dialog.table.setFocus()
    dialog.table.selectRow(row)
    dialog.purpose.setCurrentText("开具证明")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert window.intake.panel.name.text() == person.name
    assert window.intake.current.resident.id_number == person.id_number
    assert window.tabs.currentWidget() is window.intake
    assert not dialog.isVisible()
    with demo_db.sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(3)).all()
    lookup = entries[0]
    assert (lookup.action, lookup.purpose, lookup.resident_id) == ("lookup", "开具证明", person.id)
    assert any(e.action == "search" for e in entries[1:])


def test_a_grid_worker_sees_only_their_grids_with_phones_masked(qtbot, demo_db, monkeypatch):
    window, opened = _window(qtbot, demo_db, StaffUser("wangge", "网格员", "grid_worker"), monkeypatch)
    with demo_db.sessions() as session:
        codes = user_grid_codes(session, "wangge")
    outsider, insider = _person(demo_db, False, codes), _person(demo_db, True, codes)
    window.find_resident()
    dialog = opened[0]
    qtbot.keyClicks(dialog.box, outsider.phone)
    qtbot.waitUntil(lambda: "没有找到" in dialog.status.text(), timeout=3000)
    assert dialog.model.rowCount() == 0
    dialog.box.clear()
    qtbot.keyClicks(dialog.box, insider.phone)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=3000)
    phones = [dialog.model.index(r, 4).data() for r in range(dialog.model.rowCount())]
    assert insider.phone not in phones and f"{insider.phone[:3]}****{insider.phone[-4:]}" in phones
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)  # Enter in the box opens the first row
    assert window.intake.panel.name.text() == dialog.model.rows[0].name
    assert "*" in window.intake.panel.id_label.text()


def test_bad_filters_and_empty_input_say_so(qtbot, demo_db, monkeypatch):
    window, opened = _window(qtbot, demo_db, StaffUser("qiantai", "李静", "front_desk"), monkeypatch)
    window.find_resident()
    dialog = opened[0]
    dialog.search()
    assert "请输入" in dialog.status.text()
    dialog.state.setCurrentIndex(dialog.state.findData("dead"))
    qtbot.waitUntil(lambda: "没有找到" in dialog.status.text() or dialog.model.rowCount() > 0, timeout=3000)
    assert all(row.state == "dead" for row in dialog.model.rows)
