"""The 统计 report (and the monthly report upward) as an A4 PDF: the centre's name and the report's
title as the heading, the period and scope under it, the figures as tables with reportlab's own
charts (bars, a pie, lines: no extra dependency), the free-text notes of a monthly report, a
running head on later pages and 第 x 页 共 y 页 at every foot.

Drawn from a :class:`app.services.reports.full_report.FullReport`; it reads, never queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from app.printing.documents.stats_drawings import LABEL_FONT, WIDTH, bar_drawing, line_drawing, pie_drawing
from app.printing.fonts import SANS, SONG, register_fonts
from app.printing.layout import (
    LABEL_SHADE,
    escape,
    fit_font_size,
    styles,
    table_style,
)
from app.printing.page_furniture import paged_pdf
from app.services.reports.community_figures import CHARTED_FIGURES
from app.services.reports.figures import figure_name
from app.services.reports.full_report import FullReport

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm  # WIDTH is the drawings' (stats_drawings.py)
TOP = 20 * mm
BOTTOM = 16 * mm
TOP_ROWS = 15  # rows of a breakdown printed; the workbook has every one


@cache
def _styles() -> dict[str, ParagraphStyle]:
    base = styles()["small"]
    return {
        "title": ParagraphStyle("st_title", styles()["title"], fontSize=20, leading=30, spaceAfter=4),
        "sub": ParagraphStyle("st_sub", base, fontName=SONG, fontSize=10.5, leading=15, alignment=1),
        "h": ParagraphStyle(
            "st_h", base, fontName=SANS, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4, keepWithNext=1
        ),
        "cell": ParagraphStyle("st_cell", base, fontName=SONG, fontSize=9, leading=12, wordWrap="CJK"),
        "head": ParagraphStyle("st_head", base, fontName=SANS, fontSize=9, leading=12, wordWrap="CJK"),
        "note": ParagraphStyle("st_note", base, fontName=SONG, fontSize=11, leading=18, firstLineIndent=22),
    }


def _fmt(value, code: str = "") -> str:
    if value is None:
        return "—"
    if code.endswith("rate"):
        return f"{value:.2%}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return f"{value:,}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float]) -> Table:
    own = _styles()
    data = [[Paragraph(escape(h, SANS), own["head"]) for h in headers]]
    data += [[Paragraph(escape(str(v), SONG), own["cell"]) for v in row] for row in rows]
    if len(data) == 1:
        data.append([Paragraph("（无）", own["cell"])] + [""] * (len(headers) - 1))
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _h(text: str) -> Paragraph:
    return Paragraph(escape(text, SANS), _styles()["h"])


def _cases(report: FullReport) -> list:
    own = _styles()
    figures = report.cases.figures()
    half = (len(figures) + 1) // 2
    rows = []
    for left, right in zip(figures[:half], [*figures[half:], None], strict=False):
        rows.append(
            [
                left.name,
                _fmt(left.value, left.code),
                right.name if right else "",
                _fmt(right.value, right.code) if right else "",
            ]
        )
    out: list = [
        _h("一、办件情况"),
        _table(["指标", "数值", "指标", "数值"], rows, [WIDTH * 0.32, WIDTH * 0.18] * 2),
    ]
    channel = report.by["channel"].groups
    out.append(
        bar_drawing(
            "按受理渠道：受理与办结",
            [g.label for g in channel],
            [("受理", [g.received for g in channel]), ("办结", [g.closed for g in channel])],
        )
    )
    for grouping, name in (("category", "事项类别"), ("item", "服务事项"), ("grid", "网格")):
        groups = sorted(report.by[grouping].groups, key=lambda g: (-g.received, g.key))
        shown = groups[:TOP_ROWS]
        more = f"（前{TOP_ROWS}项，共{len(groups)}项）" if len(groups) > TOP_ROWS else ""
        rows = [
            [
                g.label or "—",
                g.received,
                g.closed,
                g.in_progress,
                g.overdue,
                _fmt(g.on_time_rate, "rate"),
                _fmt(g.avg_days_to_close),
            ]
            for g in shown
        ]
        widths = [WIDTH * 0.34] + [WIDTH * 0.11] * 6
        out += [
            Spacer(1, 2 * mm),
            Paragraph(escape(f"按{name}{more}"), own["head"]),
            _table([name, "受理", "办结", "在办", "超期在办", "按时办结率", "平均用时"], rows, widths),
        ]
    return out


def _satisfaction(report: FullReport) -> list:
    own = _styles()
    sat = report.satisfaction
    rows = [[f.name, _fmt(f.value, f.code)] for f in sat.figures()]
    unsatisfied = [
        [
            c.case_no,
            c.item_name,
            c.grid_name,
            c.first_unsatisfied,
            c.status_name,
            "是" if c.rehandled else "否",
        ]
        for c in sat.unsatisfied
    ]
    widths = [WIDTH * 0.24, WIDTH * 0.3, WIDTH * 0.12, WIDTH * 0.12, WIDTH * 0.12, WIDTH * 0.1]
    return [
        _h("二、满意度（好差评）"),
        KeepTogether(
            [
                pie_drawing("好差评分布", list(sat.levels)),
                _table(["指标", "数值"], rows, [WIDTH * 0.5, WIDTH * 0.2]),
            ]
        ),
        Spacer(1, 2 * mm),
        Paragraph("不满意办件及重新办理情况", own["head"]),
        _table(["办件编号", "事项", "网格", "首次评价", "当前状态", "重新办结"], unsatisfied, widths),
    ]


def _certificates(report: FullReport) -> list:
    certs = report.certificates
    rows = [[t.title, t.issued, t.voided] for t in certs.templates] + [["合计", certs.issued, certs.voided]]
    out = [
        _h("三、证明开具"),
        _table(["证明", "开具", "作废"], rows, [WIDTH * 0.5, WIDTH * 0.15, WIDTH * 0.15]),
    ]
    if certs.templates:
        out.append(
            bar_drawing(
                "证明开具与作废",
                [t.title for t in certs.templates],
                [
                    ("开具", [t.issued for t in certs.templates]),
                    ("作废", [t.voided for t in certs.templates]),
                ],
                horizontal=True,
                height=max(40 * mm, (len(certs.templates) * 9 + 30) * mm / 2.5),
            )
        )
    return out


def _population(report: FullReport) -> list:
    pop = report.population
    rows = [[f.name, _fmt(f.value)] for f in pop.figures()]
    ages = [b.label for b in pop.ages]
    grids = [[g.name, g.residents, g.households, g.buildings] for g in pop.grids]
    tags: dict[str, int] = {}
    for t in pop.tags:
        tags[t.tag_name] = tags.get(t.tag_name, 0) + t.residents
    return [
        _h(f"四、人口（截至 {pop.as_of.isoformat()}）"),
        _table(["指标", "数值"], rows, [WIDTH * 0.5, WIDTH * 0.2]),
        bar_drawing(
            "年龄结构",
            ages,
            [("男", [b.male for b in pop.ages]), ("女", [b.female for b in pop.ages])],
            height=70 * mm,
        ),
        _table(["重点人群", "人数"], [[k, v] for k, v in tags.items()], [WIDTH * 0.5, WIDTH * 0.2]),
        Spacer(1, 2 * mm),
        _table(
            ["网格", "在册居民", "户数", "楼栋"],
            grids,
            [WIDTH * 0.4, WIDTH * 0.15, WIDTH * 0.15, WIDTH * 0.15],
        ),
    ]


def _community(report: FullReport) -> list:
    community = report.community
    rows = [[f.name, _fmt(f.value, f.code)] for f in community.figures()]
    out = [
        _h("六、社区治理与党建"),
        _table(["指标", "数值"], rows, [WIDTH * 0.5, WIDTH * 0.2]),
        bar_drawing(
            "微心愿、议事与共建项目",
            [figure_name(code) for code in CHARTED_FIGURES],
            [("数量", [community.values[code] or 0 for code in CHARTED_FIGURES])],
            horizontal=True,
            height=60 * mm,
        ),
    ]
    if community.missing:
        names = "、".join(b.branch for b in community.missing)
        out.append(
            Paragraph(
                escape(f"{community.missing[0].month} 未开展组织生活的支部：{names}"), _styles()["note"]
            )
        )
    return out


def _trend(report: FullReport) -> list:
    found = {g.key: g for g in report.trend.groups}
    months = report.trend.period.months()
    groups = [found.get(m) for m in months]
    rows = [
        [m, g.received, g.closed, g.overdue, _fmt(g.on_time_rate, "rate"), _fmt(g.avg_days_to_close)]
        if g
        else [m, 0, 0, 0, "—", "—"]
        for m, g in zip(months, groups, strict=True)
    ]
    series = [
        ("受理", [g.received if g else 0 for g in groups]),
        ("办结", [g.closed if g else 0 for g in groups]),
        ("超期在办", [g.overdue if g else 0 for g in groups]),
    ]
    return [
        _h("五、近12个月趋势"),
        KeepTogether(
            [
                line_drawing("近12个月受理与办结", [m[2:] for m in months], series),
                _table(
                    ["月份", "受理", "办结", "超期在办", "按时办结率", "平均用时"], rows, [WIDTH * 0.16] * 6
                ),
            ]
        ),
    ]


def render_stats_report(
    report: FullReport,
    *,
    centre: str,
    scope_label: str,
    made_by: str,
    title: str = "统计报表",
    notes: str = "",
) -> bytes:
    register_fonts()
    own = _styles()
    heading = f"{centre}{title}"
    title_size = fit_font_size(heading, SONG, 20, WIDTH, 12)
    title_style = ParagraphStyle("st_title_fit", own["title"], fontSize=title_size, leading=title_size * 1.5)
    sub = f"统计期间：{report.period.label}　范围：{scope_label}　状态截至：{report.as_of.isoformat()}　制表：{made_by}"
    story: list = [
        Paragraph(escape(heading), title_style),
        Paragraph(escape(sub), own["sub"]),
        Spacer(1, 3 * mm),
    ]
    story += (
        _cases(report)
        + _satisfaction(report)
        + _certificates(report)
        + _population(report)
        + _trend(report)
        + _community(report)
    )
    if notes.strip():
        story.append(_h("七、情况说明"))
        story += [Paragraph(escape(line), own["note"]) for line in notes.strip().splitlines() if line.strip()]
    return paged_pdf(
        story,
        pagesize=A4,
        margins=(MARGIN, MARGIN, TOP, BOTTOM),
        title=heading,
        author=centre,
        running=f"{heading}　{report.period.label}　{scope_label}",
        font=LABEL_FONT,
        head_gap=5 * mm,
    )
