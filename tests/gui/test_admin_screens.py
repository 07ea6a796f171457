"""The administrator's screens, driven as a person would: 设置 → 事项清单… (事项管理) and
设置 → 审计日志…; other accounts do not see the menu entries."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from sqlalchemy import select

from app.models import AuditEntry, Resident
from app.services.cases.catalogue import CatalogueIndex
from app.services.cases.catalogue_admin import catalogue_row
from app.services.common import audit
from app.views.desk import admin_menu
from app.views.desk.audit_log_dialog import AuditLogDialog
from app.views.desk.catalogue_editor import CatalogueEditor
from app.views.desk.context import StaffUser
from app.views.desk.main_window import DeskWindow
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner

ADMIN = StaffUser("admin", "系统管理员", "admin")
ADMIN_ENTRIES = {"事项清单…", "审计日志…"}


def _context(db, user: StaffUser = ADMIN):
    application()
    return desk_context(db, user, runner=ImmediateRunner())


def _settings_entries(window: DeskWindow) -> set[str]:
    (settings,) = [a.menu() for a in window.menuBar().actions() if a.text().startswith("设置")]
    return {action.text() for action in settings.actions()}


def test_only_an_administrator_sees_the_entries_and_they_open_the_screens(qtbot, demo_db, monkeypatch):
    for user in (StaffUser("qiantai", "李静", "front_desk"), StaffUser("wangge", "周网格", "grid_worker")):
        window = DeskWindow(_context(demo_db, user))
        qtbot.addWidget(window)
        assert _settings_entries(window) & ADMIN_ENTRIES == set(), user.role
    window = DeskWindow(_context(demo_db))
    qtbot.addWidget(window)
    assert _settings_entries(window) >= ADMIN_ENTRIES
    opened = []
    monkeypatch.setattr(CatalogueEditor, "exec", lambda self: opened.append(self))
    monkeypatch.setattr(AuditLogDialog, "exec", lambda self: opened.append(self))
    (settings,) = [a.menu() for a in window.menuBar().actions() if a.text().startswith("设置")]
    for action in settings.actions():
        if action.text() in ADMIN_ENTRIES:
            action.trigger()
    assert [type(d) for d in opened] == [CatalogueEditor, AuditLogDialog]
    assert opened[0].model.rowCount() >= 30 and opened[1].page_label.text() == "第 1/1 页"
    assert (
        admin_menu.add_admin_actions(window, settings, _context(demo_db, StaffUser("x", "x", "kiosk"))) == []
    )


def _editor(qtbot, db) -> CatalogueEditor:
    editor = CatalogueEditor(_context(db))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def _click_row(qtbot, editor: CatalogueEditor, code: str) -> None:
    row = [r.code for r in editor.model.rows].index(code)
    rect = editor.table.visualRect(editor.model.index(row, 0))
    qtbot.mouseClick(editor.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _type_chinese(widget, text: str) -> None:
    """Chinese arrives from the input method as committed text (Qt's key simulation is ASCII)."""
    if not widget.hasFocus():
        widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _type_material(qtbot, editor: CatalogueEditor, text: str) -> None:
    qtbot.mouseClick(editor.form.materials.add_button, Qt.MouseButton.LeftButton)
    materials = editor.form.materials.list
    assert materials.state() == materials.State.EditingState  # the new row opens for typing
    field = materials.viewport().findChildren(QLineEdit)[-1]
    field.setFocus()
    field.selectAll()  # the placeholder 新材料 is replaced by what is typed
    _type_chinese(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: materials.state() != materials.State.EditingState)  # Qt commits queued


def test_editing_an_item_time_limit_and_materials(qtbot, demo_db):
    editor = _editor(qtbot, demo_db)
    _click_row(qtbot, editor, "ZM-001")
    assert editor.form.name.text() == "居住证明" and editor.form.code.isReadOnly()
    days = editor.form.days
    days.lineEdit().selectAll()
    qtbot.keyClicks(days, "4")
    _type_material(qtbot, editor, "户口簿")
    materials = editor.form.materials
    assert materials.materials()[-1] == "户口簿"
    qtbot.mouseClick(materials.up_button, Qt.MouseButton.LeftButton)  # 户口簿 one place up
    materials.list.setCurrentRow(0)
    qtbot.mouseClick(materials.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "已保存" in editor.message.text() and "已受理的办件仍按原时限" in editor.message.text()
    with demo_db.sessions() as session:
        draft = catalogue_row(session, "ZM-001").draft
    assert draft.promised_days == 4
    assert draft.materials[0] == "户口簿" and len(draft.materials) == 2
    assert editor.model.rows[[r.code for r in editor.model.rows].index("ZM-001")].draft.promised_days == 4


def test_bad_input_is_explained_and_nothing_is_saved(qtbot, demo_db):
    editor = _editor(qtbot, demo_db)
    _click_row(qtbot, editor, "ZM-001")
    editor.form.name.clear()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.message.text() == "请填写事项名称" and editor.save_button.isEnabled()
    assert editor.form.materials.materials()  # the form keeps what was typed
    with demo_db.sessions() as session:
        assert catalogue_row(session, "ZM-001").draft.name == "居住证明"


def test_adding_then_disabling_and_enabling_an_item(qtbot, demo_db):
    editor = _editor(qtbot, demo_db)
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.form.code, "zm-150")
    _type_chinese(editor.form.name, "临时身份证明")
    _type_material(qtbot, editor, "户口簿")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.message.text().startswith("已新增：ZM-150")
    assert editor.selected().code == "ZM-150" and editor.toggle_button.text() == "停用"
    qtbot.mouseClick(editor.toggle_button, Qt.MouseButton.LeftButton)
    assert editor.show_disabled.isChecked() and editor.selected().code == "ZM-150"
    assert editor.model.data(editor.model.index(editor.table.currentIndex().row(), 6)) == "已停用"
    with demo_db.sessions() as session:
        assert "ZM-150" not in [e.code for e in CatalogueIndex.load(session).entries]
    qtbot.mouseClick(editor.toggle_button, Qt.MouseButton.LeftButton)
    assert editor.message.text().startswith("已启用")
    with demo_db.sessions() as session:
        assert "ZM-150" in [e.code for e in CatalogueIndex.load(session).entries]
        actions = [
            e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.subject == "ZM-150"))
        ]
    assert actions == ["catalogue_add", "catalogue_disable", "catalogue_enable"]


def test_the_category_filter_and_disabled_items(qtbot, demo_db):
    editor = _editor(qtbot, demo_db)
    everything = editor.model.rowCount()
    editor.category.setCurrentIndex(editor.category.findText("证明开具"))
    assert 0 < editor.model.rowCount() < everything
    assert {r.draft.category_code for r in editor.model.rows} == {"ZM"}
    assert editor.count.text().startswith(f"共 {editor.model.rowCount()} 项")


def _person(db) -> Resident:
    with db.sessions() as session:
        return session.scalars(select(Resident).order_by(Resident.id).limit(1)).one()


def _fill_log(db, person: Resident) -> None:
    with db.sessions.begin() as session:
        resident = session.get(Resident, person.id)
        for i in range(230):
            audit.record(session, actor="qiantai", action="lookup", resident=resident, purpose=f"受理 {i}")
        audit.record(session, actor="houtai", action="print", subject="ZM-1", purpose="=打印")


def test_the_audit_log_pages_filters_and_exports(qtbot, demo_db, tmp_path, monkeypatch):
    person = _person(demo_db)
    _fill_log(demo_db, person)
    dialog = AuditLogDialog(_context(demo_db))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.status.text() == "共 231 条" and dialog.page_label.text() == "第 1/2 页"
    assert dialog.model.rowCount() == 200 and not dialog.previous_button.isEnabled()
    assert dialog.model.data(dialog.model.index(0, 2)) == "打印"
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.model.rowCount() == 31 and dialog.page_label.text() == "第 2/2 页"
    assert not dialog.next_button.isEnabled() and dialog.previous_button.isEnabled()
    dialog.action.setCurrentIndex(dialog.action.findText("打印"))
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "共 1 条" and dialog.model.data(dialog.model.index(0, 1)) == "houtai"
    dialog.action.setCurrentIndex(0)
    qtbot.keyClicks(dialog.id_number, person.id_number)
    qtbot.keyClick(dialog.id_number, Qt.Key.Key_Return)
    assert dialog.status.text() == "共 230 条"
    with demo_db.sessions() as session:
        looked = session.scalars(select(AuditEntry).where(AuditEntry.actor == "admin")).one()
    assert (looked.action, looked.resident_id, looked.purpose) == ("lookup", person.id, "查看审计日志")
    target = tmp_path / "审计日志"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    written = tmp_path / "审计日志.xlsx"
    # every entry about the resident: the 230 lookups at the window and the administrator's own search
    assert dialog.status.text() == f"已导出 231 条到 {written}"
    assert load_workbook(written).active.max_row == 232


def test_a_bad_id_number_in_the_audit_filter_is_explained(qtbot, demo_db):
    dialog = AuditLogDialog(_context(demo_db))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.id_number, "12345")
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text().startswith("身份证号无效") and dialog.search_button.isEnabled()
