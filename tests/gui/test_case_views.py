"""The case list and the case detail, used as the back office uses them: filter, open, act."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from sqlalchemy import select

from app.models import AuditEntry, Building, Community, Grid, Household, Resident
from app.services.admin.centre import current_community
from app.services.cases import intake
from app.services.cases.search import get_case
from app.services.cases.workflow import allowed_actions, status_name
from app.views.desk.case_actions import ActionDialog
from app.views.desk.case_detail import CaseDetailDialog
from app.views.desk.case_list import CaseListPanel
from app.views.desk.case_models import COL_DEADLINE, COL_NO, COL_STATUS, ROW_BACKGROUND
from app.views.desk.context import DeskContext, StaffUser
from app.views.desk_app import application
from app.views.ops import ImmediateRunner

TODAY = dt.date.today()


def _materials(session, code: str) -> list[str]:
    return list(intake.find_item(session, code).materials)


@pytest.fixture
def desk(demo_db):
    """A desk signed in as the back office, with four cases: accepted, awaiting materials,
    refused, and an accepted one past its promised date."""
    application()
    with demo_db.sessions.begin() as session:
        community = current_community(session)
        people = list(
            session.scalars(
                select(Resident)
                .join(Household, Resident.household_id == Household.id)
                .join(Building, Household.building_id == Building.id)
                .join(Grid, Building.grid_id == Grid.id)
                .join(Community, Grid.community_id == Community.id)
                .where(Community.id == community.id)
                .order_by(Resident.id)
                .limit(40)
            )
        )
        seen: set[str] = set()
        people = [p for p in people if not (p.name in seen or seen.add(p.name))][:4]
        accepted = intake.accept(
            session,
            item_code="SB-002",
            resident=people[0],
            actor="qiantai",
            materials_received=_materials(session, "SB-002"),
        )
        waiting = intake.request_materials(
            session,
            item_code="JZ-001",
            resident=people[1],
            actor="qiantai",
            materials_received=[],
            missing=_materials(session, "JZ-001")[:2],
        )
        refused = intake.refuse(
            session, item_code="SB-005", resident=people[2], actor="qiantai", reason="已在他处办理"
        )
        overdue = intake.accept(
            session,
            item_code="SB-005",
            resident=people[3],
            actor="qiantai",
            materials_received=_materials(session, "SB-005"),
        )
        overdue.due_date = TODAY - dt.timedelta(days=10)
        ctx = DeskContext(
            db=demo_db,
            user=StaffUser("houtai", "王磊", "back_office"),
            community_code=community.code,
            community_name=community.name,
            centre_name=f"{community.name}党群服务中心",
            centre_phone="0919-0000000",
            runner=ImmediateRunner(),
        )
        cases = {
            "accepted": accepted.case_no,
            "waiting": waiting.case_no,
            "refused": refused.case_no,
            "overdue": overdue.case_no,
            "overdue_name": people[3].name,
        }
    return ctx, cases


def _panel(qtbot, ctx) -> CaseListPanel:
    panel = CaseListPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1400, 600)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _shown(panel: CaseListPanel) -> dict[str, int]:
    """case number -> row in the table as the person sees it."""
    proxy = panel.proxy
    return {proxy.index(r, COL_NO).data(): r for r in range(proxy.rowCount())}


def _choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def _type_chinese(widget, text: str) -> None:
    """Chinese arrives from the input method as committed text, not as key presses (and Qt's
    key simulation accepts only ASCII)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _db_status(ctx, case_no: str) -> str:
    with ctx.db.sessions() as session:
        return get_case(session, case_no).status


def test_list_shows_every_case_with_its_status_and_flags_the_overdue_one(qtbot, desk):
    ctx, cases = desk
    panel = _panel(qtbot, ctx)
    rows = _shown(panel)
    assert set(rows) == {cases["accepted"], cases["waiting"], cases["refused"], cases["overdue"]}

    def cell(case_no, column):
        return panel.proxy.index(rows[case_no], column)

    assert cell(cases["accepted"], COL_STATUS).data() == "已受理"
    assert cell(cases["waiting"], COL_STATUS).data() == "待补正"
    assert cell(cases["refused"], COL_STATUS).data() == "不予受理"
    assert cell(cases["overdue"], COL_DEADLINE).data() == "已超期"
    assert cell(cases["overdue"], COL_NO).data(Qt.ItemDataRole.BackgroundRole) == ROW_BACKGROUND["overdue"]
    assert cell(cases["accepted"], COL_DEADLINE).data() == "正常"
    assert cell(cases["accepted"], COL_NO).data(Qt.ItemDataRole.BackgroundRole) is None
    assert panel.count_label.text() == "共 4 件，其中超期 1 件"


def test_filters_narrow_the_list_as_a_person_sets_them(qtbot, desk):
    ctx, cases = desk
    panel = _panel(qtbot, ctx)

    _choose(panel.status_combo, "待补正")
    assert set(_shown(panel)) == {cases["waiting"]}
    _choose(panel.status_combo, "全部在办（未办结）")
    assert set(_shown(panel)) == {cases["accepted"], cases["waiting"], cases["overdue"]}

    qtbot.mouseClick(panel.overdue_check, Qt.MouseButton.LeftButton)
    assert panel.overdue_check.isChecked()
    assert set(_shown(panel)) == {cases["overdue"]}
    assert panel.count_label.text() == "共 1 件，其中超期 1 件"
    qtbot.mouseClick(panel.overdue_check, Qt.MouseButton.LeftButton)
    _choose(panel.status_combo, "全部")

    qtbot.keyClicks(panel.search_edit, cases["waiting"])
    qtbot.waitUntil(lambda: set(_shown(panel)) == {cases["waiting"]}, timeout=2000)
    panel.search_edit.clear()
    _type_chinese(panel.search_edit, cases["overdue_name"])
    qtbot.waitUntil(lambda: set(_shown(panel)) == {cases["overdue"]}, timeout=2000)

    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert len(_shown(panel)) == 4


def test_staff_item_and_date_filters_go_through_the_service(qtbot, desk):
    ctx, cases = desk
    panel = _panel(qtbot, ctx)
    _choose(panel.item_combo, "社会保障卡申领")
    assert set(_shown(panel)) == {cases["refused"], cases["overdue"]}
    _choose(panel.item_combo, "全部事项")
    _type_chinese(panel.staff_edit, "王磊（后台演示）")  # a display name is understood
    qtbot.waitUntil(lambda: _shown(panel) == {}, timeout=2000)
    panel.staff_edit.clear()
    qtbot.keyClicks(panel.staff_edit, "qiantai")
    qtbot.waitUntil(lambda: len(_shown(panel)) == 4, timeout=2000)
    panel.staff_edit.clear()
    qtbot.mouseClick(panel.date_check, Qt.MouseButton.LeftButton)
    assert panel.date_from.isEnabled() and len(_shown(panel)) == 4  # received today, inside the range
    panel.date_from.setDate(panel.date_from.date().addDays(40))
    panel.date_to.setDate(panel.date_to.date().addDays(40))
    qtbot.waitUntil(lambda: _shown(panel) == {}, timeout=2000)


def test_double_click_and_enter_open_the_case_and_reload_keeps_the_selection(qtbot, desk):
    ctx, cases = desk
    panel = _panel(qtbot, ctx)
    row = _shown(panel)[cases["waiting"]]
    rect = panel.table.visualRect(panel.proxy.index(row, COL_NO))
    with qtbot.waitSignal(panel.case_opened, timeout=1000) as opened:
        # a real double-click is a click followed by a double-click event
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [cases["waiting"]]

    assert panel.select_case(cases["overdue"])
    panel.table.setFocus()
    with qtbot.waitSignal(panel.case_opened, timeout=1000) as opened:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert opened.args == [cases["overdue"]]

    with ctx.db.sessions.begin() as session:  # a new case arrives and sorts in at the top
        person = session.scalars(select(Resident).where(Resident.household_id.is_not(None))).first()
        intake.accept(
            session,
            item_code="ZM-002",
            resident=person,
            actor="qiantai",
            materials_received=_materials(session, "ZM-002"),
        )
    qtbot.mouseClick(panel.refresh_button, Qt.MouseButton.LeftButton)
    assert len(_shown(panel)) == 5
    assert panel.selected_case_no() == cases["overdue"]


def _dialog(qtbot, ctx, case_no, user=None, runner=None) -> CaseDetailDialog:
    if user is not None:
        ctx = dataclasses.replace(ctx, user=user)
    if runner is not None:
        ctx = dataclasses.replace(ctx, runner=runner)
    dialog = CaseDetailDialog(ctx, case_no)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _button(dialog: CaseDetailDialog, label: str) -> QPushButton:
    found = [
        b
        for b in dialog.findChildren(QPushButton)
        if b.isVisible() and b.text().replace("&", "").startswith(label)
    ]
    assert len(found) == 1, [b.text() for b in dialog.findChildren(QPushButton)]
    return found[0]


def _act(qtbot, dialog: CaseDetailDialog, label: str, **fields) -> ActionDialog:
    qtbot.mouseClick(_button(dialog, label), Qt.MouseButton.LeftButton)
    action_dialog = dialog.action_dialog
    assert action_dialog is not None and action_dialog.isVisible()
    action_dialog.fill(**fields)
    qtbot.mouseClick(action_dialog.ok_button, Qt.MouseButton.LeftButton)
    return action_dialog


def _assert_buttons_match_workflow(dialog: CaseDetailDialog, ctx, case_no: str) -> None:
    with ctx.db.sessions() as session:
        allowed = allowed_actions(get_case(session, case_no))
    assert list(dialog.action_buttons) == allowed
    assert [b.isVisible() for b in dialog.action_buttons.values()] == [True] * len(allowed)


def test_detail_drives_a_case_from_dispatch_to_evaluation(qtbot, desk, monkeypatch):
    ctx, cases = desk
    case_no = cases["accepted"]
    dialog = _dialog(qtbot, ctx, case_no)
    changed = []
    dialog.case_changed.connect(changed.append)
    assert dialog.status_label.text() == "已受理"
    assert [r.action for r in dialog.timeline_model.rows()] == ["受理"]
    assert dialog.fields["id_number"].text().count("*") == 0  # back office sees the full number
    _assert_buttons_match_workflow(dialog, ctx, case_no)
    assert "complete" not in dialog.action_buttons  # an accepted case cannot be closed before handling

    _act(qtbot, dialog, "分派办理", to="王磊（后台演示）", note="请三日内核实")
    assert dialog.status_label.text() == "办理中" and _db_status(ctx, case_no) == "in_progress"
    with ctx.db.sessions() as session:
        assert get_case(session, case_no).owner == "houtai"
    assert dialog.fields["owner"].text() == "王磊（后台演示）"
    _assert_buttons_match_workflow(dialog, ctx, case_no)

    warnings = []
    with monkeypatch.context() as patch:
        patch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[1:]))
        refused = _act(qtbot, dialog, "办结", note="")
    assert warnings and "办理结果" in warnings[0][1]
    assert refused.isVisible()  # the dialog stays open for the missing result
    assert dialog.status_label.text() == "办理中" and _db_status(ctx, case_no) == "in_progress"
    refused.fill(note="已核实并发放待遇")
    qtbot.mouseClick(refused.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.status_label.text() == "已办结" and _db_status(ctx, case_no) == "completed"
    assert dialog.fields["result"].text() == "已核实并发放待遇"
    _assert_buttons_match_workflow(dialog, ctx, case_no)

    _act(qtbot, dialog, "回访", note="电话回访申请人，对结果无异议")
    assert dialog.status_label.text() == "已回访" and _db_status(ctx, case_no) == "called_back"
    _assert_buttons_match_workflow(dialog, ctx, case_no)

    _act(qtbot, dialog, "评价", evaluation="满意")
    assert dialog.status_label.text() == status_name("evaluated") == "已评价"
    assert _db_status(ctx, case_no) == "evaluated" and dialog.fields["evaluation"].text() == "满意"
    assert list(dialog.action_buttons) == ["reopen"]
    assert [r.action for r in dialog.timeline_model.rows()] == ["受理", "分派办理", "办结", "回访", "评价"]
    assert dialog.timeline_model.rows()[1].change == "已受理 → 办理中"
    assert changed == [case_no] * 4


def test_unsatisfied_rating_reopens_the_case(qtbot, desk):
    ctx, cases = desk
    case_no = cases["overdue"]
    dialog = _dialog(qtbot, ctx, case_no)
    _act(qtbot, dialog, "分派办理", to="街道社会事务办")
    with ctx.db.sessions() as session:
        assert get_case(session, case_no).owner == "街道社会事务办"
    _act(qtbot, dialog, "办结", note="已办理")
    _act(qtbot, dialog, "评价", evaluation="不满意")
    assert dialog.status_label.text() == "办理中" and _db_status(ctx, case_no) == "in_progress"
    assert dialog.timeline_model.rows()[-1].action == "重新办理"
    _assert_buttons_match_workflow(dialog, ctx, case_no)


def test_materials_arriving_accepts_the_waiting_case(qtbot, desk):
    ctx, cases = desk
    dialog = _dialog(qtbot, ctx, cases["waiting"])
    assert dialog.status_label.text() == "待补正"
    assert list(dialog.action_buttons) == ["materials_complete", "withdraw", "supervise"]
    qtbot.mouseClick(_button(dialog, "材料补齐受理"), Qt.MouseButton.LeftButton)
    confirm = dialog.action_dialog
    listed = confirm.findChild(type(dialog.status_label), "missing_materials").text()
    with ctx.db.sessions() as session:
        assert all(m in listed for m in get_case(session, cases["waiting"]).materials_missing)
    qtbot.mouseClick(confirm.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.status_label.text() == "已受理"
    with ctx.db.sessions() as session:
        case = get_case(session, cases["waiting"])
        assert case.status == "accepted" and case.due_date is not None and case.materials_missing == []
    assert dialog.fields["due"].text() == case.due_date.isoformat()


def test_refused_case_offers_nothing_and_masks_for_grid_workers(qtbot, desk):
    ctx, cases = desk
    dialog = _dialog(qtbot, ctx, cases["refused"], user=StaffUser("wangge", "张伟", "grid_worker"))
    assert dialog.status_label.text() == "不予受理" and dialog.action_buttons == {}
    assert dialog.no_action_label.isVisible()
    assert "已在他处办理" in dialog.fields["refusal"].text()
    assert "*" in dialog.fields["id_number"].text()
    with ctx.db.sessions() as session:  # a masked view is not a lookup of the full number
        assert (
            session.scalar(select(AuditEntry).where(AuditEntry.purpose.like(f"%{cases['refused']}%"))) is None
        )


def test_opening_a_case_with_the_full_id_is_audited(qtbot, desk):
    ctx, cases = desk
    dialog = _dialog(qtbot, ctx, cases["accepted"])
    _act(qtbot, dialog, "办理进展", note="已联系申请人")
    assert dialog.timeline_model.rows()[-1].note == "已联系申请人"
    with ctx.db.sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.purpose == f"查看办件 {cases['accepted']}")
        )
        assert [e.actor for e in entries] == ["houtai"]  # once per opening, not per refresh


def test_escape_closes_the_detail(qtbot, desk):
    ctx, cases = desk
    dialog = _dialog(qtbot, ctx, cases["accepted"])
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_step_is_saved_off_the_gui_thread_and_ok_waits_meanwhile(qtbot, desk, monkeypatch):
    """The commit waits for the disk: the dialog stays responsive, and a second OK does nothing."""
    import threading

    from app.views.desk import case_detail
    from app.views.ops import ThreadRunner

    ctx, cases = desk
    case_no = cases["accepted"]
    dialog = _dialog(qtbot, ctx, case_no, runner=ThreadRunner())
    release, steps, where = threading.Event(), [], []
    real_step = case_detail.take_step

    def slow_step(*args, **kwargs):
        where.append(threading.get_ident())
        steps.append(args[2])
        release.wait(5)
        return real_step(*args, **kwargs)

    monkeypatch.setattr(case_detail, "take_step", slow_step)
    qtbot.mouseClick(_button(dialog, "分派办理"), Qt.MouseButton.LeftButton)
    action = dialog.action_dialog
    action.fill(to="王磊（后台演示）", note="请三日内核实")
    qtbot.mouseClick(action.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(steps), timeout=3000)
    assert not action.ok_button.isEnabled()
    qtbot.mouseClick(action.ok_button, Qt.MouseButton.LeftButton)  # a second press while saving
    ticks = []
    timer = QTimer(dialog)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.wait(200)  # the GUI thread keeps running its timers while the step waits for the disk
    assert len(ticks) >= 5 and dialog.status_label.text() == "已受理"
    release.set()
    qtbot.waitUntil(lambda: dialog.status_label.text() == "办理中", timeout=5000)
    assert steps == ["dispatch"] and where[0] != threading.get_ident()
    assert _db_status(ctx, case_no) == "in_progress"
    assert not shiboken6.isValid(action) or not action.isVisible()  # closed (and deleted) once saved


def test_the_case_document_can_be_printed_again_from_the_detail(qtbot, desk, tmp_path):
    """The receipt or notice the applicant took home, again (lost, or the printer jammed)."""
    import io

    from pypdf import PdfReader

    from tests.gui.fakes import FilePrinterPreview

    ctx, cases = desk
    FilePrinterPreview.reset(str(tmp_path / "again.pdf"))
    ctx = dataclasses.replace(ctx, preview=FilePrinterPreview)
    try:
        for kind, title in (("accepted", "受理回执"), ("waiting", "补正"), ("refused", "不予受理")):
            dialog = _dialog(qtbot, ctx, cases[kind])
            qtbot.mouseClick(_button(dialog, "重新打印受理文书"), Qt.MouseButton.LeftButton)
            shown = FilePrinterPreview.shown[-1]
            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(shown.pdf)).pages)
            assert cases[kind] in text and title in text, kind
    finally:
        FilePrinterPreview.close_all()
