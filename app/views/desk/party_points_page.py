"""The 党员积分 window of the 党建 tab: a branch's members ranked for a year with the proposed and
decided grades; a member's points line by line (which rule, when, what, how many); points given
by hand; the branch's decision; the 评定表 exported to .xlsx or printed. Every read goes through
the audited services, and a member's lines are read only when the person picks that member."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.printing.documents.party_grades import render_grade_sheet
from app.services.admin.permissions import NotPermitted
from app.services.party.members import MemberError
from app.services.party.point_grades import BranchYear, RankRow, branch_year, decide_grade
from app.services.party.point_sheet import sheet_title, write_sheet_xlsx
from app.services.party.points import (
    MemberPoints,
    PointLine,
    add_entry,
    approvers,
    branch_choices,
    member_points,
    withdraw_entry,
)
from app.views.desk.context import DeskContext
from app.views.desk.document_dialog import open_preview
from app.views.desk.party_points_dialogs import EntryDialog, GradeDialog, WithdrawDialog
from app.views.desk.party_rules_dialog import RulesDialog
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel

RANK_COLUMNS = [
    ("place", "名次"),
    ("name", "姓名"),
    ("group", "类别"),
    ("points", "积分"),
    ("unexcused", "无故缺席"),
    ("proposed", "系统建议"),
    ("decided", "支部评定"),
]
LINE_COLUMNS = [("on", "日期"), ("rule", "规则"), ("what", "事项"), ("points", "积分")]
REFUSALS = (MemberError, NotPermitted)


def _rank_cell(row: RankRow, key: str) -> str:
    if key == "place":
        return f"{row.place}/{row.of}"
    value = getattr(row, key)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value) if value not in ("", None) else "—"


def _line_cell(line, key: str) -> str:
    value = getattr(line, key)
    if key == "points":
        return f"{value:+g}"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


class PartyPointsWindow(QDialog):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.record: BranchYear | None = None
        self.points: MemberPoints | None = None
        self.dialog: QDialog | None = None
        self.setWindowTitle("党员积分与年度评定")
        self.resize(1100, 640)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.branch = QComboBox()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.rank_button = QPushButton("查看排名")
        self.rank_button.clicked.connect(self.load_ranking)
        top.addWidget(QLabel("党支部"))
        top.addWidget(self.branch, 3)
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year)
        top.addWidget(self.rank_button)
        layout.addLayout(top)
        split = QSplitter()
        self.rank_model = RowTableModel(RANK_COLUMNS, _rank_cell, self)
        self.rank_table = QTableView()
        self.rank_table.setModel(self.rank_model)
        self.rank_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.rank_table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.rank_table.clicked.connect(lambda index: self.show_member(index.row()))
        split.addWidget(self.rank_table)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.total = QLabel("点选左侧党员查看积分明细")
        self.total.setStyleSheet("font-weight: bold;")
        self.total.setWordWrap(True)
        right_layout.addWidget(self.total)
        self.line_model = RowTableModel(LINE_COLUMNS, _line_cell, self)
        self.line_table = QTableView()
        self.line_table.setModel(self.line_model)
        self.line_table.horizontalHeader().setStretchLastSection(False)
        self.line_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.line_table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.line_table.clicked.connect(lambda _index: self._enable())
        right_layout.addWidget(self.line_table, 1)
        split.addWidget(right)
        split.setSizes([480, 620])
        layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.entry_button = QPushButton("手工加减分…")
        self.entry_button.clicked.connect(self.open_entry)
        self.withdraw_button = QPushButton("撤销手工加减分…")
        self.withdraw_button.setToolTip("在右侧明细中选中一条“手工录入”后撤销（录错时使用）")
        self.withdraw_button.clicked.connect(self.open_withdraw)
        self.grade_button = QPushButton("记录评定…")
        self.grade_button.clicked.connect(self.open_grade)
        self.export_button = QPushButton("导出评定表（Excel）…")
        self.export_button.clicked.connect(self.choose_export_file)
        self.print_button = QPushButton("打印评定表…")
        self.print_button.clicked.connect(self.print_sheet)
        self.rules_button = QPushButton("积分规则…")
        self.rules_button.clicked.connect(self.open_rules)
        for button in (
            self.entry_button,
            self.withdraw_button,
            self.grade_button,
            self.export_button,
            self.print_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.rules_button)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        with ctx.db.sessions() as session:
            for choice in branch_choices(session, scope=ctx.scope):
                self.branch.addItem(choice.label, choice.id)
        self._enable()

    def _enable(self) -> None:
        picked = self.points is not None
        self.entry_button.setEnabled(picked)
        self.withdraw_button.setEnabled(self._chosen_entry() is not None)
        self.grade_button.setEnabled(picked)
        self.export_button.setEnabled(self.record is not None)
        self.print_button.setEnabled(self.record is not None)

    def load_ranking(self, keep_member: int | None = None) -> None:
        branch_id = self.branch.currentData()
        if branch_id is None:
            self.message.setText("您负责的网格中没有网格党支部")
            return
        try:
            with self.ctx.db.sessions.begin() as session:
                self.record = branch_year(
                    session, branch_id, self.year.value(), scope=self.ctx.scope, actor=self.ctx.user.username
                )
        except REFUSALS as exc:
            self.message.setText(str(exc))
            return
        self.rank_model.set_rows(list(self.record.rows))
        self.rank_table.resizeColumnsToContents()
        decided = sum(1 for r in self.record.rows if r.decided)
        self.message.setText(
            f"{self.record.branch}{self.record.year}年度：{len(self.record.rows)}名党员，已评定{decided}名"
        )
        self.points = None
        self.line_model.set_rows([])
        self.total.setText("点选左侧党员查看积分明细")
        if keep_member is not None:
            for index, row in enumerate(self.record.rows):
                if row.member_id == keep_member:
                    self.rank_table.selectRow(index)
                    self.show_member(index)
        self._enable()

    def show_member(self, index: int) -> None:
        row = self.rank_model.rows[index]
        try:
            with self.ctx.db.sessions.begin() as session:
                self.points = member_points(
                    session,
                    row.member_id,
                    self.year.value(),
                    scope=self.ctx.scope,
                    actor=self.ctx.user.username,
                )
        except REFUSALS as exc:
            self.message.setText(str(exc))
            return
        self.line_model.set_rows(list(self.points.lines))
        self.line_table.resizeColumnsToContents()
        parts = "，".join(f"{rule}{points:+g}" for rule, points in self.points.by_rule().items())
        self.total.setText(
            f"{self.points.name}（{self.points.id_masked}）{self.points.year}年度积分：{self.points.total:g}分"
            + (f"　{parts}" if parts else "")
        )
        self._enable()

    def _selected(self) -> RankRow | None:
        if self.points is None:
            return None
        return next((r for r in self.rank_model.rows if r.member_id == self.points.member_id), None)

    def open_entry(self) -> None:
        row = self._selected()
        if row is None:
            return
        with self.ctx.db.sessions() as session:
            names = approvers(session)
        self.dialog = EntryDialog(
            row.name, names, lambda p, r, a: self._save_entry(row.member_id, p, r, a), self
        )
        self.dialog.open()

    def _save_entry(self, member_id: int, points: float, reason: str, approver: str) -> None:
        day = dt.date.today()
        if day.year != self.year.value():
            day = dt.date(self.year.value(), 12, 31)

        def work(session) -> str:
            add_entry(
                session,
                member_id,
                points=points,
                reason=reason,
                approver=approver,
                on=day,
                scope=self.ctx.scope,
                actor=self.ctx.user.username,
            )
            return f"已记录：{points:+g}分，{reason.strip()}（审批：{approver.strip()}）"

        self._save_from_dialog(member_id, work)

    def _save_from_dialog(self, member_id: int, work) -> None:
        """``work(session)`` in one transaction: a refusal stays in the open form; success closes
        it, shows the member's lines again and says what was saved (what ``work`` returns)."""
        try:
            with self.ctx.db.sessions.begin() as session:
                said = work(session)
        except REFUSALS as exc:
            self.dialog.refused(str(exc))
            return
        self.dialog.accept()
        self.load_ranking(keep_member=member_id)
        self.message.setText(said)

    def _chosen_entry(self) -> PointLine | None:
        """The line chosen in the member's lines, when it was given by hand."""
        rows = self.line_table.selectionModel().selectedRows() if self.points is not None else []
        line = self.line_model.rows[rows[0].row()] if rows else None
        return line if line is not None and line.entry_id is not None else None

    def open_withdraw(self) -> None:
        line, row = self._chosen_entry(), self._selected()
        if line is None or row is None:
            return
        with self.ctx.db.sessions() as session:
            names = approvers(session)
        what = f"{row.name} {line.on.isoformat()} {line.points:+g}分（{line.what}）"
        self.dialog = WithdrawDialog(
            what, names, lambda r, a: self._withdraw(row.member_id, line, r, a), self
        )
        self.dialog.open()

    def _withdraw(self, member_id: int, line: PointLine, reason: str, approver: str) -> None:
        def work(session) -> str:
            withdraw_entry(
                session,
                line.entry_id,
                reason=reason,
                approver=approver,
                on=dt.date.today(),
                scope=self.ctx.scope,
                actor=self.ctx.user.username,
            )
            return f"已撤销：{line.points:+g}分，{reason.strip()}（审批：{approver.strip()}）"

        self._save_from_dialog(member_id, work)

    def open_rules(self) -> None:
        """The rules the points are computed by; a change shows the ranking again at once."""

        def changed() -> None:
            if self.record is not None:
                self.load_ranking(keep_member=self.points.member_id if self.points else None)

        self.dialog = RulesDialog(self.ctx, changed, self)
        self.dialog.open()

    def open_grade(self) -> None:
        row = self._selected()
        if row is None:
            return
        self.dialog = GradeDialog(
            row.name, row.proposed, row.why, lambda g, n: self._save_grade(row.member_id, g, n), self
        )
        self.dialog.open()

    def _save_grade(self, member_id: int, grade: str, note: str) -> None:
        def work(session) -> str:
            done = decide_grade(
                session,
                member_id,
                self.year.value(),
                grade,
                note=note,
                scope=self.ctx.scope,
                actor=self.ctx.user.username,
            )
            return f"已记录：{done.name} {self.year.value()}年度评定为{done.decided}"

        self._save_from_dialog(member_id, work)

    def _sheet(self, purpose: str) -> BranchYear:
        with self.ctx.db.sessions.begin() as session:
            return branch_year(
                session,
                self.record.branch_id,
                self.record.year,
                scope=self.ctx.scope,
                actor=self.ctx.user.username,
                purpose=purpose,
            )

    def choose_export_file(self) -> None:
        name = f"{sheet_title(self.record)}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "导出党员评定表", name, "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        record, actor = self._sheet("党员评定表导出"), self.ctx.user.username

        def work() -> int:
            return write_sheet_xlsx(path, record, made_by=actor)

        Op(self, work, runner=self.ctx.runner).success(
            lambda rows: self.message.setText(f"已导出{rows}名党员到 {path}")
        ).failure(lambda exc: self.message.setText(failure_text(exc))).run()

    def print_sheet(self) -> None:
        record, centre, actor = self._sheet("党员评定表打印"), self.ctx.centre_name, self.ctx.user.username

        def work() -> bytes:
            return render_grade_sheet(record, centre_name=centre, made_by=actor)

        def rendered(pdf: bytes) -> None:
            open_preview(
                self.ctx,
                sheet_title(record),
                pdf,
                suggested_name=f"{sheet_title(record)}.pdf",
                parent=self,
                modal=False,
            )

        Op(self, work, runner=self.ctx.runner).success(rendered).failure(
            lambda exc: self.message.setText(failure_text(exc))
        ).run()


def open_points_window(ctx: DeskContext, parent: QWidget) -> PartyPointsWindow:
    """The window, kept on ``parent`` so that a second click raises it rather than opening another."""
    window = getattr(parent, "points_window", None)
    if window is None:
        window = PartyPointsWindow(ctx, parent)
        parent.points_window = window
    window.show()
    window.raise_()
    return window
