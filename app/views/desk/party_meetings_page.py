"""组织生活 under the 党建 tab: a branch's month in a calendar (held meetings marked red, planned
ones blue) beside the list of that month's meetings; a new meeting opens its dialog at once, and
the year's meetings export to Excel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QLocale
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models import MEETING_KINDS
from app.services.party.meeting_export import export_meetings
from app.services.party.meeting_records import branch_choices, meetings_of
from app.services.party.meetings import MeetingRow, record_meeting
from app.services.party.members import MemberError
from app.views.desk.context import DeskContext
from app.views.desk.party_meeting_dialog import MeetingDialog
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel, record_table

COLUMNS = [
    ("held_on", "日期"),
    ("kind", "类型"),
    ("topic", "主题"),
    ("place", "地点"),
    ("held", "状态"),
    ("present", "实到"),
    ("absent", "缺席"),
]
HELD, PLANNED = QColor("#c53030"), QColor("#2b6cb0")


def _shown(row: MeetingRow, key: str) -> str:
    if key == "held":
        return "已召开" if row.held else "计划"
    value = getattr(row, key)
    return "—" if value in (None, "") else str(value)


class MeetingsPage(QWidget):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: MeetingDialog | None = None
        self.marked: list[QDate] = []
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.branch = QComboBox()
        self.branch.currentIndexChanged.connect(lambda _i: self.reload())
        self.new_kind = QComboBox()
        for code, name in MEETING_KINDS.items():
            self.new_kind.addItem(name, code)
        self.new_kind.setCurrentIndex(self.new_kind.findData("theme_day"))
        self.new_button = QPushButton("新建会议")
        self.new_button.clicked.connect(self.new_meeting)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self.open_meeting)
        self.export_button = QPushButton("导出本年台账…")
        self.export_button.clicked.connect(lambda: self.export())
        bar.addWidget(QLabel("支部"))
        bar.addWidget(self.branch, 2)
        bar.addWidget(self.new_kind)
        for button in (self.new_button, self.open_button, self.export_button):
            bar.addWidget(button)
        layout.addLayout(bar)
        self.message = QLabel()
        layout.addWidget(self.message)
        body = QHBoxLayout()
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.currentPageChanged.connect(lambda _y, _m: self.reload())
        self.calendar.activated.connect(lambda _d: self.open_meeting())
        body.addWidget(self.calendar, 2)
        self.model = RowTableModel(COLUMNS, _shown, self)
        self.table = record_table(self.model, stretch=2)
        self.table.doubleClicked.connect(lambda _i: self.open_meeting())
        body.addWidget(self.table, 3)
        layout.addLayout(body, 1)
        legend = QLabel("日历中红色为已召开的会议，蓝色为计划召开的会议")
        legend.setStyleSheet("color: #666;")
        layout.addWidget(legend)

    def load(self) -> None:
        with self.ctx.db.sessions() as session:
            choices = branch_choices(session, scope=self.ctx.scope)
        self.branch.blockSignals(True)
        self.branch.clear()
        for choice in choices:
            self.branch.addItem(choice.label, choice.id)
        self.branch.blockSignals(False)
        self.reload()

    def branch_id(self) -> int | None:
        return self.branch.currentData()

    def reload(self) -> None:
        branch_id = self.branch_id()
        for day in self.marked:
            self.calendar.setDateTextFormat(day, QTextCharFormat())
        self.marked = []
        if branch_id is None:
            self.model.set_rows([])
            return
        year, month = self.calendar.yearShown(), self.calendar.monthShown()
        with self.ctx.db.sessions() as session:
            rows = meetings_of(session, branch_id, year, scope=self.ctx.scope, month=month)
        for row in rows:
            day = QDate(row.held_on.year, row.held_on.month, row.held_on.day)
            mark = QTextCharFormat()
            mark.setForeground(HELD if row.held else PLANNED)
            mark.setFontWeight(700)
            mark.setBackground(QColor("#fde8e8") if row.held else QColor("#e3eefa"))
            self.calendar.setDateTextFormat(day, mark)
            self.marked.append(day)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()

    def chosen(self) -> MeetingRow | None:
        index = self.table.currentIndex()
        if index.isValid():
            return self.model.rows[index.row()]
        day = self.calendar.selectedDate().toPython()
        return next((r for r in self.model.rows if r.held_on == day), None)

    def new_meeting(self) -> None:
        branch_id = self.branch_id()
        if branch_id is None:
            self.message.setText("没有可选的支部")
            return
        day: dt.date = self.calendar.selectedDate().toPython()
        kind = self.new_kind.currentData()
        try:
            with self.ctx.db.sessions.begin() as session:
                row = record_meeting(
                    session,
                    branch_id,
                    kind=kind,
                    held_on=day,
                    topic=MEETING_KINDS[kind],
                    held=day <= dt.date.today(),
                    scope=self.ctx.scope,
                    actor=self.ctx.user.username,
                )
        except MemberError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"已新建{row.kind}（{row.held_on}），请填写主题和签到")
        self.reload()
        self.show_dialog(row.id)

    def open_meeting(self) -> None:
        row = self.chosen()
        if row is None:
            self.message.setText("请先选择一次会议")
            return
        self.show_dialog(row.id)

    def show_dialog(self, meeting_id: int) -> None:
        self.dialog = MeetingDialog(self.ctx, meeting_id, self)
        self.dialog.finished.connect(lambda _r: self.reload())
        self.dialog.show()

    def export(self, path: str | None = None) -> None:
        branch_id, year = self.branch_id(), self.calendar.yearShown()
        if branch_id is None:
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self,
                "导出组织生活台账",
                f"{self.branch.currentText()}-{year}年组织生活.xlsx",
                "Excel (*.xlsx)",
            )
            if not path:
                return
        db, scope, actor = self.ctx.db, self.ctx.scope, self.ctx.user.username

        def work() -> int:
            with db.sessions.begin() as session:
                return export_meetings(session, branch_id, year, Path(path), scope=scope, actor=actor)

        Op(self, work, runner=self.ctx.runner).success(
            lambda n: self.message.setText(f"已导出{year}年{n}次会议：{path}")
        ).failure(lambda exc: self.message.setText(failure_text(exc))).run()
