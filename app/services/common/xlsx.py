"""Writing a register to an Excel workbook (.xlsx): the one writer every export of the centre uses
(the 台账 of cases, certificates, residents, appointments and kiosk requests, the audit log, and
the statistics' tables).

What every workbook gets: Chinese headers in bold, set column widths, a frozen header row, a
second sheet 说明 saying which rows these are (the filters), when and by whom the file was made;
and every text cell written as text, so that a name or a note that begins with = + - @ stays the
words it was and never becomes a formula when the file is opened. Rows are streamed through
openpyxl's write-only mode, so 100,000 rows need no more memory than a few hundred; the file is
written beside its target and moved into place only when complete.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.services.common.sheets import (
    ABOUT_SHEET,
    DATE_FORMAT,
    DATETIME_FORMAT,
    FORMULA_STARTS,
    MAX_SHEET_ROWS,
    Column,
    ExportCancelled,
    SheetSpec,
)

__all__ = ["Column", "ExportCancelled", "SheetSpec", "cell", "text_cell", "write_xlsx"]


def write_xlsx(
    path: Path,
    spec: SheetSpec,
    rows: Iterable[Sequence[object]],
    *,
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write ``rows`` (one value per column: str, int, float, date, datetime, None) under the
    headers of ``spec`` to ``path``; returns how many rows were written. A file that could not be
    finished (an error, ``cancelled``) is removed and the target is left as it was."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    written = 0
    try:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_sheet_name(spec.title))
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        sheet.append([_header(sheet, column.title, bold) for column in spec.columns])
        for row in rows:
            if cancelled is not None and written % 500 == 0 and cancelled():
                raise ExportCancelled()
            if written >= MAX_SHEET_ROWS:
                raise ValueError(f"一张工作表最多{MAX_SHEET_ROWS}行，请缩小范围后分次导出")
            sheet.append([cell(sheet, value) for value in row])
            written += 1
            if progress is not None and written % 500 == 0:
                progress(written, total if total is not None else written)
        _about_sheet(book, spec, written)
        with open(partial, "wb") as fh:
            book.save(fh)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def cell(sheet, value: object) -> object:
    """A write-only cell for ``value``: text stays text (never a formula), dates get a date
    format; numbers and None pass through as they are."""
    if isinstance(value, str):
        return text_cell(sheet, value)
    if isinstance(value, dt.datetime):
        stamped = WriteOnlyCell(sheet, value)
        stamped.number_format = DATETIME_FORMAT
        return stamped
    if isinstance(value, dt.date):
        day = WriteOnlyCell(sheet, value)
        day.number_format = DATE_FORMAT
        return day
    return value


def text_cell(sheet, value: str) -> object:
    """``value`` as a text cell, even when it looks like a formula (quote-prefixed, type s).
    Control characters Excel refuses (a stray one pasted into a note) are dropped."""
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_STARTS):
        return value
    quoted = WriteOnlyCell(sheet, value)
    quoted.data_type = "s"
    quoted.quotePrefix = True
    return quoted


def _header(sheet, title: str, font: Font) -> WriteOnlyCell:
    header = WriteOnlyCell(sheet, title)
    header.font = font
    return header


def _about_sheet(book: Workbook, spec: SheetSpec, written: int) -> None:
    sheet = book.create_sheet(ABOUT_SHEET)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 80
    bold = Font(bold=True)
    sheet.append([_header(sheet, "项目", bold), _header(sheet, "内容", bold)])
    for label, value in [("内容", spec.title), *spec.about, ("行数", str(written))]:
        sheet.append([text_cell(sheet, label), text_cell(sheet, value)])


def _sheet_name(title: str) -> str:
    """Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "Sheet1"
