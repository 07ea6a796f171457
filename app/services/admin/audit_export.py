"""The audit log as an Excel workbook (导出Excel), for an inspection or a resident's enquiry.

Written by the centre's one workbook writer (app/services/common/xlsx.py): Chinese headers, set
column widths, a frozen header row, every text cell kept as text (a purpose or a search that
begins with = + - @ never becomes a formula), and a 说明 sheet with the filters. The export
itself is logged, with the filters (an ID number masked) and how many rows left the building.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.services.admin.audit_log import AuditLogError, AuditQuery, audit_count, audit_rows
from app.services.common import audit
from app.services.common.sheets import Column, ExportCancelled, SheetSpec
from app.services.common.xlsx import write_xlsx

__all__ = ["AuditExport", "ExportCancelled", "export_audit_xlsx"]

MAX_EXPORT_ROWS = 1_000_000  # a worksheet holds 1,048,576 rows
COLUMNS = (
    Column("编号", 10),
    Column("时间", 20),
    Column("操作人", 16),
    Column("操作", 14),
    Column("对象", 22),
    Column("用途", 32),
    Column("详情", 70),
)


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
    spec = SheetSpec(
        "审计日志",
        COLUMNS,
        about=(
            ("筛选条件", query.described()),
            ("导出时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")),
            ("导出人", actor),
        ),
    )
    rows = (
        (row.id, row.at, row.actor, row.action_name, row.subject, row.purpose, row.detail)
        for row in audit_rows(session, query)
    )
    written = write_xlsx(path, spec, rows, total=total, progress=progress, cancelled=cancelled)
    audit.record(
        session,
        actor=actor,
        action="export",
        subject=f"{written}条",
        purpose="导出审计日志",
        detail=f"{query.described()}；{path}",
    )
    return AuditExport(path, written)
