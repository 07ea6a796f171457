"""The 统计 tab's 社区治理与党建 section: micro-wishes, home visits, 议事 meetings, partner projects
and party life for the chosen period, with the branches that held no meeting last month in red."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.services.reports.community_figures import CHARTED_FIGURES
from app.services.reports.drill import FigureRef
from app.services.reports.figures import COMMUNITY_FIGURES
from app.services.reports.full_report import FullReport
from app.views.desk import stats_charts as charts
from app.views.desk.stats_sections import ChartPane, Section, split_pane
from app.views.desk.stats_tables import Cell, figure_cell

LISTED = 12  # branches named in the warning; the figure's list has them all
SUBJECTS = {
    "wishes": "微心愿",
    "visits": "走访",
    "deliberations": "议事",
    "partners": "共建",
    "party": "党建",
    "report_in": "双报到",
}


class CommunitySection(Section):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.chart = ChartPane()
        self.figures = self.table(["方面", "指标", "数值"])
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #9b2c2c; font-weight: bold;")
        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.warning)
        box.addWidget(self.figures, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(split_pane(self.chart, right, (560, 600)))

    def show_report(self, report: FullReport) -> None:
        community = report.community
        rows = []
        for code, value in community.values.items():
            subject = SUBJECTS[code.split(".", 1)[0]]
            rows.append([Cell(subject), Cell(COMMUNITY_FIGURES[code]), figure_cell(value, FigureRef(code))])
        self.figures.set_rows(rows)
        missing = community.missing
        if missing:
            month = missing[0].month
            names = "、".join(branch.branch for branch in missing[:LISTED])
            names += "等" if len(missing) > LISTED else ""
            self.warning.setText(f"{month} 未开展组织生活的支部（{len(missing)}个）：{names}")
        else:
            self.warning.setText("")
        self.warning.setVisible(bool(missing))

        def clicked(_series: int, index: int) -> None:
            self.open(FigureRef(CHARTED_FIGURES[index]))

        self.chart.put(
            charts.bar_chart(
                "微心愿、议事与共建项目",
                [COMMUNITY_FIGURES[code] for code in CHARTED_FIGURES],
                [("数量", [community.values[code] or 0 for code in CHARTED_FIGURES])],
                clicked,
                horizontal=True,
            )
        )
