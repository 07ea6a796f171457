"""The 积分 window of the 党建 tab: a member's points are computed by clicking, each line shown,
points given by hand with an approver, a front-desk account refused the branch's decision, and
the 评定表 exported and printed."""

from __future__ import annotations

import dataclasses

from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from sqlalchemy import func, select

from app.models import AuditEntry, PartyMember
from app.services.admin.scope import WHOLE_STREET
from app.services.party.points import branch_points
from app.views.desk.context import StaffUser
from app.views.desk.party_rules_dialog import RulesDialog
from tests.gui.fakes import FilePrinterPreview
from tests.gui.test_intake_flow import desk  # noqa: F401  (the signed-in front desk)

YEAR = 2025  # the demo's previous year: a whole year of meetings, decided by every branch


def _open(qtbot, desk):  # noqa: F811
    desk.tabs.setCurrentWidget(desk.party)
    qtbot.mouseClick(desk.party.points_button, Qt.MouseButton.LeftButton)
    window = desk.party.points_window
    assert window.isVisible()
    return window


def _busiest_branch(demo_db) -> int:
    with demo_db.sessions() as session:
        return session.scalar(
            select(PartyMember.branch_id)
            .where(PartyMember.kind != "in_service")
            .group_by(PartyMember.branch_id)
            .order_by(func.count().desc(), PartyMember.branch_id)
            .limit(1)
        )


def _rank(qtbot, window, branch_id: int) -> None:
    window.branch.setCurrentIndex(window.branch.findData(branch_id))
    window.year.selectAll()
    qtbot.keyClicks(window.year, str(YEAR))
    qtbot.mouseClick(window.rank_button, Qt.MouseButton.LeftButton)


def _click_row(qtbot, window, row: int) -> None:
    rect = window.rank_table.visualRect(window.rank_model.index(row, 1))
    qtbot.mouseClick(window.rank_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_compute_a_members_points_by_clicking(qtbot, desk, demo_db):  # noqa: F811
    branch_id = _busiest_branch(demo_db)
    with demo_db.sessions() as session:
        expected = {m.member_id: m for m in branch_points(session, branch_id, YEAR, scope=WHOLE_STREET)}
    window = _open(qtbot, desk)
    _rank(qtbot, window, branch_id)
    rows = window.rank_model.rows
    assert len(rows) == len(expected) and rows[0].place == 1
    assert [r.points for r in rows if r.group == "在册党员"] == sorted(
        (r.points for r in rows if r.group == "在册党员"), reverse=True
    )
    assert "已评定" in window.message.text()
    _click_row(qtbot, window, 0)
    member = expected[rows[0].member_id]
    assert member.total > 0 and member.lines
    assert window.total.text().startswith(
        f"{member.name}（{member.id_masked}）{YEAR}年度积分：{member.total:g}分"
    )
    assert window.line_model.rowCount() == len(member.lines)
    shown = [
        window.line_model.data(window.line_model.index(i, 2)) for i in range(window.line_model.rowCount())
    ]
    assert any(text.startswith("主题党日：") for text in shown)
    with demo_db.sessions() as session:
        read = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (read.actor, read.action, read.subject) == ("qiantai", "party_points_view", member.id_masked)

    # points given by hand: the approver must hold the right, then the total moves by the points
    qtbot.mouseClick(window.entry_button, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    dialog.points.selectAll()
    qtbot.keyClicks(dialog.points, "3")
    dialog.reason.insert("参与防汛值守表现突出")  # Chinese comes through the input method
    dialog.approver.setCurrentText("")
    qtbot.keyClicks(dialog.approver, "qiantai")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "账号“qiantai”无权审批党员积分" and dialog.isVisible()
    dialog.approver.setCurrentText("")
    qtbot.keyClicks(dialog.approver, "houtai")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert f"{YEAR}年度积分：{member.total + 3:g}分" in window.total.text()
    assert window.message.text().startswith("已记录：+3分，参与防汛值守表现突出（审批：houtai）")

    # given in error: choose the hand line, withdraw it with a reason and an approver
    assert not window.withdraw_button.isEnabled()  # nothing chosen yet
    by_hand = sum(line.rule == "手工录入" for line in window.line_model.rows)
    hand = next(i for i, line in enumerate(window.line_model.rows) if line.what.startswith("参与防汛值守"))
    rect = window.line_table.visualRect(window.line_model.index(hand, 2))
    qtbot.mouseClick(window.line_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.withdraw_button.isEnabled()
    qtbot.mouseClick(window.withdraw_button, Qt.MouseButton.LeftButton)
    withdraw = window.dialog
    assert "+3分" in withdraw.findChildren(QLabel)[0].text()
    withdraw.reason.insert("录错了党员")
    withdraw.approver.setCurrentText("")
    qtbot.keyClicks(withdraw.approver, "houtai")
    qtbot.mouseClick(withdraw.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert not withdraw.isVisible()
    assert f"{YEAR}年度积分：{member.total:g}分" in window.total.text()
    assert window.message.text() == "已撤销：+3分，录错了党员（审批：houtai）"
    assert sum(line.rule == "手工录入" for line in window.line_model.rows) == by_hand - 1

    # the branch's decision is the office's: the front desk is told so
    qtbot.mouseClick(window.grade_button, Qt.MouseButton.LeftButton)
    grade = window.dialog
    qtbot.mouseClick(grade.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert grade.message.text() == "“前台受理”角色不能记录党员年度评定"
    grade.reject()


def test_export_and_print_the_sheet(qtbot, desk, demo_db, tmp_path):  # noqa: F811
    branch_id = _busiest_branch(demo_db)
    window = _open(qtbot, desk)
    _rank(qtbot, window, branch_id)
    target = tmp_path / "评定表.xlsx"
    window.export_to(target)
    assert window.message.text().startswith(f"已导出{len(window.rank_model.rows)}名党员")
    sheet = load_workbook(target).worksheets[0]
    assert [c.value for c in sheet[1]][:5] == ["类别", "名次", "姓名", "身份证号", "积分"]
    numbers = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers and all("*" in n for n in numbers)
    before = len(FilePrinterPreview.shown)
    qtbot.mouseClick(window.print_button, Qt.MouseButton.LeftButton)
    assert len(FilePrinterPreview.shown) == before + 1
    preview = FilePrinterPreview.shown[-1]
    assert preview.windowTitle() == f"{window.record.branch}{YEAR}年度党员评定表"
    assert preview.pdf.startswith(b"%PDF")
    with demo_db.sessions() as session:
        purposes = session.scalars(
            select(AuditEntry.purpose).where(AuditEntry.action == "party_points_list").order_by(AuditEntry.id)
        ).all()
    assert purposes[-2:] == [
        f"{window.record.branch}{YEAR}年度党员评定表导出",
        f"{window.record.branch}{YEAR}年度党员评定表打印",
    ]


def test_the_rules_are_shown_to_everyone_and_changed_by_an_administrator(qtbot, desk, demo_db, tmp_path):  # noqa: F811
    window = _open(qtbot, desk)
    qtbot.mouseClick(window.rules_button, Qt.MouseButton.LeftButton)
    shown = window.dialog
    names = [shown.model.data(shown.model.index(i, 0)) for i in range(shown.model.rowCount())]
    assert "双报到服务" in names and "手工录入" not in names
    assert shown.message.text().startswith("只有系统管理员可以修改积分规则")
    row = names.index("双报到服务")
    rect = shown.table.visualRect(shown.model.index(row, 0))
    qtbot.mouseClick(shown.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not shown.save_button.isEnabled() and shown.points.value() == 1
    shown.accept()

    admin = RulesDialog(dataclasses.replace(desk.ctx, user=StaffUser("admin", "系统管理员", "admin")))
    qtbot.addWidget(admin)
    admin.show()
    rect = admin.table.visualRect(admin.model.index(row, 0))
    qtbot.mouseClick(admin.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert admin.save_button.isEnabled() and not admin.no_cap.isChecked()
    admin.cap.selectAll()
    qtbot.keyClicks(admin.cap, "30")
    qtbot.mouseClick(admin.save_button, Qt.MouseButton.LeftButton)
    assert admin.message.text() == "已保存：双报到服务，每小时+1分，年度最多30分（启用）"
    assert admin.model.data(admin.model.index(row, 1)) == "每小时+1分，年度最多30分"
    admin.grab().save(str(tmp_path / "rules.png"))
    box = QPoint(8, admin.no_cap.height() // 2)  # on the box itself, as a person clicks it
    qtbot.mouseClick(admin.no_cap, Qt.MouseButton.LeftButton, pos=box)
    assert admin.no_cap.isChecked() and not admin.cap.isEnabled()
    qtbot.mouseClick(admin.save_button, Qt.MouseButton.LeftButton)
    assert "年度最多" not in admin.model.data(admin.model.index(row, 1))
    with demo_db.sessions() as session:
        changes = session.scalars(select(AuditEntry).where(AuditEntry.action == "party_points_rule")).all()
    assert [(c.actor, c.subject) for c in changes][-2:] == [("admin", "report_in_hours")] * 2
