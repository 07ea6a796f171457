"""Pages of the population registers (一户一档, 一幢一册): A4 portrait or landscape with narrower
margins than an official letter, a running head on every page (what the file is and whose), and
"第 x 页 共 y 页" at the foot, which needs the page count: the canvas keeps each page until the
end and numbers them all before saving.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, PageTemplate, Paragraph, Table

from app.printing.fonts import SANS, SONG, register_fonts
from app.printing.layout import (
    GREY,
    LABEL_SHADE,
    TEXT_WIDTH,
    document_template,
    escape,
    fit_font_size,
    styles,
    table_style,
)

MARGIN = 15 * mm  # top, bottom, and the sides of a landscape page
HEAD_SPACE = 10 * mm  # running head above the frame
FOOT_SPACE = 10 * mm  # page numbers below it


class _NumberedCanvas(Canvas):
    """Holds every page until save, then writes 第 x 页 共 y 页 on each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 — reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width, _height = self._pagesize
            self.saveState()
            self.setFont(SONG, 9)
            self.setFillColor(GREY)
            self.drawCentredString(width / 2, MARGIN - 2 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
            self.restoreState()
            super().showPage()
        super().save()


def cell_styles() -> dict[str, object]:
    body = styles()["small"]
    return {
        "cell": body.clone("register_cell", fontSize=9, leading=12),
        "head": body.clone("register_head", fontName=SANS, fontSize=9, leading=12, alignment=TA_CENTER),
        "centre": body.clone("register_centre", fontSize=9, leading=12, alignment=TA_CENTER),
    }


def grid_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[float], *, centred=()
) -> Table:
    """A ruled table of user text whose header row repeats on every page it runs onto."""
    st = cell_styles()
    data = [[Paragraph(escape(h, SANS), st["head"]) for h in headers]]
    for row in rows:
        data.append(
            [
                Paragraph(escape(value, SONG), st["centre"] if index in centred else st["cell"])
                for index, value in enumerate(row)
            ]
        )
    table = Table(data, colWidths=list(widths), repeatRows=1, splitByRow=True)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GREY),
                ("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def side_margin(orientation: str) -> float:
    """A portrait page keeps the text width of the shared field grids (layout.TEXT_WIDTH)."""
    return MARGIN if orientation == "landscape" else (portrait(A4)[0] - TEXT_WIDTH) / 2


def page_width(orientation: str) -> float:
    return (landscape(A4) if orientation == "landscape" else portrait(A4))[0] - 2 * side_margin(orientation)


def build_register_pdf(
    flowables: Iterable[Flowable], *, title: str, running_head: str, centre_name: str, orientation: str
) -> bytes:
    """Lay ``flowables`` out on A4 pages with the running head and the page numbers."""
    register_fonts()
    size = landscape(A4) if orientation == "landscape" else portrait(A4)
    width, height = size
    side = side_margin(orientation)
    buffer = io.BytesIO()
    doc = document_template(
        buffer,
        size,
        margins=(side, side, MARGIN + HEAD_SPACE, MARGIN + FOOT_SPACE),
        title=title,
        author=centre_name,
    )
    frame = Frame(
        side,
        MARGIN + FOOT_SPACE,
        width - 2 * side,
        height - 2 * MARGIN - HEAD_SPACE - FOOT_SPACE,
        id="text",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )

    def head(canvas, _doc) -> None:
        canvas.saveState()
        baseline = height - MARGIN - 4 * mm
        canvas.setFont(SONG, fit_font_size(running_head, SONG, 9, (width - 2 * side) * 0.65, 6))
        canvas.setFillColor(GREY)
        canvas.drawString(side, baseline, running_head)
        canvas.setFont(SONG, fit_font_size(centre_name, SONG, 9, (width - 2 * side) * 0.3, 6))
        canvas.drawRightString(width - side, baseline, centre_name)
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.5)
        canvas.line(side, baseline - 2 * mm, width - side, baseline - 2 * mm)
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=head, pagesize=size)])
    doc.build(list(flowables), canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
