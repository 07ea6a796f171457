"""The small forms of the 微心愿 page: posting a wish, claiming one, fulfilling one, and a reason
(不予发布, 撤回, 未能实现). Each collects its fields and hands them to the page, which stores them
through an Op; a refusal comes back as one sentence under the fields and nothing typed is lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.models import CLAIMER_KINDS
from app.services.engage.wishes import WISH_KINDS
from app.views.ops import Op, failure_text

T = TypeVar("T")

Submit = Callable[[dict[str, Any]], None]


class PhotoPicker(QWidget):
    """选择照片… and the chosen file's name; the bytes are read when the form is sent."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.path: Path | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.button = QPushButton("选择照片…")
        self.name = QLabel("未选择")
        row.addWidget(self.button)
        row.addWidget(self.name, 1)
        self.button.clicked.connect(self.choose)

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择照片", "", "照片 (*.jpg *.jpeg *.png)")
        if path:
            self.path = Path(path)
            self.name.setText(self.path.name)

    def data(self) -> bytes | None:
        return self.path.read_bytes() if self.path else None


class StepDialog(QDialog):
    """A form with its fields, an error line and 确定/取消; ``submit(values)`` stores it."""

    def __init__(self, title: str, submit: Submit, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.submit_values = submit
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #B3001B;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("确定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        self.resize(480, 0)

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def send(self) -> None:
        self.error.setText("")
        try:
            values = self.values()
        except OSError:
            self.error.setText("照片文件无法读取，请换一张")
            return
        self.ok_button.setEnabled(False)
        self.submit_values(values)

    def failed(self, text: str) -> None:
        """The page's answer when storing failed: the sentence, and the form stays as typed."""
        self.ok_button.setEnabled(True)
        self.error.setText(text)


def open_step(page, dialog: StepDialog) -> StepDialog:
    """Show ``dialog`` for ``page`` (a page keeps the one open in ``page.dialog``, for its tests)."""
    page.dialog = dialog
    dialog.open()
    return dialog


def store_step(page, work: Callable[[], T], dialog: StepDialog | None, shown: Callable[[T], None]) -> None:
    """Run ``work`` (one transaction) on the desk's runner. Stored: ``dialog`` closes and
    ``shown(result)`` refreshes the page. Refused: the reason shows in the dialog, which stays open
    with what was typed, or in the page's message line when there is no dialog."""

    def stored(result: T) -> None:
        if dialog is not None:
            dialog.accept()
        page.dialog = None
        shown(result)

    def failed(exc: Exception) -> None:
        if dialog is not None:
            dialog.failed(failure_text(exc))
        else:
            page.message.setText(failure_text(exc))

    Op(page, work, runner=page.ctx.runner).success(stored).failure(failed).run()


def _text_box(placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(80)
    return box


class PostWishDialog(StepDialog):
    def __init__(self, submit: Submit, parent=None):
        super().__init__("登记微心愿", submit, parent)
        self.id_number = QLineEdit()
        self.id_number.setObjectName("wish_id_number")
        self.id_number.setPlaceholderText("心愿人的身份证号")
        self.content = _text_box("心愿内容，如：想要一台收音机")
        self.kind = QComboBox()
        self.kind.addItems(WISH_KINDS)
        self.budget = QSpinBox()
        self.budget.setRange(0, 2000)
        self.budget.setSuffix(" 元")
        self.has_deadline = QCheckBox("期望在此日期前实现")
        self.deadline = QDateEdit(QDate.currentDate().addMonths(2))
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.photo = PhotoPicker()
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(self.has_deadline)
        deadline_row.addWidget(self.deadline, 1)
        for text, widget in (("身份证号", self.id_number), ("心愿", self.content), ("类别", self.kind),
                             ("预算", self.budget)):  # fmt: skip
            self.form.addRow(text, widget)
        self.form.addRow("期望日期", deadline_row)
        self.form.addRow("照片", self.photo)

    def values(self) -> dict[str, Any]:
        return {
            "id_number": self.id_number.text(),
            "content": self.content.toPlainText(),
            "kind": self.kind.currentText(),
            "budget": self.budget.value(),
            "deadline": self.deadline.date().toPython() if self.has_deadline.isChecked() else None,
            "photo": self.photo.data(),
        }


class ClaimDialog(StepDialog):
    def __init__(self, wish_no: str, submit: Submit, parent=None):
        super().__init__(f"认领心愿 {wish_no}", submit, parent)
        self.kind = QComboBox()
        self.kind.addItems(CLAIMER_KINDS)
        self.name = QLineEdit()
        self.name.setObjectName("claimer_name")
        self.name.setPlaceholderText("党员姓名、志愿队或单位名称")
        self.phone = QLineEdit()
        self.form.addRow("认领方", self.kind)
        self.form.addRow("名称", self.name)
        self.form.addRow("联系电话", self.phone)

    def values(self) -> dict[str, Any]:
        return {"kind": self.kind.currentText(), "name": self.name.text(), "phone": self.phone.text()}


RATINGS = ["心愿人暂未评价", "★★★★★ 非常满意", "★★★★ 满意", "★★★ 基本满意", "★★ 不满意", "★ 非常不满意"]


class FulfilDialog(StepDialog):
    def __init__(self, wish_no: str, submit: Submit, parent=None):
        super().__init__(f"心愿销单 {wish_no}", submit, parent)
        self.note = _text_box("实现情况，如：已于12月3日送到家中")
        self.note.setObjectName("fulfil_note")
        self.photo = PhotoPicker()
        self.confirmed = QCheckBox("心愿人已确认心愿实现")
        self.rating = QComboBox()
        self.rating.addItems(RATINGS)
        self.form.addRow("实现情况", self.note)
        self.form.addRow("照片", self.photo)
        self.form.addRow("", self.confirmed)
        self.form.addRow("心愿人评价", self.rating)

    def values(self) -> dict[str, Any]:
        index = self.rating.currentIndex()
        return {
            "note": self.note.toPlainText(),
            "photo": self.photo.data(),
            "confirmed": self.confirmed.isChecked(),
            "rating": 0 if index == 0 else 6 - index,
        }


class ReasonDialog(StepDialog):
    def __init__(self, title: str, submit: Submit, parent=None):
        super().__init__(title, submit, parent)
        self.reason = _text_box("请写明理由，会告知心愿人")
        self.reason.setObjectName("reason")
        self.form.addRow("理由", self.reason)

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.toPlainText()}


def day_text(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"
