"""The public wish list (微心愿公示): the wishes waiting for someone, those claimed and those come
true, for the notice board, on A4 or A3. Names are masked (张*), no ID number or phone appears,
and each wish carries a QR code holding its number, which a claimer reads off the wall and gives
at the desk (offline: the number itself, no address).
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Frame, PageTemplate, Paragraph, Spacer, Table

from app.printing.fonts import SANS, SONG, register_fonts
from app.printing.layout import GREY, LABEL_SHADE, document_template, escape, table_style
from app.printing.qr import qr_drawing
from app.services.engage.wish_reads import WishNotice

PAPERS = {"A4": A4, "A3": A3}
MARGIN = 15 * mm
QR_MM = 25


def _styles(scale: float) -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("wish", fontName=SONG, fontSize=10.5 * scale, leading=15 * scale, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", base, fontName=SANS, fontSize=26 * scale, leading=36 * scale, alignment=TA_CENTER
        ),
        "subtitle": ParagraphStyle(
            "subtitle", base, fontSize=13 * scale, leading=20 * scale, alignment=TA_CENTER
        ),
        "head": ParagraphStyle("head", base, fontName=SANS, alignment=TA_CENTER),
        "cell": base,
        "number": ParagraphStyle("number", base, fontName=SANS, fontSize=9.5 * scale, alignment=TA_CENTER),
        "note": ParagraphStyle("note", base, fontSize=9.5 * scale, leading=14 * scale, textColor=GREY),
    }


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text, style.fontName), style)


def _day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def render_wish_notice(notice: WishNotice, *, paper: str = "A4", path: str | Path | None = None) -> bytes:
    """The notice as PDF bytes (and written to ``path``)."""
    if paper not in PAPERS:
        raise ValueError("纸张须为 A4 或 A3")
    width, height = PAPERS[paper]
    scale = 1.0 if paper == "A4" else 1.3
    st = _styles(scale)
    text_width = width - 2 * MARGIN
    qr_mm = QR_MM * scale
    widths = [0.155, 0.085, 0.13, 0.30, 0.14]
    columns = [w * (text_width - qr_mm * mm - 8 * mm) / sum(widths) for w in widths]
    columns.append(text_width - sum(columns))
    rows = [[_p(h, st["head"]) for h in ("编号", "心愿人", "网格", "心愿", "状态", "扫码认领")]]
    for wish in notice.wishes:
        extra = [wish.kind]
        if wish.budget_yuan:
            extra.append(f"约{wish.budget_yuan}元")
        if wish.deadline:
            extra.append(f"期望{_day(wish.deadline)}前")
        rows.append(
            [
                _p(wish.wish_no, st["number"]),
                _p(wish.masked_name, st["cell"]),
                _p(wish.grid_name, st["cell"]),
                Paragraph(
                    f"{escape(wish.content, SONG)}<br/><font color='#666666'>{escape('，'.join(extra), SONG)}</font>",
                    st["cell"],
                ),
                Paragraph(
                    escape(wish.status_name, SONG)
                    + (f"<br/>{escape(wish.claimer, SONG)}" if wish.claimer else ""),
                    st["cell"],
                ),
                qr_drawing(wish.wish_no, size_mm=qr_mm),
            ]
        )
    table = Table(rows, colWidths=columns, repeatRows=1, splitByRow=True)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, GREY),
                ("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (-1, 1), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story = [
        _p("微心愿公示", st["title"]),
        _p(f"{notice.community_name}　{_day(notice.day)}", st["subtitle"]),
        Spacer(1, 4 * mm),
        _p(
            "以下心愿由居民本人提出，经社区审核后公示。党员、志愿者和共建单位可到社区党群服务中心窗口认领，"
            "认领时请报心愿编号（或扫描右侧二维码）。心愿人姓名已作遮挡处理。",
            st["note"],
        ),
        Spacer(1, 3 * mm),
    ]
    if notice.wishes:
        story.append(table)
    else:
        story.append(_p("目前没有待公示的心愿。", st["subtitle"]))
    story += [Spacer(1, 4 * mm), _p(f"共{len(notice.wishes)}个心愿（已实现的心愿公示30天）。", st["note"])]

    register_fonts()
    buffer = io.BytesIO()
    doc = document_template(
        buffer,
        (width, height),
        margins=(MARGIN, MARGIN, MARGIN, MARGIN),
        title="微心愿公示",
        author=notice.community_name,
    )
    frame = Frame(
        MARGIN,
        MARGIN,
        text_width,
        height - 2 * MARGIN,
        id="text",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )

    def page_number(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(SONG, 9 * scale)
        canvas.setFillColor(GREY)
        canvas.drawCentredString(width / 2, MARGIN / 2, f"第 {document.page} 页")
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=page_number)])
    doc.build(story)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data
