"""Cells for workbooks built with openpyxl (the 统计 report, whose sheets carry Excel's own charts):
the same rules as the register writer (app.services.common.xlsx), as openpyxl write-only cells.
Text stays text even when it begins like a formula, and dates get the same formats."""

from __future__ import annotations

import datetime as dt

from openpyxl.cell import WriteOnlyCell

from app.services.common.sheets import DATE_FORMAT, DATETIME_FORMAT, FORMULA_STARTS, without_illegal


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
    value = without_illegal(value)
    if not value.startswith(FORMULA_STARTS):
        return value
    quoted = WriteOnlyCell(sheet, value)
    quoted.data_type = "s"
    quoted.quotePrefix = True
    return quoted
