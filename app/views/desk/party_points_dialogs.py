"""The small forms of the 积分 window: points given or taken by hand (how many, why, who approved),
their withdrawal when given in error, and the grade the branch decided. All are non-modal, so the window stays readable
behind them; each hands its values to a callback and closes when that call succeeds."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.models import PARTY_GRADES


class _Form(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        self.form.addRow(intro_label)
        self.message = QLabel()
        self.message.setStyleSheet("color: #9b2c2c;")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.form.addRow(self.message)
        self.form.addRow(self.buttons)

    def refused(self, text: str) -> None:
        self.message.setText(text)


class EntryDialog(_Form):
    """手工加减分: the reason and the approver are required; the service checks the approver's right."""

    def __init__(
        self, member: str, approvers: list[str], save: Callable[[float, str, str], None], parent=None
    ):
        super().__init__(
            "手工加减分",
            f"为 {member} 加分或减分（减分填负数），须写明事由并由有审批权限的账号审批。",
            parent,
        )
        self.points = QDoubleSpinBox()
        self.points.setRange(-20, 20)
        self.points.setSingleStep(1)
        self.points.setDecimals(1)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：参与防汛值守表现突出")
        self.approver = QComboBox()
        self.approver.setEditable(True)
        self.approver.addItems(approvers)
        self.form.addRow("分值", self.points)
        self.form.addRow("事由", self.reason)
        self.form.addRow("审批人账号", self.approver)
        self.finish_layout()
        self.buttons.accepted.connect(
            lambda: save(self.points.value(), self.reason.text(), self.approver.currentText())
        )


class GradeDialog(_Form):
    """The branch's decision, with the program's proposal preselected."""

    def __init__(self, member: str, proposed: str, why: str, save: Callable[[str, str], None], parent=None):
        intro = f"{member}：系统建议“{proposed or '无'}”（{why}）。请按支部党员大会民主评议的结果记录。"
        super().__init__("记录年度评定", intro, parent)
        self.grade = QComboBox()
        self.grade.addItems(list(PARTY_GRADES.values()))
        if proposed in PARTY_GRADES.values():
            self.grade.setCurrentText(proposed)
        self.note = QLineEdit()
        self.note.setPlaceholderText("评议意见（基本合格、不合格时必填）")
        self.form.addRow("评定等次", self.grade)
        self.form.addRow("评议意见", self.note)
        self.finish_layout()
        self.buttons.accepted.connect(lambda: save(self.grade.currentText(), self.note.text()))


class WithdrawDialog(_Form):
    """撤销手工加减分: an entry typed in error stops counting; the reason and an approver are required."""

    def __init__(self, line: str, approvers: list[str], save: Callable[[str, str], None], parent=None):
        super().__init__(
            "撤销手工加减分",
            f"撤销：{line}。撤销后这条记录保留备查、不再计分；须写明撤销事由并由有审批权限的账号审批。",
            parent,
        )
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：录错了党员")
        self.approver = QComboBox()
        self.approver.setEditable(True)
        self.approver.addItems(approvers)
        self.form.addRow("撤销事由", self.reason)
        self.form.addRow("审批人账号", self.approver)
        self.finish_layout()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("撤销")
        self.buttons.accepted.connect(lambda: save(self.reason.text(), self.approver.currentText()))
