"""双报到 under the 党建 tab: the in-service members who report to the community, one joining
(name, ID number, grid, unit: only the masked number is kept), a service recorded for the chosen
member, and their year's 报到服务记实 printed for them to take back to their unit."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models import REPORT_IN_POSTS
from app.printing.documents.report_in import render_report_in_sheet
from app.services.party.members import MemberError, MemberRow, list_members
from app.services.party.report_in import add_outside_member, member_year, record_service
from app.views.desk.context import DeskContext
from app.views.desk.document_dialog import open_preview
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel, record_table

IN_SERVICE = "在职党员到社区报到"
COLUMNS = [("name", "姓名"), ("id_masked", "身份证号"), ("branch", "报到支部"), ("unit_name", "报到单位")]


class ReportInPage(QWidget):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.preview = None
        layout = QVBoxLayout(self)
        join = QHBoxLayout()
        self.join_name, self.join_id = QLineEdit(), QLineEdit()
        self.join_grid, self.join_unit = QLineEdit(), QLineEdit()
        for field, hint in (
            (self.join_name, "姓名"),
            (self.join_id, "身份证号"),
            (self.join_grid, "网格编码"),
            (self.join_unit, "报到单位"),
        ):
            field.setPlaceholderText(hint)
            join.addWidget(field)
        self.join_button = QPushButton("报到登记")
        self.join_button.clicked.connect(self.join)
        join.addWidget(self.join_button)
        layout.addWidget(QLabel("在职党员到社区报到"))
        layout.addLayout(join)
        self.model = RowTableModel(COLUMNS, lambda r, k: getattr(r, k) or "—", self)
        self.table = record_table(self.model)
        layout.addWidget(self.table, 1)
        grid = QGridLayout()
        self.served_on = QDateEdit(calendarPopup=True)
        self.served_on.setDisplayFormat("yyyy-MM-dd")
        self.served_on.setDate(QDate.currentDate())
        self.post = QComboBox()
        self.post.addItems(REPORT_IN_POSTS)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0.5, 24)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(2)
        self.content, self.confirmed_by = QLineEdit(), QLineEdit()
        self.content.setPlaceholderText("服务内容")
        self.confirmed_by.setPlaceholderText("确认人")
        for column, (label, widget) in enumerate(
            (("日期", self.served_on), ("岗位", self.post), ("时长", self.hours))
        ):
            grid.addWidget(QLabel(label), 0, column * 2)
            grid.addWidget(widget, 0, column * 2 + 1)
        grid.addWidget(self.content, 1, 0, 1, 4)
        grid.addWidget(self.confirmed_by, 1, 4)
        self.record_button = QPushButton("记录服务")
        self.record_button.clicked.connect(self.record)
        grid.addWidget(self.record_button, 1, 5)
        layout.addLayout(grid)
        sheet = QHBoxLayout()
        self.sheet_button = QPushButton("打印本年报到服务记实")
        self.sheet_button.clicked.connect(self.print_sheet)
        sheet.addStretch(1)
        sheet.addWidget(self.sheet_button)
        layout.addLayout(sheet)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

    def load(self) -> None:
        with self.ctx.db.sessions.begin() as session:
            rows = list_members(session, scope=self.ctx.scope, actor=self.ctx.user.username)
        self.model.set_rows([r for r in rows if r.kind == IN_SERVICE])

    def chosen(self) -> MemberRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.message.setText("请先在列表中选择一名报到党员")
            return None
        return self.model.rows[index.row()]

    def _write(self, work) -> object | None:
        try:
            with self.ctx.db.sessions.begin() as session:
                return work(session)
        except MemberError as exc:
            self.message.setText(str(exc))
            return None

    def join(self) -> None:
        row = self._write(
            lambda s: add_outside_member(
                s,
                name=self.join_name.text(),
                id_text=self.join_id.text(),
                grid_code=self.join_grid.text().strip(),
                unit_name=self.join_unit.text(),
                scope=self.ctx.scope,
                actor=self.ctx.user.username,
            )
        )
        if row is None:
            return
        for field in (self.join_name, self.join_id, self.join_unit):
            field.clear()
        self.load()
        self.message.setText(f"已登记报到：{row.name}（{row.unit_name}）")

    def record(self) -> None:
        member = self.chosen()
        if member is None:
            return
        served = self._write(
            lambda s: record_service(
                s,
                member.id,
                served_on=self.served_on.date().toPython(),
                post=self.post.currentText(),
                hours=self.hours.value(),
                content=self.content.text(),
                confirmed_by=self.confirmed_by.text(),
                scope=self.ctx.scope,
                actor=self.ctx.user.username,
            )
        )
        if served is not None:
            self.content.clear()
            self.message.setText(f"已记录{member.name}的服务：{served.post} {served.hours:g}小时")

    def print_sheet(self) -> None:
        member = self.chosen()
        if member is None:
            return
        db, scope, actor, centre = self.ctx.db, self.ctx.scope, self.ctx.user.username, self.ctx.centre_name
        year = dt.date.today().year

        def work() -> bytes:
            with db.sessions.begin() as session:
                record = member_year(session, member.id, year, scope=scope, actor=actor)
            return render_report_in_sheet(record, centre_name=centre)

        def rendered(pdf: bytes) -> None:
            self.message.setText(f"{member.name}{year}年报到服务记实已生成")
            self.preview = open_preview(
                self.ctx, "报到服务记实", pdf, suggested_name=f"{member.name}-{year}报到服务记实.pdf", parent=self,
                modal=False,
            )  # fmt: skip

        Op(self, work, runner=self.ctx.runner).success(rendered).failure(
            lambda exc: self.message.setText(failure_text(exc))
        ).run()
