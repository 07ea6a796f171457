"""The case detail's 四单三办三评 tab used as the back office and a grid worker use it: add a
measure, mark it done, escalate to the street with a reason, assign the case to the grid worker,
who then finds it in their list under 指派给我; the 办理单 preview; the administrator's 上报对象 and
the 12345 回单 export."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pypdf
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QLineEdit, QMessageBox, QPlainTextEdit
from sqlalchemy import select

from app.models import AuditEntry, Resident
from app.services.admin.centre import current_community
from app.services.admin.scope import scope_for
from app.services.cases import intake
from app.views.desk.case_detail import CaseDetailDialog
from app.views.desk.case_list import CaseListPanel
from app.views.desk.context import DeskContext, StaffUser
from app.views.desk.escalation_targets_dialog import EscalationTargetsDialog
from app.views.desk.hotline_replies_dialog import HotlineRepliesDialog
from app.views.desk_app import application
from app.views.ops import ImmediateRunner

TODAY = dt.date.today()


@pytest.fixture
def desk(demo_db):
    """The back office signed in, and two accepted cases: one in the demo grid worker's grids,
    one outside them."""
    application()
    with demo_db.sessions.begin() as session:
        community = current_community(session)
        scope = scope_for(session, "wangge")
        numbers = []
        for condition in (scope.resident_filter(), ~scope.resident_filter()):
            person = session.scalars(
                select(Resident).where(condition, Resident.state == "living").order_by(Resident.id).limit(1)
            ).one()
            materials = list(intake.find_item(session, "SB-002").materials)
            case = intake.accept(
                session, item_code="SB-002", resident=person, actor="qiantai", materials_received=materials
            )
            numbers.append(case.case_no)
    ctx = DeskContext(
        db=demo_db,
        user=StaffUser("houtai", "王磊（后台演示）", "back_office"),
        community_code=community.code,
        community_name=community.name,
        centre_name=f"{community.name}党群服务中心",
        centre_phone="0919-0000000",
        runner=ImmediateRunner(),
    )
    return ctx, numbers[0], numbers[1]


def _detail(qtbot, ctx, case_no) -> CaseDetailDialog:
    dialog = CaseDetailDialog(ctx, case_no)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _type(qtbot, dialog, key: str, text: str) -> None:
    """Chinese arrives from the input method as committed text (Qt's key simulation takes ASCII)."""
    widget = dialog.findChild(QLineEdit, f"field_{key}") or dialog.findChild(QPlainTextEdit, f"field_{key}")
    _commit(widget, text)


def _commit(widget, text: str) -> None:
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _choose(dialog, key: str, shown: str) -> None:
    combo = dialog.findChild(QComboBox, f"field_{key}")
    index = combo.findText(shown, Qt.MatchFlag.MatchStartsWith)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)


def _ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def _warnings(monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a, **k: said.append(text))
    return said


def test_measure_escalation_and_assignment_walk(qtbot, desk, monkeypatch):
    ctx, case_no, _ = desk
    warnings = _warnings(monkeypatch)
    detail = _detail(qtbot, ctx, case_no)
    detail.tabs.setCurrentIndex(1)
    panel = detail.handling

    # a measure with its owner and planned date
    qtbot.mouseClick(panel.buttons["measure"], Qt.MouseButton.LeftButton)
    form = panel.entry_dialog
    _type(qtbot, form, "text", "联系物业核实楼道照明")
    _ok(qtbot, form)  # no owner: refused, the typing kept
    assert warnings == ["请填写措施责任人"] and form.isVisible()
    _type(qtbot, form, "owner", "张伟")
    form.findChild(QDateEdit, "field_planned").setDate(TODAY + dt.timedelta(days=3))
    _ok(qtbot, form)
    assert not form.isVisible()
    model = panel.measure_model
    assert model.rowCount() == 1
    assert [model.index(0, c).data() for c in range(model.columnCount())] == [
        "1", "联系物业核实楼道照明", "张伟", (TODAY + dt.timedelta(days=3)).isoformat(), "—", "进行中"
    ]  # fmt: skip

    # the measure done
    qtbot.mouseClick(panel.buttons["measure_done"], Qt.MouseButton.LeftButton)
    _choose(panel.entry_dialog, "number", "1.")
    _ok(qtbot, panel.entry_dialog)
    assert model.index(0, 4).data() == TODAY.isoformat() and model.index(0, 5).data() == "已完成"

    # assign to the grid worker of the case's grid (before escalating: the case is in hand)
    qtbot.mouseClick(panel.buttons["assign"], Qt.MouseButton.LeftButton)
    combo = panel.entry_dialog.findChild(QComboBox, "field_assignee")
    assert [combo.itemData(i) for i in range(combo.count())] == ["wangge"]
    _ok(qtbot, panel.entry_dialog)
    assert panel.labels["assignee"].text() == "张伟（网格员演示）"
    assert detail.status_label.text() == "办理中"

    # escalate to the street from the detail's own button, with a reason and a date
    qtbot.mouseClick(detail.action_buttons["escalate"], Qt.MouseButton.LeftButton)
    form = panel.entry_dialog
    assert form.objectName() == "entry_escalate"
    _choose(form, "target", "街道办事处（街道）")
    _type(qtbot, form, "reason", "楼道照明改造需街道协调资金")
    form.findChild(QDateEdit, "field_requested").setDate(TODAY + dt.timedelta(days=5))
    _ok(qtbot, form)
    assert detail.status_label.text() == "已上报"
    assert panel.labels["escalations"].text() == (
        f"街道办事处（街道）楼道照明改造需街道协调资金，要求 {TODAY + dt.timedelta(days=5)} 前答复"
    )
    labels = [detail.timeline_model.index(r, 2).data() for r in range(detail.timeline_model.rowCount())]
    assert labels[-4:] == ["措施单", "措施完成", "指派网格员", "吹哨上报"]

    # the grid worker sees it in their list under 指派给我, and nothing else there
    worker = dataclasses.replace(ctx, user=StaffUser("wangge", "张伟", "grid_worker"))
    with ctx.db.sessions() as session:
        worker = dataclasses.replace(worker, scope=scope_for(session, "wangge"))
    cases = CaseListPanel(worker)
    qtbot.addWidget(cases)
    cases.show()
    qtbot.waitExposed(cases)
    qtbot.mouseClick(cases.mine_check, Qt.MouseButton.LeftButton)
    assert cases.mine_check.isChecked()
    shown = [cases.model.index(r, 0).data() for r in range(cases.model.rowCount())]
    assert shown == [case_no]
    # and records handling on it: the 结果单
    theirs = _detail(qtbot, worker, case_no)
    assert not theirs.handling.buttons["assign"].isVisibleTo(theirs)  # their role may not assign
    qtbot.mouseClick(theirs.handling.buttons["result"], Qt.MouseButton.LeftButton)
    _type(qtbot, theirs.handling.entry_dialog, "text", "已入户核实，物业已更换灯具")
    _ok(qtbot, theirs.handling.entry_dialog)
    assert theirs.handling.labels["result"].text() == "已入户核实，物业已更换灯具"
    assert warnings == ["请填写措施责任人"]


def test_a_grid_worker_cannot_open_another_grids_case_or_its_sheet(qtbot, desk):
    ctx, inside, outside = desk
    with ctx.db.sessions() as session:
        worker = dataclasses.replace(
            ctx, user=StaffUser("wangge", "张伟", "grid_worker"), scope=scope_for(session, "wangge")
        )
    theirs = _detail(qtbot, worker, outside)
    assert theirs.status_label.text() == "办件不存在"
    assert theirs.handling.sheet is None and theirs.handling.measure_model.rowCount() == 0
    cases = CaseListPanel(worker)
    qtbot.addWidget(cases)
    cases.reload()
    shown = {cases.model.index(r, 0).data() for r in range(cases.model.rowCount())}
    assert inside in shown and outside not in shown


def test_the_handling_sheet_preview_is_the_cases_and_printing_it_is_audited(qtbot, desk, monkeypatch):
    ctx, case_no, _ = desk
    detail = _detail(qtbot, ctx, case_no)
    opened = {}

    def fake_preview(_ctx, title, pdf, *, on_output=None, **kwargs):
        opened.update(title=title, pdf=pdf)
        on_output("打印（测试打印机）")

    monkeypatch.setattr("app.views.desk.document_dialog.open_preview", fake_preview)
    qtbot.mouseClick(detail.handling.print_button, Qt.MouseButton.LeftButton)
    assert opened["title"] == f"办件办理单 — {case_no}"
    text = pypdf.PdfReader(io.BytesIO(opened["pdf"])).pages[0].extract_text().replace(" ", "")
    assert "办件办理单" in text and case_no in text
    with ctx.db.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.actor, entry.action, entry.purpose) == ("houtai", "print", "办件办理单")


def test_the_administrator_keeps_the_escalation_targets(qtbot, desk):
    ctx, _, _ = desk
    admin = dataclasses.replace(ctx, user=StaffUser("admin", "管理员", "admin"))
    dialog = EscalationTargetsDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() == 8
    _commit(dialog.name_edit, "市住建局")
    dialog.level_combo.setCurrentIndex(dialog.level_combo.findText("市"))
    _commit(dialog.contact_edit, "陈科长 029-0000000")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "已新增：市住建局"
    assert dialog.selected().level_name == "市"
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)  # the same name again
    assert dialog.message.text() == "上报对象“市住建局”已经存在"
    qtbot.mouseClick(dialog.toggle_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "已停用：市住建局" and dialog.selected().active is False
    assert dialog.toggle_button.text() == "启用(&E)"


def test_the_hotline_replies_export_from_the_desk(qtbot, desk, tmp_path):
    ctx, _, _ = desk
    dialog = HotlineRepliesDialog(ctx, today=TODAY)
    qtbot.addWidget(dialog)
    target = tmp_path / "回单.xlsx"
    dialog.path_edit.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == f"已导出 0 条回单到 {target}"
    assert next(load_workbook(target).active.iter_rows(values_only=True))[0] == "工单编号"
    dialog.date_from.setDate(dialog.date_to.date().addDays(1))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "结束日期不能早于开始日期。"
