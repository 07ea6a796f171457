"""Shared machinery of printed documents: page, styles, escaping, Chinese dates, the PDF build.

The page follows GB/T 9704-2012 (TECH-NOTES.md): A4, top margin 37 mm, binding margin 28 mm, a text
block of 156 x 225 mm, title 22 pt, body 16 pt with a 28 pt line pitch. User text goes through
:func:`escape` before it reaches a Paragraph; Paragraphs wrap (CJK rules) and split across pages, so
nothing is truncated or runs off the page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib import textsplit as _rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle
from reportlab.platypus import paragraph as _rl_paragraph

from app.printing.fonts import (
    RARE,
    SANS,
    SONG,
    body_font,
    has_glyph,
    has_rare_glyph,
    latin_face,
    register_fonts,
)

# reportlab's CJK line breaking knows 、。）」 but not the full-width comma, semicolon, colon, question
# and exclamation marks, closing book-title marks or quotes: a line could begin with "，". Add them
# (the 避头点 rule; the mark then hangs in the right margin). Both splitters read a module global.
_NO_LINE_START = "，；：？！》〉”’…％"
for _module in (_rl_textsplit, _rl_paragraph):
    _module.ALL_CANNOT_START += "".join(c for c in _NO_LINE_START if c not in _module.ALL_CANNOT_START)

PAGE_WIDTH, PAGE_HEIGHT = A4
TOP_MARGIN = 37 * mm
LEFT_MARGIN = 28 * mm
TEXT_WIDTH = 156 * mm
TEXT_HEIGHT = 225 * mm
BODY_SIZE = 16
BODY_LEADING = 28
GREY = colors.Color(0.45, 0.45, 0.45)
LABEL_SHADE = colors.Color(0.94, 0.94, 0.94)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def short_datetime(moment: dt.datetime) -> str:
    """2026-11-23 14:05 (times on receipts: fits a table cell)."""
    return f"{moment:%Y-%m-%d %H:%M}"


def escape(text: object, font: str = SONG) -> str:
    """User text as Paragraph markup that prints literally: ``<b>`` prints as ``<b>``.

    Control characters are dropped, line breaks kept. Characters ``font`` lacks are drawn in SANS,
    or else in the rare-character font (Extensions B–F), so a rare character in a name prints
    instead of an empty box.
    """
    return _escaped("" if text is None else str(text), font)


@lru_cache(maxsize=8192)  # a batch writes the same labels and sentences on every page
def _escaped(text: str, font: str) -> str:
    raw = _CONTROL.sub("", text).replace("\t", " ")
    runs: list[tuple[str | None, str]] = []  # (face, text); face None: the paragraph's own
    for char in raw:
        if char in "\r\n":
            face = None
        elif (latin := latin_face(char, font)) is not None:
            face = latin
        elif has_glyph(char, font):
            face = None
        elif has_glyph(char, SANS):
            face = SANS
        elif has_rare_glyph(char):
            face = RARE
        else:
            face = None
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + char)
        else:
            runs.append((face, char))
    parts = [
        _xml_escape(piece) if face is None else f'<font face="{face}">{_xml_escape(piece)}</font>'
        for face, piece in runs
    ]
    return "<br/>".join("".join(parts).replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def fit_font_size(text: str, font: str, size: float, width: float, min_size: float = 8) -> float:
    """The largest size up to ``size`` at which ``text`` fits ``width`` on one line (>= min_size)."""
    register_fonts()
    natural = stringWidth(text, font, size)
    if natural <= width:
        return size
    return max(min_size, size * width / natural * 0.98)


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The named styles of every document, defined once."""
    register_fonts()
    body = body_font()
    base = ParagraphStyle("base", fontName=SONG, fontSize=BODY_SIZE, leading=BODY_LEADING, wordWrap="CJK")
    named = [
        ParagraphStyle("title", base, fontSize=22, leading=34, alignment=TA_CENTER, spaceAfter=14),
        ParagraphStyle(
            "subtitle", base, fontSize=16, leading=22, alignment=TA_CENTER, spaceBefore=-10, spaceAfter=6
        ),
        ParagraphStyle("heading", base, fontSize=18, leading=28, alignment=TA_CENTER, spaceAfter=4),
        ParagraphStyle("body", base, fontName=body, firstLineIndent=2 * BODY_SIZE),
        ParagraphStyle("salutation", base, fontName=body, spaceBefore=6),
        ParagraphStyle(
            "list_item", base, fontName=body, leftIndent=3.5 * BODY_SIZE, firstLineIndent=-1.5 * BODY_SIZE
        ),
        ParagraphStyle("number_line", base, fontSize=14, leading=22, alignment=TA_RIGHT, spaceAfter=4),
        ParagraphStyle("cell_label", base, fontName=SANS, fontSize=12, leading=17, alignment=TA_LEFT),
        ParagraphStyle("cell", base, fontSize=14, leading=20),
        ParagraphStyle("small", base, fontSize=10.5, leading=15),
        ParagraphStyle("caption", base, fontName=SANS, fontSize=10.5, leading=14, alignment=TA_CENTER),
    ]
    return {style.name: style for style in named}


def para(text: str, style: str = "body", *, markup: str = "") -> Paragraph:
    """A Paragraph of user ``text`` (escaped) in a named style, after trusted ``markup``; a title
    is set heavy (see HeavyParagraph)."""
    chosen = styles()[style]
    kind = HeavyParagraph if style == "title" else Paragraph
    return kind(markup + escape(text, chosen.fontName), chosen)


class HeavyParagraph(Paragraph):
    """A paragraph set bold although its face has one weight, as a 证明's title is: the glyphs are
    filled and stroked (PDF text render mode 2), as Word emboldens a face without a bold member.
    Text render mode is part of the graphics state, so it ends with the paragraph."""

    WEIGHT = 0.035  # stroke width as a share of the type size

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.style.textColor)
        canvas.setLineWidth(self.style.fontSize * self.WEIGHT)
        canvas._code.append("2 Tr")
        super().draw()
        canvas.restoreState()


def table_style(commands: Sequence[tuple]) -> TableStyle:
    """A TableStyle whose cells use the embedded font (reportlab's default is an unembedded Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SONG), *commands])


Field = tuple[str, object]
"""A label and its value: a str, a Flowable or a list of Flowables."""


def _cell(value: object) -> object:
    return value if isinstance(value, Flowable | list) else para(str(value), "cell")


def field_grid(rows: Sequence[Sequence[Field]], label_width: float = 26 * mm) -> list[Table]:
    """Rows of one or two label/value fields in a light grid; values wrap, rows split across pages.

    Consecutive rows with the same number of fields share one Table; the Tables stack seamlessly.
    """
    label_style = styles()["cell_label"]
    tables: list[Table] = []
    groups: list[list[Sequence[Field]]] = []
    for row in rows:
        if not 1 <= len(row) <= 2:
            raise ValueError("a row holds one or two fields")
        if groups and len(groups[-1][0]) == len(row):
            groups[-1].append(row)
        else:
            groups.append([row])
    for group in groups:
        per_row = len(group[0])
        value_width = (TEXT_WIDTH - per_row * label_width) / per_row
        data = [
            [
                part
                for name, value in row
                for part in (Paragraph(escape(name, label_style.fontName), label_style), _cell(value))
            ]
            for row in group
        ]
        table = Table(data, colWidths=[label_width, value_width] * per_row, splitByRow=True, splitInRow=True)
        commands = [
            ("GRID", (0, 0), (-1, -1), 0.5, GREY),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]
        commands += [("BACKGROUND", (c, 0), (c, -1), LABEL_SHADE) for c in range(0, 2 * per_row, 2)]
        table.setStyle(table_style(commands))
        tables.append(table)
    return tables


class IssuerBlock(Flowable):
    """The issuer's name over the date, right-aligned, with the room a seal needs above and over
    them and the small label that says which seal (（盖章）, （党组织盖章）). No circle is drawn: a
    printed guide would show round the real seal on the paper."""

    def __init__(
        self, issuer: str, date_text: str, *, seal_label: str = "（盖章）", diameter: float = 38 * mm
    ):
        super().__init__()
        self.issuer, self.date_text, self.seal_label, self.diameter = issuer, date_text, seal_label, diameter
        self.font = body_font()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.diameter + 2 * mm
        return self.width, self.height

    def draw(self) -> None:
        canvas, font = self.canv, self.font
        size = min(
            fit_font_size(self.issuer, font, BODY_SIZE, self.width * 0.7),
            fit_font_size(self.date_text, font, BODY_SIZE, self.width * 0.7),
        )
        date_w, issuer_w = stringWidth(self.date_text, font, size), stringWidth(self.issuer, font, size)
        # GB/T 9704: the date ends four characters from the right edge, the issuer centred above it;
        # the seal sits over both, its top within a line of the text, the names just below its centre.
        centre_x = self.width - 4 * BODY_SIZE - date_w / 2
        centre_x = min(centre_x, self.width - max(date_w, issuer_w) / 2)
        radius = self.diameter / 2
        centre_y = self.height - radius
        canvas.saveState()
        canvas.setFillColor(GREY)
        canvas.setFont(SANS, 9)
        canvas.drawCentredString(centre_x, centre_y + radius - 14, self.seal_label)
        canvas.setFillColor(colors.black)
        canvas.setFont(font, size)
        canvas.drawCentredString(centre_x, centre_y - 4, self.issuer)
        canvas.drawCentredString(centre_x, centre_y - 4 - BODY_LEADING, self.date_text)
        canvas.restoreState()


class SignatureLine(Flowable):
    """Blanks to sign on: e.g. [("申请人签字：", 60 * mm), ("日期：", 40 * mm)] on one line."""

    def __init__(
        self, fields: Sequence[tuple[str, float]], *, size: float = 14, space_before: float = 10 * mm
    ):
        super().__init__()
        self.fields, self.size, self.spaceBefore = list(fields), size, space_before

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.size * 2
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(SONG, self.size)
        canvas.setLineWidth(0.6)
        x, y = 0.0, self.size * 0.5
        for label, blank in self.fields:
            canvas.drawString(x, y, label)
            x += stringWidth(label, SONG, self.size)
            canvas.line(x, y - 3, x + blank, y - 3)
            x += blank + self.size


class CutLine(Flowable):
    """A dashed rule across the text block (where a stub is torn off)."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, 6 * mm
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(GREY)
        self.canv.setDash(4, 3)
        self.canv.line(0, self.height / 2, self.width, self.height / 2)
        self.canv.restoreState()


def _footer(centre_name: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        baseline = PAGE_HEIGHT - TOP_MARGIN - TEXT_HEIGHT - 7 * mm - 14
        canvas.setFont(SONG, 14)
        canvas.drawCentredString(PAGE_WIDTH / 2, baseline, f"— {doc.page} —")
        name_size = fit_font_size(centre_name, SANS, 9, TEXT_WIDTH / 3, 6)
        canvas.setFont(SANS, name_size)
        canvas.setFillColor(GREY)
        canvas.drawRightString(LEFT_MARGIN + TEXT_WIDTH, baseline, centre_name)
        canvas.restoreState()

    return draw


def document_template(
    buffer: io.BytesIO,
    pagesize: tuple[float, float],
    *,
    margins: tuple[float, float, float, float],
    title: str,
    author: str,
    kind: type[BaseDocTemplate] = BaseDocTemplate,
) -> BaseDocTemplate:
    """A document of this program (margins: left, right, top, bottom): its title and author in the
    PDF's properties, Chinese as its language, the same bytes for the same content (invariant, so a
    reprint is identical), and the Song face as the initial font, else every page lists an
    unembedded Helvetica it never uses."""
    left, right, top, bottom = margins
    return kind(
        buffer,
        pagesize=pagesize,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=author,
        creator="yichuang",
        lang="zh-CN",
        invariant=True,
        initialFontName=SONG,
    )


def build_pdf(
    flowables: Iterable[Flowable], *, title: str, centre_name: str, path: str | Path | None = None
) -> bytes:
    """Lay out ``flowables`` on GB/T 9704 pages with the footer; returns the PDF (and writes ``path``)."""
    register_fonts()
    buffer = io.BytesIO()
    page_document(buffer, title=title, centre_name=centre_name).build(list(flowables))
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def page_document(
    buffer: io.BytesIO, *, title: str, centre_name: str, kind: type[BaseDocTemplate] = BaseDocTemplate
) -> BaseDocTemplate:
    """The GB/T 9704 page with its footer (the page number, the centre's name), ready to build."""
    doc = document_template(
        buffer,
        A4,
        margins=(
            LEFT_MARGIN,
            PAGE_WIDTH - LEFT_MARGIN - TEXT_WIDTH,
            TOP_MARGIN,
            PAGE_HEIGHT - TOP_MARGIN - TEXT_HEIGHT,
        ),
        title=title,
        author=centre_name,
        kind=kind,
    )
    no_padding = dict.fromkeys(("leftPadding", "rightPadding", "topPadding", "bottomPadding"), 0)
    frame = Frame(LEFT_MARGIN, doc.bottomMargin, TEXT_WIDTH, TEXT_HEIGHT, id="text", **no_padding)
    doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=_footer(centre_name))])
    return doc
