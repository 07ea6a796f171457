"""议事 at the desk: the meetings the signed-in person may see (a grid worker: their grids'), and
what is done with one — 登记议事, the next 四议两公开 step (each dated, the vote at 居民会议决议),
决议 and 实施结果 for the other kinds, 关联 a case (共商共办) or a wish, and the decision notice
(公示) printed. Reads stay on the GUI thread and are audited as a list shown; changes and the
notice run through an Op."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models import FOUR_TWO_STEPS
from app.printing.documents.deliberation_notice import render_meeting_notice
from app.services.common import audit
from app.services.engage import deliberations as service
from app.services.engage.deliberation_reads import MeetingRow, list_meetings, meeting_grids, notice_data
from app.views.desk.context import DeskContext
from app.views.desk.document_dialog import open_preview
from app.views.desk.engage_dialogs import (
    DecisionDialog,
    FourTwoStepDialog,
    LinkDialog,
    MeetingDialog,
    ResultDialog,
)
from app.views.desk.wish_dialogs import StepDialog, open_step, store_step
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel, record_table

COLUMNS = [
    ("meeting_no", "编号"),
    ("kind_name", "形式"),
    ("topic", "议题"),
    ("grid_name", "范围"),
    ("held_on", "日期"),
    ("state", "进度"),
    ("vote_text", "表决"),
]


def _shown(row: MeetingRow, key: str) -> str:
    value = getattr(row, key)
    return str(value) if value not in (None, "") else "—"


def _vote(values: dict[str, Any]) -> service.Vote | None:
    if "decision" not in values:
        return None
    return service.Vote(values["decision"], *values["votes"])


class DeliberationsPage(QWidget):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: StepDialog | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("编号、议题或决议")
        self.refresh_button = QPushButton("刷新")
        bar.addWidget(self.search, 1)
        bar.addWidget(self.refresh_button)
        layout.addLayout(bar)
        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text in [
            ("add", "登记议事…"),
            ("step", "下一步…"),
            ("decide", "决议…"),
            ("result", "实施结果…"),
            ("link", "关联办件或心愿…"),
            ("notice", "打印公示…"),
        ]:
            button = QPushButton(text)
            button.setObjectName(f"meeting_{key}")
            actions.addWidget(button)
            self.buttons[key] = button
        actions.addStretch(1)
        layout.addLayout(actions)
        self.model = RowTableModel(COLUMNS, _shown, self)
        self.table = record_table(self.model, 2)
        layout.addWidget(self.table, 1)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.detail)
        layout.addWidget(self.message)
        self.search.returnPressed.connect(self.reload)
        self.refresh_button.clicked.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(self._selected_changed)
        self.buttons["add"].clicked.connect(self.open_add)
        self.buttons["step"].clicked.connect(self.open_step)
        self.buttons["decide"].clicked.connect(self.open_decide)
        self.buttons["result"].clicked.connect(self.open_result)
        self.buttons["link"].clicked.connect(self.open_link)
        self.buttons["notice"].clicked.connect(self.print_notice)
        self._loaded = False
        self._selected_changed()

    def showEvent(self, event) -> None:  # noqa: N802 — load when first looked at
        super().showEvent(event)
        if not self._loaded:
            self.reload()

    # --- reading ----------------------------------------------------------------------------
    def reload(self) -> None:
        self._loaded = True
        with self.ctx.db.sessions.begin() as session:
            rows = list_meetings(session, scope=self.ctx.scope, text=self.search.text())
            audit.record_list(
                session,
                actor=self.ctx.user.username,
                action="deliberation_list",
                shown=len(rows),
                what="查看议事记录",
                search=self.search.text(),
            )
        self.model.set_rows(rows)
        self._selected_changed()

    def selected(self) -> MeetingRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()] if indexes else None

    def select(self, meeting_no: str) -> None:
        for index, row in enumerate(self.model.rows):
            if row.meeting_no == meeting_no:
                self.table.selectRow(index)
                return

    def next_step(self, row: MeetingRow) -> str | None:
        return next((s.step for s in row.steps if s.done_on is None), None)

    def _selected_changed(self, *_args) -> None:
        row = self.selected()
        four_two = row is not None and row.kind == "four_two"
        self.buttons["step"].setEnabled(four_two and self.next_step(row) is not None)
        self.buttons["decide"].setEnabled(row is not None and not four_two and not row.decision)
        self.buttons["result"].setEnabled(row is not None and not four_two and row.passed and not row.result)
        self.buttons["link"].setEnabled(row is not None)
        self.buttons["notice"].setEnabled(row is not None and bool(row.decision))
        self.detail.setText(self._describe(row) if row else "")

    @staticmethod
    def _describe(row: MeetingRow) -> str:
        lines = [f"{row.meeting_no} {row.kind_name}：{row.topic}（召集人：{row.convenor}）"]
        if row.steps:
            lines.append(
                "　".join(f"{s.name} {s.done_on.isoformat() if s.done_on else '未进行'}" for s in row.steps)
            )
        if row.decision:
            lines.append(f"决议：{row.decision}（{row.vote_text}）")
        if row.result:
            lines.append(f"实施结果：{row.result}")
        linked = [f"办件{c}{'（共商共办）' if c in row.joint_case_nos else ''}" for c in row.case_nos]
        linked += [f"心愿{w}" for w in row.wish_nos]
        if linked:
            lines.append("答复：" + "、".join(linked))
        return "\n".join(lines)

    # --- changing ---------------------------------------------------------------------------
    def _store(self, change: Callable[[Any, str, Any], Any], done_text: str, dialog: StepDialog) -> None:
        """Run ``change(session, actor, scope)`` (returns the meeting) in a transaction, then show it."""
        db, actor, scope = self.ctx.db, self.ctx.user.username, self.ctx.scope

        def work() -> str:
            with db.sessions.begin() as session:
                return change(session, actor, scope).meeting_no

        def shown(meeting_no: str) -> None:
            self.reload()
            self.select(meeting_no)
            self.message.setText(done_text.format(meeting_no=meeting_no))

        store_step(self, work, dialog, shown)

    def _open(self, dialog: StepDialog) -> StepDialog:
        return open_step(self, dialog)

    def _on_selected(self, step: Callable[[Any, Any, str, Any], Any], done_text: str, dialog) -> None:
        row = self.selected()

        def change(session, actor, scope):
            meeting = service.find_meeting(session, row.meeting_no, scope)
            step(session, meeting, actor, scope)
            return meeting

        self._store(change, done_text, dialog)

    def open_add(self) -> StepDialog:
        today = dt.date.today()
        with self.ctx.db.sessions() as session:
            grids = meeting_grids(session, self.ctx.scope)

        def submit(v: dict[str, Any]) -> None:
            new = service.NewMeeting(**v)
            self._store(
                lambda s, actor, scope: service.add_meeting(s, new, actor=actor, scope=scope, today=today),
                "议事 {meeting_no} 已登记",
                dialog,
            )

        dialog = MeetingDialog(submit, self, grids=grids)
        return self._open(dialog)

    def open_step(self) -> StepDialog | None:
        row = self.selected()
        step = self.next_step(row) if row else None
        if step is None:
            return None
        today = dt.date.today()

        def submit(v: dict[str, Any]) -> None:
            def act(s, meeting, actor, scope):
                service.record_step(
                    s, meeting, v["step"], done_on=v["done_on"], note=v["note"], vote=_vote(v),
                    result=v.get("result", ""), actor=actor, scope=scope, today=today,
                )  # fmt: skip

            self._on_selected(act, f"议事 {{meeting_no}}：已记录“{FOUR_TWO_STEPS[step]}”", dialog)

        dialog = FourTwoStepDialog(row.meeting_no, step, submit, self)
        return self._open(dialog)

    def open_decide(self) -> StepDialog | None:
        row = self.selected()
        if row is None:
            return None
        today = dt.date.today()

        def submit(v: dict[str, Any]) -> None:
            def act(s, meeting, actor, scope):
                service.decide(
                    s, meeting, _vote(v), decided_on=v["done_on"], actor=actor, scope=scope, today=today
                )

            self._on_selected(act, "议事 {meeting_no} 的决议已记录", dialog)

        dialog = DecisionDialog(row.meeting_no, submit, self)
        return self._open(dialog)

    def open_result(self) -> StepDialog | None:
        row = self.selected()
        if row is None:
            return None
        today = dt.date.today()

        def submit(v: dict[str, Any]) -> None:
            def act(s, meeting, actor, scope):
                service.record_result(
                    s, meeting, v["result"], result_on=v["done_on"], actor=actor, scope=scope, today=today
                )

            self._on_selected(act, "议事 {meeting_no} 的实施结果已记录", dialog)

        dialog = ResultDialog(row.meeting_no, submit, self)
        return self._open(dialog)

    def open_link(self) -> StepDialog | None:
        row = self.selected()
        if row is None:
            return None

        def submit(v: dict[str, Any]) -> None:
            def act(s, meeting, actor, scope):
                service.link(s, meeting, **v, actor=actor, scope=scope)

            self._on_selected(act, "议事 {meeting_no} 已关联", dialog)

        dialog = LinkDialog(row.meeting_no, submit, self)
        return self._open(dialog)

    # --- the notice -------------------------------------------------------------------------
    def print_notice(self) -> None:
        row = self.selected()
        if row is None:
            return
        db, actor, scope = self.ctx.db, self.ctx.user.username, self.ctx.scope
        today = dt.date.today()

        def work() -> bytes:
            with db.sessions.begin() as session:
                notice = notice_data(session, service.find_meeting(session, row.meeting_no, scope), day=today)
                audit.record(
                    session, actor=actor, action="print", subject=row.meeting_no, purpose="打印议事公示"
                )
            return render_meeting_notice(notice)

        def rendered(pdf: bytes) -> None:
            self.message.setText(f"议事 {row.meeting_no} 的公示已生成")
            open_preview(
                self.ctx, "议事决议公示", pdf, suggested_name=f"议事公示-{row.meeting_no}.pdf", parent=self
            )

        Op(self, work, runner=self.ctx.runner).success(rendered).failure(
            lambda exc: self.message.setText(failure_text(exc))
        ).run()
