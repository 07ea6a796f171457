"""What a long printed list carries on every page: a running head from page 2 on, and
"第 n 页 共 m 页" at the foot, which needs every page laid out before the first foot is drawn."""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, PageTemplate

from app.printing.fonts import SONG
from app.printing.layout import GREY, document_template, fit_font_size


def running_head(
    text: str, *, font: str, x: float, y: float, width: float
) -> Callable[[Canvas, object], None]:
    """An ``onPage`` drawing ``text`` small and grey at (x, y) on every page but the first (which
    has the full heading), shrunk to ``width`` when it is long."""

    def draw(canvas: Canvas, doc) -> None:
        if doc.page == 1:
            return
        canvas.saveState()
        canvas.setFont(font, fit_font_size(text, font, 8, width, 6))
        canvas.setFillColor(GREY)
        canvas.drawString(x, y, text)
        canvas.restoreState()

    return draw


def page_count_canvas(page_width: float, foot_y: float) -> type[Canvas]:
    """A canvas class (``doc.build(..., canvasmaker=...)``) that keeps the pages until the end so
    that each foot, centred at ``foot_y``, can say how many pages there are."""

    class PageCountCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._kept: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._kept.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._kept)
            for number, page in enumerate(self._kept, start=1):
                self.__dict__.update(page)
                self.setFont(SONG, 9)
                self.drawCentredString(page_width / 2, foot_y, f"第 {number} 页 共 {total} 页")
                super().showPage()
            super().save()

    return PageCountCanvas


def paged_pdf(
    story: list,
    *,
    pagesize: tuple[float, float],
    margins: tuple[float, float, float, float],
    title: str,
    author: str,
    running: str,
    font: str,
    head_gap: float,
) -> bytes:
    """``story`` in one text frame (margins: left, right, top, bottom) with ``running`` as the head
    of every page but the first, ``head_gap`` above the frame, and 第 n 页 共 m 页 at the foot: how
    the long lists (the registers, the 统计 report, the 评定表) are printed."""
    left, right, top, bottom = margins
    width, height = pagesize
    buffer = io.BytesIO()
    doc = document_template(buffer, pagesize, margins=margins, title=title, author=author)
    frame = Frame(left, bottom, width - left - right, height - top - bottom, id="text", showBoundary=0)
    head = running_head(running, font=font, x=left, y=height - top + head_gap, width=width - left - right)
    doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=head)])
    doc.build(story, canvasmaker=page_count_canvas(width, bottom / 2))
    return buffer.getvalue()
