"""The desk's 党建 tab: the warning for branches that held no meeting last month, the member
register of the person's grids, and adding a resident as a member by ID number (card swipe or
typed). Lists load when the tab is first shown, so signing in reads no one's data."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget

from app.services.party.meetings import branches_without_meeting, last_month
from app.services.party.members import MemberError, MemberRow, add_resident_member, list_members
from app.services.population.lookup import LookupFailed, keeping_refusals
from app.views.desk.context import DeskContext
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
        layout = QVBoxLayout(self)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #9b2c2c; font-weight: bold;")
        layout.addWidget(self.warning)
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
        layout.addLayout(add)
        self.message = QLabel()
        layout.addWidget(self.message)
        self.model = RowTableModel(COLUMNS, _shown, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        # ---- 党员积分与年度评定: its own window (app/views/desk/party_points_page.py) ----
        from app.views.desk.party_points_page import open_points_window

        self.points_button = QPushButton("党员积分与年度评定…")
        self.points_button.clicked.connect(lambda: open_points_window(self.ctx, self))
        layout.addWidget(self.points_button)
        # ---- end 党员积分 ----

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
