"""The audit log as an Excel workbook (导出Excel), for an inspection or a resident's enquiry.

Chinese headers, set column widths and a frozen header row. Every text cell is written as text:
a purpose or a search that begins with = + - @ stays the words it was and never becomes a
formula when the file is opened. The export itself is logged, with the filters (an ID number
masked) and how many rows left the building.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from app.services.admin.audit_log import AuditLogError, AuditQuery, audit_count, audit_rows
from app.services.common import audit

MAX_EXPORT_ROWS = 1_000_000  # a worksheet holds 1,048,576 rows
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS: list[tuple[str, int]] = [
    ("编号", 10),
    ("时间", 20),
    ("操作人", 16),
    ("操作", 14),
    ("对象", 22),
    ("用途", 32),
    ("详情", 70),
]


class ExportCancelled(Exception):
    """The person stopped the export; no file is left behind."""


@dataclass(frozen=True)
class AuditExport:
    path: Path
    rows: int


def export_audit_xlsx(
    session: Session,
    query: AuditQuery,
    path: Path,
    *,
    actor: str,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AuditExport:
    """Write the entries matching ``query`` to ``path`` and log the export; the caller commits.
    A file that could not be finished is removed."""
    total = audit_count(session, query)
    if total > MAX_EXPORT_ROWS:
        raise AuditLogError(
            f"符合条件的记录有{total}条，超过一次可导出的{MAX_EXPORT_ROWS}条，请缩小日期范围后分次导出"
        )
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    written = 0
    try:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("审计日志")
        for index, (_title, width) in enumerate(COLUMNS):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        sheet.append([_header(sheet, title, bold) for title, _width in COLUMNS])
        for row in audit_rows(session, query):
            if cancelled is not None and written % 500 == 0 and cancelled():
                raise ExportCancelled()
            at = WriteOnlyCell(sheet, row.at)
            at.number_format = "yyyy-mm-dd hh:mm:ss"
            sheet.append(
                [
                    row.id,
                    at,
                    _text(sheet, row.actor),
                    _text(sheet, row.action_name),
                    _text(sheet, row.subject),
                    _text(sheet, row.purpose),
                    _text(sheet, row.detail),
                ]
            )
            written += 1
            if progress is not None and written % 500 == 0:
                progress(written, total)
        with open(partial, "wb") as fh:
            book.save(fh)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    audit.record(
        session,
        actor=actor,
        action="export",
        subject=f"{written}条",
        purpose="导出审计日志",
        detail=f"{query.described()}；{path}",
    )
    return AuditExport(path, written)


def _header(sheet, title: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, title)
    cell.font = font
    return cell


def _text(sheet, value: str) -> WriteOnlyCell:
    """A cell that holds ``value`` as text, even when it looks like a formula."""
    cell = WriteOnlyCell(sheet, value)
    if value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
