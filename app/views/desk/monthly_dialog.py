"""月度工作报表…: the month and the community's notes, then the report is made, kept for the street
office's next sync and, when a file is chosen, written as a workbook or PDF. The work runs off the
GUI thread; the dialog says what happened in one line and stays open to make it again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from app.printing.documents.stats_report import render_stats_report
from app.services.reports.monthly import MAX_NOTES, MonthlyDone, make_monthly_report, monthly_reports
from app.views.desk.context import DeskContext
from app.views.desk.stats_files import ask_target
from app.views.ops import Op, failure_text


class MonthlyReportDialog(QDialog):
    def __init__(self, ctx: DeskContext, today: dt.date, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("月度工作报表")
        last = today.replace(day=1) - dt.timedelta(days=1)  # the month just ended
        self.month_edit = QDateEdit(QDate(last.year, last.month, 1))
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("情况说明：本月重点工作、存在问题、下月打算（随报表一并报送街道）")
        self.save_file = QCheckBox("同时导出文件（Excel 或 PDF）")
        self.save_file.setChecked(True)
        self.make_button = QPushButton("生成并报送")
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(lambda: self.make())
        self.result_label = QLabel(self._kept_text())
        self.result_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("月份：", self.month_edit)
        form.addRow("情况说明：", self.notes)
        form.addRow("", self.save_file)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.make_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(
            QLabel(
                "报表内容为所选月份全社区的统计数字加情况说明，保存后在下次同步时报送街道；同月重新生成将替换街道已收到的版本。"
            )
        )
        box.addLayout(form)
        box.addWidget(self.result_label)
        box.addWidget(buttons)
        self.resize(620, 420)

    def month(self) -> str:
        return self.month_edit.date().toString("yyyy-MM")

    def _kept_text(self) -> str:
        with self.ctx.db.sessions() as session:
            kept = monthly_reports(session)[:3]
        if not kept:
            return "本机尚未生成过月度工作报表。"
        parts = [f"{k.month} 第{k.version}版（{'街道已收到' if k.sent else '待同步报送'}）" for k in kept]
        return "最近的月度报表：" + "；".join(parts)

    def make(self, target: Path | None = None) -> None:
        notes = self.notes.toPlainText()
        if len(notes.strip()) > MAX_NOTES:
            self.result_label.setText(f"情况说明最多{MAX_NOTES}字，请删减后再生成")
            return
        month = self.month()
        if target is None and self.save_file.isChecked():
            target = ask_target(self, "保存月度工作报表", f"月度工作报表-{month}.xlsx")
            if target is None:
                return
        ctx = self.ctx
        is_pdf = target is not None and target.suffix.lower() == ".pdf"

        def work() -> MonthlyDone:
            with ctx.db.sessions.begin() as session:
                return make_monthly_report(
                    session,
                    month,
                    actor=ctx.user.username,
                    scope=ctx.scope,
                    notes=notes,
                    xlsx=None if target is None or is_pdf else target,
                    pdf=target if is_pdf else None,
                    render_pdf=render_stats_report,
                )

        self.make_button.setEnabled(False)
        self.result_label.setText("正在生成…")
        Op(self, work, runner=ctx.runner).success(self._made).failure(self._failed).run()

    def _made(self, done: MonthlyDone) -> None:
        self.make_button.setEnabled(True)
        where = f"，已保存到 {done.xlsx or done.pdf}" if (done.xlsx or done.pdf) else ""
        self.result_label.setText(
            f"{done.month} 月度工作报表第{done.version}版已生成{where}，将在下次同步时报送街道。"
        )

    def _failed(self, exc: Exception) -> None:
        self.make_button.setEnabled(True)
        self.result_label.setText(f"未能生成：{failure_text(exc)}")


def add_monthly_button(page) -> QPushButton:
    """月度工作报表…, for the staff who report for the whole community (not a grid worker)."""
    button = QPushButton("月度工作报表…")
    button.setToolTip("生成某月的月度工作报表，保存并在下次同步时报送街道")
    button.clicked.connect(lambda: open_monthly(page))
    button.setVisible(page.ctx.scope.whole_street)
    page.actions.addWidget(button)
    return button


def open_monthly(page):
    page.monthly_dialog = MonthlyReportDialog(page.ctx, page.today(), page)
    page.monthly_dialog.show()
    return page.monthly_dialog
