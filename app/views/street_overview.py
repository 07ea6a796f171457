"""The street at a glance: what the population base holds per community.

A tab of the desk, so a person can see at once that the program found the right database and
that the data is there.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.services.admin.stats import CommunityCounts, StreetCounts

_ROOT = QModelIndex()
COLUMNS = [
    ("name", "社区"),
    ("code", "区划代码"),
    ("grids", "网格"),
    ("buildings", "楼栋"),
    ("households", "户"),
    ("residents", "居民"),
]


class CountsModel(QAbstractTableModel):
    """Communities and a totals row, read-only."""

    def __init__(self, counts: StreetCounts, parent=None):
        super().__init__(parent)
        self._rows: list[CommunityCounts] = []
        self.set_counts(counts)

    def set_counts(self, counts: StreetCounts) -> None:
        self.beginResetModel()
        self._rows = [*counts.communities, counts.totals] if counts.communities else []
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 — Qt names
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        value = getattr(row, key)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{value:,}" if isinstance(value, int) else value
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.row() == len(self._rows) - 1:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None


class StreetOverviewWidget(QWidget):
    def __init__(self, counts: StreetCounts, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)

        self.title = QLabel(counts.street or "尚无街道数据")
        title_font = self.title.font()
        title_font.setPointSize(title_font.pointSize() + 8)
        title_font.setBold(True)
        self.title.setFont(title_font)
        layout.addWidget(self.title)

        totals = counts.totals
        summary = (
            f"{len(counts.communities)} 个社区 · {totals.grids:,} 个网格 · {totals.buildings:,} 栋楼 · "
            f"{totals.households:,} 户 · {totals.residents:,} 名居民"
            if counts.communities
            else "数据库是空的：运行 yichuang init --demo 生成演示街道，或 yichuang import residents 导入居民。"
        )
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.model = CountsModel(counts, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
