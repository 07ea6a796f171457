"""The whole counter flow, by keyboard, as a front-desk worker does it."""

from __future__ import annotations

import io

import pytest
import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel
from sqlalchemy import select

from app.config import sqlite_path
from app.models import AuditEntry, Case, Household, Resident
from app.views.desk.login import LoginDialog
from app.views.desk.main_window import DeskWindow
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner
from tests.gui.fakes import FilePrinterPreview


@pytest.fixture
def desk(qtbot, demo_db, tmp_path, monkeypatch):
    application()
    FilePrinterPreview.reset(str(tmp_path / "printed.pdf"))
    login = LoginDialog(demo_db, "桃园社区党群服务中心")
    qtbot.addWidget(login)
    qtbot.keyClicks(login.username, "qiantai")
    qtbot.keyClick(login.username, Qt.Key.Key_Return)
    qtbot.keyClicks(login.password, "demo-1234")
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert login.result() == LoginDialog.DialogCode.Accepted and login.user.role == "front_desk"
    window = DeskWindow(
        desk_context(demo_db, login.user, runner=ImmediateRunner(), preview=FilePrinterPreview)
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    FilePrinterPreview.close_all()


def _person(demo_db) -> Resident:
    with demo_db.sessions() as session:
        household = session.scalars(select(Household).where(Household.members.any()).limit(1)).one()
        return household.members[0]


def _latest_dialog() -> FilePrinterPreview:
    assert FilePrinterPreview.shown, "no document was shown"
    return FilePrinterPreview.shown[-1]


def test_wrong_password_keeps_the_dialog_open(qtbot, demo_db):
    application()
    login = LoginDialog(demo_db, "中心")
    qtbot.addWidget(login)
    qtbot.keyClicks(login.username, "qiantai")
    qtbot.keyClicks(login.password, "wrong-password")
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert login.user is None and login.error.text() == "用户名或密码不正确"
    assert login.password.text() == ""


def test_swipe_search_tick_accept_print(qtbot, desk, demo_db, tmp_path, monkeypatch):
    person = _person(demo_db)
    page = desk.intake
    assert page.id_field.hasFocus()
    qtbot.keyClicks(page.id_field, person.id_number)  # a card reader's burst: every key within ms
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert page.panel.name.text() == person.name
    assert person.id_number in page.panel.id_label.text()  # front desk sees the full number
    assert page.search.hasFocus()

    qtbot.keyClicks(page.search, "jzzm")
    assert page.model.entries[0].name == "居住证明"
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.item.code == "ZM-001" and page.materials.hasFocus()
    for row in range(page.materials.count()):
        page.materials.setCurrentRow(row)
        qtbot.keyClick(page.materials, Qt.Key.Key_Space)
    assert all(
        page.materials.item(r).checkState() == Qt.CheckState.Checked for r in range(page.materials.count())
    )
    qtbot.keyClick(page.materials, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    with demo_db.sessions() as session:
        case = session.scalars(select(Case)).one()
        assert case.status == "accepted" and case.first_responder == "qiantai" and case.item_code == "ZM-001"
        lookups = session.scalars(select(AuditEntry).where(AuditEntry.action == "lookup")).all()
        assert [e.purpose for e in lookups] == ["前台刷卡查询"]
    dialog = _latest_dialog()
    assert case.case_no in dialog.windowTitle() and "受理回执" in dialog.windowTitle()
    text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(dialog.pdf)).pages)
    assert case.case_no in text and person.name in text

    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert (tmp_path / "printed.pdf").stat().st_size > 1000
    saved = tmp_path / "saved.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), "PDF (*.pdf)"))
    dialog.save_button.click()
    assert saved.read_bytes() == dialog.pdf
    with demo_db.sessions() as session:
        prints = session.scalars(select(AuditEntry).where(AuditEntry.action == "print")).all()
        assert len(prints) == 2 and all(p.actor == "qiantai" and p.purpose == "受理回执" for p in prints)

    # back at the start: empty screen, ID field focused, ready for the next resident
    dialog.close()
    qtbot.waitUntil(page.id_field.hasFocus)
    assert page.id_field.text() == "" and page.current is None
    assert "已办理" in page.message.text()


def test_a_closed_receipt_is_released(qtbot, desk, demo_db):
    """A busy desk shows hundreds of receipts a day: a closed preview must not stay in memory."""
    person = _person(demo_db)
    page = desk.intake
    qtbot.keyClicks(page.id_field, person.id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    qtbot.keyClicks(page.search, "jzzm")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    for row in range(page.materials.count()):
        page.materials.setCurrentRow(row)
        qtbot.keyClick(page.materials, Qt.Key.Key_Space)
    qtbot.keyClick(page.materials, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = _latest_dialog()
    assert shiboken6.isValid(dialog) and "受理回执" in dialog.windowTitle()
    dialog.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=3000)


def test_missing_material_means_supplement_notice(qtbot, desk, demo_db):
    person = _person(demo_db)
    page = desk.intake
    page.id_field.setText(person.id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    qtbot.keyClicks(page.search, "gljt")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.item.name.startswith("高龄津贴")
    qtbot.keyClick(page.materials, Qt.Key.Key_Space)  # only the first material is here
    qtbot.keyClick(page.materials, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "未勾选" in page.message.text()  # accepting is refused, nothing stored
    with demo_db.sessions() as session:
        assert session.scalars(select(Case)).first() is None

    qtbot.keyClick(page.materials, Qt.Key.Key_F8)
    with demo_db.sessions() as session:
        case = session.scalars(select(Case)).one()
        assert (
            case.status == "awaiting_materials"
            and len(case.materials_missing) == len(case.materials_received) + 2
        )
    dialog = _latest_dialog()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(dialog.pdf)).pages)
    assert "一次性告知" in dialog.windowTitle()
    for material in case.materials_missing:
        assert material[:8] in text.replace("\n", "")


def test_refusal_asks_for_a_reason(qtbot, desk, demo_db, monkeypatch):
    from app.views.desk import refusal_dialog

    person = _person(demo_db)
    page = desk.intake
    page.id_field.setText(person.id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    qtbot.keyClicks(page.search, "zdshbz")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)

    def fill_and_accept(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.accept()  # empty reason: refused by the dialog
        assert dialog.error.text() == "请填写不予受理的理由"
        # Chinese arrives through the input method as committed text, not as key codes
        dialog.reason_edit.insertPlainText("家庭人均收入高于当地低保标准")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(refusal_dialog.RefusalDialog, "exec", fill_and_accept)
    qtbot.keyClick(page.materials, Qt.Key.Key_F9)
    with demo_db.sessions() as session:
        case = session.scalars(select(Case)).one()
    assert case.status == "refused" and case.refusal_reason == "家庭人均收入高于当地低保标准"
    assert "不予受理" in _latest_dialog().windowTitle()


def test_unknown_and_invalid_numbers_are_explained_on_the_page(qtbot, desk):
    page = desk.intake
    qtbot.keyClicks(page.id_field, "110105194912310021")
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert "校验码" in page.message.text() and page.id_field.hasFocus()
    page.id_field.clear()
    qtbot.keyClicks(page.id_field, "11010519491231002X")
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert "没有" in page.message.text() and "11010519491231002X" not in page.message.text()


def test_slow_typing_is_recorded_as_typed_entry(qtbot, desk, demo_db):
    person = _person(demo_db)
    page = desk.intake
    qtbot.keyClicks(page.id_field, person.id_number, delay=80)  # a person, not a reader
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    with demo_db.sessions() as session:
        lookups = select(AuditEntry.purpose).where(AuditEntry.action == "lookup")
        assert session.scalars(lookups).all() == ["前台输入查询"]


def test_what_the_counter_shows_first_and_after_a_failed_lookup(qtbot, desk, demo_db):
    """No catalogue line looks chosen before anything is typed; a failed lookup leaves nobody to
    issue a certificate for; the status bar names the database file and the user plainly."""
    page = desk.intake
    assert not page.items.currentIndex().isValid() and page.item_info.text() == "请先选择事项"
    qtbot.keyClicks(page.search, "jzzm")
    assert page.items.currentIndex().row() == 0  # typed: Enter takes the first line
    person = _person(demo_db)
    qtbot.keyClicks(page.id_field, person.id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert page.certificate_button.isEnabled()
    page.id_field.clear()
    qtbot.keyClicks(page.id_field, "11010519491231002X")
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert not page.certificate_button.isEnabled()
    status = desk.statusBar().currentMessage()
    assert "sqlite:" not in status and str(sqlite_path(demo_db.url)) in status
    labels = [w.text() for w in desk.statusBar().findChildren(QLabel)]
    assert not any("）（" in text for text in labels)
