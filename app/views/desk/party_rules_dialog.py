"""积分规则: the centre's point rules at the desk, as ``yichuang party points rule`` changes them.

Every account sees the rules the points are computed by; an administrator changes one rule's
figures (points, per how many units, the yearly cap or none) or switches it on or off, and each
change is audited by the service (app.services.party.point_rules.change_rule). A rule whose
source is not part of this program cannot be switched on: the service says so in the form.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.services.admin.permissions import NotPermitted, can
from app.services.party.members import MemberError
from app.services.party.point_rules import Rule, change_rule, point_rules
from app.services.party.point_sources import SOURCES
from app.views.desk.context import DeskContext
from app.views.row_model import RowTableModel

COLUMNS = [("name", "规则"), ("wording", "计分"), ("state", "状态")]


def _state(rule: Rule) -> str:
    if rule.source not in SOURCES:
        return "数据来源未接入"
    return "启用" if rule.enabled else "停用"


def _cell(rule: Rule, key: str) -> str:
    return _state(rule) if key == "state" else str(getattr(rule, key))


class RulesDialog(QDialog):
    def __init__(self, ctx: DeskContext, changed: Callable[[], None] = lambda: None, parent=None):
        super().__init__(parent)
        self.ctx, self.changed = ctx, changed
        self.may_change = can(ctx.user.role, "party.points_rules")
        self.setWindowTitle("积分规则")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        self.model = RowTableModel(COLUMNS, _cell, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.clicked.connect(lambda index: self.choose(index.row()))
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.points = QDoubleSpinBox()
        self.points.setRange(-50, 50)
        self.points.setDecimals(1)
        self.per = QDoubleSpinBox()
        self.per.setRange(0.5, 100)
        self.per.setDecimals(1)
        self.cap = QDoubleSpinBox()
        self.cap.setRange(1, 500)
        self.cap.setDecimals(1)
        self.no_cap = QCheckBox("不设年度上限")
        self.no_cap.toggled.connect(lambda on: self.cap.setEnabled(not on and self.may_change))
        capped = QHBoxLayout()
        capped.addWidget(self.cap)
        capped.addWidget(self.no_cap)
        self.enabled = QCheckBox("启用这条规则")
        form.addRow("分值（每计一次）", self.points)
        form.addRow("每多少单位计一次", self.per)
        form.addRow("年度上限（分）", capped)
        form.addRow("", self.enabled)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存这条规则")
        self.save_button.clicked.connect(self.save)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.message = QLabel("" if self.may_change else "只有系统管理员可以修改积分规则；此处仅供查看。")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.rule: Rule | None = None
        self.reload()
        self._enable()

    def reload(self, keep: str = "") -> None:
        with self.ctx.db.sessions.begin() as session:
            rules = point_rules(session)
        self.model.set_rows(rules)
        self.table.resizeColumnsToContents()
        self.rule = None
        for row, rule in enumerate(rules):
            if rule.code == keep:
                self.table.selectRow(row)
                self.choose(row)

    def choose(self, row: int) -> None:
        self.rule = rule = self.model.rows[row]
        self.points.setValue(rule.points)
        self.per.setValue(rule.per)
        self.no_cap.setChecked(rule.cap is None)
        if rule.cap is not None:
            self.cap.setValue(rule.cap)
        self.enabled.setChecked(rule.enabled)
        self._enable()

    def _enable(self) -> None:
        editable = self.may_change and self.rule is not None
        for widget in (self.points, self.per, self.no_cap, self.enabled, self.save_button):
            widget.setEnabled(editable)
        self.cap.setEnabled(editable and not self.no_cap.isChecked())

    def save(self) -> None:
        if self.rule is None:
            return
        capped = not self.no_cap.isChecked()
        try:
            with self.ctx.db.sessions.begin() as session:
                saved = change_rule(
                    session,
                    self.rule.code,
                    actor=self.ctx.user.username,
                    points=self.points.value(),
                    per=self.per.value(),
                    cap=self.cap.value() if capped else None,
                    no_cap=not capped,
                    enabled=self.enabled.isChecked(),
                )
        except (MemberError, NotPermitted) as exc:
            self.message.setText(str(exc))
            return
        self.reload(keep=saved.code)
        self.message.setText(
            f"已保存：{saved.name}，{saved.wording}（{'启用' if saved.enabled else '停用'}）"
        )
        self.changed()
