"""What a register written to a workbook is made of: its columns, what it says about itself, and
the rules every sheet keeps. Apart from the writer (:mod:`app.services.common.xlsx`), so that the
modules that define registers do not load openpyxl until a workbook is really written: the desk
and the kiosk start without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_SHEET_ROWS = 1_048_575  # one row is the header
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
ABOUT_SHEET = "说明"


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
