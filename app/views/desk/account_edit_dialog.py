"""One account, new or changed: user name (new only), display name, role, first password (new
only) and, for a grid worker, the grids they serve as a checklist of the street's grids."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
)

from app.models import ROLES
from app.services.admin import accounts
from app.services.admin.accounts import AccountError, AccountRow, GridChoice
from app.views.desk.context import DeskContext


class AccountEditDialog(QDialog):
    def __init__(
        self, ctx: DeskContext, grids: list[GridChoice], account: AccountRow | None = None, parent=None
    ):
        super().__init__(parent)
        self.ctx, self.account = ctx, account
        self.setWindowTitle("编辑账号" if account else "新增账号")
        form = QFormLayout(self)
        self.username = QLineEdit(account.username if account else "")
        self.username.setReadOnly(account is not None)
        self.username.setMaxLength(40)
        self.display_name = QLineEdit(account.display_name if account else "")
        self.display_name.setMaxLength(50)
        self.role = QComboBox()
        for code, name in ROLES.items():
            self.role.addItem(name, code)
        if account is not None:
            self.role.setCurrentIndex(self.role.findData(account.role))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("至少8位，不含用户名，不能过于简单")
        self.grids = QListWidget()
        chosen = set(account.grids) if account else set()
        for grid in grids:
            item = QListWidgetItem(f"{grid.community} · {grid.name}（{grid.code}）")
            item.setData(Qt.ItemDataRole.UserRole, grid.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if grid.code in chosen else Qt.CheckState.Unchecked)
            self.grids.addItem(item)
        form.addRow("用户名", self.username)
        form.addRow("显示名称", self.display_name)
        form.addRow("角色", self.role)
        if account is None:
            form.addRow("初始密码", self.password)
        self.grids_label = QLabel("负责网格")
        form.addRow(self.grids_label, self.grids)
        self.error = QLabel()
        self.error.setWordWrap(True)
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
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        self.resize(460, 560)

    def _role_changed(self) -> None:
        grid_worker = self.role.currentData() == "grid_worker"
        self.grids.setEnabled(grid_worker)
        self.grids_label.setEnabled(grid_worker)

    def checked_grids(self) -> list[str]:
        items = (self.grids.item(i) for i in range(self.grids.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def accept(self) -> None:
        actor, role = self.ctx.user.username, self.role.currentData()
        grids = self.checked_grids() if role == "grid_worker" else []
        try:
            with self.ctx.db.sessions.begin() as session:
                if self.account is None:
                    accounts.add_account(
                        session,
                        self.username.text(),
                        self.password.text(),
                        role,
                        actor=actor,
                        display_name=self.display_name.text(),
                        grids=grids,
                    )
                else:
                    name = self.account.username
                    if self.display_name.text().strip() != self.account.display_name:
                        accounts.edit_display_name(session, name, self.display_name.text(), actor=actor)
                    if role != self.account.role:
                        accounts.change_role(session, name, role, actor=actor)
                    if sorted(grids) != sorted(self.account.grids):
                        accounts.assign_grids(session, name, grids, actor=actor)
        except AccountError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
