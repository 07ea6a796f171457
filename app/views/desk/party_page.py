"""The desk's 党建 tab: the warning for branches that held no meeting last month above four
sub-pages: 党员名册 (the register of the person's grids, a resident added by ID number from a
card swipe or typed, a member edited, a roster imported), 组织架构, 组织生活 and 双报到. Each
sub-page reads when it is first shown, so signing in reads no one's data."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.party.meeting_records import BranchChoice, branch_choices
from app.services.party.meetings import branches_without_meeting, last_month
from app.services.party.members import MemberError, MemberRow, add_resident_member, list_members
from app.services.population.lookup import LookupFailed, keeping_refusals
from app.views.desk.context import DeskContext
from app.views.desk.party_meetings_page import MeetingsPage
from app.views.desk.party_member_dialogs import MemberEditDialog, RosterImportDialog
from app.views.desk.party_org_page import OrgPage
from app.views.desk.party_report_in_page import ReportInPage
from app.views.row_model import RowTableModel

COLUMNS = [
    ("name", "姓名"),
    ("id_masked", "身份证号"),
    ("branch", "所在支部"),
    ("status", "状态"),
    ("kind", "类别"),
    ("joined_on", "入党日期"),
    ("unit_name", "报到单位"),
]


def _shown(row: MemberRow, key: str) -> str:
    value = getattr(row, key)
    return "—" if value in (None, "") else str(value)


class PartyPage(QWidget):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False
        self.dialog = None
        outer = QVBoxLayout(self)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #9b2c2c; font-weight: bold;")
        outer.addWidget(self.warning)
        self.sub_pages = QTabWidget()
        outer.addWidget(self.sub_pages, 1)
        register = QWidget()
        layout = QVBoxLayout(register)
        add = QHBoxLayout()
        self.id_field = QLineEdit()
        self.id_field.setPlaceholderText("刷身份证或输入身份证号")
        self.grid_field = QLineEdit()
        self.grid_field.setPlaceholderText("网格编码")
        self.add_button = QPushButton("登记为党员")
        self.add_button.clicked.connect(self.add_member)
        self.grid_field.returnPressed.connect(self.add_member)
        self.id_field.returnPressed.connect(self.grid_field.setFocus)
        add.addWidget(QLabel("新增党员"))
        add.addWidget(self.id_field, 2)
        add.addWidget(self.grid_field, 1)
        add.addWidget(self.add_button)
        self.edit_button = QPushButton("编辑…")
        self.edit_button.clicked.connect(self.edit_member)
        self.import_button = QPushButton("导入名册…")
        self.import_button.clicked.connect(self.import_roster)
        add.addWidget(self.edit_button)
        add.addWidget(self.import_button)
        layout.addLayout(add)
        self.message = QLabel()
        layout.addWidget(self.message)
        self.model = RowTableModel(COLUMNS, _shown, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_member())
        layout.addWidget(self.table, 1)
        # ---- 党员积分与年度评定: its own window (app/views/desk/party_points_page.py) ----
        from app.views.desk.party_points_page import open_points_window

        self.points_button = QPushButton("党员积分与年度评定…")
        self.points_button.clicked.connect(lambda: open_points_window(self.ctx, self))
        layout.addWidget(self.points_button)
        # ---- end 党员积分 ----
        self.org = OrgPage(ctx)
        self.meetings = MeetingsPage(ctx)
        self.report_in = ReportInPage(ctx)
        for page, title in (
            (register, "党员名册"),
            (self.org, "组织架构"),
            (self.meetings, "组织生活"),
            (self.report_in, "双报到"),
        ):
            self.sub_pages.addTab(page, title)
        self.shown_pages: set[int] = {0}
        self.sub_pages.currentChanged.connect(self._sub_page_shown)

    def _sub_page_shown(self, index: int) -> None:
        if index in self.shown_pages or not self.loaded:
            return
        self.shown_pages.add(index)
        page = self.sub_pages.widget(index)
        if hasattr(page, "load"):
            page.load()

    def showEvent(self, event) -> None:  # noqa: N802 — Qt's name
        super().showEvent(event)
        if not self.loaded:
            self.reload()

    def reload(self) -> None:
        self.loaded = True
        month = last_month(dt.date.today())
        with self.ctx.db.sessions.begin() as session:
            missing = branches_without_meeting(session, month, scope=self.ctx.scope)
            rows = list_members(session, scope=self.ctx.scope, actor=self.ctx.user.username)
        if missing:
            names = "、".join(f"{m.branch}（{m.grid_code}）" for m in missing[:10])
            more = f"等{len(missing)}个支部" if len(missing) > 10 else ""
            self.warning.setText(f"上月（{month:%Y年%m月}）未开展组织生活：{names}{more}")
        else:
            self.warning.setText("")
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()

    def add_member(self) -> None:
        id_text, grid_code = self.id_field.text().strip(), self.grid_field.text().strip()
        if not id_text or not grid_code:
            self.message.setText("请输入身份证号和网格编码")
            return

        def work(session):
            return add_resident_member(
                session, id_text, grid_code, scope=self.ctx.scope, actor=self.ctx.user.username
            )

        try:
            row = keeping_refusals(self.ctx.db.sessions, work)
        except (MemberError, LookupFailed) as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"已登记：{row.name}（{row.status} · {row.branch}）")
        self.id_field.clear()
        self.reload()
        self.id_field.setFocus()

    def edit_member(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.message.setText("请先在名册中选择一名党员")
            return
        member = self.model.rows[index.row()]
        self.dialog = MemberEditDialog(self.ctx, member.id, self)
        self.dialog.accepted.connect(self.reload)
        self.dialog.show()

    def import_roster(self) -> None:
        branches = [(c.label, c.grid_code) for c in self.meetings_branches()]
        self.dialog = RosterImportDialog(self.ctx, branches, self)
        self.dialog.finished.connect(lambda _r: self.reload())
        self.dialog.show()

    def meetings_branches(self) -> list[BranchChoice]:
        with self.ctx.db.sessions() as session:
            return branch_choices(session, scope=self.ctx.scope)
