"""Signing in at the start of a shift, and again after the desk locked itself while idle.

The form says the same thing for an unknown name and a wrong password; a locked account is told
until when; the kiosk's account is sent to the kiosk (auth.sign_in decides, and audits)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.db import Database
from app.services.admin import auth
from app.views.desk.context import StaffUser


class SignInForm(QWidget):
    """User name, password and the answer; ``signed_in`` carries who signed in."""

    signed_in = Signal(object)  # StaffUser

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.form = QFormLayout(self)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow("用户名", self.username)
        self.form.addRow("密码", self.password)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318;")
        self.form.addRow(self.error)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)

    def submit(self) -> bool:
        try:
            user = auth.sign_in(self.db.sessions, self.username.text(), self.password.text())
        except auth.AuthError as exc:
            self.error.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return False
        self.error.clear()
        self.password.clear()
        self.signed_in.emit(StaffUser(user.username, user.display_name, user.role))
        return True

    def start(self, username: str = "") -> None:
        self.username.setText(username)
        self.password.clear()
        self.error.clear()
        (self.password if username else self.username).setFocus()


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
        self.sign_in = SignInForm(db)
        self.username, self.password, self.error = (
            self.sign_in.username,
            self.sign_in.password,
            self.sign_in.error,
        )
        layout.addRow(self.sign_in)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self.sign_in.password.returnPressed.disconnect(self.sign_in.submit)
        self.sign_in.password.returnPressed.connect(self.accept)
        self.sign_in.signed_in.connect(self._signed_in)
        self.username.setFocus()

    def _signed_in(self, user: StaffUser) -> None:
        self.user = user

    def accept(self) -> None:
        if self.sign_in.submit():
            super().accept()


class LockPage(QWidget):
    """What the desk shows after it locked itself: no personal data, a sign-in form."""

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        outer = QGridLayout(self)
        box = QWidget()
        box.setMaximumWidth(460)
        outer.addWidget(box, 1, 1)
        outer.setRowStretch(0, 1)
        outer.setRowStretch(2, 2)
        outer.setColumnStretch(0, 1)
        outer.setColumnStretch(2, 1)
        layout = QFormLayout(box)
        notice = QLabel("长时间无操作，屏幕已锁定。请重新登录；换人登录时未完成的受理将被清空。")
        notice.setWordWrap(True)
        layout.addRow(notice)
        self.sign_in = SignInForm(db)
        layout.addRow(self.sign_in)
        self.button = QPushButton("登录")
        self.button.clicked.connect(self.sign_in.submit)
        layout.addRow(self.button)
