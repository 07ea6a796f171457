"""Exporting a register (台账) from a desk screen: ask where to save it (.xlsx or PDF by the name's
ending), then read, write and log it off the GUI thread through ``Op``. The signed-in person's
scope narrows the rows, and ID numbers are shown in full only to the roles that see them at the
desk. The screen that asked is told the outcome in one sentence (``report``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.services.exports.filters import LedgerFilter
from app.services.exports.ledgers import KINDS, ExportDone, centre_heading, export_ledger, read_ledger
from app.views.desk.context import DeskContext
from app.views.ops import Op, failure_text

FILE_TYPES = "Excel 工作簿 (*.xlsx);;PDF 文件 (*.pdf)"


def ask_target(parent: QWidget, kind: str) -> Path | None:
    """The file to write, from the save dialog; None when the person cancels. A name without
    .xlsx or .pdf gets the ending of the type chosen."""
    title = KINDS[kind].title
    name = f"{title}-{dt.date.today():%Y%m%d}.xlsx"
    path, chosen = QFileDialog.getSaveFileName(parent, f"导出{title}", name, FILE_TYPES)
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() not in (".xlsx", ".pdf"):
        target = target.with_name(target.name + (".pdf" if "pdf" in chosen.lower() else ".xlsx"))
    return target


def export_from_desk(
    parent: QWidget,
    ctx: DeskContext,
    kind: str,
    flt: LedgerFilter,
    report: Callable[[str], None],
    *,
    done: Callable[[], None] | None = None,
) -> bool:
    """Ask for the file and export register ``kind`` with ``flt``; False when cancelled."""
    target = ask_target(parent, kind)
    if target is None:
        return False
    db, scope, user = ctx.db, ctx.scope, ctx.user
    is_pdf = target.suffix.lower() == ".pdf"

    def work() -> ExportDone:
        with db.sessions.begin() as session:
            ledger = read_ledger(
                session, kind, flt, scope=scope, actor=user.username, full_id=user.sees_full_id_numbers
            )
            centre = centre_heading(session)
            from app.printing.documents.ledger import render_ledger  # reportlab loads on first use

            return export_ledger(
                session,
                ledger,
                xlsx=None if is_pdf else target,
                pdf=target if is_pdf else None,
                render_pdf=lambda led: render_ledger(led, centre),
            )

    def finished(result: ExportDone) -> None:
        report(f"已导出{result.title} {result.rows} 条到 {target}")
        if done is not None:
            done()

    def failed(exc: Exception) -> None:
        report(f"导出未完成：{failure_text(exc)}")
        if done is not None:
            done()

    report("正在导出…")
    Op(parent, work, runner=ctx.runner).success(finished).failure(failed).run()
    return True
