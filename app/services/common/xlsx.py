"""Writing a register to an Excel workbook (.xlsx): the one writer every export of the centre uses
(the 台账 of cases, certificates, residents, appointments and kiosk requests, the audit log, the
party registers and the street office's tables).

What every workbook gets: Chinese headers in bold, set column widths, a frozen header row, a
second sheet 说明 saying which rows these are (the filters), when and by whom the file was made;
and every text cell written as text, so that a name or a note that begins with = + - @ stays the
words it was and never becomes a formula when the file is opened.

The sheet's XML is written here, row by row, straight into the zip: a register is a plain table
(text, numbers, dates), and making an openpyxl cell object for each of 1.4 million values was
three quarters of the time of a 100,000-case export. Rows are streamed, so memory does not grow
with the register; the file is written beside its target and moved into place only when complete.
The parts written are the minimal SpreadsheetML package (ECMA-376 part 1): workbook, two sheets,
styles and the document properties; text is stored inline in its cell (``t="inlineStr"``), which
Excel, LibreOffice, WPS and openpyxl all read.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from app.services.common.sheets import (
    ABOUT_SHEET,
    DATE_FORMAT,
    DATETIME_FORMAT,
    FORMULA_STARTS,
    MAX_SHEET_ROWS,
    Column,
    ExportCancelled,
    SheetSpec,
    without_illegal,
)

__all__ = ["Column", "ExportCancelled", "SheetSpec", "write_xlsx"]

# Cell styles, by their index in styles.xml's cellXfs.
PLAIN, HEADER, DATE, DATETIME, QUOTED = range(5)
FLUSH_EVERY = 500  # rows per chunk handed to the compressor; also how often progress is told
COMPRESS_LEVEL = 4  # zlib: the file is a tenth of its XML either way, level 6 takes twice as long
_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system, past its 1900-02-29
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def write_xlsx(
    path: Path,
    spec: SheetSpec,
    rows: Iterable[Sequence[object]],
    *,
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write ``rows`` (one value per column: str, int, float, bool, date, datetime, None) under
    the headers of ``spec`` to ``path``; returns how many rows were written. A file that could
    not be finished (an error, ``cancelled``) is removed and the target is left as it was."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as book:
            with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
                written = _write_rows(sheet, spec, rows, total, progress, cancelled)
            about = [("项目", "内容"), ("内容", spec.title), *spec.about, ("行数", str(written))]
            book.writestr("xl/worksheets/sheet2.xml", _table_sheet(about, (14, 80), frozen=False))
            for name, text in _package(_sheet_name(spec.title)).items():
                book.writestr(name, text)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def _write_rows(sheet, spec: SheetSpec, rows, total, progress, cancelled) -> int:
    widths = [column.width for column in spec.columns]
    head, tail = _table_sheet([[column.title for column in spec.columns]], widths, frozen=True).split(
        "</sheetData>"
    )
    sheet.write(head.encode())
    letters = [column_letter(i) for i in range(1, len(widths) + 1)]
    chunk: list[str] = []
    written = 0
    for values in rows:
        if cancelled is not None and written % FLUSH_EVERY == 0 and cancelled():
            raise ExportCancelled()
        if written >= MAX_SHEET_ROWS:
            raise ValueError(f"一张工作表最多{MAX_SHEET_ROWS}行，请缩小范围后分次导出")
        written += 1
        number = written + 1  # the header is row 1
        while len(letters) < len(values):
            letters.append(column_letter(len(letters) + 1))
        chunk.append(f'<row r="{number}">')
        chunk.extend(
            _cell(f"{letter}{number}", value)
            for letter, value in zip(letters, values, strict=False)
            if value is not None
        )
        chunk.append("</row>")
        if written % FLUSH_EVERY == 0:
            sheet.write("".join(chunk).encode())
            chunk.clear()
            if progress is not None:
                progress(written, total if total is not None else written)
    sheet.write(("".join(chunk) + "</sheetData>" + tail).encode())
    return written


def _cell(ref: str, value: object, style: int = PLAIN) -> str:
    """One ``<c>`` element: text inline (quote-prefixed when it begins like a formula), numbers as
    numbers, dates and times as Excel serial days with a date format."""
    kind = type(value)
    if kind is str:
        return _text(ref, value, style)
    if kind is int or (kind is float and math.isfinite(value)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if kind is float:  # NaN or infinity: a cell cannot hold one as a number, so it is said in words
        return _text(ref, str(value), style)
    if kind is dt.datetime or kind is dt.date:
        return f'<c r="{ref}" s="{DATETIME if kind is dt.datetime else DATE}"><v>{serial(value)!r}</v></c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, str):  # an enum or another str subclass
        return _text(ref, str(value), style)
    if isinstance(value, dt.date):  # a subclass, e.g. a test's frozen clock
        return _cell(ref, _plain_date(value), style)
    if isinstance(value, (int, float, Decimal)):  # an IntEnum, a Decimal from the database
        return _cell(ref, float(value) if isinstance(value, (float, Decimal)) else int(value), style)
    raise TypeError(f"cannot write a {kind.__name__} to a workbook cell")


def _text(ref: str, value: str, style: int) -> str:
    value = without_illegal(value)
    if not value:
        return ""
    if style == PLAIN and value.startswith(FORMULA_STARTS):
        style = QUOTED
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in escaped:
        escaped = escaped.replace("\r", "&#13;")  # a bare CR would be read back as a newline
    space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _plain_date(value: dt.date) -> dt.date:
    """A date or datetime subclass (pendulum, a frozen clock) as the plain stdlib type."""
    if isinstance(value, dt.datetime):
        return dt.datetime.combine(value.date(), value.timetz())
    return dt.date(value.year, value.month, value.day)


def serial(value: dt.date) -> float | int:
    """Days since Excel's epoch; a time of day is the fraction. Excel counts a 1900-02-29 that
    never was, so days before 1900-03-01 are one fewer. Times with a zone are refused (Excel
    has none), as openpyxl refuses them."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise TypeError("Excel does not support timezones in datetimes: give local time")
        since = value - _EPOCH
        days = since.days + (since.seconds + since.microseconds / 1e6) / 86400
        return days - 1 if value < dt.datetime(1900, 3, 1) else days
    days = (value - _EPOCH.date()).days
    return days - 1 if value < dt.date(1900, 3, 1) else days


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _table_sheet(rows: Sequence[Sequence[str]], widths: Sequence[float], *, frozen: bool) -> str:
    """A worksheet's XML with ``rows`` of text, the first of them a bold header."""
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        if frozen
        else ""
    )
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
        for i, width in enumerate(widths, start=1)
    )
    body = []
    for number, values in enumerate(rows, start=1):
        style = HEADER if number == 1 else PLAIN
        cells = "".join(_cell(f"{column_letter(i)}{number}", v, style) for i, v in enumerate(values, start=1))
        body.append(f'<row r="{number}">{cells}</row>')
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{"".join(body)}</sheetData>'
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>'
    )


def _package(sheet_name: str) -> dict[str, str]:
    """Every part of the package but the two sheets: what makes the zip a workbook."""
    xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    name = sheet_name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    made = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "[Content_Types].xml": xml
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}"/>'
        f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{sheet_type}"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>",
        "_rels/.rels": xml + f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
        'metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>",
        "docProps/core.xml": xml
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{name}</dc:title><dc:creator>yichuang</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{made}</dcterms:created></cp:coreProperties>',
        "docProps/app.xml": xml
        + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>yichuang</Application></Properties>",
        "xl/workbook.xml": xml + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
        f'<sheet name="{name}" sheetId="1" r:id="rId1"/>'
        f'<sheet name="{ABOUT_SHEET}" sheetId="2" r:id="rId2"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": xml + f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/worksheet" Target="worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": xml + _STYLES,
    }


_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
_XF = 'fontId="0" fillId="0" borderId="0" xfId="0"'
# cellXfs in the order of PLAIN, HEADER, DATE, DATETIME, QUOTED.
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    f'<xf numFmtId="0" {_XF}/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    f'<xf numFmtId="164" {_XF} applyNumberFormat="1"/>'
    f'<xf numFmtId="165" {_XF} applyNumberFormat="1"/>'
    f'<xf numFmtId="0" {_XF} quotePrefix="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _sheet_name(title: str) -> str:
    """Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "Sheet1"
