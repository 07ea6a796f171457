"""The year's 党员评定表 of a branch as an A4 landscape PDF: every member with place, points,
the program's proposal and its reason, and the grade the branch decided; a tally of the grades,
the grading rule in words, and room for the branch secretary's signature and the community's
seal. The running head and "第 n 页 共 m 页" are the shared page furniture."""

from __future__ import annotations

from functools import cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from app.printing.fonts import SANS, SONG, register_fonts
from app.printing.layout import (
    LABEL_SHADE,
    build_pdf,
    escape,
    field_grid,
    para,
    styles,
    table_style,
)
from app.printing.page_furniture import paged_pdf
from app.services.party.point_grades import BranchYear
from app.services.party.point_sheet import SHEET_COLUMNS, grade_counts, sheet_cells, sheet_title
from app.services.party.points import MemberPoints

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 14 * mm
TOP = 18 * mm
BOTTOM = 14 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN


@cache
def _styles() -> dict[str, ParagraphStyle]:
    base = styles()["small"]
    return {
        "cell": ParagraphStyle("grade_cell", base, fontName=SONG, fontSize=9, leading=12, wordWrap="CJK"),
        "head": ParagraphStyle("grade_head", base, fontName=SANS, fontSize=9, leading=12, alignment=1),
        "line": ParagraphStyle("grade_line", base, fontName=SONG, fontSize=10.5, leading=16, wordWrap="CJK"),
        "sub": ParagraphStyle("grade_sub", base, fontName=SONG, fontSize=11, leading=16, alignment=1),
    }


def _text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_grade_sheet(record: BranchYear, *, centre_name: str, made_by: str) -> bytes:
    """The branch's sheet for ``record.year`` as PDF bytes."""
    register_fonts()
    own = _styles()
    title = sheet_title(record)
    widths = [c.width for c in SHEET_COLUMNS]
    scale = TEXT_WIDTH / sum(widths)
    data = [[Paragraph(escape(c.title, SANS), own["head"]) for c in SHEET_COLUMNS]]
    for row in record.rows:
        data.append([Paragraph(escape(_text(v), SONG), own["cell"]) for v in sheet_cells(row)])
    if not record.rows:
        data.append([Paragraph("本支部暂无党员", own["cell"])] + [""] * (len(SHEET_COLUMNS) - 1))
    table = Table(data, colWidths=[w * scale for w in widths], repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    counts = "、".join(f"{grade}{n}人" for grade, n in grade_counts(record).items()) or "无"
    story = [
        Paragraph(escape(title), styles()["heading"]),
        Paragraph(escape(f"{centre_name}　　共{len(record.rows)}名党员　　制表：{made_by}"), own["sub"]),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(escape(f"评定结果：{counts}。"), own["line"]),
        Paragraph(escape(f"建议规则：{record.rule}"), own["line"]),
        Spacer(1, 8 * mm),
        Paragraph(
            escape(
                "支部书记（签字）：＿＿＿＿＿＿　　支部党员大会评议日期：＿＿＿＿年＿＿月＿＿日　　社区党组织审核意见（盖章）："
            ),
            own["line"],
        ),
    ]
    return paged_pdf(
        story,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        margins=(MARGIN, MARGIN, TOP, BOTTOM),
        title=title,
        author=centre_name,
        running=f"{centre_name}　{title}",
        font=SANS,
        head_gap=5 * mm,
    )


def render_points_statement(points: MemberPoints, *, centre_name: str) -> bytes:
    """One member's year of points, line by line (积分明细), as an A4 portrait PDF."""
    rows = [[para(h, "cell_label") for h in ("日期", "规则", "事项", "积分")]]
    for line in points.lines:
        rows.append(
            [
                para(line.on.isoformat(), "small"),
                para(line.rule, "small"),
                para(line.what, "small"),
                para(f"{line.points:+g}", "small"),
            ]
        )
    if not points.lines:
        rows.append([para("本年度暂无积分记录", "small"), "", "", ""])
    rows.append([para("合计", "cell_label"), "", "", para(f"{points.total:g}", "small")])
    table = Table(rows, colWidths=[24 * mm, 36 * mm, 80 * mm, 16 * mm], repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "#555555"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
            ]
        )
    )
    story = [
        para(f"{points.year}年度党员积分明细", "title"),
        *field_grid(
            [
                [("姓名", points.name), ("身份证号", points.id_masked)],
                [("所在支部", points.branch), ("类别", points.group)],
            ]
        ),
        Spacer(0, 4 * mm),
        table,
    ]
    return build_pdf(story, title=f"{points.name}{points.year}年度党员积分明细", centre_name=centre_name)
