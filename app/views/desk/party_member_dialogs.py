"""The member register's two dialogs: editing one member (预备 → 正式 with the date, kind, the
organisation relation's dates, phone, unit; leaving the register), and importing a branch's
roster, which shows every row's verdict before anything is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.models import MEMBER_KINDS, MEMBER_STATUSES
from app.services.imports.party_roster import RosterReport, import_roster
from app.services.imports.spreadsheet import ImportFileError
from app.services.party.member_edit import (
    LEAVE_REASONS,
    MemberEdit,
    edit_member,
    leave_register,
    member_edit_of,
)
from app.services.party.members import MemberError
from app.views.desk.context import DeskContext

NO_DATE = QDate(1900, 1, 1)


def _date_field(value: dt.date | None) -> QDateEdit:
    """A date that may be empty: the earliest date shows as “未填”."""
    field = QDateEdit(calendarPopup=True)
    field.setDisplayFormat("yyyy-MM-dd")
    field.setMinimumDate(NO_DATE)
    field.setSpecialValueText("未填")
    field.setDate(QDate(value.year, value.month, value.day) if value else NO_DATE)
    return field


def _date_of(field: QDateEdit) -> dt.date | None:
    return None if field.date() == NO_DATE else field.date().toPython()


class MemberEditDialog(QDialog):
    def __init__(self, ctx: DeskContext, member_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.member_id = ctx, member_id
        with ctx.db.sessions.begin() as session:
            name, current = member_edit_of(session, member_id, scope=ctx.scope, actor=ctx.user.username)
        self.setWindowTitle(f"编辑党员信息 · {name}")
        form = QFormLayout(self)
        self.status, self.kind = QComboBox(), QComboBox()
        for combo, names, value in (
            (self.status, MEMBER_STATUSES, current.status),
            (self.kind, MEMBER_KINDS, current.kind),
        ):
            for code, label in names.items():
                combo.addItem(label, code)
            combo.setCurrentIndex(combo.findData(value))
        self.joined, self.full_on = _date_field(current.joined_on), _date_field(current.full_on)
        self.moved_in = _date_field(current.transferred_in_on)
        self.moved_out = _date_field(current.transferred_out_on)
        self.phone, self.unit = QLineEdit(current.phone), QLineEdit(current.unit_name)
        for label, widget in (
            ("状态", self.status),
            ("转正日期", self.full_on),
            ("类别", self.kind),
            ("入党日期", self.joined),
            ("组织关系转入", self.moved_in),
            ("组织关系转出", self.moved_out),
            ("联系电话", self.phone),
            ("报到单位", self.unit),
        ):
            form.addRow(label, widget)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form.addRow(self.message)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        self.leave_button = QPushButton("离开名册…")
        self.leave_button.clicked.connect(lambda: self.leave())
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        for button in (self.save_button, self.leave_button, cancel):
            buttons.addWidget(button)
        form.addRow(buttons)

    def change(self) -> MemberEdit:
        return MemberEdit(
            status=self.status.currentData(),
            kind=self.kind.currentData(),
            joined_on=_date_of(self.joined),
            full_on=_date_of(self.full_on),
            transferred_in_on=_date_of(self.moved_in),
            transferred_out_on=_date_of(self.moved_out),
            phone=self.phone.text(),
            unit_name=self.unit.text(),
        )

    def _write(self, work) -> None:
        try:
            with self.ctx.db.sessions.begin() as session:
                work(session)
        except MemberError as exc:
            self.message.setText(str(exc))
            return
        self.accept()

    def save(self) -> None:
        change = self.change()
        self._write(
            lambda s: edit_member(
                s, self.member_id, change, scope=self.ctx.scope, actor=self.ctx.user.username
            )
        )

    def leave(self, reason: str | None = None) -> None:
        if reason is None:
            reason, ok = QInputDialog.getItem(self, "离开党员名册", "原因", list(LEAVE_REASONS), 0, True)
            if not ok:
                return
        today = dt.date.today()
        self._write(
            lambda s: leave_register(
                s, self.member_id, today, reason, scope=self.ctx.scope, actor=self.ctx.user.username
            )
        )


class RosterImportDialog(QDialog):
    """Choose the file and the branch for rows that name none; 检查 shows every row's verdict,
    导入 writes the accepted rows (the file is checked again, so nothing changed in between)."""

    def __init__(self, ctx: DeskContext, branches: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.report: RosterReport | None = None
        self.setWindowTitle("导入党员名册")
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("党员花名册 .xlsx")
        choose = QPushButton("选择文件…")
        choose.clicked.connect(self.choose)
        self.branch = QComboBox()
        self.branch.addItem("（按表中“所在支部”）", "")
        for label, code in branches:
            self.branch.addItem(label, code)
        bar.addWidget(self.path, 2)
        bar.addWidget(choose)
        bar.addWidget(self.branch, 1)
        layout.addLayout(bar)
        self.outside = QCheckBox("非本街道居民作为街道外党员登记（只保存脱敏身份证号）")
        layout.addWidget(self.outside)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["行", "姓名", "支部", "结果"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.check_button = QPushButton("检查")
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button = QPushButton("导入")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        for button in (self.check_button, self.import_button, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择党员花名册", "", "Excel (*.xlsx);;CSV (*.csv)")
        if path:
            self.path.setText(path)

    def run(self, *, dry_run: bool) -> None:
        path = Path(self.path.text().strip())
        try:
            with self.ctx.db.sessions.begin() as session:
                report = import_roster(
                    session,
                    path,
                    scope=self.ctx.scope,
                    actor=self.ctx.user.username,
                    branch=self.branch.currentData(),
                    allow_outside=self.outside.isChecked(),
                    dry_run=dry_run,
                )
        except (ImportFileError, MemberError) as exc:
            self.message.setText(str(exc))
            return
        self.report = report
        lines = [(r.row, r.name, r.branch, r.verdict) for r in report.accepted]
        lines += [(r.row, "", "", f"拒绝：{r.reason}") for r in report.rejected]
        lines.sort()
        self.table.setRowCount(len(lines))
        for i, values in enumerate(lines):
            for j, value in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(str(value)))
        self.table.resizeColumnsToContents()
        verb = "可导入" if dry_run else "已导入"
        self.message.setText(f"{verb}{len(report.accepted)}人，拒绝{len(report.rejected)}行")
        self.import_button.setEnabled(dry_run and bool(report.accepted))
