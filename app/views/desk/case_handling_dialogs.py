"""The small forms behind the 四单三办三评 panel and the escalation button: one per entry (a
measure, a responsible unit, the result, an evaluation, an escalation, an assignment …).

A form is a list of fields; OK hands the values to ``submit(values, done)``, which saves them off
the GUI thread and answers ``done(saved)``: the form closes when saved and keeps what was typed
when refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # with its mnemonic, e.g. "措施内容(&N)"
    kind: str = "line"  # line, text, date, combo
    choices: list[tuple[str, object]] = field(default_factory=list)  # (shown, value) for combo
    hint: str = ""


FORMS: dict[str, tuple[str, list[Field]]] = {
    "problem": ("问题单", [Field("text", "问题描述(&N)", "text", hint="现场发现或群众反映的问题")]),
    "measure": (
        "添加措施",
        [
            Field("text", "措施内容(&N)", "text", hint="要做什么"),
            Field("owner", "责任人(&O)", hint="谁来做"),
            Field("planned", "计划完成(&D)", "date"),
        ],
    ),
    "measure_done": (
        "措施完成",
        [Field("number", "措施(&M)", "combo"), Field("done", "完成日期(&D)", "date")],
    ),
    "responsible": (
        "责任单",
        [
            Field("unit", "责任单位(&U)"),
            Field("person", "责任人(&P)"),
            Field("phone", "联系电话(&H)", hint="可不填"),
        ],
    ),
    "result": ("结果单", [Field("text", "办理结果(&N)", "text", hint="写明办理结果")]),
    "mode": ("办理方式", [Field("mode", "办理方式(&M)", "combo"), Field("note", "说明(&N)", hint="可不填")]),
    "community_evaluation": (
        "社区评价",
        [Field("evaluation", "评价(&E)", "combo"), Field("note", "评价意见(&N)", "text", hint="可不填")],
    ),
    "street_evaluation": (
        "街道评价",
        [Field("evaluation", "评价(&E)", "combo"), Field("note", "评价意见(&N)", "text", hint="可不填")],
    ),
    "escalate": (
        "吹哨上报",
        [
            Field("target", "上报对象(&T)", "combo"),
            Field("reason", "上报原因(&N)", "text", hint="写明需要上级或部门协调解决的问题"),
            Field("requested", "要求答复(&D)", "date"),
        ],
    ),
    "assign": (
        "指派网格员",
        [Field("assignee", "网格员(&W)", "combo"), Field("note", "交办说明(&N)", hint="可不填")],
    ),
}


class EntryDialog(QDialog):
    """The form for ``kind``; ``choices`` fills its combo boxes by field key."""

    def __init__(
        self,
        kind: str,
        *,
        case_no: str,
        submit: Callable[[dict, Callable[[bool], None]], None],
        choices: dict[str, list[tuple[str, object]]] | None = None,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        title, fields = FORMS[kind]
        self.kind = kind
        self._submit = submit
        self.setObjectName(f"entry_{kind}")
        self.setWindowTitle(f"{title} — {case_no}")
        self.setMinimumWidth(460)
        self.widgets: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)
        day = QDate(today or dt.date.today())
        for spec in fields:
            widget: QWidget
            if spec.kind == "text":
                widget = QPlainTextEdit()
                widget.setTabChangesFocus(True)
                widget.setPlaceholderText(spec.hint)
                widget.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
            elif spec.kind == "date":
                widget = QDateEdit(day)
                widget.setCalendarPopup(True)
                widget.setDisplayFormat("yyyy-MM-dd")
            elif spec.kind == "combo":
                widget = QComboBox()
                for shown, value in (choices or {}).get(spec.key, spec.choices):
                    widget.addItem(shown, value)
            else:
                widget = QLineEdit()
                widget.setPlaceholderText(spec.hint)
            widget.setObjectName(f"field_{spec.key}")
            label = QLabel(spec.label)
            label.setBuddy(widget)
            form.addRow(label, widget)
            self.widgets[spec.key] = widget
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("确定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.accept)
        next(iter(self.widgets.values())).setFocus(Qt.FocusReason.OtherFocusReason)

    def values(self) -> dict:
        found: dict = {}
        for key, widget in self.widgets.items():
            if isinstance(widget, QPlainTextEdit):
                found[key] = widget.toPlainText().strip()
            elif isinstance(widget, QDateEdit):
                found[key] = widget.date().toPython()
            elif isinstance(widget, QComboBox):
                found[key] = widget.currentData()
            else:
                found[key] = widget.text().strip()
        return found

    def accept(self) -> None:
        if not self.ok_button.isEnabled():
            return  # being saved
        self.ok_button.setEnabled(False)
        self._submit(self.values(), self._answered)

    def _answered(self, saved: bool) -> None:
        self.ok_button.setEnabled(True)
        if saved:
            super().accept()
