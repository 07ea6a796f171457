"""网格管理 as a grid worker uses it: pick a grid, correct a boundary, add a person, reprint the
boards that went out of date."""

from __future__ import annotations

import dataclasses
import io
import threading

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select, update

from app.models import AuditEntry, Grid, GridStaff
from app.services.admin.scope import set_user_grids
from app.services.grids import places as grids
from app.views.desk import board_print_dialog, staff_dialog
from app.views.desk.board_print_dialog import BoardPrintDialog
from app.views.desk.grid_models import CODE_ROLE
from app.views.desk.main_window import DeskWindow
from app.views.desk_app import application, desk_context, scripted_user
from app.views.ops import ImmediateRunner, ThreadRunner
from tests.gui.fakes import FilePrinterPreview

FIRST, SECOND, THIRD = "610202010001001", "610202010001002", "610202010001003"


@pytest.fixture
def page(qtbot, demo_db, tmp_path):
    yield from _grids_page(qtbot, demo_db, tmp_path, "wangge")


@pytest.fixture
def admin_page(qtbot, demo_db, tmp_path):
    """The same signed in as the administrator, who sees grids no grid worker serves yet."""
    yield from _grids_page(qtbot, demo_db, tmp_path, "admin")


def _grids_page(qtbot, demo_db, tmp_path, username):
    """The desk on the 网格管理 tab, signed in as the demo grid worker (serving every grid of the
    street here: these tests are about editing grids, test_roles_desk.py about their scope),
    every board up to date."""
    application()
    with demo_db.sessions.begin() as s:
        s.execute(update(Grid).values(board_printed_version=Grid.board_version))
        set_user_grids(s, "wangge", s.scalars(select(Grid.code)).all())
    FilePrinterPreview.reset(str(tmp_path / "printed.pdf"))
    user = scripted_user(demo_db, username)
    window = DeskWindow(desk_context(demo_db, user, runner=ImmediateRunner(), preview=FilePrinterPreview))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.grids)
    yield window.grids
    FilePrinterPreview.close_all()


def click_grid(qtbot, page, code: str) -> None:
    index = page.proxy.mapFromSource(page.tree_model.grid_index(code))
    assert index.isValid()
    page.tree.scrollTo(index)
    rect = page.tree.visualRect(index)
    qtbot.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.current_code == code


def outdated_codes(page) -> list[str]:
    model = page.outdated_model
    return [model.index(r).data(CODE_ROLE) for r in range(model.rowCount())]


def test_the_tab_opens_on_the_first_grid_of_the_centre(page):
    assert page.current_code == FIRST and page.editor.title.text() == "桃园社区 · 第1网格"
    assert page.editor.staff_model.rowCount() >= 12 and page.editor.building_model.rowCount() >= 1
    assert page.outdated_box.title() == "待重印公示牌（0）" and not page.reprint_button.isEnabled()
    assert "已是最新" in page.editor.board_chip.text()
    assert "打印公示牌…" in [a.text() for a in page.window().menuBar().actions()[0].menu().actions()]


def test_change_a_boundary_and_save(qtbot, page, demo_db):
    click_grid(qtbot, page, SECOND)
    editor = page.editor
    assert editor.title.text() == "桃园社区 · 第2网格"
    east = editor.fields["boundary_east"]
    old = east.text()
    east.selectAll()
    east.insert("东至红旗街（含沿街商铺）")  # Chinese arrives as committed text from the input method
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert "已保存（1项修改" in editor.error.text()
    with demo_db.sessions() as s:
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "edit")).all()
    assert (entry.actor, entry.subject, entry.detail) == (
        "wangge",
        SECOND,
        f"东至: {old} → 东至红旗街(含沿街商铺)",
    )
    assert outdated_codes(page) == [SECOND] and page.outdated_box.title() == "待重印公示牌（1）"
    assert page.reprint_button.isEnabled() and "待重印" in editor.board_chip.text()
    index = page.proxy.mapFromSource(page.tree_model.grid_index(SECOND))
    assert index.data(Qt.ItemDataRole.ForegroundRole) == QColor("#a8201a")  # red in the tree
    assert page.current_code == SECOND and page.tree.currentIndex() == index


def test_refused_values_are_shown_on_the_form_and_nothing_is_saved(qtbot, page, demo_db):
    editor = page.editor
    editor.fields["name"].clear()
    editor.fields["hotline"].setText("3188000")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.error.text().startswith("未保存：") and "网格名称必须填写" in editor.error.text()
    assert "区号" in editor.error.text()
    assert (
        "b42318" in editor.fields["name"].styleSheet() and "b42318" in editor.fields["hotline"].styleSheet()
    )
    assert editor.fields["boundary_east"].styleSheet() == ""
    with demo_db.sessions() as s:
        assert s.scalars(select(AuditEntry)).all() == []
    qtbot.mouseClick(editor.revert_button, Qt.MouseButton.LeftButton)
    assert editor.fields["name"].text() == "第1网格" and not editor.is_dirty()


def test_add_a_person_through_the_dialog(qtbot, page, demo_db, tmp_path, monkeypatch):
    photo = tmp_path / "photo.png"
    image = QImage(900, 1200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a6ea5"))
    assert image.save(str(photo))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(photo), "图片"))
    seen = {}

    def fill_and_save(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.name.setText("赵小六")
        dialog.role.setCurrentIndex(dialog.role.findData("helper"))
        qtbot.keyClicks(dialog.phone, "3991234")
        dialog.duty.insertPlainText("协助走访独居老人")
        qtbot.mouseClick(dialog.choose_photo_button, Qt.MouseButton.LeftButton)
        seen["thumbnail"] = dialog.photo_label.pixmap().toImage().pixelColor(40, 60)
        dialog.accept()  # the phone has no area code: refused, the dialog stays open
        seen["error"] = dialog.error.text()
        seen["open"] = dialog.isVisible()
        dialog.phone.setText("139 9123 4567")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(staff_dialog.StaffDialog, "exec", fill_and_save)
    before = page.editor.staff_model.rowCount()
    qtbot.mouseClick(page.editor.add_staff_button, Qt.MouseButton.LeftButton)

    assert "缺少区号" in seen["error"] and seen["open"]
    got, blue = seen["thumbnail"], QColor("#3a6ea5")  # the chosen photo (as JPEG), not the initial avatar
    assert (
        max(abs(got.red() - blue.red()), abs(got.green() - blue.green()), abs(got.blue() - blue.blue())) <= 3
    )
    model = page.editor.staff_model
    assert model.rowCount() == before + 1
    added = next(model.staff(r) for r in range(model.rowCount()) if model.staff(r).name == "赵小六")
    assert (added.role_name, added.phone, added.duty) == ("志愿者", "13991234567", "协助走访独居老人")
    with demo_db.sessions() as s:
        stored = s.get(GridStaff, added.id)
        assert stored.photo[:3] == b"\xff\xd8\xff" and len(stored.photo) < 100_000  # a small JPEG
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "edit")).one()
    assert entry.detail == "新增人员：志愿者 赵小六，电话 13991234567"
    assert outdated_codes(page) == [FIRST] and "公示牌已列入待重印" in page.editor.error.text()


def test_remove_a_person_asks_first(qtbot, page, demo_db, monkeypatch):
    editor = page.editor
    editor.staff_table.selectRow(editor.staff_model.rowCount() - 1)
    person = editor.staff_model.staff(editor.staff_model.rowCount() - 1)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(editor.remove_staff_button, Qt.MouseButton.LeftButton)
    assert person in editor.staff_model.rows
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(editor.remove_staff_button, Qt.MouseButton.LeftButton)
    assert all(s.id != person.id for s in editor.staff_model.rows)
    assert outdated_codes(page) == [FIRST]


def test_reprint_all_outdated_boards_in_one_go(qtbot, page, demo_db, monkeypatch, tmp_path):
    with demo_db.sessions.begin() as s:
        for code in (FIRST, SECOND, THIRD):
            grids.update_grid(s, code, {"boundary_north": f"北至新路{code[-1]}号"}, "wangge")
    page.reload()
    assert outdated_codes(page) == [FIRST, SECOND, THIRD]
    opened = []
    monkeypatch.setattr(BoardPrintDialog, "exec", lambda self: opened.append(self) or self.show() or 0)

    qtbot.mouseClick(page.reprint_button, Qt.MouseButton.LeftButton)
    (dialog,) = opened
    qtbot.addWidget(dialog)
    assert dialog.chosen_codes() == [FIRST, SECOND, THIRD]
    assert dialog.progress.maximum() == dialog.progress.value() == 3  # progress reached the end
    (preview,) = FilePrinterPreview.shown
    pdf = PdfReader(io.BytesIO(preview.pdf))
    assert len(pdf.pages) == 3
    text = "".join(p.extract_text() for p in pdf.pages)
    assert all(name in text for name in ("第1网格", "第2网格", "第3网格"))
    with demo_db.sessions() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "print")).all() == []  # not yet

    with demo_db.sessions.begin() as s:  # someone changes grid 3 while the preview is open
        grids.update_grid(s, THIRD, {"boundary_north": "北至另一条路"}, "admin")
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)

    assert (tmp_path / "printed.pdf").stat().st_size > 1000
    assert (
        "2 块公示牌已记为已打印" in dialog.status.text() and "1 块在预览期间又有修改" in dialog.status.text()
    )
    assert outdated_codes(page) == [THIRD]
    with demo_db.sessions() as s:
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "print")).all()
        assert entry.actor == "wangge" and entry.detail == f"{FIRST}、{SECOND}"
        grid = s.scalar(select(Grid).where(Grid.code == FIRST))
        assert grid.board_printed_version == grid.board_version and grid.board_printed_at is not None


def test_print_dialog_choices_paper_and_cancel(qtbot, page, demo_db):
    dialog = BoardPrintDialog(page.ctx, checked=[FIRST], parent=page)
    qtbot.addWidget(dialog)
    assert dialog.count.text() == "已选 1 / 60（其中待重印 0）"
    qtbot.mouseClick(dialog.all_button, Qt.MouseButton.LeftButton)
    assert len(dialog.chosen_codes()) == 60
    dialog.filter.setText("新华社区")
    qtbot.mouseClick(dialog.none_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.all_button, Qt.MouseButton.LeftButton)
    assert len(dialog.chosen_codes()) == 10 and all(
        c.startswith("610202010002") for c in dialog.chosen_codes()
    )
    qtbot.mouseClick(dialog.outdated_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen_codes() == [] and not dialog.generate_button.isEnabled()

    dialog.filter.clear()
    dialog._check([FIRST, SECOND, THIRD])
    dialog.paper.setCurrentIndex(dialog.paper.findData("A3"))
    dialog.landscape.setChecked(True)
    assert dialog.page_setup() == ("A3", "landscape")
    dialog._progress = lambda done, total: dialog.cancel()  # the person presses 取消 after page 1
    dialog.generate()
    assert dialog.status.text() == "已取消，未生成公示牌。" and FilePrinterPreview.shown == []
    assert dialog.generate_button.isEnabled() and not dialog.cancel_button.isEnabled()

    del dialog._progress
    dialog.generate()
    (preview,) = FilePrinterPreview.shown
    box = PdfReader(io.BytesIO(preview.pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (1191, 842)  # A3 landscape in points


def test_boards_render_off_the_gui_thread_and_the_cancel_button_stops_them(qtbot, page, monkeypatch):
    runner = ThreadRunner()
    dialog = BoardPrintDialog(
        dataclasses.replace(page.ctx, runner=runner), checked=[FIRST, SECOND], parent=page
    )
    qtbot.addWidget(dialog)
    real_render, started, release, threads = (
        board_print_dialog.render_boards,
        threading.Event(),
        threading.Event(),
        [],
    )

    def held_render(boards, **options):
        threads.append(threading.get_ident())
        started.set()
        release.wait(10)
        return real_render(boards, **options)

    monkeypatch.setattr(board_print_dialog, "render_boards", held_render)
    dialog.generate()
    assert started.wait(10) and threads[0] != threading.get_ident()
    assert dialog.status.text() == "正在生成 2 块公示牌…" and not dialog.generate_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "正在取消…"
    release.set()
    qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    assert dialog.status.text() == "已取消，未生成公示牌。" and FilePrinterPreview.shown == []

    release.clear()
    dialog.generate()  # a new render starts afresh, not cancelled
    release.set()
    qtbot.waitUntil(lambda: bool(FilePrinterPreview.shown), timeout=20_000)
    assert dialog.status.text().startswith("已生成 2 块公示牌") and len(threads) == 2
    assert runner.wait(10_000)


def test_import_grids_and_staff_from_the_page(qtbot, admin_page, demo_db, tmp_path, monkeypatch):
    from openpyxl import Workbook

    page = admin_page

    def workbook(name: str, staff_phone: str):
        wb = Workbook()
        ws = wb.active
        ws.title = "网格"
        ws.append(["网格编码", "网格名称", "所属社区", "东至", "南至", "西至", "北至", "服务电话", "星级"])
        ws.append(["610202010001011", "第11网格", "桃园社区", "东至红旗街", "南至漆水河", "西至和平路", "北至新华路",
                   "0919-3188011", "3星"])  # fmt: skip
        people = wb.create_sheet("人员")
        people.append(["网格编码", "姓名", "角色", "电话", "派出单位", "职责"])
        people.append(["610202010001011", "周敏", "网格长", staff_phone, "桃园社区", "统筹网格工作"])
        wb.save(tmp_path / name)
        return str(tmp_path / name)

    messages = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: messages.append(box.text()) or 0)
    page.run_import(workbook("bad.xlsx", "3188000"))
    assert (
        "有 1 行有误，全部未导入" in messages[-1] and "“人员”表第2行：电话“3188000”缺少区号" in messages[-1]
    )
    assert not page.tree_model.grid_index("610202010001011").isValid()

    page.run_import(workbook("good.xlsx", "13991230011"))
    assert messages[-1].startswith("已导入。") and "1 个网格的公示牌已列入待重印" in messages[-1]
    assert page.select_grid("610202010001011")
    assert (
        page.editor.title.text() == "桃园社区 · 第11网格" and page.editor.staff_model.staff(0).name == "周敏"
    )
    assert "610202010001011" in outdated_codes(page) and page.import_button.isEnabled()


def test_a_building_in_the_tree_opens_its_grid_on_the_buildings_tab(qtbot, page):
    grid = page.proxy.mapFromSource(page.tree_model.grid_index(SECOND))
    page.tree.expand(grid)
    building = page.proxy.index(0, 0, grid)
    assert "楼栋长" in building.data()
    qtbot.mouseClick(
        page.tree.viewport(), Qt.MouseButton.LeftButton, pos=page.tree.visualRect(building).center()
    )
    assert page.current_code == SECOND and page.editor.tabs.currentIndex() == 1
    assert page.editor.building_table.currentIndex().row() == 0
    page.search.setText("第3网格")
    assert page.proxy.rowCount(page.proxy.index(0, 0)) == 6  # every community has a 第3网格
