"""The tables beside the 统计 tab's charts: cells of text, some of them figures that open the list
behind them when clicked (shown in link blue, with a tooltip saying so)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.services.reports.drill import FigureRef

_ROOT = QModelIndex()
LINK = QColor("#1a5fb4")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its text, and the figure it shows when it can be opened (``trend``: counted
    over the twelve months of the trend, not over the chosen period)."""

    text: str
    ref: FigureRef | None = None
    trend: bool = False
    number: bool = False  # right-aligned


def figure_text(value: int | float | None, code: str = "") -> str:
    """A figure as people read it: rates as percentages, nothing as "—"."""
    if value is None:
        return "—"
    if code.endswith("rate"):
        return f"{value:.2%}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return f"{value:,}"


def figure_cell(value, ref: FigureRef | None, *, trend: bool = False, code: str = "") -> Cell:
    """A figure's cell; it opens its list when there is one (``ref``) and it is not empty."""
    clickable = ref if ref is not None and value not in (None, 0) else None
    return Cell(figure_text(value, code or (ref.code if ref else "")), clickable, trend, number=True)


class CellTableModel(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], parent=None):
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[list[Cell]] = []

    def set_rows(self, rows: list[list[Cell]], headers: Sequence[str] | None = None) -> None:
        self.beginResetModel()
        if headers is not None:
            self.headers = list(headers)
        self.rows = rows
        self.endResetModel()

    def cell(self, index: QModelIndex) -> Cell | None:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        return row[index.column()] if index.column() < len(row) else None

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 — Qt's names
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        cell = self.cell(index)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.TextAlignmentRole and cell.number:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if cell.ref is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(LINK)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setUnderline(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return "点击查看明细"
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if section < len(self.headers) else None
        return None


class FigureTable(QTableView):
    """A read-only table whose figure cells open their list: ``figure_clicked(ref, trend)``."""

    figure_clicked = Signal(object, bool)

    def __init__(self, headers: Sequence[str], parent=None):
        super().__init__(parent)
        self.model_ = CellTableModel(headers, self)
        self.setModel(self.model_)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(24)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(False)
        self.clicked.connect(self._clicked)
        self.activated.connect(self._clicked)  # Enter on a cell, for the keyboard

    def set_rows(self, rows: list[list[Cell]], headers: Sequence[str] | None = None) -> None:
        self.model_.set_rows(rows, headers)

    def _clicked(self, index: QModelIndex) -> None:
        cell = self.model_.cell(index)
        if cell is not None and cell.ref is not None:
            self.figure_clicked.emit(cell.ref, cell.trend)
