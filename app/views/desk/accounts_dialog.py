"""设置 → 账号管理 (administrators only): every account with its role, grids, state and last
sign-in; add, edit, disable or enable, reset a password, unlock; and the sign-in safety settings.
Every change goes through app.services.admin.accounts, which checks the administrator and audits."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
)

from app.models.base import as_local
from app.services.admin import accounts
from app.services.admin.accounts import AccountError, AccountRow
from app.services.admin.security import (
    SecuritySettingError,
    SecuritySettings,
    security_settings,
    set_security_settings,
)
from app.views.desk.account_edit_dialog import AccountEditDialog
from app.views.desk.context import DeskContext
from app.views.row_model import RowTableModel

COLUMNS = [
    ("username", "用户名"),
    ("display_name", "显示名称"),
    ("role_name", "角色"),
    ("grids", "负责网格"),
    ("active", "状态"),
    ("last_login_at", "最近登录"),
    ("locked_until", "锁定"),
]


def _shown(row: AccountRow, key: str) -> str:
    value = getattr(row, key)
    if key == "grids":
        return "、".join(value) if row.role == "grid_worker" else ""
    if key == "active":
        return "在用" if value else "已停用"
    if key in ("last_login_at", "locked_until"):
        if value is None:
            return "" if key == "locked_until" else "从未登录"
        text = as_local(value).strftime("%Y-%m-%d %H:%M")
        return f"锁定至 {text}" if key == "locked_until" else text
    return str(value)


class AccountsDialog(QDialog):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("账号管理")
        layout = QVBoxLayout(self)
        self.model = RowTableModel(COLUMNS, _shown, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("add", "新增", self.add),
            ("edit", "编辑", self.edit),
            ("active", "停用/启用", self.toggle_active),
            ("password", "重置密码", self.reset_password),
            ("unlock", "解锁", self.unlock),
            ("security", "安全设置…", self.security),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        bar.addWidget(close)
        layout.addLayout(bar)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.resize(900, 480)
        self.reload()

    def reload(self) -> None:
        with self.ctx.db.sessions() as session:
            self.model.set_rows(accounts.accounts(session))

    def selected(self) -> AccountRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            self.say("请先在表格中选择一个账号", error=True)
            return None
        return self.model.rows[indexes[0].row()]

    def select(self, username: str) -> None:
        for i, row in enumerate(self.model.rows):
            if row.username == username:
                self.table.selectRow(i)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b42318;" if error else "color: #1d6b3a;")

    def _change(self, done: str, change) -> bool:
        try:
            with self.ctx.db.sessions.begin() as session:
                row = change(session, self.ctx.user.username)
        except AccountError as exc:
            self.say(str(exc), error=True)
            return False
        self.reload()
        self.select(row.username)
        self.say(done)
        return True

    def _grids(self):
        with self.ctx.db.sessions() as session:
            return accounts.street_grids(session)

    def add(self) -> None:
        if AccountEditDialog(self.ctx, self._grids(), None, self).exec():
            self.reload()
            self.say("已新增账号")

    def edit(self) -> None:
        row = self.selected()
        if row is not None and AccountEditDialog(self.ctx, self._grids(), row, self).exec():
            self.reload()
            self.select(row.username)
            self.say(f"已保存 {row.username}")

    def toggle_active(self) -> None:
        row = self.selected()
        if row is not None:
            word = "启用" if not row.active else "停用"
            self._change(
                f"已{word} {row.username}",
                lambda s, actor: accounts.set_active(s, row.username, not row.active, actor=actor),
            )

    def reset_password(self, *, password: str | None = None) -> None:
        row = self.selected()
        if row is None:
            return
        if password is None:
            password, ok = QInputDialog.getText(
                self,
                "重置密码",
                f"{row.display_name}（{row.username}）的新密码：",
                QLineEdit.EchoMode.Password,
            )
            if not ok:
                return
        self._change(
            f"已重置 {row.username} 的密码",
            lambda s, actor: accounts.reset_password(s, row.username, password, actor=actor),
        )

    def unlock(self) -> None:
        row = self.selected()
        if row is not None:
            self._change(
                f"已解锁 {row.username}", lambda s, actor: accounts.unlock(s, row.username, actor=actor)
            )

    def security(self) -> None:
        SecurityDialog(self.ctx, self).exec()


class SecurityDialog(QDialog):
    """安全设置: failed sign-ins that lock an account, for how long, and the idle lock."""

    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("安全设置")
        with ctx.db.sessions() as session:
            current = security_settings(session)
        form = QFormLayout(self)
        self.lock_after = self._spin(3, 20, current.lock_after, " 次")
        self.lock_minutes = self._spin(1, 1440, current.lock_minutes, " 分钟")
        self.idle_minutes = self._spin(1, 240, current.idle_minutes, " 分钟")
        form.addRow("连续登录失败锁定", self.lock_after)
        form.addRow("锁定时长", self.lock_minutes)
        form.addRow("无操作自动锁屏", self.idle_minutes)
        form.addRow(QLabel("锁屏时间的修改在下次登录时生效。"))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b42318;")
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @staticmethod
    def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        return spin

    def accept(self) -> None:
        settings = SecuritySettings(
            self.lock_after.value(), self.lock_minutes.value(), self.idle_minutes.value()
        )
        try:
            with self.ctx.db.sessions.begin() as session:
                set_security_settings(session, settings, actor=self.ctx.user.username)
        except SecuritySettingError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
