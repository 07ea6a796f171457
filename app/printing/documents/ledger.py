"""A register (台账) as an A4 landscape PDF: the centre's name and the register's title as the
heading, the period and filters under it, the table's header row repeated at the top of every page,
a running head (centre, title, period) on the pages after the first, and 第 x 页 共 y 页 at the foot.

Drawn from a :class:`app.services.exports.ledgers.Ledger`; it reads the rows, never queries. Cells
are Paragraphs, so a long name or note wraps inside its column instead of running over the next.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from app.printing.fonts import SANS, SONG, register_fonts
from app.printing.layout import (
    LABEL_SHADE,
    escape,
    fit_font_size,
    styles,
    table_style,
)
from app.printing.page_furniture import paged_pdf
from app.services.exports.ledgers import Ledger

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 12 * mm
TOP = 16 * mm  # room for the running head
BOTTOM = 14 * mm  # room for the page number
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN


@cache
def _styles() -> dict[str, ParagraphStyle]:
    base = styles()["small"]
    return {
        "cell": ParagraphStyle("ledger_cell", base, fontName=SONG, fontSize=8, leading=10, wordWrap="CJK"),
        "head": ParagraphStyle("ledger_head", base, fontName=SANS, fontSize=8, leading=10, wordWrap="CJK"),
        "period": ParagraphStyle("ledger_period", base, fontName=SONG, fontSize=10, leading=14, alignment=1),
    }


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render_ledger(ledger: Ledger, centre_name: str = "") -> bytes:
    """The register as PDF bytes."""
    register_fonts()
    own = _styles()
    heading = f"{centre_name}{ledger.title}" if centre_name else ledger.title
    period = f"筛选条件：{ledger.filters}　　共{len(ledger.rows)}条　　制表：{ledger.made_by}　{ledger.made_at:%Y-%m-%d %H:%M}"
    columns = ledger.kind.columns
    scale = TEXT_WIDTH / sum(c.width for c in columns)
    widths = [c.width * scale for c in columns]
    data = [[Paragraph(escape(c.title, SANS), own["head"]) for c in columns]]
    data += [[Paragraph(escape(_text(v), SONG), own["cell"]) for v in row] for row in ledger.cells()]
    if len(data) == 1:
        data.append([Paragraph("（无符合条件的记录）", own["cell"])] + [""] * (len(columns) - 1))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    title_size = fit_font_size(heading, SONG, 18, TEXT_WIDTH, 12)
    title = ParagraphStyle("ledger_title", styles()["title"], fontSize=title_size, leading=title_size * 1.5)
    story = [
        Paragraph(escape(heading), title),
        Paragraph(escape(period), own["period"]),
        Spacer(1, 3 * mm),
        table,
    ]
    return paged_pdf(
        story,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        margins=(MARGIN, MARGIN, TOP, BOTTOM),
        title=heading,
        author=centre_name,
        running=f"{heading}　{ledger.filters}",
        font=SANS,
        head_gap=4 * mm,
    )
