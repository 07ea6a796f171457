"""微心愿 at the desk: the register of wishes the signed-in person may see (a grid worker: their
grids), and every step of a wish: 登记 (for a resident, by ID number), 审核发布 or 不予发布, 认领,
销单 with the wisher's confirmation and rating, 撤回 and 未能实现; the public notice printed.

Reads are small and stay on the GUI thread (and are audited as a list shown); every change and the
notice's rendering run through an Op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models import WISH_STATUSES
from app.services.common import audit
from app.services.engage import wishes as wish_service
from app.services.engage.wish_reads import WishRow, counts_by_year, list_wishes, notice_data
from app.views.desk.context import DeskContext
from app.views.desk.document_dialog import open_preview
from app.views.desk.wish_dialogs import (
    ClaimDialog,
    FulfilDialog,
    PostWishDialog,
    ReasonDialog,
    StepDialog,
    open_step,
    store_step,
)
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel, record_table

COLUMNS = [
    ("wish_no", "编号"),
    ("status_name", "状态"),
    ("name", "心愿人"),
    ("grid_name", "网格"),
    ("content", "心愿"),
    ("kind", "类别"),
    ("budget_yuan", "预算"),
    ("claimer", "认领方"),
    ("posted_on", "登记日期"),
    ("channel_name", "渠道"),
    ("rating", "评价"),
]


def _shown(row: WishRow, key: str) -> str:
    if key == "claimer":
        return f"{row.claimer_kind}：{row.claimer_name}" if row.claimer_name else "—"
    if key == "budget_yuan":
        return f"{row.budget_yuan}元" if row.budget_yuan else "—"
    if key == "rating":
        return "★" * row.rating if row.rating else "—"
    if key == "status_name" and row.end_reason:
        return f"{row.status_name}（{row.end_reason}）"
    value = getattr(row, key)
    return str(value) if value not in (None, "") else "—"


class WishesPage(QWidget):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: StepDialog | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.status = QComboBox()
        self.status.addItem("全部状态", "")
        for code, name in WISH_STATUSES.items():
            self.status.addItem(name, code)
        self.search = QLineEdit()
        self.search.setPlaceholderText("编号、心愿人姓名或心愿内容")
        self.refresh_button = QPushButton("刷新")
        bar.addWidget(QLabel("状态"))
        bar.addWidget(self.status)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.refresh_button)
        layout.addLayout(bar)
        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text in [
            ("post", "登记心愿…"),
            ("publish", "审核发布"),
            ("reject", "不予发布…"),
            ("claim", "认领…"),
            ("fulfil", "销单…"),
            ("withdraw", "撤回…"),
            ("fail", "未能实现…"),
            ("notice", "打印公示…"),
        ]:
            button = QPushButton(text)
            button.setObjectName(f"wish_{key}")
            actions.addWidget(button)
            self.buttons[key] = button
        actions.addStretch(1)
        layout.addLayout(actions)
        self.model = RowTableModel(COLUMNS, _shown, self)
        self.table = record_table(self.model, 4)
        layout.addWidget(self.table, 1)
        self.counts = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addWidget(self.counts)
        self.status.currentIndexChanged.connect(self.reload)
        self.search.returnPressed.connect(self.reload)
        self.refresh_button.clicked.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self.buttons["post"].clicked.connect(self.open_post)
        self.buttons["publish"].clicked.connect(self.publish)
        self.buttons["reject"].clicked.connect(lambda: self.open_reason("reject", "不予发布"))
        self.buttons["claim"].clicked.connect(self.open_claim)
        self.buttons["fulfil"].clicked.connect(self.open_fulfil)
        self.buttons["withdraw"].clicked.connect(lambda: self.open_reason("withdraw", "撤回心愿"))
        self.buttons["fail"].clicked.connect(lambda: self.open_reason("fail", "心愿未能实现"))
        self.buttons["notice"].clicked.connect(self.print_notice)
        self._loaded = False
        self._enable()

    def showEvent(self, event) -> None:  # noqa: N802 — load when first looked at
        super().showEvent(event)
        if not self._loaded:
            self.reload()

    # --- reading ----------------------------------------------------------------------------
    def reload(self) -> None:
        self._loaded = True
        status = self.status.currentData()
        with self.ctx.db.sessions.begin() as session:
            rows = list_wishes(
                session, scope=self.ctx.scope, statuses=(status,) if status else (), text=self.search.text()
            )
            counts = counts_by_year(session, self.ctx.scope)
            audit.record_list(
                session,
                actor=self.ctx.user.username,
                action="wish_list",
                shown=len(rows),
                what="查看微心愿",
                search=self.search.text(),
            )
        self.model.set_rows(rows)
        self.counts.setText(
            "　".join(
                f"{c.year}年：登记{c.posted}个，已实现{c.by_status.get('fulfilled', 0)}个"
                + (f"，平均评价{c.average_rating}星" if c.average_rating else "")
                for c in counts[:3]
            )
        )
        self._enable()

    def selected(self) -> WishRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()] if indexes else None

    def select(self, wish_no: str) -> None:
        for index, row in enumerate(self.model.rows):
            if row.wish_no == wish_no:
                self.table.selectRow(index)
                return

    def _enable(self, *_args) -> None:
        row = self.selected()
        status = row.status if row else ""
        self.buttons["publish"].setEnabled(status == "pending")
        self.buttons["reject"].setEnabled(status == "pending")
        self.buttons["claim"].setEnabled(status == "published")
        self.buttons["fulfil"].setEnabled(status == "claimed")
        for key in ("withdraw", "fail"):
            self.buttons[key].setEnabled(status in ("pending", "published", "claimed"))

    # --- changing ---------------------------------------------------------------------------
    def _store(
        self, change: Callable[[Any, str], Any], done_text: str, dialog: StepDialog | None = None
    ) -> None:
        """Run ``change(session, actor)`` (returns the wish) in a transaction, then show it."""
        db, actor, scope = self.ctx.db, self.ctx.user.username, self.ctx.scope

        def work() -> str:
            with db.sessions.begin() as session:
                return change(session, actor, scope).wish_no

        def shown(wish_no: str) -> None:
            self.reload()
            self.select(wish_no)
            self.message.setText(done_text.format(wish_no=wish_no))

        store_step(self, work, dialog, shown)

    def _open(self, dialog: StepDialog) -> StepDialog:
        return open_step(self, dialog)

    def open_post(self) -> StepDialog:
        today = dt.date.today()

        def submit(v: dict[str, Any]) -> None:
            def change(session, actor, scope):
                resident = wish_service.resident_for(session, v["id_number"], scope)
                channel = "grid" if self.ctx.user.role == "grid_worker" else "desk"
                wish = wish_service.NewWish(
                    v["content"], v["kind"], v["budget"], v["deadline"], v["photo"], channel
                )
                return wish_service.post_wish(session, resident, wish, actor=actor, today=today, scope=scope)

            self._store(change, "心愿 {wish_no} 已登记，待审核", dialog)

        dialog = PostWishDialog(submit, self)
        return self._open(dialog)

    def _on_selected(self, step: Callable[[Any, Any, str], Any], done_text: str, dialog=None) -> None:
        row = self.selected()
        if row is None:
            return

        def change(session, actor, scope):
            wish = wish_service.find_wish(session, row.wish_no, scope)
            return step(session, wish, actor)

        self._store(change, done_text, dialog)

    def publish(self) -> None:
        self._on_selected(
            lambda s, w, actor: wish_service.review_wish(s, w, approve=True, actor=actor),
            "心愿 {wish_no} 已发布",
        )

    def open_reason(self, what: str, title: str) -> StepDialog | None:
        row = self.selected()
        if row is None:
            return None

        def submit(v: dict[str, Any]) -> None:
            def step(s, w, actor):
                if what == "reject":
                    return wish_service.review_wish(s, w, approve=False, reason=v["reason"], actor=actor)
                return wish_service.end_wish(
                    s, w, withdrawn=what == "withdraw", reason=v["reason"], actor=actor
                )

            self._on_selected(step, f"心愿 {{wish_no}}：{title}", dialog)

        dialog = ReasonDialog(f"{title} {row.wish_no}", submit, self)
        return self._open(dialog)

    def open_claim(self) -> StepDialog | None:
        row = self.selected()
        if row is None:
            return None
        today = dt.date.today()

        def submit(v: dict[str, Any]) -> None:
            def step(s, w, actor):
                return wish_service.claim_wish(
                    s, w, kind=v["kind"], name=v["name"], phone=v["phone"], actor=actor, today=today
                )

            self._on_selected(step, "心愿 {wish_no} 已认领", dialog)

        dialog = ClaimDialog(row.wish_no, submit, self)
        return self._open(dialog)

    def open_fulfil(self) -> StepDialog | None:
        row = self.selected()
        if row is None:
            return None
        today = dt.date.today()

        def submit(v: dict[str, Any]) -> None:
            def step(s, w, actor):
                return wish_service.fulfil_wish(s, w, actor=actor, today=today, **v)

            self._on_selected(step, "心愿 {wish_no} 已销单", dialog)

        dialog = FulfilDialog(row.wish_no, submit, self)
        return self._open(dialog)

    # --- the notice -------------------------------------------------------------------------
    def print_notice(self) -> None:
        db, actor, scope = self.ctx.db, self.ctx.user.username, self.ctx.scope
        today = dt.date.today()

        def work() -> tuple[bytes, int]:
            from app.printing.documents.wish_notice import render_wish_notice  # reportlab on first use

            with db.sessions.begin() as session:
                notice = notice_data(session, day=today, scope=scope)
                audit.record_list(
                    session, actor=actor, action="print", shown=len(notice.wishes), what="打印微心愿公示"
                )
            return render_wish_notice(notice), len(notice.wishes)

        def rendered(result: tuple[bytes, int]) -> None:
            pdf, count = result
            self.message.setText(f"公示共{count}个心愿")
            open_preview(
                self.ctx, "微心愿公示", pdf, suggested_name=f"微心愿公示-{today.isoformat()}.pdf", parent=self
            )

        Op(self, work, runner=self.ctx.runner).success(rendered).failure(
            lambda exc: self.message.setText(failure_text(exc))
        ).run()
