"""预约: the day's window appointments (booked at the kiosk or the desk), for the windows to call."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.common import audit
from app.services.exports.filters import LedgerFilter
from app.services.kiosk.booking import day_appointments, mark_attended
from app.services.kiosk.common import KioskError
from app.views.desk.context import DeskContext
from app.views.desk.ledger_export import export_from_desk
from app.views.row_model import RowTableModel

COLUMNS = [
    ("slot", "时段"),
    ("holder_name", "预约人"),
    ("phone", "联系电话"),
    ("item_name", "事项"),
    ("status_name", "状态"),
    ("channel", "预约渠道"),
]
CHANNELS = {"kiosk": "自助终端", "desk": "窗口"}


def _shown(row, key: str) -> str:
    value = getattr(row, key)
    return CHANNELS.get(value, value) if key == "channel" else (value or "—")


class AppointmentsPage(QWidget):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.attended_button = QPushButton("已到窗口办理")
        self.refresh_button = QPushButton("刷新")
        self.export_button = QPushButton("导出当月台账(&E)…")
        self.export_button.setToolTip("所选日期所在月份的全部预约（Excel 或 PDF）")
        bar.addWidget(QLabel("日期"))
        bar.addWidget(self.day)
        bar.addStretch(1)
        bar.addWidget(self.attended_button)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)
        self.model = RowTableModel(COLUMNS, _shown, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        layout.addWidget(self.count)
        self.day.dateChanged.connect(self.reload)
        self.refresh_button.clicked.connect(self.reload)
        self.attended_button.clicked.connect(self.attended)
        self.export_button.clicked.connect(self.export_ledger)

    def showEvent(self, event) -> None:  # noqa: N802 — load when first looked at, not at start
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        day: dt.date = self.day.date().toPython()
        with self.ctx.db.sessions.begin() as session:
            rows = day_appointments(session, day, self.ctx.scope)
            # The list shows names and phones: looking at it is recorded like any other lookup.
            audit.record(
                session,
                actor=self.ctx.user.username,
                action="lookup",
                subject=f"{len(rows)}人",
                purpose=f"查看{day.isoformat()}预约名单",
            )
        self.model.set_rows(rows)
        booked = sum(1 for r in rows if r.status == "booked")
        self.count.setText(f"{day:%Y-%m-%d} 共 {len(rows)} 个预约，待办理 {booked} 个")

    def attended(self) -> None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return
        row = self.model.rows[indexes[0].row()]
        try:
            with self.ctx.db.sessions.begin() as session:
                mark_attended(session, row.id, actor=self.ctx.user.username)
        except KioskError as exc:
            QMessageBox.warning(self, "预约", str(exc))
            return
        self.reload()

    def export_ledger(self) -> None:
        """Every appointment of the month of the chosen day."""
        day: dt.date = self.day.date().toPython()
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        self.export_button.setEnabled(False)
        if not export_from_desk(
            self, self.ctx, "appointments", LedgerFilter(first, last), self.count.setText, done=self._exported
        ):
            self.export_button.setEnabled(True)

    def _exported(self) -> None:
        self.export_button.setEnabled(True)
