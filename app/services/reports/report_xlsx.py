"""The 统计 report as an Excel workbook with Excel's own charts (openpyxl.chart), so the figures
can be checked, copied and re-charted in any spreadsheet program.

One sheet per subject: 概况 (every figure with its code and name), the case breakdowns, 满意度,
证明, 人口 and 趋势; each table has its chart beside it, drawn from the cells, not a picture. Text is
written through the shared cells (app.services.common.xlsx_cells), so an item or a grid whose
name begins with = stays text. The file is written beside its target and moved into place whole.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.services.common.xlsx_cells import cell
from app.services.reports.community_figures import CHARTED_FIGURES
from app.services.reports.figures import CASE_GROUPINGS, figure_name
from app.services.reports.full_report import FullReport

GROUP_HEADERS = (
    "受理",
    "办结",
    "在办",
    "超期在办",
    "待补正",
    "一次性告知",
    "不予受理",
    "撤回",
    "按时办结",
    "按时办结率",
    "平均办结用时（工作日）",
    "12345工单",
    "12345办结",
)


class _Sheet:
    """A write-only sheet that knows which row it is on, for the charts' references."""

    def __init__(self, book: Workbook, title: str, widths: Sequence[float]):
        self.ws = book.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.row = 0
        self.bold = Font(bold=True)

    def add(self, values: Sequence[object] = (), *, bold: bool = False) -> int:
        cells = []
        for value in values:
            made = cell(self.ws, value)
            if bold:
                made = made if hasattr(made, "font") else WriteOnlyCell(self.ws, made)
                made.font = self.bold
            cells.append(made)
        self.ws.append(cells)
        self.row += 1
        return self.row


def _heading(sheet: _Sheet, report: FullReport, centre: str, scope_label: str, title: str) -> None:
    sheet.add([f"{centre}{title}"], bold=True)
    sheet.add([f"统计期间：{report.period.label}（{report.period.start} 至 {report.period.end}）"])
    sheet.add([f"范围：{scope_label}　　状态截至：{report.as_of.isoformat()}"])
    sheet.add()


def _bar(
    title: str, sheet: _Sheet, first: int, last: int, columns: Sequence[int], anchor: str, *, horizontal=False
):
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.height, chart.width = 9, 16
    for column in columns:
        chart.add_data(
            Reference(sheet.ws, min_col=column, min_row=first - 1, max_row=last), titles_from_data=True
        )
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first, max_row=last))
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first row at the top, as in the table
    sheet.ws.add_chart(chart, anchor)


def write_report_xlsx(
    path: Path,
    report: FullReport,
    *,
    centre: str,
    scope_label: str,
    made_by: str,
    title: str = "统计报表",
    notes: str = "",
) -> Path:
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    try:
        book = Workbook(write_only=True)
        _overview(book, report, centre, scope_label, title, notes)
        for grouping, name in CASE_GROUPINGS.items():
            if grouping != "month":
                _groups(book, report, grouping, name)
        _satisfaction(book, report)
        _certificates(book, report)
        _population(book, report)
        _trend(book, report)
        _community(book, report)
        about = _Sheet(book, "说明", (14, 80))
        about.add(["项目", "内容"], bold=True)
        for label, value in (
            ("内容", f"{centre}{title}"),
            ("统计期间", report.period.label),
            ("范围", scope_label),
            ("状态截至", report.as_of.isoformat()),
            ("制表人", made_by),
            ("口径", "各项指标的定义见系统文档 docs/REPORTS.md；指标代码在“概况”表第一列"),
        ):
            about.add([label, value])
        with open(partial, "wb") as fh:
            book.save(fh)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def _overview(
    book: Workbook, report: FullReport, centre: str, scope_label: str, title: str, notes: str
) -> None:
    sheet = _Sheet(book, "概况", (30, 26, 14))
    _heading(sheet, report, centre, scope_label, title)
    sheet.add(["指标代码", "指标", "数值"], bold=True)
    figures = [*report.cases.figures(), *report.satisfaction.figures(), *report.certificates.figures()]
    figures = [f for f in figures if not f.grouping]
    figures += report.population.figures()
    figures += report.community.figures()
    for figure in figures:
        sheet.add([figure.code, figure.name, figure.value])
    if notes:
        sheet.add()
        sheet.add(["情况说明"], bold=True)
        for line in notes.splitlines() or [notes]:
            sheet.add([line])


def _groups(book: Workbook, report: FullReport, grouping: str, name: str) -> None:
    sheet = _Sheet(book, f"按{name}", (30, *[10] * len(GROUP_HEADERS)))
    sheet.add([name, *GROUP_HEADERS], bold=True)
    groups = sorted(report.by[grouping].groups, key=lambda g: (-g.received, g.key))
    for g in groups:
        sheet.add(
            [
                g.label or "—",
                g.received,
                g.closed,
                g.in_progress,
                g.overdue,
                g.awaiting_materials,
                g.supplement_requested,
                g.refused,
                g.withdrawn,
                g.closed_on_time,
                g.on_time_rate,
                g.avg_days_to_close,
                g.hotline_received,
                g.hotline_closed,
            ]
        )
    if groups:
        last = 1 + min(len(groups), 15)
        _bar(f"按{name}：受理与办结", sheet, 2, last, (2, 3), "P2", horizontal=True)


def _satisfaction(book: Workbook, report: FullReport) -> None:
    sat = report.satisfaction
    sheet = _Sheet(book, "满意度", (14, 12, 16, 16, 12, 12, 10, 30))
    sheet.add(["评价", "办件数"], bold=True)
    for level, n in sat.levels:
        sheet.add([level, n])
    pie = PieChart()
    pie.title = "好差评分布"
    pie.add_data(Reference(sheet.ws, min_col=2, min_row=1, max_row=6), titles_from_data=True)
    pie.set_categories(Reference(sheet.ws, min_col=1, min_row=2, max_row=6))
    pie.dataLabels = DataLabelList()
    pie.dataLabels.showPercent = True
    pie.height, pie.width = 9, 12
    sheet.ws.add_chart(pie, "J2")
    sheet.add()
    sheet.add(["指标", "数值"], bold=True)
    for figure in sat.figures():
        sheet.add([figure.name, figure.value])
    sheet.add()
    sheet.add(
        ["办件编号", "事项", "网格", "首次不满意", "当前状态", "最新评价", "重新办结", "办理结果"], bold=True
    )
    for c in sat.unsatisfied:
        sheet.add(
            [
                c.case_no,
                c.item_name,
                c.grid_name,
                c.first_unsatisfied,
                c.status_name,
                c.latest_evaluation,
                "是" if c.rehandled else "否",
                c.result,
            ]
        )


def _certificates(book: Workbook, report: FullReport) -> None:
    certs = report.certificates
    sheet = _Sheet(book, "证明", (28, 10, 10))
    sheet.add(["证明", "开具", "作废"], bold=True)
    for t in certs.templates:
        sheet.add([t.title, t.issued, t.voided])
    sheet.add(["合计", certs.issued, certs.voided], bold=True)
    if certs.templates:
        _bar("证明开具与作废", sheet, 2, 1 + len(certs.templates), (2, 3), "E2", horizontal=True)


def _population(book: Workbook, report: FullReport) -> None:
    pop = report.population
    sheet = _Sheet(book, "人口", (16, 10, 10, 10))
    sheet.add(["年龄段", "男", "女"], bold=True)
    for band in pop.ages:
        sheet.add([band.label, band.male, band.female])
    if pop.ages:
        _bar("年龄结构", sheet, 2, 1 + len(pop.ages), (2, 3), "F2")
    sheet.add()
    sheet.add(["网格", "在册居民", "户数", "楼栋"], bold=True)
    for g in pop.grids:
        sheet.add([g.name, g.residents, g.households, g.buildings])
    sheet.add()
    names: dict[str, str] = {}
    counts: dict[tuple[str, str], int] = {}
    for t in pop.tags:
        names.setdefault(t.tag, t.tag_name)
        counts[(t.grid, t.tag)] = t.residents
    sheet.add(["重点人群（按网格）", *names.values()], bold=True)
    for g in pop.grids:
        sheet.add([g.name, *[counts.get((g.code, code), 0) for code in names]])


def _trend(book: Workbook, report: FullReport) -> None:
    sheet = _Sheet(book, "趋势", (10, 10, 10, 10, 12, 12))
    sheet.add(["月份", "受理", "办结", "超期在办", "按时办结率", "平均用时"], bold=True)
    found = {g.key: g for g in report.trend.groups}
    months = report.trend.period.months()
    for key in months:
        g = found.get(key)
        sheet.add(
            [
                key,
                *(
                    (g.received, g.closed, g.overdue, g.on_time_rate, g.avg_days_to_close)
                    if g
                    else (0, 0, 0, None, None)
                ),
            ]
        )
    chart = LineChart()
    chart.title = "近12个月受理与办结"
    chart.height, chart.width = 9, 18
    for column in (2, 3, 4):
        chart.add_data(
            Reference(sheet.ws, min_col=column, min_row=1, max_row=1 + len(months)), titles_from_data=True
        )
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=2, max_row=1 + len(months)))
    sheet.ws.add_chart(chart, "H2")


def _community(book: Workbook, report: FullReport) -> None:
    community = report.community
    sheet = _Sheet(book, "社区治理与党建", (30, 26, 14))
    sheet.add(["指标代码", "指标", "数值"], bold=True)
    for figure in community.figures():
        sheet.add([figure.code, figure.name, figure.value])
    sheet.add()
    first = sheet.add(["活动", "数量"], bold=True) + 1
    for code in CHARTED_FIGURES:
        last = sheet.add([figure_name(code), community.values[code] or 0])
    _bar("微心愿、议事与共建项目", sheet, first, last, (2,), "E2", horizontal=True)
    if community.missing:
        sheet.add()
        sheet.add([f"{community.missing[0].month} 未开展组织生活的支部", "网格编码"], bold=True)
        for branch in community.missing:
            sheet.add([branch.branch, branch.grid_code])
