"""The small input dialogs behind the case detail's action buttons, one per workflow action.

Each dialog asks only what its action needs (who to dispatch to, the result, the rating …) and
hands the answer to a ``submit`` callback when OK is pressed. The callback starts the work (off
the GUI thread) and answers through ``done(ok)``: the dialog closes when the step was saved, and
stays open with everything typed still in it when it was refused. OK waits meanwhile, so a
second press cannot record the step twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services.cases.workflow import EVALUATIONS, action_label

# Where a case can be sent. The item's own department (from the catalogue) is offered first.
# Escalation targets are data the administrator keeps (app.services.cases.escalation).
DISPATCH_DEPARTMENTS = ["街道社会事务办", "街道城管科", "街道综治中心", "区民政局", "区人社局"]

DIALOG_WIDTH = 540

# Mnemonic letters, so every action button is one Alt+letter away.
MNEMONICS = {
    "materials_complete": "M",
    "withdraw": "W",
    "dispatch": "D",
    "escalate": "E",
    "return": "R",
    "complete": "C",
    "call_back": "B",
    "evaluate": "V",
    "reopen": "O",
    "progress": "P",
    "supervise": "S",
}

# What the note field is called for each action; actions missing here ask for no note.
NOTE_LABELS = {
    "dispatch": ("交办说明", "可不填"),
    "escalate": ("上报原因", "写明需要街道或部门协调解决的问题"),
    "return": ("反馈内容", "上级的答复或处理意见"),
    "complete": ("办理结果", "写明办理结果，将告知申请人"),
    "call_back": ("回访情况", "回访方式、对象和申请人的意见"),
    "evaluate": ("评价意见", "可不填"),
    "reopen": ("原因", "写明重新办理的原因"),
    "withdraw": ("撤回原因", "如：申请人自愿撤回"),
    "progress": ("进展", "目前办到哪一步、下一步做什么"),
    "supervise": ("督办意见", "督办要求和期限"),
}


@dataclass(frozen=True)
class ActionInput:
    to: str = ""
    note: str = ""
    evaluation: str = ""


def button_text(action: str) -> str:
    letter = MNEMONICS.get(action)
    return f"{action_label(action)}(&{letter})" if letter else action_label(action)


class ActionDialog(QDialog):
    """One action's questions. ``targets`` are (shown text, stored value) pairs for the 'to'
    field of dispatch and escalate; ``missing`` lists the materials for materials_complete."""

    def __init__(
        self,
        action: str,
        *,
        case_no: str,
        summary: str = "",
        submit: Callable[[ActionInput, Callable[[bool], None]], None],
        targets: list[tuple[str, str]] | None = None,
        missing: list[str] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.action = action
        self._submit = submit
        self.setObjectName(f"action_{action}")
        self.setWindowTitle(f"{action_label(action)} — {case_no}")
        self.setMinimumWidth(420)
        self.to_combo: QComboBox | None = None
        self.note_edit: QPlainTextEdit | None = None
        self.evaluation_group: QButtonGroup | None = None
        self.evaluation_buttons: dict[str, QRadioButton] = {}

        layout = QVBoxLayout(self)
        heading = QLabel(summary or case_no)
        heading.setStyleSheet("font-weight: bold; padding-bottom: 4px;")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)
        if action in ("dispatch", "escalate"):
            self.to_combo = QComboBox()
            self.to_combo.setEditable(True)
            self.to_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            for text, value in targets or []:
                self.to_combo.addItem(text, value)
            self.to_combo.setCurrentIndex(-1)
            self.to_combo.lineEdit().setPlaceholderText("选择或输入")
            label = QLabel("承办人或部门(&T)" if action == "dispatch" else "上报对象(&T)")
            label.setBuddy(self.to_combo)
            form.addRow(label, self.to_combo)
        if action == "materials_complete":
            listed = "\n".join(f"  • {m}" for m in missing or []) or "  （未登记缺少的材料）"
            text = QLabel(
                f"申请人已补齐以下材料：\n{listed}\n\n确认后办件转为“已受理”，承诺时限从今天起计算。"
            )
            text.setWordWrap(True)
            text.setObjectName("missing_materials")
            layout.addWidget(text)
        if action == "evaluate":
            row = QHBoxLayout()
            self.evaluation_group = QButtonGroup(self)
            for name in EVALUATIONS:
                radio = QRadioButton(name)
                self.evaluation_group.addButton(radio)
                self.evaluation_buttons[name] = radio
                row.addWidget(radio)
            row.addStretch(1)
            form.addRow("满意度", row)
        if action in NOTE_LABELS:
            caption, hint = NOTE_LABELS[action]
            self.note_edit = QPlainTextEdit()
            self.note_edit.setTabChangesFocus(True)
            self.note_edit.setPlaceholderText(hint)
            self.note_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
            label = QLabel(f"{caption}(&N)")
            label.setBuddy(self.note_edit)
            form.addRow(label, self.note_edit)

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
        # Size for a sensible width up front: left to itself a window with wrapped text takes the
        # height of its widest layout, then gets narrowed to fit the screen, cutting lines off.
        layout.activate()
        height = layout.totalHeightForWidth(DIALOG_WIDTH) if layout.hasHeightForWidth() else -1
        self.resize(DIALOG_WIDTH, max(height, self.sizeHint().height()))
        first = (
            self.to_combo or (self.evaluation_buttons.get(EVALUATIONS[0])) or self.note_edit or self.ok_button
        )
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def values(self) -> ActionInput:
        to = ""
        if self.to_combo is not None:
            to = self.to_combo.currentText().strip()
            index = self.to_combo.findText(to, Qt.MatchFlag.MatchFixedString)
            if index >= 0 and self.to_combo.itemData(index):
                to = self.to_combo.itemData(index)
        evaluation = ""
        if self.evaluation_group is not None and self.evaluation_group.checkedButton() is not None:
            evaluation = self.evaluation_group.checkedButton().text()
        note = self.note_edit.toPlainText().strip() if self.note_edit is not None else ""
        return ActionInput(to=to, note=note, evaluation=evaluation)

    def fill(self, *, to: str | None = None, note: str | None = None, evaluation: str | None = None) -> None:
        """Set the fields as a person would (for tests and scripted use)."""
        if to is not None and self.to_combo is not None:
            self.to_combo.setEditText(to)
        if note is not None and self.note_edit is not None:
            self.note_edit.setPlainText(note)
        if evaluation is not None:
            self.evaluation_buttons[evaluation].setChecked(True)

    def accept(self) -> None:
        if not self.ok_button.isEnabled():
            return  # the step is being saved
        self.ok_button.setEnabled(False)
        self._submit(self.values(), self._answered)

    def _answered(self, saved: bool) -> None:
        self.ok_button.setEnabled(True)
        if saved:
            super().accept()
