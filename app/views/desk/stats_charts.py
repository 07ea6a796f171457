"""The 统计 tab's charts (QtCharts): bars, a pie, lines and the age pyramid, built from plain
numbers. Each chart calls ``on_click`` with the position of the bar, slice or point a person
clicked, so the tab can open the list behind it, as the table beside the chart does.

QtCharts comes with PySide6's add-ons wheel (docs/INSTALL.md): only this module imports it (about
2 ms at the desk's start).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

PALETTE = ("#c0392b", "#2e86c1", "#27ae60", "#f39c12", "#8e44ad", "#16a085", "#7f8c8d")
LEVEL_COLOURS = ("#1e8449", "#52be80", "#f4d03f", "#e67e22", "#c0392b")  # 非常满意 … 非常不满意
MAX_LABEL = 9  # characters of a category shown under a bar; the table beside has the whole name

BarClick = Callable[[int, int], None]  # (series, index)


def _chart(title: str) -> QChart:
    chart = QChart()
    font = QFont()
    font.setPointSize(11)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumSize(320, 240)
    return view


def short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _value_axis(top: float) -> QValueAxis:
    """Counts from 0, with round numbers at the ticks."""
    axis = QValueAxis()
    axis.setRange(0, max(top * 1.1, 4))
    axis.applyNiceNumbers()
    axis.setLabelFormat("%d")
    return axis


def _names_axis(categories: Sequence[str]) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(list(categories) or [""])
    axis.setTruncateLabels(False)  # Qt would otherwise shorten every Chinese label to "…"
    font = QFont()
    font.setPointSize(9)
    axis.setLabelsFont(font)
    return axis


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    on_click: BarClick | None = None,
    *,
    horizontal: bool = False,
) -> QChartView:
    """Grouped bars: one set per series, one bar per category (horizontal for long names, the
    first category at the top, as in the table beside it)."""
    chart = _chart(title)
    bars = QHorizontalBarSeries() if horizontal else QBarSeries()
    count = len(categories)
    order = list(reversed(range(count))) if horizontal else list(range(count))
    top = 0.0
    for number, (name, values) in enumerate(series):
        bar_set = QBarSet(name)
        bar_set.setColor(QColor(PALETTE[number % len(PALETTE)]))
        bar_set.setLabelColor(QColor("#222222"))
        small = QFont()
        small.setPointSize(8)  # two bars of eight groups are about 12 px high: a larger digit overlaps
        bar_set.setLabelFont(small)
        shown = [float(values[i] or 0) for i in order]
        bar_set.append(shown)
        top = max([top, *shown])
        if on_click is not None:
            bar_set.clicked.connect(lambda index, n=number: on_click(n, order[index]))
        bars.append(bar_set)
    bars.setBarWidth(0.8)  # of each category's band: thick enough to carry its figure
    bars.setLabelsVisible(count <= 12)
    bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(bars)
    names = _names_axis([short(categories[i]) for i in order])
    values_axis = _value_axis(top)
    chart.addAxis(names, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(names)
    bars.attachAxis(values_axis)
    chart.legend().setVisible(len(series) > 1)
    return _view(chart)


def pie_chart(
    title: str,
    slices: Sequence[tuple[str, int]],
    on_click: Callable[[int], None] | None = None,
    *,
    colours: Sequence[str] = PALETTE,
) -> QChartView:
    """A pie of counts; empty slices are left out of the drawing but keep their index."""
    chart = _chart(title)
    pie = QPieSeries()
    total = sum(n for _, n in slices)
    for index, (label, n) in enumerate(slices):
        if not n:
            continue
        share = f"{n / total:.0%}" if total else ""
        piece = pie.append(f"{label} {n}（{share}）", n)
        piece.setColor(QColor(colours[index % len(colours)]))
        piece.setLabelVisible(True)
        if on_click is not None:
            piece.clicked.connect(lambda i=index: on_click(i))
    pie.setPieSize(0.62)
    chart.addSeries(pie)
    chart.legend().setVisible(False)
    return _view(chart)


def line_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    on_click: BarClick | None = None,
) -> QChartView:
    """One line per series over the categories (months); a click on a line picks its nearest
    month."""
    chart = _chart(title)
    names = _names_axis(categories)
    top = max([1.0, *[float(v or 0) for _, values in series for v in values]])
    values_axis = _value_axis(top)
    chart.addAxis(names, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values_axis, Qt.AlignmentFlag.AlignLeft)
    for number, (name, values) in enumerate(series):
        line = QLineSeries()
        line.setName(name)
        line.setPen(QPen(QColor(PALETTE[number % len(PALETTE)]), 2.5))
        line.setPointsVisible(True)
        line.setPointLabelsVisible(True)
        line.setPointLabelsFormat("@yPoint")
        for index, value in enumerate(values):
            line.append(QPointF(index, float(value or 0)))
        if on_click is not None:
            line.clicked.connect(lambda point, n=number: on_click(n, max(0, round(point.x()))))
        chart.addSeries(line)
        line.attachAxis(names)
        line.attachAxis(values_axis)
    return _view(chart)


def pyramid_chart(
    title: str, bands: Sequence[str], male: Sequence[int], female: Sequence[int], on_click: BarClick
) -> QChartView:
    """The age pyramid: men to the left, women to the right, the youngest band at the bottom."""
    chart = _chart(title)
    bars = QHorizontalStackedBarSeries()
    for number, (name, values, sign) in enumerate((("男", male, -1), ("女", female, 1))):
        bar_set = QBarSet(name)
        bar_set.setColor(QColor(PALETTE[1] if sign < 0 else PALETTE[0]))
        bar_set.append([float(sign * v) for v in values])
        bar_set.clicked.connect(lambda index, n=number: on_click(n, index))
        bars.append(bar_set)
    bars.setBarWidth(0.9)
    chart.addSeries(bars)
    names = _names_axis(bands)
    axis = _headcount_axis(max([5, *male, *female]))
    chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    bars.attachAxis(names)
    bars.attachAxis(axis)
    return _view(chart)


def _headcount_axis(top: int) -> QCategoryAxis:
    """The pyramid's count axis: men are drawn as negative values, but both sides are counted in
    people, so the labels read 0 outwards on both sides, at round steps."""
    step = nice_step(top / 2)  # so two steps reach the longest bar
    ticks = range(-2 * step, 2 * step + 1, step)
    axis = QCategoryAxis()
    axis.setRange(-2.2 * step, 2.2 * step)
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    for value in ticks:
        # Labels must differ: the men's side carries a trailing space the eye does not see.
        axis.append(f"{abs(value)}{' ' if value < 0 else ''}", value)
    return axis


def nice_step(rough: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … not below ``rough``."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude >= rough:
                return factor * magnitude
        magnitude *= 10
