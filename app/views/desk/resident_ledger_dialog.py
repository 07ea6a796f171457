"""业务 → 导出居民台账…: the residents of a grid or with a tag, living here, moved away or dead, as
an Excel workbook or an A4 landscape PDF. A grid worker chooses among their own grids only."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models import RESIDENT_STATES
from app.services.exports.filters import LedgerFilter, ledger_choices
from app.views.desk.context import DeskContext
from app.views.desk.ledger_export import export_from_desk


class ResidentLedgerDialog(QDialog):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("导出居民台账")
        with ctx.db.sessions() as session:
            grids, tags = ledger_choices(session, ctx.scope)
        self.grid = QComboBox()
        self.grid.addItem("全部网格" if ctx.scope.whole_street else "我负责的全部网格", "")
        for choice in grids:
            self.grid.addItem(choice.name, choice.code)
        self.tag = QComboBox()
        self.tag.addItem("不限标签", "")
        for choice in tags:
            self.tag.addItem(choice.name, choice.code)
        self.state = QComboBox()
        for code, name in RESIDENT_STATES.items():
            self.state.addItem(name, code)
        self.state.addItem("全部（含迁出、死亡）", "")
        form = QFormLayout()
        form.addRow("网格(&G)", self.grid)
        form.addRow("标签(&T)", self.tag)
        form.addRow("状态(&S)", self.state)
        note = "身份证号完整导出" if ctx.user.sees_full_id_numbers else "身份证号、电话将部分遮挡"
        hint = QLabel(f"导出后写入审计日志；{note}。")
        hint.setStyleSheet("color: #555;")
        self.status = QLabel()
        self.status.setObjectName("ledger_status")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.export_button = QPushButton("导出(&E)…")
        self.export_button.setDefault(True)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self.export)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(420, self.sizeHint().height())

    def current_filter(self) -> LedgerFilter:
        return LedgerFilter(
            grid_code=self.grid.currentData(), tag_code=self.tag.currentData(), state=self.state.currentData()
        )

    def export(self) -> None:
        self.export_button.setEnabled(False)
        if not export_from_desk(
            self, self.ctx, "residents", self.current_filter(), self.status.setText, done=self._done
        ):
            self.export_button.setEnabled(True)

    def _done(self) -> None:
        self.export_button.setEnabled(True)
