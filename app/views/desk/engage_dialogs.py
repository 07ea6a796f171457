"""The small forms of the 议事 and 共建单位 pages: a meeting, a 四议两公开 step (with the vote at
居民会议决议 and the result at 实施结果公开), a decision, a result, a link to a case or a wish; a unit,
a resource or need, a claimed project, a milestone and a project's end. Each collects its fields
for its page, which stores them through an Op; a refusal comes back under the fields and nothing
typed is lost (see wish_dialogs.StepDialog)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QSpinBox

from app.models import DELIBERATION_KINDS, FOUR_TWO_STEPS, PROJECT_DIRECTIONS, UNIT_KINDS
from app.views.desk.wish_dialogs import StepDialog, Submit, _text_box


def date_edit(day: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit(QDate(day) if day else QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _line(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit


class VoteFields:
    """决议内容 and the vote: 同意, 反对, 弃权."""

    def __init__(self, dialog: StepDialog):
        self.decision = _text_box("决议内容")
        self.decision.setObjectName("decision")
        self.votes = []
        row = QHBoxLayout()
        for label in ("同意", "反对", "弃权"):
            box = QSpinBox()
            box.setRange(0, 100000)
            box.setObjectName(f"votes_{label}")
            row.addWidget(QLabel(label))
            row.addWidget(box, 1)
            self.votes.append(box)
        dialog.form.addRow("决议", self.decision)
        dialog.form.addRow("表决（票）", row)

    def values(self) -> dict[str, Any]:
        return {"decision": self.decision.toPlainText(), "votes": tuple(b.value() for b in self.votes)}


class MeetingDialog(StepDialog):
    def __init__(self, submit: Submit, parent=None, *, grids: list[tuple[str, str]]):
        super().__init__("登记议事", submit, parent)
        self.kind = QComboBox()
        for code, name in DELIBERATION_KINDS.items():
            self.kind.addItem(name, code)
        self.topic = _line("topic", "议题，如：小区加装电梯")
        self.convenor = _line("convenor", "召集人，如：社区党委书记 王强")
        self.held_on = date_edit()
        self.place = _line("place")
        self.grid = QComboBox()
        for name, code in grids:
            self.grid.addItem(name, code)
        self.attendees = _text_box("一行一位，如：张建国（居民代表）、区住建局（共建单位）")
        self.opinions = _text_box("各方意见")
        for text, widget in (("议事形式", self.kind), ("议题", self.topic), ("召集人", self.convenor),
                             ("日期", self.held_on), ("地点", self.place), ("范围", self.grid),
                             ("参加人员", self.attendees), ("各方意见", self.opinions)):  # fmt: skip
            self.form.addRow(text, widget)

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind.currentData(),
            "topic": self.topic.text(),
            "convenor": self.convenor.text(),
            "held_on": self.held_on.date().toPython(),
            "place": self.place.text(),
            "grid_code": self.grid.currentData() or "",
            "attendees": self.attendees.toPlainText(),
            "opinions": self.opinions.toPlainText(),
        }


class FourTwoStepDialog(StepDialog):
    """The next step of a 四议两公开 meeting, named in the title; its date and a note, and at
    居民会议决议 the decision and vote, at 实施结果公开 the result."""

    def __init__(self, meeting_no: str, step: str, submit: Submit, parent=None):
        super().__init__(f"{meeting_no}：{FOUR_TWO_STEPS[step]}", submit, parent)
        self.step = step
        self.done_on = date_edit()
        self.note = _text_box("说明，如：社区“两委”联席会议商议通过")
        self.note.setObjectName("step_note")
        self.form.addRow("步骤", QLabel(FOUR_TWO_STEPS[step]))
        self.form.addRow("日期", self.done_on)
        self.form.addRow("说明", self.note)
        self.vote = VoteFields(self) if step == "resolve" else None
        self.result = None
        if step == "publish_result":
            self.result = _text_box("实施结果")
            self.result.setObjectName("result")
            self.form.addRow("实施结果", self.result)

    def values(self) -> dict[str, Any]:
        values = {
            "step": self.step,
            "done_on": self.done_on.date().toPython(),
            "note": self.note.toPlainText(),
        }
        if self.vote is not None:
            values.update(self.vote.values())
        if self.result is not None:
            values["result"] = self.result.toPlainText()
        return values


class DecisionDialog(StepDialog):
    def __init__(self, meeting_no: str, submit: Submit, parent=None):
        super().__init__(f"议事决议 {meeting_no}", submit, parent)
        self.decided_on = date_edit()
        self.form.addRow("决议日期", self.decided_on)
        self.vote = VoteFields(self)

    def values(self) -> dict[str, Any]:
        return {"done_on": self.decided_on.date().toPython(), **self.vote.values()}


class ResultDialog(StepDialog):
    def __init__(self, meeting_no: str, submit: Submit, parent=None):
        super().__init__(f"实施结果 {meeting_no}", submit, parent)
        self.result_on = date_edit()
        self.result = _text_box("实施结果，如：停车位已施划完毕")
        self.result.setObjectName("result")
        self.form.addRow("日期", self.result_on)
        self.form.addRow("实施结果", self.result)

    def values(self) -> dict[str, Any]:
        return {"done_on": self.result_on.date().toPython(), "result": self.result.toPlainText()}


class LinkDialog(StepDialog):
    def __init__(self, meeting_no: str, submit: Submit, parent=None):
        super().__init__(f"关联办件或心愿 {meeting_no}", submit, parent)
        self.case_no = _line("link_case", "办件编号")
        self.wish_no = _line("link_wish", "或心愿编号，如 XY2026-0003")
        self.joint = QCheckBox("共商共办：该办件提交本次议事联合办理（记为联办）")
        self.form.addRow("办件", self.case_no)
        self.form.addRow("心愿", self.wish_no)
        self.form.addRow("", self.joint)

    def values(self) -> dict[str, Any]:
        return {
            "case_no": self.case_no.text(),
            "wish_no": self.wish_no.text(),
            "joint": self.joint.isChecked(),
        }


class UnitDialog(StepDialog):
    def __init__(self, submit: Submit, parent=None):
        super().__init__("登记共建单位", submit, parent)
        self.name = _line("unit_name", "单位全称")
        self.kind = QComboBox()
        self.kind.addItems(UNIT_KINDS)
        self.contact = _line("unit_contact")
        self.phone = _line("unit_phone")
        self.agreement_from = date_edit()
        self.agreement_to = date_edit(dt.date.today().replace(year=dt.date.today().year + 1))
        for text, widget in (("单位名称", self.name), ("类别", self.kind), ("联系人", self.contact),
                             ("联系电话", self.phone), ("协议开始", self.agreement_from),
                             ("协议结束", self.agreement_to)):  # fmt: skip
            self.form.addRow(text, widget)

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text(),
            "kind": self.kind.currentText(),
            "contact_name": self.contact.text(),
            "contact_phone": self.phone.text(),
            "agreement_from": self.agreement_from.date().toPython(),
            "agreement_to": self.agreement_to.date().toPython(),
        }


class ItemDialog(StepDialog):
    def __init__(self, title: str, submit: Submit, parent=None):
        super().__init__(title, submit, parent)
        self.title_edit = _line("item_title", "名称，如：义诊和健康体检")
        self.detail = _text_box("说明（可不填）")
        self.form.addRow("名称", self.title_edit)
        self.form.addRow("说明", self.detail)

    def values(self) -> dict[str, Any]:
        return {"title": self.title_edit.text(), "detail": self.detail.toPlainText()}


class ProjectDialog(StepDialog):
    """双向认领: the direction, the listed need or resource (or none), the name and the owner."""

    def __init__(
        self, unit_name: str, choices: dict[str, list[tuple[str, int]]], submit: Submit, parent=None
    ):
        super().__init__(f"双向认领 {unit_name}", submit, parent)
        self.choices = choices
        self.direction = QComboBox()
        for code, name in PROJECT_DIRECTIONS.items():
            self.direction.addItem(name, code)
        self.item = QComboBox()
        self.title_edit = _line("project_title", "项目名称（选了清单可不填）")
        self.owner = _line("project_owner", "项目负责人")
        self.form.addRow("认领方向", self.direction)
        self.form.addRow("清单", self.item)
        self.form.addRow("项目名称", self.title_edit)
        self.form.addRow("负责人", self.owner)
        self.direction.currentIndexChanged.connect(self._fill)
        self._fill()

    def _fill(self, *_args) -> None:
        self.item.clear()
        self.item.addItem("（不在清单上）", None)
        for title, item_id in self.choices.get(self.direction.currentData(), []):
            self.item.addItem(title, item_id)

    def values(self) -> dict[str, Any]:
        return {
            "direction": self.direction.currentData(),
            "item_id": self.item.currentData(),
            "title": self.title_edit.text(),
            "owner": self.owner.text(),
        }


class MilestoneDialog(StepDialog):
    def __init__(self, project_no: str, submit: Submit, parent=None):
        super().__init__(f"新增节点 {project_no}", submit, parent)
        self.title_edit = _line("milestone_title", "节点，如：制定方案")
        self.planned = date_edit(dt.date.today() + dt.timedelta(days=30))
        self.form.addRow("节点", self.title_edit)
        self.form.addRow("计划日期", self.planned)

    def values(self) -> dict[str, Any]:
        return {"title": self.title_edit.text(), "planned_on": self.planned.date().toPython()}


class FinishDialog(StepDialog):
    def __init__(self, project_no: str, submit: Submit, parent=None):
        super().__init__(f"项目结项 {project_no}", submit, parent)
        self.result = _text_box("项目成效，或终止的原因")
        self.result.setObjectName("project_result")
        self.stopped = QCheckBox("项目终止（未完成）")
        self.form.addRow("成效", self.result)
        self.form.addRow("", self.stopped)

    def values(self) -> dict[str, Any]:
        return {"result": self.result.toPlainText(), "stopped": self.stopped.isChecked()}
