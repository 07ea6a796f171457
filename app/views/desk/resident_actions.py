"""The resident panel's 维护 menu: 编辑 / 迁往其他户 / 户主变更 / 拆户 / 并户 / 迁出 / 死亡登记 / 迁回.

Only administrators and front-desk staff change residents; for anyone else the button is
disabled and says why. What is offered follows the person's state: a person who moved away can
only be recorded as returned, a dead person's record is closed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from app.services.desk.panel import DeskRecord
from app.services.population.changes import may_change
from app.views.desk.context import DeskContext
from app.views.desk.upkeep_dialogs import (
    EditDialog,
    HeadDialog,
    LeaveDialog,
    MergeDialog,
    MoveDialog,
    ReturnDialog,
    SplitDialog,
)
from app.views.desk.upkeep_widgets import UpkeepDialog

NOT_ALLOWED = "只有系统管理员和前台受理人员可以修改居民信息"

ACTIONS = {
    "edit": ("编辑…", EditDialog),
    "move": ("迁往其他户…", MoveDialog),
    "head": ("户主变更…", HeadDialog),
    "split": ("拆户…", SplitDialog),
    "merge": ("并户…", MergeDialog),
    "leave": ("迁出…", lambda ctx, r, parent: LeaveDialog(ctx, r, dead=False, parent=parent)),
    "death": ("死亡登记…", lambda ctx, r, parent: LeaveDialog(ctx, r, dead=True, parent=parent)),
    "return": ("迁回…", ReturnDialog),
}
NEEDS_HOUSEHOLD = {"head", "split", "merge"}


class ResidentActions(QToolButton):
    changed = Signal(str)  # the ID number to look up again after a saved change

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.record: DeskRecord | None = None
        self.dialog: UpkeepDialog | None = None  # the open one, for tests and screenshots
        self.setText("居民信息维护")
        self.setObjectName("residentActions")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setStyleSheet("QToolButton { padding: 3px 18px 3px 8px; }")  # room for the menu arrow
        self.menu_ = QMenu(self)
        self.actions_: dict[str, QAction] = {}
        for key, (label, _factory) in ACTIONS.items():
            action = self.menu_.addAction(label)
            action.triggered.connect(lambda _=False, k=key: self.open(k))
            self.actions_[key] = action
        self.setMenu(self.menu_)
        self.allowed = may_change(ctx.user.role)
        self.setToolTip("" if self.allowed else NOT_ALLOWED)
        self.show_for(None)

    def show_for(self, record: DeskRecord | None) -> None:
        self.record = record
        self.setEnabled(self.allowed and record is not None)
        if record is None:
            return
        r = record.resident
        members = len(r.household.members) if r.household else 0
        for key, action in self.actions_.items():
            if key == "return":
                action.setEnabled(r.state == "moved")
            elif not r.living:
                action.setEnabled(False)
            elif key in NEEDS_HOUSEHOLD:
                action.setEnabled(r.household is not None and (key != "split" or members > 1))
            else:
                action.setEnabled(True)

    def open(self, key: str) -> None:
        if self.record is None or not self.allowed or not self.actions_[key].isEnabled():
            return
        factory = ACTIONS[key][1]
        self.dialog = factory(self.ctx, self.record.resident, self.window())
        self.dialog.accepted.connect(self._saved)
        self.dialog.open()

    def _saved(self) -> None:
        dialog = self.dialog
        if dialog is None or dialog.change is None or self.record is None:
            return
        # An edit may have corrected the number itself; every other change keeps the person on screen.
        edited = dialog.change.kind == "edited"
        self.changed.emit(dialog.change.id_number if edited else self.record.resident.id_number)
