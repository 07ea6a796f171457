"""The tables of certificates and forms: field grids, household members, signature/opinion rows.

Every value is escaped user text in a wrapping Paragraph; rows grow with their content (with a
minimum height so an empty form still has room to write by hand) and split across pages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from app.printing.certificates.slots import slot
from app.printing.fonts import SANS, SONG, has_glyph
from app.printing.layout import GREY, LABEL_SHADE, TEXT_WIDTH, escape, fit_font_size, styles, table_style
from app.services.certificates.template_schema import PHOTO_ROWS
from app.services.certificates.template_spec import Column, FieldSpec, SignRow, TableSpec

HANDWRITING_MM = 9.0  # a row or box left to fill in by hand: room for a written line

SECTION_SHADE = colors.Color(0.86, 0.86, 0.86)
LABEL_MM, VALUE_MM = 22.0, 30.0
PHOTO_MM = 28.0
ROW_MIN_MM = 7.0
PHOTO_ROW_MM = 8.5  # four rows make room for a one-inch photo (25 x 35 mm)
_PAD = 3  # cell padding, points
_LABEL_TAILS = ("意见", "承诺", "签字", "情况", "号码", "地址", "日期", "时间")


def _style(name: str, **changes) -> ParagraphStyle:
    base = styles()["cell"]
    return base.clone(name, **changes)


def form_styles() -> dict[str, ParagraphStyle]:
    return {
        "label": _style("form_label", fontName=SANS, fontSize=10.5, leading=14, alignment=TA_CENTER),
        "value": _style("form_value", fontSize=10.5, leading=14.5),
        "section": _style("form_section", fontName=SANS, fontSize=11, leading=15),
        "head": _style("form_head", fontName=SANS, fontSize=10, leading=13, alignment=TA_CENTER),
        "member": _style("form_member", fontSize=10, leading=13, alignment=TA_CENTER),
        "note": _style("form_note", fontSize=10.5, leading=15),
    }


def markup(text: str, font: str) -> str:
    """``escape`` for ``font``; the SANS face has no Latin letters or digits, so those print in SONG."""
    if font != SANS:
        return escape(text, font)
    return "".join(
        escape(char, SANS)
        if has_glyph(char, SANS) or char in "\r\n"
        else f'<font face="{SONG}">{escape(char)}</font>'
        for char in text
    )


def text_para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(text, style.fontName), style)


class MinHeight(Flowable):
    """A flowable at least ``height`` tall, its content centred vertically (a form row to write in)."""

    def __init__(self, content: Flowable, height: float):
        super().__init__()
        self.content, self.min_height = content, height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.inner_w, self.inner_h = self.content.wrap(availWidth, availHeight)
        self.width, self.height = availWidth, max(self.inner_h, self.min_height)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return self.content.split(availWidth, availHeight)

    def draw(self) -> None:
        self.content.drawOn(self.canv, 0, (self.height - self.inner_h) / 2)


def label_para(label: str, width: float, style: ParagraphStyle, *, shrink: bool = True) -> Paragraph:
    """A label on one line, shrunk down to 9 pt if need be; a longer one in balanced lines."""
    font, avail = style.fontName, width - 2 * _PAD - 1
    size = fit_font_size(label, font, style.fontSize, avail, 9 if shrink else style.fontSize)
    if stringWidth(label, font, size) <= avail:
        if size < style.fontSize:
            style = style.clone(f"{style.name}_{size:.1f}", fontSize=size, leading=size * 1.3)
        return text_para(label, style)
    lines = math.ceil(stringWidth(label, font, style.fontSize) / avail)
    per = math.ceil(len(label) / lines)
    chunks = [label[i : i + per] for i in range(0, len(label), per)]
    cut = label.find("（") if "（" in label[1:] else len(label) - 2 if label[-2:] in _LABEL_TAILS else -1
    if lines == 2 and cut > 0 and stringWidth(label[:cut], font, style.fontSize) <= avail:
        chunks = [label[:cut], label[cut:]]  # 单位党组织 / 意见, 家庭月总收入 / （元）
    return Paragraph("<br/>".join(markup(chunk, font) for chunk in chunks), style)


def choice_para(f: FieldSpec, value: str, width: float, style: ParagraphStyle) -> Paragraph:
    """Every option with a box, the chosen one filled (■正式党员  □预备党员), as on the paper form;
    a line breaks only between options."""
    font, gap = style.fontName, "\u00a0\u00a0"
    lines: list[str] = []
    current = ""
    for option in f.choices:
        item = ("■" if option == value else "□") + option
        candidate = f"{current}{gap}{item}" if current else item
        if current and stringWidth(candidate, font, style.fontSize) > width - 2:
            lines.append(current)
            current = item
        else:
            current = candidate
    lines.append(current)
    return Paragraph("<br/>".join(markup(line, font) for line in lines), style)


def _grid_style(extra: Sequence[tuple] = ()) -> TableStyle:
    return table_style(
        [
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
            *extra,
        ]
    )


def _field_cells(
    names: Sequence[str], grid: Sequence[float], end: int, fields, shown, min_height: float
) -> list[tuple[int, int, object, object]]:
    """(first column, last column of the value, label, value) of each field of one row."""
    st = form_styles()
    starts = {1: [0], 2: [0, 3], 3: [0, 2, 4]}[len(names)]
    cells = []
    for i, name in enumerate(names):
        f = fields[name]
        x = starts[i]
        x_end = starts[i + 1] - 1 if i + 1 < len(names) else end
        value = shown.get(name, "")
        if f.type == "choice" and len(f.choices) <= 8:
            content = choice_para(f, value, sum(grid[x + 1 : x_end + 1]) - 2 * _PAD, st["value"])
        else:
            content = text_para(value, st["value"])
        # A box left blank is written in by hand: it gets the height of a handwritten line.
        height = min_height if str(value).strip() else max(min_height, HANDWRITING_MM * mm)
        cells.append((x, x_end, label_para(f.label, grid[x], st["label"]), slot(MinHeight(content, height))))
    return cells


def field_table(
    table: TableSpec, fields: dict[str, FieldSpec], shown: dict[str, str], *, photo_label: str = "照片"
) -> list[Flowable]:
    """A section of labelled fields on one six-column grid (plus a photo column when asked).

    Rows of 1, 2 or 3 fields: 3 use every pair of columns, 2 share the width in halves, 1 spans it.
    Each row below the photo is a Table of its own (no spanned cells), so a long value splits
    across pages correctly; the rows stack on the same grid lines.
    """
    st = form_styles()
    label_w = LABEL_MM * mm
    photo_w = PHOTO_MM * mm if table.photo else 0
    value_w = (TEXT_WIDTH - photo_w - 3 * label_w) / 3
    grid = [label_w, value_w] * 3 + ([photo_w] if table.photo else [])
    last = len(grid) - 1
    parts: list[Flowable] = []
    if table.title:
        title = Table([[text_para(table.title, st["section"])]], colWidths=[TEXT_WIDTH])
        title.setStyle(_grid_style([("BACKGROUND", (0, 0), (-1, -1), SECTION_SHADE)]))
        title.keepWithNext = True
        parts.append(title)
    photo_rows = min(PHOTO_ROWS, len(table.rows)) if table.photo else 0
    if photo_rows:
        parts.append(_photo_block(table.rows[:photo_rows], grid, fields, shown, photo_label))
    for names in table.rows[photo_rows:]:
        cells = _field_cells(names, grid, last, fields, shown, ROW_MIN_MM * mm - 5)
        row = [part for _, _, label, value in cells for part in (label, value)]
        widths = [w for x, x_end, _, _ in cells for w in (grid[x], sum(grid[x + 1 : x_end + 1]))]
        shades = [("BACKGROUND", (2 * i, 0), (2 * i, 0), LABEL_SHADE) for i in range(len(cells))]
        result = Table([row], colWidths=widths, splitByRow=True, splitInRow=True)
        result.setStyle(_grid_style(shades))
        parts.append(result)
    return parts


def _photo_block(rows, grid, fields, shown, photo_label: str) -> Table:
    """The first rows beside a photo box that spans them (short values: this block does not split)."""
    st = form_styles()
    last = len(grid) - 1
    data: list[list[object]] = []
    commands: list[tuple] = []
    for y, names in enumerate(rows):
        row: list[object] = [""] * len(grid)
        for x, x_end, label, value in _field_cells(
            names, grid, last - 1, fields, shown, PHOTO_ROW_MM * mm - 5
        ):
            row[x], row[x + 1] = label, value
            commands.append(("BACKGROUND", (x, y), (x, y), LABEL_SHADE))
            if x_end > x + 1:
                commands.append(("SPAN", (x + 1, y), (x_end, y)))
        data.append(row)
    data[0][last] = [
        text_para(photo_label, st["head"]),
        text_para("（近期一寸免冠）", st["head"].clone("photo_hint", fontSize=8, leading=11)),
    ]
    commands.append(("SPAN", (last, 0), (last, len(rows) - 1)))
    block = Table(data, colWidths=grid)
    block.setStyle(_grid_style(commands))
    return block


def members_table(
    title: str,
    columns: Sequence[Column],
    members: Sequence[dict],
    *,
    min_rows: int = 0,
    size: float = 10,
    width: float = TEXT_WIDTH,
) -> Table:
    """Household members, one row each, header repeated on a new page; blank rows to fill by hand."""
    st = form_styles()
    head = st["head"].clone("members_head", fontSize=size, leading=size * 1.3)
    cell = st["member"].clone("members_cell", fontSize=size, leading=size * 1.3)
    fixed = sum((c.width_mm or 0) * mm for c in columns)
    free = [c for c in columns if not c.width_mm]
    rest = (width - fixed) / len(free) if free else 0
    widths = [c.width_mm * mm if c.width_mm else rest for c in columns]
    if not free:  # stretch proportionally to the full width
        widths = [w * width / fixed for w in widths]
    data: list[list[object]] = []
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if title:
        data.append([text_para(title, st["section"])] + [""] * (len(columns) - 1))
        commands += [("SPAN", (0, 0), (-1, 0)), ("BACKGROUND", (0, 0), (-1, 0), SECTION_SHADE)]
    header_row = len(data)
    data.append([label_para(c.label, w, head) for c, w in zip(columns, widths, strict=True)])
    commands.append(("BACKGROUND", (0, header_row), (-1, header_row), LABEL_SHADE))
    for member in members:
        data.append(
            [slot(MinHeight(text_para(_member_value(member, c.key), cell), 6.5 * mm)) for c in columns]
        )
    for _ in range(max(0, min_rows - len(members))):
        data.append([MinHeight(text_para("", cell), HANDWRITING_MM * mm) for _ in columns])
    result = Table(data, colWidths=widths, splitByRow=True, repeatRows=header_row + 1)
    result.setStyle(table_style(commands))
    return result


def _member_value(member: dict, key: str | None) -> str:
    if key is None:
        return ""
    value = member.get(key)
    return "" if value is None else str(value)


class SignBox(Flowable):
    """An opinion/signature cell: optional statement on top, '签字：____ 年 月 日' at the bottom."""

    def __init__(self, text: Paragraph | None, signer: str, height: float, size: float = 10.5):
        super().__init__()
        self.text, self.signer, self.min_height, self.size = text, signer, height, size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.text_h = self.text.wrap(availWidth, availHeight)[1] if self.text else 0
        self.width = availWidth
        self.height = max(self.min_height, self.text_h + 2.2 * self.size + 4)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        if self.text:
            self.text.drawOn(canvas, 0, self.height - self.text_h)
        size, y = self.size, 2
        canvas.setFont(SONG, size)
        step = 3 * size  # 年 __ 月 __ 日, written by hand
        for i, unit in enumerate("日月年"):
            canvas.drawRightString(self.width - 2 - i * step, y, unit)
        label = f"{self.signer}："
        date_x = self.width - 2 - 2 * step - size - 4 * size
        label_w = stringWidth(label, SONG, size)
        blank = min(34 * mm, max(18 * mm, date_x - label_w - 4))
        x = max(0.0, date_x - blank - label_w)
        canvas.drawString(x, y, label)
        canvas.setLineWidth(0.5)
        canvas.setStrokeColor(GREY)
        canvas.line(x + label_w, y - 2, x + label_w + blank, y - 2)


def sign_rows_table(
    rows: Sequence[SignRow], *, label_width: float = LABEL_MM * mm, extra: float = 0
) -> Table:
    """The opinion rows at the bottom of a form: 申请人承诺 / 社区意见 / 街道审核意见 ...

    ``extra`` (points) is shared among the opinion rows (those without a printed statement): more
    room to write when the rows have a page of their own.
    """
    st = form_styles()
    opinions = sum(1 for row in rows if not row.text) or len(rows)
    data = [
        [
            label_para(row.label, label_width, st["label"], shrink=False),
            SignBox(
                text_para(row.text, st["note"]) if row.text else None,
                row.signer,
                row.height_mm * mm + (0 if row.text and opinions < len(rows) else extra / opinions),
            ),
        ]
        for row in rows
    ]
    table = Table(data, colWidths=[label_width, TEXT_WIDTH - label_width], splitByRow=True)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (0, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, -1), LABEL_SHADE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
                ("RIGHTPADDING", (1, 0), (1, -1), _PAD + 2),
            ]
        )
    )
    return table
