"""组织架构 under the 党建 tab: the four levels as a tree (community committee, grid branches,
building groups, 党员中心户) with each node's secretary or leader; a node renamed, its leader
set (a resident by ID card, or a name), a building group or 党员中心户 added below it. The
notice boards read the same rows, so they print what this shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.party.members import MemberError
from app.services.party.organisation import OrgRow, add_child, organisation_rows, rename, set_leader
from app.services.population.lookup import LookupFailed, keeping_refusals
from app.views.desk.context import DeskContext


class OrgPage(QWidget):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["党组织", "层级", "书记/负责人", "联系电话", "党员数"])
        self.tree.setColumnWidth(0, 300)
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.name_field = QLineEdit()
        self.name_field.setPlaceholderText("新名称，或下级组织名称")
        self.leader_field = QLineEdit()
        self.leader_field.setPlaceholderText("负责人：刷身份证、输入身份证号或姓名")
        self.rename_button = QPushButton("更名")
        self.rename_button.clicked.connect(self.rename)
        self.leader_button = QPushButton("设为负责人")
        self.leader_button.clicked.connect(self.set_leader)
        self.add_button = QPushButton("新增下级组织")
        self.add_button.clicked.connect(self.add_child)
        for widget in (
            self.name_field,
            self.rename_button,
            self.leader_field,
            self.leader_button,
            self.add_button,
        ):
            row.addWidget(widget)
        layout.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

    def load(self, keep: int | None = None) -> None:
        with self.ctx.db.sessions() as session:
            rows = organisation_rows(session, scope=self.ctx.scope)
        self.tree.clear()
        items: dict[int, QTreeWidgetItem] = {}
        for r in rows:
            item = QTreeWidgetItem(
                [r.name, r.level_name, r.leader_name or "—", r.leader_phone or "—", str(r.members or "")]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, r.id)
            parent = items.get(r.parent_id) if r.parent_id else None
            (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
            items[r.id] = item
        for r in rows:
            if r.level in ("community", "grid_branch"):
                items[r.id].setExpanded(r.level == "community")
        if keep in items:
            self.tree.setCurrentItem(items[keep])
            items[keep].setExpanded(True)

    def chosen(self) -> int | None:
        item = self.tree.currentItem()
        if item is None:
            self.message.setText("请先在树中选择一个党组织")
            return None
        return item.data(0, Qt.ItemDataRole.UserRole)

    def _change(self, change, done) -> None:
        try:
            row: OrgRow = keeping_refusals(self.ctx.db.sessions, change)
        except (MemberError, LookupFailed) as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(done(row))
        self.name_field.clear()
        self.leader_field.clear()
        self.load(keep=row.id)

    def rename(self) -> None:
        org_id, name = self.chosen(), self.name_field.text().strip()
        if org_id is None:
            return
        if not name:
            name, ok = QInputDialog.getText(self, "更名", "新名称")
            if not ok:
                return
        self._change(
            lambda s: rename(s, org_id, name, scope=self.ctx.scope, actor=self.ctx.user.username),
            lambda r: f"已更名为{r.name}",
        )

    def set_leader(self) -> None:
        org_id, who = self.chosen(), self.leader_field.text().strip()
        if org_id is None:
            return
        is_number = _is_id_number(who)
        self._change(
            lambda s: set_leader(
                s,
                org_id,
                scope=self.ctx.scope,
                actor=self.ctx.user.username,
                id_text=who if is_number else "",
                name="" if is_number else who,
            ),
            lambda r: f"{r.name}的负责人已设为{r.leader_name}",
        )

    def add_child(self) -> None:
        """A leader typed as a name (not an ID number) is set once the node exists; a 党员中心户
        needs the household head's number."""
        parent_id, name, who = self.chosen(), self.name_field.text().strip(), self.leader_field.text().strip()
        if parent_id is None:
            return
        is_number = _is_id_number(who)
        scope, actor = self.ctx.scope, self.ctx.user.username

        def work(session) -> OrgRow:
            row = add_child(
                session, parent_id, name, scope=scope, actor=actor, leader_id_text=who if is_number else ""
            )
            if who and not is_number:
                row = set_leader(session, row.id, scope=scope, actor=actor, name=who)
            return row

        self._change(work, lambda r: f"已新增{r.level_name}：{r.name}")


def _is_id_number(text: str) -> bool:
    return sum(c.isdigit() for c in text) >= 15
