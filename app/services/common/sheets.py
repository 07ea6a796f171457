"""What a register written to a workbook is made of: its columns, what it says about itself, and
the rules every sheet keeps. Apart from the writer (:mod:`app.services.common.xlsx`), so that the
modules that define registers do not load openpyxl until a workbook is really written: the desk
and the kiosk start without it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_SHEET_ROWS = 1_048_575  # one row is the header
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
ABOUT_SHEET = "说明"
# Characters an .xlsx cannot hold (XML 1.0 forbids them): C0 controls other than tab and newlines,
# lone surrogates, U+FFFE and U+FFFF. A stray one pasted into a note is dropped, not fatal.
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def without_illegal(text: str) -> str:
    """``text`` without the characters a workbook cannot hold."""
    return ILLEGAL_CHARACTERS.sub("", text) if ILLEGAL_CHARACTERS.search(text) else text


class ExportCancelled(Exception):
    """The person stopped the export; no file is left behind."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet: its Chinese header and its width in Excel's character units."""

    title: str
    width: float


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """What a workbook says about itself: the sheet's name, its columns, and the lines of the
    说明 sheet (label, value), e.g. ("筛选条件", "2026-11-01至2026-11-30")."""

    title: str
    columns: Sequence[Column]
    about: Sequence[tuple[str, str]] = ()
