"""审计日志 (设置 → 审计日志…, administrators only): who looked at, printed, exported or changed
what, filtered by account, resident (ID number), action and dates; 200 rows a page; 导出Excel.

A search by a resident's ID number is a lookup of that resident and is logged as one; so is an
export. The log can be long: the page and its count, and the export, run through ``Op``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.services.admin.audit_export import AuditExport, export_audit_xlsx
from app.services.admin.audit_log import AuditPage, AuditQuery, AuditRow, audit_page
from app.services.common.audit_actions import action_choices
from app.views.desk.context import DeskContext
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel

COLUMNS = [
    ("at", "时间"),
    ("actor", "操作人"),
    ("action_name", "操作"),
    ("subject", "对象"),
    ("purpose", "用途"),
    ("detail", "详情"),
]
NO_DATE = QDate(2000, 1, 1)  # the date fields' minimum, shown as 不限


def _shown(row: AuditRow, key: str) -> str:
    if key == "at":
        return row.at.strftime("%Y-%m-%d %H:%M:%S")
    value = str(getattr(row, key))
    return value if len(value) <= 120 else value[:119] + "…"


def _date_field() -> QDateEdit:
    field = QDateEdit()
    field.setCalendarPopup(True)
    field.setDisplayFormat("yyyy-MM-dd")
    field.setMinimumDate(NO_DATE)
    field.setSpecialValueText("不限")
    field.setDate(NO_DATE)
    return field


class AuditLogDialog(QDialog):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("审计日志")
        self.resize(1200, 720)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.actor = QLineEdit()
        self.actor.setPlaceholderText("账号，如 qiantai")
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("居民身份证号")
        self.action = QComboBox()
        self.action.addItem("全部操作", "")
        for code, name in action_choices():
            self.action.addItem(name, code)
        self.date_from = _date_field()
        self.date_to = _date_field()
        self.search_button = QPushButton("查询")
        self.search_button.setDefault(True)
        for label, widget in (
            ("操作人", self.actor),
            ("居民", self.id_number),
            ("操作", self.action),
            ("从", self.date_from),
            ("至", self.date_to),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search_button)
        layout.addLayout(filters)
        self.model = RowTableModel(COLUMNS, _shown, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.previous_button = QPushButton("上一页")
        self.next_button = QPushButton("下一页")
        self.page_label = QLabel()
        self.export_button = QPushButton("导出Excel…")
        bottom.addWidget(self.status, 1)
        for widget in (self.previous_button, self.page_label, self.next_button, self.export_button):
            bottom.addWidget(widget)
        layout.addLayout(bottom)
        self.search_button.clicked.connect(lambda: self.show_page(0))
        # Return in a filter presses 查询, the dialog's default button.
        self.previous_button.clicked.connect(lambda: self.show_page(self.page.page - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.page.page + 1))
        self.export_button.clicked.connect(self.choose_export_file)
        self.page: AuditPage | None = None
        self.query = AuditQuery()
        self.show_page(0)

    def current_query(self) -> AuditQuery:
        return AuditQuery(
            actor=self.actor.text().strip(),
            id_number=self.id_number.text().strip(),
            action=self.action.currentData() or "",
            date_from=_date_of(self.date_from),
            date_to=_date_of(self.date_to),
        )

    def show_page(self, number: int) -> None:
        """Page ``number`` of the filters as they stand (page 0: a new search)."""
        query = self.current_query() if number == 0 or self.page is None else self.query
        db, actor = self.ctx.db, self.ctx.user.username

        def work() -> AuditPage:
            with db.sessions.begin() as session:
                return audit_page(session, query, actor=actor, page=number)

        self._busy(True)
        self.status.setText("正在查询…")
        Op(self, work, runner=self.ctx.runner).success(lambda page: self._shown_page(query, page)).failure(
            self._failed
        ).run()

    def _shown_page(self, query: AuditQuery, page: AuditPage) -> None:
        self.query, self.page = query, page
        self.model.set_rows(page.rows)
        self._busy(False)
        self.page_label.setText(f"第 {page.page + 1}/{page.page_count} 页")
        self.status.setText(f"共 {page.total} 条" if page.total else "没有符合条件的记录")

    def choose_export_file(self) -> None:
        name = f"审计日志-{dt.date.today():%Y%m%d}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "导出审计日志", name, "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write every entry of the current filters (not only this page) to ``path``."""
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        query, db, actor = self.current_query(), self.ctx.db, self.ctx.user.username

        def work() -> AuditExport:
            with db.sessions.begin() as session:
                return export_audit_xlsx(session, query, path, actor=actor)

        self._busy(True)
        self.status.setText("正在导出…")
        Op(self, work, runner=self.ctx.runner).success(self._exported).failure(self._failed).run()

    def _exported(self, done: AuditExport) -> None:
        self._busy(False)
        self.status.setText(f"已导出 {done.rows} 条到 {done.path}")

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        self.status.setText(failure_text(exc))

    def _busy(self, busy: bool) -> None:
        self.search_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy)
        page = self.page
        self.previous_button.setEnabled(not busy and page is not None and page.page > 0)
        self.next_button.setEnabled(not busy and page is not None and page.page + 1 < page.page_count)


def _date_of(field: QDateEdit) -> dt.date | None:
    date = field.date()
    return None if date == NO_DATE else dt.date(date.year(), date.month(), date.day())
