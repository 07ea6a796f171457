"""The list behind a figure of the 统计 tab: the cases, certificates or residents it counts, so the
number can be checked. A case opens in its detail window by a double click."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
)

from app.services.reports.drill import MAX_ROWS, FigureRows
from app.views.row_model import RowTableModel
from app.views.screen_fit import fit_to_screen


class FigureRowsDialog(QDialog):
    case_opened = Signal(str)  # a case number, double-clicked

    def __init__(self, rows: FigureRows, parent=None):
        super().__init__(parent)
        self.rows = rows
        self.setWindowTitle(f"统计明细：{rows.title}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        count = len(rows.ids)
        note = f"共 {count:,} 条" + (
            f"（仅列出前 {MAX_ROWS:,} 条，完整名单请导出台账）" if count >= MAX_ROWS else ""
        )
        if rows.kind == "case":
            note += "　双击办件可查看详情"
        self.heading = QLabel(f"<b>{rows.title}</b>　{note}")
        self.model = RowTableModel(
            [(str(i), title) for i, title in enumerate(rows.columns)], lambda row, key: row[int(key)], self
        )
        self.model.set_rows(list(rows.rows))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._double_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.heading)
        box.addWidget(self.table)
        box.addWidget(buttons)
        fit_to_screen(self, 1000, 560)

    def _double_clicked(self, index) -> None:
        if self.rows.kind == "case" and index.isValid():
            self.case_opened.emit(self.rows.rows[index.row()][0])
