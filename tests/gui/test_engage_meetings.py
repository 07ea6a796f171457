"""议事 and 共建单位 at the desk, driven as a person would: a 四议两公开 meeting is recorded through
its six dated steps and its decision notice prints (the QR carries the meeting number, residents'
names are masked); a partner unit is registered, a need of the community is listed and claimed
by the unit as a 双向认领 project, whose milestone is reached and which ends with its result."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import AuditEntry, DeliberationStep, PartnerProject
from app.views.desk.context import StaffUser
from app.views.desk.engage_page import EngagePage
from app.views.desk_app import desk_context
from app.views.ops import ImmediateRunner
from tests.gui.fakes import FilePrinterPreview
from tests.unit.test_boards import decoded_qr_codes, pdf_pages, squash

HOUTAI = StaffUser("houtai", "王磊（后台演示）", "back_office")
QIANTAI = StaffUser("qiantai", "李静（前台演示）", "front_desk")


def _page(qtbot, demo_db, user: StaffUser = HOUTAI) -> EngagePage:
    page = EngagePage(desk_context(demo_db, user, runner=ImmediateRunner(), preview=FilePrinterPreview))
    qtbot.addWidget(page)
    page.resize(1366, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


def _click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_four_two_meeting_goes_through_its_steps_and_its_notice_prints(qtbot, demo_db, tmp_path):
    FilePrinterPreview.reset(str(tmp_path / "printed.pdf"))
    page = _page(qtbot, demo_db)
    page.setCurrentWidget(page.meetings)
    meetings = page.meetings
    assert any(r.kind_name == "四议两公开" and r.state == "已完成" for r in meetings.model.rows)  # the demo's

    _click(qtbot, meetings.buttons["add"])
    dialog = meetings.dialog
    dialog.kind.setCurrentText("四议两公开")
    dialog.topic.setText("小区加装电梯")  # typed through the input method
    _click(qtbot, dialog.ok_button)  # no convenor: refused in words, nothing typed lost
    assert dialog.isVisible() and "召集人" in dialog.error.text()
    assert dialog.topic.text() == "小区加装电梯"
    dialog.convenor.setText("社区党委书记 王强")  # typed through the input method
    dialog.attendees.setPlainText("张建国（居民代表）\n王益区住建局（共建单位）")
    _click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    row = meetings.selected()
    assert (row.kind_name, row.topic, row.state) == ("四议两公开", "小区加装电梯", "待党组织提议")
    assert not meetings.buttons["notice"].isEnabled()

    for name in ("党组织提议", "两委商议", "党员大会审议"):
        _click(qtbot, meetings.buttons["step"])
        assert meetings.dialog.windowTitle().endswith(name)
        meetings.dialog.note.setPlainText(f"{name}通过")
        _click(qtbot, meetings.dialog.ok_button)
        assert meetings.message.text().endswith(f"已记录“{name}”")

    _click(qtbot, meetings.buttons["step"])
    resolve = meetings.dialog
    assert resolve.windowTitle().endswith("居民会议决议")
    _click(qtbot, resolve.ok_button)  # no decision or vote yet
    assert resolve.isVisible() and "决议" in resolve.error.text()
    resolve.vote.decision.setPlainText("同意加装电梯，费用按楼层分摊")
    resolve.vote.votes[0].setValue(36)
    resolve.vote.votes[1].setValue(3)
    resolve.vote.votes[2].setValue(1)
    _click(qtbot, resolve.ok_button)
    assert meetings.selected().vote_text == "同意36票，反对3票，弃权1票，通过"

    _click(qtbot, meetings.buttons["step"])
    _click(qtbot, meetings.dialog.ok_button)  # 决议公开
    _click(qtbot, meetings.buttons["step"])
    assert meetings.dialog.windowTitle().endswith("实施结果公开")
    meetings.dialog.result.setPlainText("电梯已安装并通过验收")
    _click(qtbot, meetings.dialog.ok_button)
    row = meetings.selected()
    assert row.state == "已完成" and all(s.done_on for s in row.steps)
    assert not meetings.buttons["step"].isEnabled()
    assert "实施结果：电梯已安装并通过验收" in meetings.detail.text()
    with demo_db.sessions() as session:
        assert len(session.scalars(select(DeliberationStep)).all()) >= 6
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.subject == row.meeting_no)).all()
    assert actions.count("deliberation_step") == 6 and "deliberation_add" in actions

    try:
        _click(qtbot, meetings.buttons["notice"])
        pdf = FilePrinterPreview.shown[-1].pdf
        text = squash("".join(pdf_pages(pdf)))
        assert "议事决议及实施结果公示" in text and "张**（居民代表）" in text and "张建国" not in text
        assert "同意36票" in text and "电梯已安装并通过验收" in text
        assert decoded_qr_codes(pdf) == [[row.meeting_no]]
        (tmp_path / "notice.pdf").write_bytes(pdf)
    finally:
        FilePrinterPreview.close_all()


def test_a_unit_is_registered_and_claims_a_need_as_a_project(qtbot, demo_db, tmp_path):
    FilePrinterPreview.reset(str(tmp_path / "printed.pdf"))
    page = _page(qtbot, demo_db, QIANTAI)
    page.setCurrentWidget(page.partners)
    partners = page.partners
    assert len(partners.units.rows) == 6  # the demo's units

    _click(qtbot, partners.buttons["unit"])
    dialog = partners.dialog
    dialog.name.setText("国网铜川供电公司")  # typed through the input method
    dialog.kind.setCurrentText("国有企业")
    dialog.contact.setText("马东")  # typed through the input method
    _click(qtbot, dialog.ok_button)
    assert not dialog.isVisible() and partners.unit().name == "国网铜川供电公司"

    _click(qtbot, partners.buttons["need"])
    partners.dialog.title_edit.setText("楼道照明线路老化")  # typed through the input method
    _click(qtbot, partners.dialog.ok_button)

    _click(qtbot, partners.buttons["claim"])
    claim = partners.dialog
    claim.direction.setCurrentIndex(claim.direction.findData("need"))
    claim.item.setCurrentText("楼道照明线路老化")
    _click(qtbot, claim.ok_button)  # no owner
    assert claim.isVisible() and "负责人" in claim.error.text()
    claim.owner.setText("马东")  # typed through the input method
    _click(qtbot, claim.ok_button)
    project = partners.project()
    assert (project.title, project.direction_name, project.status_name) == (
        "楼道照明线路老化", "单位认领社区需求", "推进中"
    )  # fmt: skip
    assert partners.unit().projects == 1

    _click(qtbot, partners.buttons["milestone"])
    partners.dialog.title_edit.setText("更换线路")  # typed through the input method
    _click(qtbot, partners.dialog.ok_button)
    _click(qtbot, partners.buttons["reached"])
    assert partners.project().progress == "1/1"
    _click(qtbot, partners.buttons["finish"])
    partners.dialog.result.setPlainText("12个单元楼道线路全部更换")
    _click(qtbot, partners.dialog.ok_button)
    assert partners.project().status_name == "已完成"
    assert not partners.buttons["milestone"].isEnabled()
    with demo_db.sessions() as session:
        stored = session.scalar(select(PartnerProject).where(PartnerProject.project_no == project.project_no))
        assert (stored.status, stored.result) == ("done", "12个单元楼道线路全部更换")

    try:
        _click(qtbot, partners.buttons["record"])
        text = squash("".join(pdf_pages(FilePrinterPreview.shown[-1].pdf)))
        assert "国网铜川供电公司" in text and "楼道照明线路老化" in text and "更换线路" in text
    finally:
        FilePrinterPreview.close_all()


def test_a_grid_worker_sees_only_their_grids_meetings_and_may_not_manage_units(qtbot, demo_db):
    page = _page(qtbot, demo_db, StaffUser("wangge", "张伟（网格员演示）", "grid_worker"))
    page.setCurrentWidget(page.meetings)
    rows = page.meetings.model.rows
    assert rows and {r.kind_name for r in rows} == {"长板凳议事"}
    page.setCurrentWidget(page.partners)
    partners = page.partners
    partners.unit_table.selectRow(0)
    _click(qtbot, partners.buttons["resource"])
    partners.dialog.title_edit.setText("义诊")  # typed through the input method
    _click(qtbot, partners.dialog.ok_button)
    assert partners.dialog.isVisible() and "不能管理共建单位" in partners.dialog.error.text()
