"""A read-only table model over a list of plain records (dataclasses): the columns are
(attribute, header) pairs and one function turns a value into the text shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

_ROOT = QModelIndex()


class RowTableModel(QAbstractTableModel):
    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        shown: Callable[[Any, str], str] | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self.columns = list(columns)
        self.shown = shown or (lambda row, key: str(getattr(row, key)))
        self.rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 — Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.shown(self.rows[index.row()], self.columns[index.column()][0])

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][1]
        return None


def record_table(model: QAbstractTableModel, stretch: int | None = None) -> QTableView:
    """The desk's list of records: whole rows, one at a time, columns as wide as their contents
    and column ``stretch`` (else the last) taking the rest of the width."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
