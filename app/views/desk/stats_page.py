"""The 统计 tab: the centre's figures for a chosen period and scope, as charts with tables beside
them, one section per subject (cases, satisfaction, certificates, population, trends, community
life).

The report is computed off the GUI thread (``Op``), read when the tab is first shown and again
on 统计; every figure opens the list of cases, certificates or residents behind it. A grid worker
chooses only among their own grids. The definitions are in docs/REPORTS.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.reports import periods
from app.services.reports.drill import FigureRef, FigureRows, figure_rows
from app.services.reports.full_report import FullReport
from app.services.reports.periods import Period
from app.services.reports.viewing import ReportScope, report_grids, shown_report
from app.views.desk.context import DeskContext
from app.views.desk.monthly_dialog import add_monthly_button
from app.views.desk.stats_community import CommunitySection
from app.views.desk.stats_files import add_report_button
from app.views.desk.stats_rows_dialog import FigureRowsDialog
from app.views.desk.stats_sections import (
    CasesSection,
    CertificatesSection,
    PopulationSection,
    SatisfactionSection,
    TrendSection,
)
from app.views.ops import Op, failure_text

PERIODS = {  # shown name -> the period of a day
    "本月": periods.this_month,
    "上月": periods.last_month,
    "本季度": periods.this_quarter,
    "本年": periods.this_year,
    "自定义": None,
}


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class StatsPage(QWidget):
    case_opened = Signal(str)  # a case number chosen in a figure's list

    def __init__(self, ctx: DeskContext, *, today: Callable[[], dt.date] = dt.date.today, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.today = today
        self.report: FullReport | None = None
        self.chosen: ReportScope | None = None
        self.dialog: FigureRowsDialog | None = None
        self._loaded = False
        self._busy = False
        self.period_box = QComboBox()
        self.period_box.addItems(list(PERIODS))
        self.period_box.currentTextChanged.connect(self._period_changed)
        first = periods.this_month(today())
        self.start_edit, self.end_edit = QDateEdit(_qdate(first.start)), QDateEdit(_qdate(first.end))
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.grid_box = QComboBox()
        self.grid_box.setMinimumContentsLength(10)
        with ctx.db.sessions() as session:
            grids = report_grids(session, ctx.scope)
        self.grid_box.addItem("全部网格" if ctx.scope.whole_street else "本人负责的网格", "")
        for grid in grids:
            self.grid_box.addItem(f"{grid.name}（{grid.code}）", grid.code)
        self.run_button = QPushButton("统计")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.refresh)
        self.status = QLabel("选择时间段和范围后点“统计”")
        bar = QHBoxLayout()
        for widget in (
            QLabel("时间段："),
            self.period_box,
            self.start_edit,
            QLabel("至"),
            self.end_edit,
            QLabel("范围："),
            self.grid_box,
            self.run_button,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.actions = bar  # the report and monthly-report buttons are added beside (stats_files.py)
        self.export_button = add_report_button(self)
        self.monthly_dialog = None
        self.monthly_button = add_monthly_button(self)
        self.sections = QTabWidget()
        self.cases = CasesSection()
        self.satisfaction = SatisfactionSection()
        self.certificates = CertificatesSection()
        self.population = PopulationSection()
        self.trend = TrendSection()
        self.community = CommunitySection()
        for section, title in (
            (self.cases, "办件"),
            (self.satisfaction, "满意度"),
            (self.certificates, "证明"),
            (self.population, "人口"),
            (self.trend, "近12个月趋势"),
            (self.community, "社区治理与党建"),
        ):
            section.figure_clicked.connect(self.open_figure)
            self.sections.addTab(section, title)
        box = QVBoxLayout(self)
        box.addLayout(bar)
        box.addWidget(self.status)
        box.addWidget(self.sections, 1)

    # -- the period and the scope ----------------------------------------------------------------
    def _period_changed(self, name: str) -> None:
        custom = PERIODS.get(name) is None
        self.start_edit.setEnabled(custom)
        self.end_edit.setEnabled(custom)
        if not custom:
            chosen = PERIODS[name](self.today())
            self.start_edit.setDate(_qdate(chosen.start))
            self.end_edit.setDate(_qdate(chosen.end))

    def period(self) -> Period:
        """The period chosen; raises PeriodError for a range that ends before it starts."""
        name = self.period_box.currentText()
        if PERIODS.get(name) is not None:
            return PERIODS[name](self.today())
        return Period(self.start_edit.date().toPython(), self.end_edit.date().toPython())

    def choose_period(self, name: str) -> None:
        self.period_box.setCurrentText(name)

    # -- the report ------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 — Qt's name
        super().showEvent(event)
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        if self._busy:
            return
        try:
            period = self.period()
        except periods.PeriodError as exc:
            self.status.setText(str(exc))
            return
        self._loaded = True
        self._busy = True
        self.run_button.setEnabled(False)
        self.status.setText(f"正在统计 {period.label}…")
        db, actor, scope, grid, today = (
            self.ctx.db,
            self.ctx.user.username,
            self.ctx.scope,
            self.grid_box.currentData(),
            self.today(),
        )

        def work() -> tuple[FullReport, ReportScope]:
            with db.sessions.begin() as session:
                return shown_report(session, period, actor=actor, scope=scope, grid_code=grid, as_of=today)

        Op(self, work, runner=self.ctx.runner).success(self._shown).failure(self._failed).run()

    def _shown(self, result: tuple[FullReport, ReportScope]) -> None:
        self._busy = False
        self.run_button.setEnabled(True)
        self.report, self.chosen = result
        report = self.report
        total = report.cases.total
        self.status.setText(
            f"{report.period.label}　{self.chosen.label}　截至 {report.as_of.isoformat()}　"
            f"受理 {total.received:,} 件，办结 {total.closed:,} 件。蓝色数字可点击查看明细。"
        )
        for section in (
            self.cases,
            self.satisfaction,
            self.certificates,
            self.population,
            self.trend,
            self.community,
        ):
            section.show_report(report)

    def _failed(self, exc: Exception) -> None:
        self._busy = False
        self.run_button.setEnabled(True)
        self.status.setText(f"统计未完成：{failure_text(exc)}")

    # -- the list behind a figure ----------------------------------------------------------------
    def open_figure(self, ref: FigureRef, trend: bool = False) -> None:
        if self.report is None or self.chosen is None:
            return
        report, scope = self.report, self.chosen.scope
        period = report.trend.period if trend else report.period
        db, actor = self.ctx.db, self.ctx.user.username

        def work() -> FigureRows:
            with db.sessions.begin() as session:
                return figure_rows(session, ref, period, actor=actor, scope=scope, as_of=report.as_of)

        Op(self, work, runner=self.ctx.runner).success(self._show_rows).failure(
            lambda exc: self.status.setText(f"无法列出明细：{failure_text(exc)}")
        ).run()

    def _show_rows(self, rows: FigureRows) -> None:
        self.dialog = FigureRowsDialog(rows, self)
        self.dialog.case_opened.connect(self.case_opened)
        self.dialog.show()
