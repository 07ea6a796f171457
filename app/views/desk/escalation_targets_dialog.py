"""上报对象: the administrator's list of the departments a case can be escalated to (吹哨报到),
each with its level (网格, 社区, 街道, 区, 市) and contact. A target is disabled, never deleted:
earlier escalations still name it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models import ESCALATION_LEVELS
from app.services.cases.escalation import Target, TargetError, add_target, edit_target, escalation_targets
from app.views.desk.context import DeskContext
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel

COLUMNS = [("name", "名称"), ("level_name", "层级"), ("contact", "联系人及电话"), ("active", "状态")]


class EscalationTargetsDialog(QDialog):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle("上报对象")
        self.resize(720, 480)
        self.model = RowTableModel(COLUMNS, self._text, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _: self._fill(current.row()))
        self.name_edit = QLineEdit()
        self.level_combo = QComboBox()
        for code, name in ESCALATION_LEVELS.items():
            self.level_combo.addItem(name, code)
        self.contact_edit = QLineEdit()
        self.contact_edit.setPlaceholderText("如：张科长 0919-1234567")
        form = QFormLayout()
        for caption, widget in (
            ("名称(&N)", self.name_edit),
            ("层级(&L)", self.level_combo),
            ("联系(&C)", self.contact_edit),
        ):
            label = QLabel(caption)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.add_button = QPushButton("新增(&A)")
        self.save_button = QPushButton("保存修改(&S)")
        self.toggle_button = QPushButton("停用(&D)")
        close = QPushButton("关闭")
        self.add_button.clicked.connect(self.add)
        self.save_button.clicked.connect(self.save)
        self.toggle_button.clicked.connect(self.toggle)
        close.clicked.connect(self.accept)
        self.message = QLabel()
        self.message.setObjectName("message")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.save_button, self.toggle_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.reload()

    @staticmethod
    def _text(target: Target, key: str) -> str:
        if key == "active":
            return "在用" if target.active else "已停用"
        return str(getattr(target, key))

    def reload(self, select: str = "") -> None:
        with self._ctx.db.sessions() as session:
            rows = escalation_targets(session, include_disabled=True)
        self.model.set_rows(rows)
        for index, target in enumerate(rows):
            if target.name == select:
                self.table.selectRow(index)

    def selected(self) -> Target | None:
        row = self.table.currentIndex().row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def _fill(self, row: int) -> None:
        if not 0 <= row < len(self.model.rows):
            return
        target = self.model.rows[row]
        self.name_edit.setText(target.name)
        self.level_combo.setCurrentIndex(self.level_combo.findData(target.level))
        self.contact_edit.setText(target.contact)
        self.toggle_button.setText("停用(&D)" if target.active else "启用(&E)")

    def _run(self, change, done_text: str) -> None:
        db, actor = self._ctx.db, self._ctx.user.username

        def work() -> Target:
            with db.sessions.begin() as session:
                return change(session, actor)

        def saved(target: Target) -> None:
            self.message.setStyleSheet("color: #2e7d32;")
            self.message.setText(f"{done_text}：{target.name}")
            self.reload(select=target.name)

        def refused(exc: Exception) -> None:
            self.message.setStyleSheet("color: #a8201a;")
            self.message.setText(
                str(exc) if isinstance(exc, TargetError) else f"没有保存：{failure_text(exc)}"
            )

        Op(self, work, runner=self._ctx.runner).success(saved).failure(refused).run()

    def add(self) -> None:
        name, level, contact = self.name_edit.text(), self.level_combo.currentData(), self.contact_edit.text()
        self._run(lambda s, actor: add_target(s, name, level, contact, actor=actor), "已新增")

    def save(self) -> None:
        target = self.selected()
        if target is None:
            self.message.setText("请先在列表中选择要修改的上报对象")
            return
        name, level, contact = self.name_edit.text(), self.level_combo.currentData(), self.contact_edit.text()
        self._run(
            lambda s, actor: edit_target(
                s, target.name, actor=actor, new_name=name, level=level, contact=contact
            ),
            "已保存",
        )

    def toggle(self) -> None:
        target = self.selected()
        if target is None:
            self.message.setText("请先在列表中选择上报对象")
            return
        active = not target.active
        self._run(
            lambda s, actor: edit_target(s, target.name, actor=actor, active=active),
            "已启用" if active else "已停用",
        )
