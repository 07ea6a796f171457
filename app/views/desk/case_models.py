"""Table models of the case screens: the case list's rows and one case's timeline.

Both are plain read-only models over records the services already worked out; the screens reset
them (``beginResetModel``) with fresh rows after every query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from app.models import CaseEvent
from app.models.base import as_local
from app.services.cases.handling import EVENT_NAMES
from app.services.cases.search import DEADLINE_NAMES, CaseRow
from app.services.cases.workflow import action_label, status_name

_ROOT = QModelIndex()
CHANNEL_NAMES = {
    "window": "窗口",
    "hotline": "12345热线",
    "kiosk": "自助终端",
    "grid": "网格上报",
    "open311": "网上诉求（Open311）",
}
COLUMNS = [
    "办件编号",
    "事项",
    "申请人",
    "状态",
    "渠道",
    "网格",
    "首问责任人",
    "受理时间",
    "承诺办结",
    "时限",
    "督办",
]
(
    COL_NO,
    COL_ITEM,
    COL_APPLICANT,
    COL_STATUS,
    COL_CHANNEL,
    COL_GRID,
    COL_STAFF,
    COL_RECEIVED,
    COL_DUE,
    COL_DEADLINE,
    COL_SUPERVISED,
) = range(len(COLUMNS))
ROW_BACKGROUND = {"overdue": QColor("#f8d4d1"), "due_soon": QColor("#fcebc4")}
DEADLINE_COLOR = {"overdue": QColor("#a8201a"), "due_soon": QColor("#8a5300")}
DEADLINE_RANK = {"overdue": 0, "due_soon": 1, "on_time": 2, "none": 3}
SUPERVISED_MARK = "★ 督办"
CASE_NO_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


def when(moment: dt.datetime | None) -> str:
    """A stored UTC timestamp as local time, to the minute."""
    return as_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class CaseTableModel(QAbstractTableModel):
    """Read-only rows from find_cases. ``staff`` maps usernames to the names people know."""

    def __init__(self, parent: QWidget | None = None, *, staff: dict[str, str] | None = None):
        super().__init__(parent)
        self._rows: list[CaseRow] = []
        self._staff = dict(staff or {})

    def set_rows(self, rows: list[CaseRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def set_staff(self, staff: dict[str, str]) -> None:
        self.beginResetModel()
        self._staff = dict(staff)
        self.endResetModel()

    def rows(self) -> list[CaseRow]:
        return list(self._rows)

    def row_of(self, case_no: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.case_no == case_no), -1)

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 — Qt names
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == CASE_NO_ROLE:
            return row.case_no
        if role == Qt.ItemDataRole.BackgroundRole:
            return ROW_BACKGROUND.get(row.deadline)
        if role == Qt.ItemDataRole.ForegroundRole and column in (COL_DEADLINE, COL_SUPERVISED):
            return DEADLINE_COLOR["overdue"] if column == COL_SUPERVISED else DEADLINE_COLOR.get(row.deadline)
        if role == Qt.ItemDataRole.FontRole and (
            column == COL_SUPERVISED or (column == COL_DEADLINE and row.deadline in DEADLINE_COLOR)
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            COL_RECEIVED,
            COL_DUE,
            COL_DEADLINE,
            COL_SUPERVISED,
            COL_CHANNEL,
        ):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _text(self, row: CaseRow, column: int) -> str:
        if column == COL_NO:
            return row.case_no
        if column == COL_ITEM:
            return row.item_name
        if column == COL_APPLICANT:
            return row.applicant_name
        if column == COL_STATUS:
            return row.status_name
        if column == COL_CHANNEL:
            return CHANNEL_NAMES.get(row.channel, row.channel)
        if column == COL_GRID:
            return row.grid_name
        if column == COL_STAFF:
            return self._staff.get(row.first_responder, row.first_responder)
        if column == COL_RECEIVED:
            return when(row.received_at)
        if column == COL_DUE:
            return row.due_date.isoformat() if row.due_date else ""
        if column == COL_DEADLINE:
            return DEADLINE_NAMES.get(row.deadline, "")
        return SUPERVISED_MARK if row.supervised else ""

    def _sort_key(self, row: CaseRow, column: int):
        if column == COL_RECEIVED:
            return row.received_at.isoformat()
        if column == COL_DUE:
            return row.due_date.isoformat() if row.due_date else "9999"
        if column == COL_DEADLINE:
            return DEADLINE_RANK.get(row.deadline, 9)
        if column == COL_SUPERVISED:
            return 0 if row.supervised else 1
        return self._text(row, column)


# Intake outcomes are recorded as events too, but are not workflow actions.
# The colour of each status's badge in the case detail.
STATUS_COLORS = {
    "awaiting_materials": "#b26a00",
    "accepted": "#1f5fa8",
    "in_progress": "#1f5fa8",
    "escalated": "#7a3fb0",
    "completed": "#2e7d32",
    "called_back": "#2e7d32",
    "evaluated": "#2e7d32",
    "refused": "#6b6b6b",
    "withdrawn": "#6b6b6b",
}

EVENT_LABELS = {
    "accept": "受理",
    "request_materials": "一次性告知",
    "refuse": "不予受理",
    "grid_report": "网格上报",
    "kiosk_request": "自助提交诉求",
    "open311_request": "网上提交诉求",
    **EVENT_NAMES,
}
TIMELINE_COLUMNS = ["时间", "经办人", "操作", "状态", "说明"]


@dataclass(frozen=True)
class TimelineRow:
    at: str
    actor: str
    action: str
    change: str
    note: str


class TimelineModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._rows: list[TimelineRow] = []

    def set_rows(self, rows: list[TimelineRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[TimelineRow]:
        return list(self._rows)

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 — Qt names
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(TIMELINE_COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return TIMELINE_COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows[index.row()]
        return (row.at, row.actor, row.action, row.change, row.note)[index.column()]


def timeline_rows(events: Iterable[CaseEvent], names: dict[str, str]) -> list[TimelineRow]:
    """Events oldest first, with people's names, action labels and status names."""
    rows = []
    for event in events:
        before = status_name(event.from_status) if event.from_status else ""
        after = status_name(event.to_status)
        change = after if before == after else f"{before} → {after}" if before else f"→ {after}"
        note = event.note
        if event.data.get("to"):
            target = names.get(event.data["to"], event.data["to"])
            note = f"交 {target}：{event.note}" if event.note else f"交 {target}"
        elif event.data.get("assignee"):
            target = names.get(event.data["assignee"], event.data["assignee"])
            note = f"指派 {target}：{event.note}" if event.note else f"指派 {target}"
        elif event.data.get("evaluation") and not event.note:
            note = event.data["evaluation"]
        if event.data.get("due_date"):
            note = f"{note}（承诺 {event.data['due_date']} 前办结）".lstrip()
        label = EVENT_LABELS.get(event.action) or action_label(event.action)
        rows.append(TimelineRow(when(event.at), names.get(event.actor, event.actor), label, change, note))
    return rows
