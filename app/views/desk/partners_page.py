"""共建单位 at the desk: the partner units (agreement state, linked 双报到 members, resources,
projects) and, below, the selected unit's 双向认领 projects with their milestones. A unit is
registered, its resources and the community's needs listed, a project claimed either way, its
milestones added and reached, and it is ended with its result; the unit's annual record is
previewed for printing. Reads stay on the GUI thread (audited as a list shown); changes and the
record's rendering run through an Op."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.printing.documents.partner_record import render_unit_record
from app.services.common import audit
from app.services.engage import partner_projects as projects
from app.services.engage import partners as service
from app.services.engage.partner_reads import (
    ProjectRow,
    UnitRow,
    list_items,
    list_projects,
    list_units,
    unit_record,
)
from app.views.desk.context import DeskContext
from app.views.desk.document_dialog import open_preview
from app.views.desk.engage_dialogs import FinishDialog, ItemDialog, MilestoneDialog, ProjectDialog, UnitDialog
from app.views.desk.wish_dialogs import StepDialog, open_step, store_step
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel, record_table

UNIT_COLUMNS = [
    ("name", "单位"),
    ("kind", "类别"),
    ("contact_name", "联系人"),
    ("contact_phone", "电话"),
    ("agreement", "共建协议"),
    ("members", "报到党员"),
    ("resources", "资源"),
    ("projects", "项目"),
]
PROJECT_COLUMNS = [
    ("project_no", "编号"),
    ("direction_name", "认领方向"),
    ("title", "项目"),
    ("owner", "负责人"),
    ("progress", "节点"),
    ("status_name", "状态"),
    ("result", "成效"),
]


def _unit_shown(row: UnitRow, key: str) -> str:
    if key == "agreement":
        until = row.agreement_to.isoformat() if row.agreement_to else ""
        return f"{row.agreement_state(dt.date.today())}{'（至' + until + '）' if until else ''}"
    value = getattr(row, key)
    return str(value) if value not in (None, "") else "—"


def _project_shown(row: ProjectRow, key: str) -> str:
    value = getattr(row, key)
    return str(value) if value not in (None, "") else "—"


class PartnersPage(QWidget):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: StepDialog | None = None
        layout = QVBoxLayout(self)
        self.buttons: dict[str, QPushButton] = {}
        unit_bar = QHBoxLayout()
        project_bar = QHBoxLayout()
        for bar, key, text in [
            (unit_bar, "unit", "登记单位…"),
            (unit_bar, "resource", "资源清单…"),
            (unit_bar, "need", "社区需求…"),
            (unit_bar, "claim", "双向认领…"),
            (unit_bar, "record", "打印年度记录…"),
            (project_bar, "milestone", "新增节点…"),
            (project_bar, "reached", "下一节点完成"),
            (project_bar, "finish", "结项…"),
        ]:
            button = QPushButton(text)
            button.setObjectName(f"partner_{key}")
            bar.addWidget(button)
            self.buttons[key] = button
        unit_bar.addStretch(1)
        project_bar.addStretch(1)
        self.units = RowTableModel(UNIT_COLUMNS, _unit_shown, self)
        self.unit_table = record_table(self.units)
        self.projects = RowTableModel(PROJECT_COLUMNS, _project_shown, self)
        self.project_table = record_table(self.projects)
        top, bottom = QWidget(), QWidget()
        top_layout, bottom_layout = QVBoxLayout(top), QVBoxLayout(bottom)
        top_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(unit_bar)
        top_layout.addWidget(self.unit_table, 1)
        self.project_title = QLabel("双向认领项目")
        bottom_layout.addWidget(self.project_title)
        bottom_layout.addLayout(project_bar)
        bottom_layout.addWidget(self.project_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        layout.addWidget(splitter, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.unit_table.selectionModel().selectionChanged.connect(self._unit_changed)
        self.project_table.selectionModel().selectionChanged.connect(self._enable)
        self.buttons["unit"].clicked.connect(self.open_unit)
        self.buttons["resource"].clicked.connect(lambda: self.open_item("resource"))
        self.buttons["need"].clicked.connect(lambda: self.open_item("need"))
        self.buttons["claim"].clicked.connect(self.open_claim)
        self.buttons["record"].clicked.connect(self.print_record)
        self.buttons["milestone"].clicked.connect(self.open_milestone)
        self.buttons["reached"].clicked.connect(self.reach_next)
        self.buttons["finish"].clicked.connect(self.open_finish)
        self._loaded = False
        self._enable()

    def showEvent(self, event) -> None:  # noqa: N802 — load when first looked at
        super().showEvent(event)
        if not self._loaded:
            self.reload()

    # --- reading ----------------------------------------------------------------------------
    def reload(self, unit_id: int | None = None) -> None:
        self._loaded = True
        current = self.unit()
        unit_id = unit_id or (current.unit_id if current else None)
        with self.ctx.db.sessions.begin() as session:
            rows = list_units(session)
            audit.record_list(
                session,
                actor=self.ctx.user.username,
                action="partner_unit_list",
                shown=len(rows),
                what="查看共建单位",
            )
        self.units.set_rows(rows)
        for index, row in enumerate(rows):
            if row.unit_id == unit_id:
                self.unit_table.selectRow(index)
        self._unit_changed()

    def unit(self) -> UnitRow | None:
        indexes = self.unit_table.selectionModel().selectedRows()
        return self.units.rows[indexes[0].row()] if indexes else None

    def project(self) -> ProjectRow | None:
        indexes = self.project_table.selectionModel().selectedRows()
        return self.projects.rows[indexes[0].row()] if indexes else None

    def select_project(self, project_no: str) -> None:
        for index, row in enumerate(self.projects.rows):
            if row.project_no == project_no:
                self.project_table.selectRow(index)

    def _unit_changed(self, *_args) -> None:
        unit = self.unit()
        rows: list[ProjectRow] = []
        if unit is not None:
            with self.ctx.db.sessions() as session:
                rows = list_projects(session, unit_id=unit.unit_id)
        self.projects.set_rows(rows)
        self.project_title.setText(f"双向认领项目：{unit.name}" if unit else "双向认领项目（请先选择单位）")
        self._enable()

    def _enable(self, *_args) -> None:
        unit, project = self.unit(), self.project()
        for key in ("resource", "claim", "record"):
            self.buttons[key].setEnabled(unit is not None)
        active = project is not None and project.status == "active"
        self.buttons["milestone"].setEnabled(active)
        self.buttons["finish"].setEnabled(active)
        self.buttons["reached"].setEnabled(active and any(m.done_on is None for m in project.milestones))

    # --- changing ---------------------------------------------------------------------------
    def _store(
        self, change: Callable[[Any, str], tuple[int, str]], done: str, dialog: StepDialog | None
    ) -> None:
        """``change(session, actor)`` returns (unit id, project number or "")."""
        db, actor = self.ctx.db, self.ctx.user.username

        def work() -> tuple[int, str]:
            with db.sessions.begin() as session:
                return change(session, actor)

        def shown(result: tuple[int, str]) -> None:
            self.reload(result[0])
            self.select_project(result[1])
            self.message.setText(done.format(project_no=result[1]))

        store_step(self, work, dialog, shown)

    def _open(self, dialog: StepDialog) -> StepDialog:
        return open_step(self, dialog)

    def open_unit(self) -> StepDialog:
        def submit(v: dict[str, Any]) -> None:
            def change(session, actor):
                unit = service.register_unit(session, service.UnitFields(**v), actor=actor)
                return unit.id, ""

            self._store(change, f"共建单位“{v['name'].strip()}”已登记", dialog)

        dialog = UnitDialog(submit, self)
        return self._open(dialog)

    def open_item(self, side: str) -> StepDialog | None:
        unit = self.unit()
        if side == "resource" and unit is None:
            return None
        title = f"{unit.name}的资源" if side == "resource" else "社区需求（向所有共建单位提出）"
        today = dt.date.today()

        def submit(v: dict[str, Any]) -> None:
            def change(session, actor):
                owner = service.find_unit(session, unit.unit_id) if side == "resource" else None
                service.add_item(
                    session, side, v["title"], unit=owner, detail=v["detail"], actor=actor, today=today
                )
                return (unit.unit_id if unit else 0), ""

            self._store(
                change, f"已列入{'资源' if side == 'resource' else '需求'}清单：{v['title'].strip()}", dialog
            )

        dialog = ItemDialog(title, submit, self)
        return self._open(dialog)

    def open_claim(self) -> StepDialog | None:
        unit = self.unit()
        if unit is None:
            return None
        with self.ctx.db.sessions() as session:
            items = [i for i in list_items(session, unit_id=unit.unit_id) if not i.claimed_by]
        choices = {
            "need": [(i.title, i.item_id) for i in items if i.side == "need"],
            "resource": [(i.title, i.item_id) for i in items if i.side == "resource"],
        }
        today = dt.date.today()

        def submit(v: dict[str, Any]) -> None:
            def change(session, actor):
                project = projects.claim_project(
                    session, service.find_unit(session, unit.unit_id), **v, actor=actor, today=today
                )
                return unit.unit_id, project.project_no

            self._store(change, "项目 {project_no} 已认领", dialog)

        dialog = ProjectDialog(unit.name, choices, submit, self)
        return self._open(dialog)

    def _on_project(self, step: Callable[[Any, Any, str], Any], done: str, dialog: StepDialog | None) -> None:
        unit, row = self.unit(), self.project()
        if unit is None or row is None:
            return

        def change(session, actor):
            step(session, projects.find_project(session, row.project_no), actor)
            return unit.unit_id, row.project_no

        self._store(change, done, dialog)

    def open_milestone(self) -> StepDialog | None:
        row = self.project()
        if row is None:
            return None

        def submit(v: dict[str, Any]) -> None:
            self._on_project(
                lambda s, p, actor: projects.add_milestone(
                    s, p, v["title"], planned_on=v["planned_on"], actor=actor
                ),
                "项目 {project_no} 已新增节点",
                dialog,
            )

        dialog = MilestoneDialog(row.project_no, submit, self)
        return self._open(dialog)

    def reach_next(self) -> None:
        row = self.project()
        if row is None:
            return
        number = next(m.number for m in row.milestones if m.done_on is None)
        today = dt.date.today()
        self._on_project(
            lambda s, p, actor: projects.milestone_done(
                s, p, number, done_on=today, actor=actor, today=today
            ),
            f"项目 {{project_no}} 的第{number}个节点已完成",
            None,
        )

    def open_finish(self) -> StepDialog | None:
        row = self.project()
        if row is None:
            return None
        today = dt.date.today()

        def submit(v: dict[str, Any]) -> None:
            self._on_project(
                lambda s, p, actor: projects.finish_project(s, p, **v, actor=actor, today=today),
                "项目 {project_no} 已" + ("终止" if v["stopped"] else "完成"),
                dialog,
            )

        dialog = FinishDialog(row.project_no, submit, self)
        return self._open(dialog)

    # --- the annual record ------------------------------------------------------------------
    def print_record(self) -> None:
        unit = self.unit()
        if unit is None:
            return
        db, actor, year = self.ctx.db, self.ctx.user.username, dt.date.today().year

        def work() -> bytes:
            with db.sessions.begin() as session:
                record = unit_record(session, service.find_unit(session, unit.unit_id), year)
                audit.record(
                    session,
                    actor=actor,
                    action="partner_record",
                    subject=unit.name,
                    purpose=f"{year}年度共建记录",
                )
            return render_unit_record(record)

        def rendered(pdf: bytes) -> None:
            self.message.setText(f"{unit.name}{year}年度记录已生成")
            open_preview(
                self.ctx,
                "共建单位年度记录",
                pdf,
                suggested_name=f"{unit.name}-{year}年度记录.pdf",
                parent=self,
            )

        Op(self, work, runner=self.ctx.runner).success(rendered).failure(
            lambda exc: self.message.setText(failure_text(exc))
        ).run()
