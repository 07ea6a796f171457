"""The desk as each role sees it: the demo grid worker (wangge, first two grids) sees no resident,
case, certificate, booking, grid or board of another grid on any screen; the back office has no
certificate buttons; the sign-in refuses the kiosk account and tells a locked account until when;
the desk locks itself when idle and gives an unsaved intake back only to the same person."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import func, select

from app.models import LIVING, AuditEntry, Resident
from app.services.admin.scope import scope_for
from app.views.desk.board_print_dialog import BoardPrintDialog
from app.views.desk.case_detail import CaseDetailDialog
from app.views.desk.certificate_dialog import CertificateDialog
from app.views.desk.login import LoginDialog
from app.views.desk.main_window import DeskWindow
from app.views.desk_app import application, desk_context, scripted_user
from app.views.ops import ImmediateRunner
from tests.gui.fakes import FilePrinterPreview
from tests.roles_scene import build_scene


@pytest.fixture(autouse=True)
def keys(tmp_path, monkeypatch):
    monkeypatch.setenv("YICHUANG_KEYS_DIR", str(tmp_path / "keys"))


@pytest.fixture
def scene(demo_db):
    return build_scene(demo_db)


@pytest.fixture
def desk(qtbot, demo_db, tmp_path):
    application()
    FilePrinterPreview.reset(str(tmp_path / "printed.pdf"))
    made = []

    def make(username: str) -> DeskWindow:
        ctx = desk_context(
            demo_db, scripted_user(demo_db, username), runner=ImmediateRunner(), preview=FilePrinterPreview
        )
        window = DeskWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        made.append(window)
        return window

    yield make
    FilePrinterPreview.close_all()


def _look_up(qtbot, window: DeskWindow, number: str) -> None:
    window.intake.id_field.clear()
    qtbot.keyClicks(window.intake.id_field, number)
    qtbot.keyClick(window.intake.id_field, Qt.Key.Key_Return)


def test_intake_lookup_of_another_grid_is_refused_on_screen_and_audited(qtbot, desk, scene, demo_db):
    window = desk("wangge")
    _look_up(qtbot, window, scene.outside.id_number)
    assert window.intake.message.text() == "该居民不在您负责的网格"
    assert window.intake.current is None and scene.outside.name not in window.intake.panel.name.text()
    _look_up(qtbot, window, scene.inside.id_number)
    assert window.intake.current is not None and window.intake.panel.name.text().startswith(scene.inside.name)
    with demo_db.sessions() as session:
        refused = session.scalars(select(AuditEntry).where(AuditEntry.action == "lookup_refused")).all()
    assert [(e.actor, e.resident_id) for e in refused] == [("wangge", scene.outside.id)]


def test_case_list_and_detail_keep_to_the_grid_workers_grids(qtbot, desk, scene):
    window = desk("wangge")
    window.tabs.setCurrentWidget(window.cases)
    window.cases.reload()
    shown = {row.case_no for row in window.cases.model.rows()}
    assert scene.inside.case_no in shown and scene.outside.case_no not in shown
    dialog = CaseDetailDialog(window.ctx, scene.outside.case_no, window)
    qtbot.addWidget(dialog)
    assert dialog.status_label.text() == "办件不存在" and scene.outside.name not in dialog.windowTitle()
    everyone = desk("qiantai")
    everyone.cases.reload()
    assert scene.outside.case_no in {row.case_no for row in everyone.cases.model.rows()}


def test_certificate_register_and_appointments_keep_to_their_grids(qtbot, desk, scene):
    window = desk("wangge")
    window.tabs.setCurrentWidget(window.register)
    serials = {row.serial for row in window.register.model.rows}
    assert scene.inside.serial in serials and scene.outside.serial not in serials
    page = window.appointments
    page.day.setDate(QDate(scene.day.year, scene.day.month, scene.day.day))
    page.reload()
    names = {page.model.index(r, 1).data() for r in range(page.model.rowCount())}
    assert names == {scene.inside.name}


def test_grids_page_boards_and_overview_keep_to_their_grids(qtbot, desk, scene, demo_db):
    window = desk("wangge")
    window.tabs.setCurrentWidget(window.grids)
    window.grids.ensure_loaded()
    model = window.grids.tree_model
    assert model.grid_index(scene.inside.grid_code).isValid()
    assert not model.grid_index(scene.outside.grid_code).isValid()
    dialog = BoardPrintDialog(window.ctx, parent=window)
    qtbot.addWidget(dialog)
    assert [b.code for b in dialog.model.boards] == scene.own_grids
    with demo_db.sessions() as session:
        theirs = session.scalar(
            select(func.count())
            .select_from(Resident)
            .where(scope_for(session, "wangge").resident_filter(), Resident.state == LIVING)
        )
    assert (
        "2 个网格" in window.overview.summary.text()
        and f"{theirs:,} 名居民" in window.overview.summary.text()
    )


def test_the_back_office_has_no_certificate_issue(qtbot, desk, scene, monkeypatch):
    opened = []
    monkeypatch.setattr(CertificateDialog, "exec", lambda self: opened.append(self.ctx.user.username) or 0)
    window = desk("houtai")
    assert window.intake.certificate_button.isHidden() and window.register.batch_button.isHidden()
    _look_up(qtbot, window, scene.outside.id_number)
    assert window.intake.current is not None  # the back office sees every grid
    qtbot.keyClick(window.intake.id_field, Qt.Key.Key_F6)
    window.intake.issue_certificate()  # what F6 calls
    assert opened == []
    front = desk("qiantai")
    assert not front.intake.certificate_button.isHidden() and not front.register.batch_button.isHidden()
    _look_up(qtbot, front, scene.outside.id_number)
    front.intake.issue_certificate()
    assert opened == ["qiantai"]


def _sign_in(qtbot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_sign_in_refuses_the_kiosk_and_tells_a_locked_account_until_when(qtbot, demo_db):
    application()
    dialog = LoginDialog(demo_db, "中心")
    qtbot.addWidget(dialog)
    _sign_in(qtbot, dialog, "kiosk", "demo-1234")
    assert "只能用于自助终端" in dialog.error.text() and dialog.user is None
    _sign_in(qtbot, dialog, "nobody", "wrong-pass")
    generic = dialog.error.text()
    _sign_in(qtbot, dialog, "qiantai", "wrong-pass")
    assert dialog.error.text() == generic == "用户名或密码不正确"
    for _ in range(4):
        _sign_in(qtbot, dialog, "qiantai", "wrong-pass")
    assert "锁定" in dialog.error.text() and "后再试" in dialog.error.text()
    _sign_in(qtbot, dialog, "qiantai", "demo-1234")
    assert "锁定" in dialog.error.text() and dialog.user is None
    for _ in range(6):  # an unknown name is never "locked": that would say it exists
        _sign_in(qtbot, dialog, "nobody", "wrong-pass")
    assert dialog.error.text() == generic


def test_the_idle_desk_locks_and_gives_the_intake_back_to_the_same_person(qtbot, desk, scene):
    window = desk("qiantai")
    _look_up(qtbot, window, scene.inside.id_number)
    window.intake.note.setText("未保存的备注")  # Chinese arrives through the input method
    window.lock.watcher.set_timeout(150)
    window.lock.watcher.start()
    qtbot.waitUntil(lambda: window.lock.locked, timeout=800)
    assert window.lock.stack.currentWidget() is window.lock.page
    assert not window.intake.isVisible()  # nothing personal on screen
    form = window.lock.page.sign_in
    assert form.username.text() == "qiantai"
    qtbot.keyClicks(form.password, "wrong-pass")
    qtbot.keyClick(form.password, Qt.Key.Key_Return)
    assert window.lock.locked and form.error.text() == "用户名或密码不正确"
    qtbot.keyClicks(form.password, "demo-1234")
    qtbot.keyClick(form.password, Qt.Key.Key_Return)
    assert not window.lock.locked and window.intake.isVisible()
    assert window.intake.note.text() == "未保存的备注" and window.intake.current is not None


def test_another_person_at_the_locked_desk_gets_a_cleared_intake(qtbot, desk, scene):
    window = desk("qiantai")
    _look_up(qtbot, window, scene.inside.id_number)
    window.intake.note.setText("上一位的备注")
    window.lock.watcher.set_timeout(150)
    window.lock.watcher.start()
    qtbot.waitUntil(lambda: window.lock.locked, timeout=800)
    form = window.lock.page.sign_in
    form.username.clear()
    qtbot.keyClicks(form.username, "wangge")
    qtbot.keyClick(form.username, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.lock.user_changed) as changed:
        qtbot.keyClicks(form.password, "demo-1234")
        qtbot.keyClick(form.password, Qt.Key.Key_Return)
    assert changed.args[0].username == "wangge"
    assert window.intake.note.text() == "" and window.intake.current is None
