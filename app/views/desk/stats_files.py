"""The 统计 tab's files: the report as an Excel workbook with charts or an A4 PDF (导出报表…), and
the monthly report upward (月度工作报表…). Asked for with a save dialog, written off the GUI
thread through ``Op``, the outcome said in the tab's status line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QPushButton

from app.printing.documents.stats_report import render_stats_report
from app.services.reports.report_files import ReportFiles, write_report_files
from app.views.ops import Op, failure_text

FILE_TYPES = "Excel 工作簿（含图表） (*.xlsx);;PDF 文件 (*.pdf)"


def ask_target(parent, title: str, name: str) -> Path | None:
    path, chosen = QFileDialog.getSaveFileName(parent, title, name, FILE_TYPES)
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() not in (".xlsx", ".pdf"):
        target = target.with_name(target.name + (".pdf" if "pdf" in chosen.lower() else ".xlsx"))
    return target


def add_report_button(page) -> QPushButton:
    button = QPushButton("导出报表…")
    button.setToolTip("把当前时间段和范围的统计报表导出为带图表的 Excel 或 PDF")
    button.clicked.connect(lambda: export_report(page))
    page.actions.addWidget(button)
    return button


def export_report(page, target: Path | None = None) -> bool:
    """Write the report of the page's period and scope to ``target`` (asked for when None)."""
    try:
        period = page.period()
    except ValueError as exc:
        page.status.setText(str(exc))
        return False
    target = target or ask_target(
        page, "导出统计报表", f"统计报表-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    )
    if target is None:
        return False
    ctx, grid = page.ctx, page.grid_box.currentData()
    is_pdf = target.suffix.lower() == ".pdf"

    def work() -> ReportFiles:
        with ctx.db.sessions.begin() as session:
            return write_report_files(
                session,
                period,
                actor=ctx.user.username,
                scope=ctx.scope,
                grid_code=grid,
                xlsx=None if is_pdf else target,
                pdf=target if is_pdf else None,
                render_pdf=render_stats_report,
            )

    page.status.setText("正在导出统计报表…")
    Op(page, work, runner=ctx.runner).success(
        lambda done: page.status.setText(f"已导出{done.report.period.label}统计报表到 {target}")
    ).failure(lambda exc: page.status.setText(f"导出未完成：{failure_text(exc)}")).run()
    return True
