"""Slips the self-service kiosk prints: the request receipt (诉求回执) and the appointment slip
(预约凭条).

Paper: 80 mm receipt rolls, the width of the thermal printer built into self-service terminals
(72 mm printable). A slip is a note for the pocket, printed many times a day: a whole A4 or A5
sheet from the certificate printer would waste paper and keep that printer busy while the
certificates queue. The page is exactly as long as its content, so the roll is cut right after
the last line; printed on an ordinary printer instead, the page is simply scaled onto the sheet.

A slip names the resident only by a masked name and never carries an ID number: a slip left
behind on the counter tells nobody who filed what.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Frame, PageTemplate, Paragraph, Spacer, Table

from app.printing.fonts import SANS, SONG, register_fonts
from app.printing.layout import GREY, CutLine, document_template, escape, fit_font_size, table_style
from app.printing.qr import qr_drawing
from app.services.common.idcard import redact

PAGE_WIDTH = 80 * mm
MARGIN_X = 4 * mm
MARGIN_Y = 5 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
MIN_HEIGHT = 60 * mm
QR_SIZE_MM = 30
LABEL_WIDTH = 17 * mm
_WEEKDAYS = "一二三四五六日"
_ID_RUN = re.compile(r"\d{17}[\dXx]|\d{15}")


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("slip", fontName=SONG, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "centre": ParagraphStyle("centre", base, fontName=SANS, fontSize=10.5, alignment=TA_CENTER),
        "title": ParagraphStyle("title", base, fontName=SANS, fontSize=16, leading=22, alignment=TA_CENTER),
        "label": ParagraphStyle("label", base, fontName=SANS, fontSize=9.5, leading=14),
        "value": ParagraphStyle("value", base, fontSize=10.5, leading=15),
        "caption": ParagraphStyle(
            "caption", base, fontName=SANS, fontSize=9, leading=12, alignment=TA_CENTER
        ),
        "note": ParagraphStyle("note", base, fontSize=9, leading=13),
    }


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text, style.fontName), style)


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _big(text: str, size: float) -> Paragraph:
    """One line in large type, shrunk until it fits the roll's width."""
    size = fit_font_size(text, SONG, size, TEXT_WIDTH - 2, 9)
    style = ParagraphStyle("big", fontName=SONG, fontSize=size, leading=size * 1.3, alignment=TA_CENTER)
    return Paragraph(escape(text, SONG), style)


def _rows(rows: list[tuple[str, str]], styles: dict[str, ParagraphStyle]) -> Table:
    data = [[_p(label, styles["label"]), _p(value, styles["value"])] for label, value in rows]
    table = Table(data, colWidths=[LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH], splitByRow=True)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, GREY),
            ]
        )
    )
    return table


def _header(centre_name: str, title: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [_p(centre_name, styles["centre"]), Spacer(1, 1 * mm), _p(title, styles["title"]), CutLine()]


def _height(flowables: list[Flowable]) -> float:
    total = 0.0
    for flowable in flowables:
        _, height = flowable.wrap(TEXT_WIDTH, 10_000 * mm)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return max(MIN_HEIGHT, total + 2 * MARGIN_Y + 6 * mm)  # a little slack for rounding


def _build(flowables: list[Flowable], *, title: str, centre_name: str) -> bytes:
    register_fonts()
    height = _height(flowables)
    buffer = io.BytesIO()
    doc = document_template(
        buffer,
        (PAGE_WIDTH, height),
        margins=(MARGIN_X, MARGIN_X, MARGIN_Y, MARGIN_Y),
        title=title,
        author=centre_name,
    )
    no_padding = dict.fromkeys(("leftPadding", "rightPadding", "topPadding", "bottomPadding"), 0)
    frame = Frame(MARGIN_X, MARGIN_Y, TEXT_WIDTH, height - 2 * MARGIN_Y, id="slip", **no_padding)
    doc.addPageTemplates([PageTemplate("slip", frames=[frame])])
    doc.build(flowables)
    return buffer.getvalue()


def render_request_slip(
    case_no: str,
    category: str,
    text: str,
    grid_name: str,
    due_date: dt.date,
    centre_name: str,
    centre_phone: str,
) -> bytes:
    """诉求回执: the case number in large type and as a QR code (≥ 25 mm), what was asked, who
    handles it and by when. Any ID-number-like run in the text is masked."""
    styles = _styles()
    qr = qr_drawing(case_no, size_mm=QR_SIZE_MM)
    qr.hAlign = "CENTER"
    content = redact((text or "").strip()) or "（未填写）"
    rows = [
        ("诉求类别", category),
        ("诉求内容", content),
        ("承办网格", grid_name or "由社区统一分派"),
        ("答复期限", f"{_date(due_date)}前"),
        ("咨询电话", centre_phone or "请到服务窗口咨询"),
    ]
    flowables: list[Flowable] = [
        *_header(centre_name, "群众诉求回执", styles),
        _p("诉求编号", styles["caption"]),
        _big(case_no, 17),
        Spacer(1, 2 * mm),
        qr,
        _p("凭编号或扫码查询办理进度", styles["caption"]),
        Spacer(1, 2 * mm),
        _rows(rows, styles),
        Spacer(1, 2 * mm),
        _p(
            "工作人员会在答复期限前与您联系。可在自助终端“我的办件”查看进度，办结后欢迎评价。", styles["note"]
        ),
    ]
    return _build(flowables, title=f"诉求回执 {case_no}", centre_name=centre_name)


def render_appointment_slip(
    day: dt.date, slot: str, item_name: str, masked_name: str, centre_name: str, centre_phone: str
) -> bytes:
    """预约凭条: day, time and business in large type, the holder by a masked name only."""
    if _ID_RUN.search(masked_name or "") or (len(masked_name or "") > 1 and "*" not in masked_name):
        raise ValueError("mask the name before printing an appointment slip")
    styles = _styles()
    rows = [
        ("预约人", masked_name),
        ("办理事项", item_name),
        ("咨询电话", centre_phone or "请到服务窗口咨询"),
    ]
    flowables: list[Flowable] = [
        *_header(centre_name, "窗口预约凭条", styles),
        _big(f"{_date(day)} 星期{_WEEKDAYS[day.weekday()]}", 14),
        _big(slot, 22),
        Spacer(1, 2 * mm),
        _rows(rows, styles),
        Spacer(1, 2 * mm),
        _p(
            "请在预约时段内携带身份证到服务大厅，出示本凭条或在自助终端刷身份证。不能前来请在自助终端取消预约。",
            styles["note"],
        ),
    ]
    return _build(flowables, title=f"窗口预约凭条 {day.isoformat()} {slot}", centre_name=centre_name)


__all__ = ["PAGE_WIDTH", "render_appointment_slip", "render_request_slip"]
