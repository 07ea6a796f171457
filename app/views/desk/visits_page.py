"""走访 at the desk: who is due or overdue a visit by the visiting rules of their tags (a grid
worker: their grids), the visits recorded, and the month's 应访/已访 per grid. 登记走访… records a
visit for the resident picked in the due list (or typed by ID number); a problem found becomes a
grid case (网格上报) that then follows the case workflow in 办件管理.

The due list and the month's table read the whole register: they run as Ops.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models import VISIT_WAYS
from app.services.common import audit
from app.services.engage.visit_due import DueRow, MonthRow, due_visits, month_table
from app.services.engage.visits import NewVisit, list_visits, record_visit, resident_by_id
from app.services.engage.wishes import resident_for
from app.views.desk.context import DeskContext
from app.views.desk.wish_dialogs import PhotoPicker, StepDialog
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel, record_table

DUE_COLUMNS = [
    ("state", "状态"),
    ("name", "姓名"),
    ("tags", "走访对象"),
    ("every_days", "周期（天）"),
    ("last_visit", "上次走访"),
    ("due_on", "应访日期"),
    ("grid_name", "网格"),
    ("address", "住址"),
    ("workers", "网格员"),
]
VISIT_COLUMNS = [
    ("visited_on", "日期"),
    ("who", "走访对象"),
    ("way", "方式"),
    ("visitor", "走访人"),
    ("grid_name", "网格"),
    ("found", "走访情况"),
    ("case_no", "上报办件"),
]
MONTH_COLUMNS = [
    ("grid_name", "网格"),
    ("workers", "网格员"),
    ("targets", "走访对象"),
    ("due", "应访"),
    ("done", "已访"),
    ("rate", "完成率"),
    ("visits", "走访总次数"),
]


def _shown(row: Any, key: str) -> str:
    value = getattr(row, key)
    return str(value) if value not in (None, "") else "—"


class VisitDialog(StepDialog):
    """登记走访: for ``who`` (picked in the due list), or a resident typed by ID number."""

    def __init__(self, who: str, submit, parent=None):
        super().__init__("登记走访", submit, parent)
        self.id_number = QLineEdit()
        self.id_number.setObjectName("visit_id_number")
        self.id_number.setPlaceholderText("被走访居民的身份证号")
        if who:
            self.form.addRow("走访对象", QLabel(who))
        else:
            self.form.addRow("身份证号", self.id_number)
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.way = QComboBox()
        self.way.addItems(VISIT_WAYS)
        self.household = QCheckBox("走访全户")
        self.found = QPlainTextEdit()
        self.found.setObjectName("visit_found")
        self.found.setPlaceholderText("走访情况：身体、生活、诉求等")
        self.found.setFixedHeight(80)
        self.report = QCheckBox("发现问题，按网格上报为办件")
        self.report.setObjectName("visit_report")
        self.problem = QPlainTextEdit()
        self.problem.setObjectName("visit_problem")
        self.problem.setPlaceholderText("需要处理的问题")
        self.problem.setFixedHeight(60)
        self.problem.setEnabled(False)
        self.report.toggled.connect(self.problem.setEnabled)
        self.photo = PhotoPicker()
        for text, widget in (("日期", self.day), ("方式", self.way), ("", self.household), ("走访情况", self.found),
                             ("", self.report), ("问题", self.problem), ("照片", self.photo)):  # fmt: skip
            self.form.addRow(text, widget)

    def values(self) -> dict[str, Any]:
        return {
            "id_number": self.id_number.text(),
            "visit": NewVisit(
                visited_on=self.day.date().toPython(),
                way=self.way.currentText(),
                found=self.found.toPlainText(),
                photo=self.photo.data(),
                problem=self.problem.toPlainText() if self.report.isChecked() else "",
            ),
            "household": self.household.isChecked(),
        }


class VisitsPage(QWidget):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: VisitDialog | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.overdue_only = QCheckBox("只看逾期和从未走访")
        self.record_button = QPushButton("登记走访…")
        self.record_button.setObjectName("visit_record")
        self.refresh_button = QPushButton("刷新")
        self.summary = QLabel()
        bar.addWidget(QLabel("待访名单（7天内到期及逾期）"))
        bar.addWidget(self.overdue_only)
        bar.addStretch(1)
        bar.addWidget(self.summary)
        bar.addWidget(self.record_button)
        bar.addWidget(self.refresh_button)
        layout.addLayout(bar)
        self.due_model = RowTableModel(DUE_COLUMNS, _shown, self)
        self.due_table = record_table(self.due_model, 7)
        self.visit_model = RowTableModel(VISIT_COLUMNS, _shown, self)
        self.visit_table = record_table(self.visit_model, 5)
        self.month_model = RowTableModel(MONTH_COLUMNS, _shown, self)
        self.month_table = record_table(self.month_model, 0)
        month_box = QWidget()
        month_layout = QVBoxLayout(month_box)
        month_bar = QHBoxLayout()
        self.month = QDateEdit(QDate.currentDate())
        self.month.setDisplayFormat("yyyy年M月")
        self.month_total = QLabel()
        month_bar.addWidget(QLabel("月份"))
        month_bar.addWidget(self.month)
        month_bar.addWidget(self.month_total, 1)
        month_layout.addLayout(month_bar)
        month_layout.addWidget(self.month_table)
        self.lower = QTabWidget()
        self.lower.addTab(self.visit_table, "走访记录（近90天）")
        self.lower.addTab(month_box, "月度应访/已访")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.due_table)
        splitter.addWidget(self.lower)
        layout.addWidget(splitter, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.overdue_only.toggled.connect(self.reload)
        self.refresh_button.clicked.connect(self.reload)
        self.record_button.clicked.connect(self.open_record)
        self.month.dateChanged.connect(self.load_month)
        self._loaded = False

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._loaded:
            self.reload()

    def reload(self) -> None:
        self._loaded = True
        db, scope, actor = self.ctx.db, self.ctx.scope, self.ctx.user.username
        today, overdue = dt.date.today(), self.overdue_only.isChecked()

        def work() -> tuple[list[DueRow], list]:
            with db.sessions.begin() as session:
                due = due_visits(session, today=today, scope=scope, overdue_only=overdue)
                visits = list_visits(session, scope=scope, since=today - dt.timedelta(days=90))
                audit.record_list(
                    session,
                    actor=actor,
                    action="visit_list",
                    shown=len(due) + len(visits),
                    what="查看走访名单和记录",
                )
            return due, visits

        Op(self, work, runner=self.ctx.runner).success(self._loaded_rows).failure(
            lambda exc: self.message.setText(failure_text(exc))
        ).run()
        self.load_month()

    def _loaded_rows(self, result: tuple[list[DueRow], list]) -> None:
        due, visits = result
        self.due_model.set_rows(due)
        self.visit_model.set_rows(visits)
        overdue = sum(1 for r in due if r.overdue_days or r.last_visit is None)
        self.summary.setText(f"待访 {len(due)} 人，其中逾期或从未走访 {overdue} 人")

    def load_month(self) -> None:
        db, scope = self.ctx.db, self.ctx.scope
        day = self.month.date().toPython()

        def work() -> list[MonthRow]:
            with db.sessions() as session:
                return month_table(session, day.year, day.month, scope=scope)

        def shown(rows: list[MonthRow]) -> None:
            self.month_model.set_rows(rows)
            due, done = sum(r.due for r in rows), sum(r.done for r in rows)
            rate = f"{done / due:.0%}" if due else "—"
            self.month_total.setText(f"合计：应访 {due} 次，已访 {done} 次，完成率 {rate}")

        Op(self, work, runner=self.ctx.runner).success(shown).run()

    def open_record(self) -> VisitDialog:
        """For the resident picked in the due list, else one typed by ID number."""
        indexes = self.due_table.selectionModel().selectedRows()
        picked = self.due_model.rows[indexes[0].row()] if indexes else None
        db, scope, actor = self.ctx.db, self.ctx.scope, self.ctx.user.username
        today = dt.date.today()

        def submit(v: dict[str, Any]) -> None:
            def work():
                with db.sessions.begin() as session:
                    if picked is not None:
                        resident = resident_by_id(session, picked.resident_id, scope)
                    else:
                        resident = resident_for(session, v["id_number"], scope)
                    return record_visit(
                        session,
                        resident,
                        v["visit"],
                        actor=actor,
                        whole_household=v["household"],
                        scope=scope,
                        today=today,
                    )

            def stored(recorded) -> None:
                dialog.accept()
                text = "走访已登记"
                if recorded.case_no:
                    text += f"，发现的问题已上报为办件 {recorded.case_no}（在“办件管理”中办理）"
                self.message.setText(text)
                self.reload()

            Op(self, work, runner=self.ctx.runner).success(stored).failure(
                lambda exc: dialog.failed(failure_text(exc))
            ).run()

        who = f"{picked.name}（{picked.address}）" if picked is not None else ""
        dialog = VisitDialog(who, submit, self)
        self.dialog = dialog
        dialog.open()
        return dialog
