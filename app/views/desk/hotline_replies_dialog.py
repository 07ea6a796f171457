"""导出12345回单: the replies to the hotline's work orders completed in a period, saved as an .xlsx
in the layout the hotline import reads, for the centre to send back to the hotline platform."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.admin.permissions import can
from app.services.common.os_errors import os_reason
from app.services.imports.hotline_replies import export_hotline_replies
from app.views.desk.context import DeskContext
from app.views.ops import Op, failure_text


class HotlineRepliesDialog(QDialog):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle("导出12345回单")
        self.setMinimumWidth(480)
        day = QDate(today or dt.date.today())
        self.date_from = QDateEdit(day.addDays(-day.day() + 1))
        self.date_to = QDateEdit(day)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.path_edit = QLineEdit(str(Path.home() / f"12345回单-{day.toString('yyyyMMdd')}.xlsx"))
        browse = QPushButton("浏览…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("办结日期从(&F)", self.date_from)
        form.addRow("至(&T)", self.date_to)
        form.addRow("保存到(&S)", path_row)
        self.message = QLabel("导出所选期间内办结的12345工单：工单编号、办理结果、办结时间、办理人、满意度。")
        self.message.setWordWrap(True)
        self.export_button = QPushButton("导出(&E)")
        self.export_button.clicked.connect(self.export)
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "保存回单", self.path_edit.text(), "Excel 工作簿 (*.xlsx)"
        )
        if path:
            self.path_edit.setText(path if path.endswith(".xlsx") else path + ".xlsx")

    def export(self) -> None:
        start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
        if end < start:
            self.message.setText("结束日期不能早于开始日期。")
            return
        path = Path(self.path_edit.text().strip())
        db, actor, scope = self._ctx.db, self._ctx.user.username, self._ctx.scope

        def work() -> int:
            with db.sessions.begin() as session:
                return export_hotline_replies(session, start, end, path, actor=actor, scope=scope)

        def done(count: int) -> None:
            self.message.setText(f"已导出 {count} 条回单到 {path}")

        def failed(exc: Exception) -> None:
            why = os_reason(exc) if isinstance(exc, OSError) else failure_text(exc)
            self.message.setText(f"没有导出：{why}")

        self.export_button.setEnabled(False)
        op = Op(self, work, runner=self._ctx.runner).success(done).failure(failed)
        op.run()
        self.export_button.setEnabled(True)


def add_case_loop_actions(window: QWidget, work: QMenu, settings: QMenu, ctx: DeskContext) -> None:
    """业务 › 导出12345回单…, and for the administrator 设置 › 上报对象…"""
    replies = QAction("导出12345回单…", window)
    replies.triggered.connect(lambda: HotlineRepliesDialog(ctx, window).exec())
    actions = work.actions()  # placed right after 导入12345工单…, above 退出
    after = next((i for i, a in enumerate(actions) if a.text().startswith("导入12345")), None)
    if after is not None and after + 1 < len(actions):
        work.insertAction(actions[after + 1], replies)
    else:
        work.addAction(replies)
    if can(ctx.user.role, "escalation.manage"):
        from app.views.desk.escalation_targets_dialog import EscalationTargetsDialog

        targets = QAction("上报对象…", window)
        targets.triggered.connect(lambda: EscalationTargetsDialog(ctx, window).exec())
        settings.addAction(targets)
