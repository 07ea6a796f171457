"""Asking for the reason (and legal basis) of a refusal: both go on the refusal notice."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit


class RefusalDialog(QDialog):
    def __init__(self, item_name: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("不予受理")
        layout = QFormLayout(self)
        layout.addRow(QLabel(f"事项：{item_name}"))
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setPlaceholderText("写明不予受理的理由，将印在不予受理通知书上")
        self.reason_edit.setTabChangesFocus(True)
        layout.addRow("理由", self.reason_edit)
        self.basis_edit = QLineEdit()
        self.basis_edit.setPlaceholderText("依据（可选），如《社会救助暂行办法》第十一条")
        layout.addRow("依据", self.basis_edit)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b42318;")
        layout.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("出具不予受理通知书")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self.reason_edit.setFocus()

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def basis(self) -> str:
        return self.basis_edit.text().strip()

    def accept(self) -> None:
        if not self.reason():
            self.error.setText("请填写不予受理的理由")
            self.reason_edit.setFocus()
            return
        super().accept()
