"""The desk's menu: importing 12345 orders shows what happened and fills the case list."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app.views.desk.context import StaffUser
from app.views.desk.main_window import DeskWindow
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner


def test_hotline_import_reports_and_lists_the_new_cases(qtbot, demo_db, tmp_path, monkeypatch):
    application()
    window = DeskWindow(
        desk_context(demo_db, StaffUser("qiantai", "李静", "front_desk"), runner=ImmediateRunner())
    )
    qtbot.addWidget(window)
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "工单编号,来电时间,诉求人,联系电话,地址,诉求内容\n"
        "GD20261120001,2026-11-20 09:15,赵先生,13800000001,某小区门口,路灯不亮\n"
        "GD20261120002,2026-11-20 10:00,钱女士,13800000002,某路口,\n",
        encoding="gbk",
    )
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    window.run_hotline_import(str(orders))
    assert "新建办件 1 件" in shown[0] and "第3行" in shown[0]
    assert window.cases.model.rowCount() == 1


def test_a_failed_import_says_nothing_was_written(qtbot, demo_db, tmp_path, monkeypatch):
    application()
    window = DeskWindow(
        desk_context(demo_db, StaffUser("qiantai", "李静", "front_desk"), runner=ImmediateRunner())
    )
    qtbot.addWidget(window)
    broken = tmp_path / "orders.xlsx"
    broken.write_bytes(b"not a workbook")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    window.run_hotline_import(str(broken))
    assert warned and "未写入任何工单" in warned[0]
