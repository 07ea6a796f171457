"""The sections of the 统计 tab, one per subject: cases, satisfaction, certificates, population and
the twelve-month trend. Each draws a :class:`FullReport` as charts with tables beside them, and
says which figure a person clicked (``figure_clicked(ref, trend)``), in a chart or a table alike.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.services.cases.workflow import EVALUATIONS
from app.services.reports.case_figures import CaseGroup
from app.services.reports.drill import FigureRef
from app.services.reports.figures import CASE_GROUPINGS
from app.services.reports.full_report import FullReport
from app.views.desk import stats_charts as charts
from app.views.desk.stats_tables import Cell, FigureTable, figure_cell

TOP_GROUPS = 8  # bars in a grouped chart; the table lists every group
GROUP_COLUMNS = (  # figure code, header of the group table
    ("cases.received", "受理"),
    ("cases.closed", "办结"),
    ("cases.in_progress", "在办"),
    ("cases.overdue", "超期在办"),
    ("cases.on_time_rate", "按时办结率"),
    ("cases.avg_days_to_close", "平均用时"),
    ("cases.supplement_requested", "一次性告知"),
    ("cases.refused", "不予受理"),
)


class ChartPane(QWidget):
    """A place for one chart that is replaced with each new report."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.chart: QWidget | None = None

    def put(self, chart: QWidget) -> None:
        if self.chart is not None:
            self.box.removeWidget(self.chart)
            self.chart.deleteLater()
        self.chart = chart
        self.box.addWidget(chart)
        chart.show()  # a layout would show it only once the event loop runs again


class Section(QWidget):
    figure_clicked = Signal(object, bool)

    def open(self, ref: FigureRef | None, trend: bool = False) -> None:
        if ref is not None:
            self.figure_clicked.emit(ref, trend)

    def table(self, headers) -> FigureTable:
        table = FigureTable(headers, self)
        table.figure_clicked.connect(self.figure_clicked)
        return table

    def show_report(self, report: FullReport) -> None:  # pragma: no cover - each section has its own
        raise NotImplementedError


def split_pane(left: QWidget, right: QWidget, sizes=(560, 600)) -> QSplitter:
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setSizes(list(sizes))
    splitter.setChildrenCollapsible(False)
    return splitter


def _one(widget: QWidget, *children: QWidget) -> None:
    box = QVBoxLayout(widget)
    box.setContentsMargins(4, 4, 4, 4)
    for child in children:
        box.addWidget(child)


class CasesSection(Section):
    """The case figures in total, and broken down by a grouping chosen in the combo box."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.report: FullReport | None = None
        self.totals = self.table(["指标", "数值"])
        self.grouping = QComboBox()
        for code, name in CASE_GROUPINGS.items():
            if code != "month":
                self.grouping.addItem(f"按{name}", code)
        self.grouping.currentIndexChanged.connect(lambda _i: self._draw_groups())
        self.chart = ChartPane()
        self.groups = self.table(["分组", *(h for _, h in GROUP_COLUMNS)])
        right = QWidget()
        top = QHBoxLayout()
        top.addWidget(QLabel("分组："))
        top.addWidget(self.grouping)
        top.addStretch(1)
        box = QVBoxLayout(right)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(top)
        inner = QSplitter(Qt.Orientation.Vertical)
        inner.addWidget(self.chart)
        inner.addWidget(self.groups)
        inner.setSizes([400, 170])
        box.addWidget(inner)
        _one(self, split_pane(self.totals, right, (330, 870)))

    def show_report(self, report: FullReport) -> None:
        self.report = report
        self.totals.set_rows(
            [[Cell(f.name), figure_cell(f.value, FigureRef(f.code))] for f in report.cases.figures()]
        )
        self._draw_groups()

    def _draw_groups(self) -> None:
        if self.report is None:
            return
        grouping = self.grouping.currentData()
        # The busiest groups first, in the chart and the table alike.
        groups = sorted(self.report.by[grouping].groups, key=lambda g: (-g.received, g.key))
        rows = []
        for group in groups:
            values = {f.code: f.value for f in group.figures(grouping)}
            refs = [FigureRef(code, grouping, group.key, group.label) for code, _ in GROUP_COLUMNS]
            rows.append([Cell(group.label or "—")] + [figure_cell(values[r.code], r) for r in refs])
        self.groups.set_rows(rows)
        shown = groups[:TOP_GROUPS]

        def clicked(series: int, index: int) -> None:
            group = shown[index]
            code = "cases.received" if series == 0 else "cases.closed"
            self.open(FigureRef(code, grouping, group.key, group.label))

        title = f"{CASE_GROUPINGS[grouping]}：受理与办结" + (
            f"（前{TOP_GROUPS}）" if len(groups) > TOP_GROUPS else ""
        )
        self.chart.put(
            charts.bar_chart(
                title,
                [g.label or "—" for g in shown],
                [("受理", [g.received for g in shown]), ("办结", [g.closed for g in shown])],
                clicked,
                horizontal=True,
            )
        )


class SatisfactionSection(Section):
    """好差评: the five levels as a pie, the figures, and the unsatisfied cases with their result."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.chart = ChartPane()
        self.figures = self.table(["指标", "数值"])
        self.unsatisfied = self.table(
            ["办件编号", "事项", "网格", "首次不满意", "当前状态", "最新评价", "重新办结", "办理结果"]
        )
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.figures)
        right.addWidget(self.unsatisfied)
        _one(self, split_pane(self.chart, right))

    def show_report(self, report: FullReport) -> None:
        sat = report.satisfaction
        self.figures.set_rows(
            [
                [
                    Cell(f.name),
                    figure_cell(
                        f.value, None if f.code == "satisfaction.rate" else FigureRef(f.code), code=f.code
                    ),
                ]
                for f in sat.figures()
            ]
        )
        self.unsatisfied.set_rows(
            [
                [
                    Cell(c.case_no),
                    Cell(c.item_name),
                    Cell(c.grid_name),
                    Cell(c.first_unsatisfied),
                    Cell(c.status_name),
                    Cell(c.latest_evaluation),
                    Cell("是" if c.rehandled else "否"),
                    Cell(c.result),
                ]
                for c in sat.unsatisfied
            ]
        )
        rate = "—" if sat.rate is None else f"{sat.rate:.2%}"
        self.chart.put(
            charts.pie_chart(
                f"好差评分布（满意率 {rate}）",
                list(sat.levels),
                lambda i: self.open(FigureRef(f"satisfaction.level.{EVALUATIONS[i]}", label=EVALUATIONS[i])),
                colours=charts.LEVEL_COLOURS,
            )
        )


class CertificatesSection(Section):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.chart = ChartPane()
        self.templates = self.table(["证明", "开具", "作废"])
        _one(self, split_pane(self.chart, self.templates, (640, 520)))

    def show_report(self, report: FullReport) -> None:
        certs = report.certificates
        rows = [
            [
                Cell("合计"),
                figure_cell(certs.issued, FigureRef("certificates.issued")),
                figure_cell(certs.voided, FigureRef("certificates.voided")),
            ]
        ]
        for t in certs.templates:
            rows.append(
                [
                    Cell(t.title),
                    figure_cell(t.issued, FigureRef("certificates.issued", "template", t.template, t.title)),
                    figure_cell(t.voided, FigureRef("certificates.voided", "template", t.template, t.title)),
                ]
            )
        self.templates.set_rows(rows)
        templates = certs.templates

        def clicked(series: int, index: int) -> None:
            t = templates[index]
            code = "certificates.issued" if series == 0 else "certificates.voided"
            self.open(FigureRef(code, "template", t.template, t.title))

        self.chart.put(
            charts.bar_chart(
                "证明开具与作废",
                [t.title for t in templates],
                [("开具", [t.issued for t in templates]), ("作废", [t.voided for t in templates])],
                clicked,
                horizontal=True,
            )
        )


class PopulationSection(Section):
    """The age pyramid beside the figures, the grids and the key groups (一老一小一特) by grid."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.chart = ChartPane()
        self.totals = self.table(["指标", "数值"])
        self.grids = self.table(["网格", "在册居民", "户数", "楼栋"])
        self.tags = self.table(["网格"])
        tabs = QTabWidget()
        tabs.addTab(self.totals, "合计")
        tabs.addTab(self.grids, "按网格")
        tabs.addTab(self.tags, "重点人群（按网格）")
        self.tabs = tabs
        _one(self, split_pane(self.chart, tabs))

    def show_report(self, report: FullReport) -> None:
        pop = report.population
        self.totals.set_rows(
            [
                [
                    Cell(f.name),
                    figure_cell(f.value, None if f.code == "population.buildings" else FigureRef(f.code)),
                ]
                for f in pop.figures()
            ]
        )
        self.grids.set_rows(
            [
                [
                    Cell(g.name),
                    figure_cell(g.residents, FigureRef("population.residents", "grid", g.code, g.name)),
                    figure_cell(g.households, FigureRef("population.households", "grid", g.code, g.name)),
                    figure_cell(g.buildings, None),
                ]
                for g in pop.grids
            ]
        )
        self._tags(report)
        bands = pop.ages

        def clicked(series: int, index: int) -> None:
            band = bands[index]
            code = "population.male" if series == 0 else "population.female"
            self.open(FigureRef(code, "age", str(band.low), band.label))

        self.chart.put(
            charts.pyramid_chart(
                f"年龄结构（{pop.as_of.isoformat()}，共{pop.residents:,}人）",
                [b.label for b in bands],
                [b.male for b in bands],
                [b.female for b in bands],
                clicked,
            )
        )

    def _tags(self, report: FullReport) -> None:
        pop = report.population
        names: dict[str, str] = {}
        by_grid: dict[tuple[str, str], int] = {}
        for t in pop.tags:
            names.setdefault(t.tag, t.tag_name)
            by_grid[(t.grid, t.tag)] = t.residents
        codes = list(names)
        rows = []
        for g in pop.grids:
            row = [Cell(g.name)]
            for code in codes:
                ref = FigureRef(f"population.tag.{code}", "grid", g.code, g.name)
                row.append(figure_cell(by_grid.get((g.code, code), 0), ref))
            rows.append(row)
        totals = [Cell("合计")]
        for code in codes:
            n = sum(v for (_, c), v in by_grid.items() if c == code)
            totals.append(figure_cell(n, FigureRef(f"population.tag.{code}")))
        self.tags.set_rows([totals, *rows], ["网格", *names.values()])


class TrendSection(Section):
    """Month by month over the twelve months ending with the period's last month."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.chart = ChartPane()
        self.months = self.table(["月份", *(h for _, h in GROUP_COLUMNS)])
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.months)
        splitter.setSizes([330, 230])
        _one(self, splitter)

    def show_report(self, report: FullReport) -> None:
        # Every one of the twelve months, a month without cases as zeros.
        found = {g.key: g for g in report.trend.groups}
        months = [found.get(key) or empty_group(key) for key in report.trend.period.months()]
        rows = []
        for m in months:
            values = {f.code: f.value for f in m.figures("month")}
            refs = [FigureRef(code, "month", m.key, m.key) for code, _ in GROUP_COLUMNS]
            rows.append([Cell(m.key)] + [figure_cell(values[r.code], r, trend=True) for r in refs])
        self.months.set_rows(rows)
        codes = ["cases.received", "cases.closed", "cases.overdue"]

        def clicked(series: int, index: int) -> None:
            if index < len(months):
                m = months[index]
                self.open(FigureRef(codes[series], "month", m.key, m.key), True)

        self.chart.put(
            charts.line_chart(
                "近12个月受理与办结",
                [m.key[2:] for m in months],
                [
                    ("受理", [m.received for m in months]),
                    ("办结", [m.closed for m in months]),
                    ("超期在办", [m.overdue for m in months]),
                ],
                clicked,
            )
        )


def empty_group(key: str) -> CaseGroup:
    return CaseGroup(key, key, *([0] * 9), None, 0, 0)
