"""Signing in at the start of a shift."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from app.db import Database
from app.services.admin import auth
from app.views.desk.context import StaffUser


class LoginDialog(QDialog):
    def __init__(self, db: Database, centre_name: str, parent=None):
        super().__init__(parent)
        self.db = db
        self.user: StaffUser | None = None
        self.setWindowTitle("登录 — 党群服务中心一窗受理系统")
        layout = QFormLayout(self)
        title = QLabel(centre_name)
        font = title.font()
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        title.setFont(font)
        layout.addRow(title)
        layout.addRow(QLabel("一窗受理系统 · 请登录"))
        self.setMinimumWidth(380)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addRow("用户名", self.username)
        layout.addRow("密码", self.password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b42318;")
        layout.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.accept)
        self.username.setFocus()

    def accept(self) -> None:
        try:
            with self.db.sessions.begin() as session:
                user = auth.authenticate(session, self.username.text(), self.password.text())
                if user.role == "kiosk":
                    raise auth.AuthError("自助终端账号只能用于自助终端，不能登录前台")
                self.user = StaffUser(user.username, user.display_name, user.role)
        except auth.AuthError as exc:
            self.error.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        super().accept()
