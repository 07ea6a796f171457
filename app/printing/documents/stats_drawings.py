"""The printed charts of the 统计 report, drawn with reportlab's own graphics (bars, a pie, lines):
no extra dependency, vector in the PDF. Each label is one font, the Song face, which has its own
digits (the sans face has none)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from app.printing.fonts import SONG
from app.printing.layout import LABEL_SHADE

WIDTH = A4[0] - 36 * mm  # the report's text width
LABEL_FONT = SONG
SERIES = (colors.HexColor("#c0392b"), colors.HexColor("#2e86c1"), colors.HexColor("#27ae60"))
LEVELS = ("#1e8449", "#52be80", "#f4d03f", "#e67e22", "#c0392b")


def _cut(label: str, n: int = 8) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def _legend(drawing: Drawing, x: float, y: float, names: Sequence[str], fills: Sequence) -> None:
    legend = Legend()
    legend.x, legend.y = x - 20 * mm * (len(names) - 1), y  # one row, ending at x
    legend.fontName, legend.fontSize = LABEL_FONT, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx = legend.dy = 7
    legend.colorNamePairs = list(zip(fills, names, strict=True))
    drawing.add(legend)


def bar_drawing(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    horizontal: bool = False,
    height: float = 62 * mm,
) -> Drawing:
    drawing = Drawing(WIDTH, height)
    drawing.add(String(WIDTH / 2, height - 11, title, fontName=LABEL_FONT, fontSize=10, textAnchor="middle"))
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (38 * mm, 10 * mm) if horizontal else (14 * mm, 14 * mm)
    chart.width = WIDTH - chart.x - 8 * mm
    chart.height = height - chart.y - 18
    values = [[float(v or 0) for v in values] for _, values in series]
    if horizontal:  # the first category at the top
        values = [list(reversed(v)) for v in values]
        categories = list(reversed(categories))
    chart.data = values or [[0]]
    chart.categoryAxis.categoryNames = [_cut(c, 12 if horizontal else 6) for c in categories] or [""]
    chart.categoryAxis.labels.fontName = LABEL_FONT
    chart.categoryAxis.labels.fontSize = 7
    if not horizontal:
        chart.categoryAxis.labels.angle = 30 if len(categories) > 6 else 0
        chart.categoryAxis.labels.boxAnchor = "ne" if len(categories) > 6 else "n"
    chart.valueAxis.labels.fontName = LABEL_FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max([1.0, *[v for row in values for v in row]])
    chart.valueAxis.valueMax = top * 1.15
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = LABEL_FONT
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 5
    for index in range(len(values)):
        chart.bars[index].fillColor = SERIES[index % len(SERIES)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    if len(series) > 1:
        _legend(drawing, WIDTH - 2 * mm, height - 6, [n for n, _ in series], SERIES[: len(series)])
    return drawing


def pie_drawing(title: str, slices: Sequence[tuple[str, int]]) -> Drawing:
    height = 62 * mm
    drawing = Drawing(WIDTH, height)
    drawing.add(String(WIDTH / 2, height - 11, title, fontName=LABEL_FONT, fontSize=10, textAnchor="middle"))
    total = sum(n for _, n in slices)
    pie = Pie()
    pie.x, pie.y = WIDTH / 2 - 22 * mm, 6 * mm
    pie.width = pie.height = 42 * mm
    kept = [(label, n, LEVELS[i % len(LEVELS)]) for i, (label, n) in enumerate(slices) if n]
    pie.data = [n for _, n, _ in kept] or [1]
    pie.labels = [f"{label} {n}（{n / total:.0%}）" for label, n, _ in kept] if total else ["无评价"]
    pie.slices.fontName = LABEL_FONT
    pie.slices.fontSize = 8
    pie.slices.strokeColor = colors.white
    pie.sideLabels = True
    for index, (_, _, colour) in enumerate(kept):
        pie.slices[index].fillColor = colors.HexColor(colour)
    if not kept:
        pie.slices[0].fillColor = LABEL_SHADE
    drawing.add(pie)
    return drawing


def line_drawing(title: str, months: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> Drawing:
    height = 62 * mm
    drawing = Drawing(WIDTH, height)
    drawing.add(String(WIDTH / 2, height - 11, title, fontName=LABEL_FONT, fontSize=10, textAnchor="middle"))
    chart = HorizontalLineChart()
    chart.x, chart.y = 14 * mm, 10 * mm
    chart.width, chart.height = WIDTH - 24 * mm, height - 10 * mm - 18
    chart.data = [[float(v or 0) for v in values] for _, values in series]
    chart.categoryAxis.categoryNames = list(months)
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = LABEL_FONT
        axis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([1.0, *[v for row in chart.data for v in row]]) * 1.15
    for index in range(len(series)):
        chart.lines[index].strokeColor = SERIES[index % len(SERIES)]
        chart.lines[index].strokeWidth = 1.5
    drawing.add(chart)
    _legend(drawing, WIDTH - 2 * mm, height - 6, [n for n, _ in series], SERIES[: len(series)])
    return drawing
