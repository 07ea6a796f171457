"""The case detail's 四单三办三评 tab: the problem, the measures and their schedule, the responsible
units, the result, the way of handling, the escalations, the grid worker it is assigned to and
the three evaluations, with a button for each entry and one to print the 办理单.

Entries are written through app.services.cases.handling and escalation, each in its own
transaction on the desk's runner; a refusal is shown in one sentence and the form keeps what was
typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.admin.permissions import NotPermitted, can
from app.services.cases import escalation, handling
from app.services.cases.detail import CaseNotSaved, take_handling_step
from app.services.cases.documents import record_print
from app.services.cases.handling import MODES, UNIT_EVALUATIONS, HandlingSheet, UnitEvaluation
from app.services.cases.workflow import WorkflowError
from app.views.desk.case_handling_dialogs import FORMS, EntryDialog
from app.views.desk.context import DeskContext
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel

MEASURE_COLUMNS = [
    ("number", "序"),
    ("text", "措施"),
    ("owner", "责任人"),
    ("planned", "计划完成"),
    ("done", "实际完成"),
    ("state", "进度"),
]
BUTTONS = [  # entry kind, button text; who may use the last two is in the permission table
    ("problem", "问题单(&Q)"),
    ("measure", "添加措施(&A)"),
    ("measure_done", "措施完成(&F)"),
    ("responsible", "责任单(&Z)"),
    ("result", "结果单(&J)"),
    ("mode", "办理方式(&H)"),
    ("assign", "指派网格员(&G)"),
    ("community_evaluation", "社区评价(&K)"),
    ("street_evaluation", "街道评价(&L)"),
]
PERMISSION = {
    "assign": "case.assign",
    "community_evaluation": "case.evaluate_unit",
    "street_evaluation": "case.evaluate_unit",
}


class HandlingPanel(QWidget):
    """``changed()`` runs after every saved entry (the dialog shows the case afresh)."""

    def __init__(
        self,
        ctx: DeskContext,
        case_no: str,
        changed: Callable[[], None],
        parent: QWidget | None = None,
        *,
        today: Callable[[], dt.date] = dt.date.today,
    ):
        super().__init__(parent)
        self._ctx, self.case_no, self._changed, self._today = ctx, case_no, changed, today
        self.sheet: HandlingSheet | None = None
        self.entry_dialog: EntryDialog | None = None
        self.labels: dict[str, QLabel] = {}
        top = QGridLayout()
        top.setColumnStretch(1, 1)
        top.setColumnStretch(3, 1)
        for i, (key, caption) in enumerate(
            [
                ("problem", "问题单"),
                ("mode", "办理方式"),
                ("assignee", "指派网格员"),
                ("responsible", "责任单"),
                ("escalations", "吹哨上报"),
                ("result", "结果单"),
                ("resident", "群众评价"),
                ("community", "社区评价"),
                ("street", "街道评价"),
            ]
        ):
            name = QLabel(caption + "：")
            name.setStyleSheet("color: #555;")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = QLabel()
            value.setObjectName(f"sheet_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            top.addWidget(name, i, 0)
            top.addWidget(value, i, 1, 1, 3)
            self.labels[key] = value
        self.measure_model = RowTableModel(MEASURE_COLUMNS, self._measure_text, self)
        self.measures = QTableView()
        self.measures.setObjectName("measures")
        self.measures.setModel(self.measure_model)
        self.measures.verticalHeader().hide()
        self.measures.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.measures.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.measures.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.buttons: dict[str, QPushButton] = {}
        row_one, row_two = QHBoxLayout(), QHBoxLayout()
        for index, (kind, text) in enumerate(BUTTONS):
            button = QPushButton(text)
            button.setObjectName(f"entry_button_{kind}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, k=kind: self.open_entry(k))
            permission = PERMISSION.get(kind)
            button.setVisible(permission is None or can(ctx.user.role, permission))
            (row_one if index < 5 else row_two).addWidget(button)
            self.buttons[kind] = button
        self.print_button = QPushButton("打印办理单(&Y)")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_sheet)
        row_one.addStretch(1)
        row_two.addStretch(1)
        row_two.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel("措施单（序时进度）"))
        layout.addWidget(self.measures, 1)
        layout.addLayout(row_one)
        layout.addLayout(row_two)

    # -- showing -------------------------------------------------------------------------------
    def _measure_text(self, measure: handling.Measure, key: str) -> str:
        if key == "state":
            return measure.state(self._today())
        value = getattr(measure, key)
        return "—" if value is None else value.isoformat() if isinstance(value, dt.date) else str(value)

    def show_sheet(self, sheet: HandlingSheet | None, names: dict[str, str]) -> None:
        self.sheet = sheet
        if sheet is None:
            return

        def unit(value: UnitEvaluation | None) -> str:
            return f"{value.evaluation}　{value.note}".strip() if value else "—"

        texts = {
            "problem": sheet.problem or "—",
            "mode": sheet.mode or "未定",
            "assignee": names.get(sheet.assignee, sheet.assignee) or "—",
            "responsible": "；".join(
                f"{r.unit} {r.person}" + (f"（{r.phone}）" if r.phone else "") for r in sheet.responsible
            )
            or "—",
            "escalations": "；".join(
                f"{e.target}（{e.level or '—'}）{e.reason}"
                + (f"，要求 {e.requested} 前答复" if e.requested else "")
                for e in sheet.escalations
            )
            or "—",
            "result": sheet.result or "—",
            "resident": sheet.resident_evaluation or "—",
            "community": unit(sheet.community_evaluation),
            "street": unit(sheet.street_evaluation),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.measure_model.set_rows(list(sheet.measures))

    # -- entries -------------------------------------------------------------------------------
    def _choices(self, kind: str) -> dict[str, list[tuple[str, object]]]:
        if kind == "measure_done" and self.sheet is not None:
            pending = [m for m in self.sheet.measures if m.done is None]
            return {"number": [(f"{m.number}. {m.text}", m.number) for m in pending]}
        if kind == "mode":
            return {"mode": [(name, code) for code, name in MODES.items()]}
        if kind.endswith("_evaluation"):
            return {"evaluation": [(name, name) for name in UNIT_EVALUATIONS]}
        with self._ctx.db.sessions() as session:
            if kind == "escalate":
                targets = escalation.escalation_targets(session)
                return {"target": [(f"{t.name}（{t.level_name}）", t.name) for t in targets]}
            if kind == "assign":
                workers = escalation.assignable_workers(session, self.case_no, self._ctx.scope)
                return {"assignee": [(w.display_name, w.username) for w in workers]}
        return {}

    def open_entry(self, kind: str) -> EntryDialog:
        dialog = EntryDialog(
            kind,
            case_no=self.case_no,
            choices=self._choices(kind),
            today=self._today(),
            submit=lambda values, done: self.save(kind, values, dialog, done),
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.entry_dialog = dialog
        dialog.open()
        return dialog

    def _step(self, kind: str, v: dict) -> Callable:
        actor, today = self._ctx.user.username, self._today()
        steps: dict[str, Callable] = {
            "problem": lambda s, c: handling.record_problem(c, v["text"], actor=actor),
            "measure": lambda s, c: handling.add_measure(
                c, v["text"], owner=v["owner"], planned=v["planned"], actor=actor, today=today
            ),
            "measure_done": lambda s, c: handling.finish_measure(
                c, v["number"] or 0, done=v["done"], actor=actor
            ),
            "responsible": lambda s, c: handling.add_responsible(
                c, unit=v["unit"], person=v["person"], phone=v["phone"], actor=actor
            ),
            "result": lambda s, c: handling.record_result(c, v["text"], actor=actor),
            "mode": lambda s, c: handling.set_mode(c, v["mode"], actor=actor, note=v["note"]),
            "escalate": lambda s, c: escalation.escalate(
                s,
                c,
                v["target"] or "",
                reason=v["reason"],
                requested=v["requested"],
                actor=actor,
                today=today,
            ),
            "assign": lambda s, c: escalation.assign(s, c, v["assignee"] or "", actor=actor, note=v["note"]),
        }
        if kind.endswith("_evaluation"):
            by = kind.split("_")[0]
            return lambda s, c: handling.evaluate_unit(c, by, v["evaluation"], actor=actor, note=v["note"])
        return steps[kind]

    def save(self, kind: str, values: dict, dialog: QWidget, done: Callable[[bool], None]) -> None:
        sessions, scope, step = self._ctx.db.sessions, self._ctx.scope, self._step(kind, values)
        title = FORMS[kind][0]

        def saved(_result: None) -> None:
            self._changed()
            done(True)

        def refused(exc: Exception) -> None:
            if isinstance(exc, WorkflowError | NotPermitted):
                QMessageBox.warning(dialog, f"不能记录{title}", str(exc))
            else:
                why = str(exc) if isinstance(exc, CaseNotSaved) else failure_text(exc)
                QMessageBox.warning(
                    dialog, "保存失败", f"没有保存（{why}），请稍后再试。已填写的内容仍在对话框中。"
                )
            done(False)

        work = lambda: take_handling_step(sessions, self.case_no, step, scope=scope)  # noqa: E731
        Op(dialog, work, runner=self._ctx.runner).success(saved).failure(refused).run()

    # -- printing ------------------------------------------------------------------------------
    def print_sheet(self) -> None:
        """Draw the 办理单 on the runner and preview it; printing or saving it is audited."""
        from app.printing.documents.handling_sheet import (
            TITLE,
            render_handling_sheet,
        )  # reportlab loads on first use
        from app.views.desk.document_dialog import open_preview

        db, actor, scope, case_no = self._ctx.db, self._ctx.user.username, self._ctx.scope, self.case_no

        def work() -> bytes:
            with db.sessions() as session:
                printable = handling.printable_sheet(session, case_no, scope)
                if printable is None:
                    raise WorkflowError(f"找不到办件 {case_no}")
                return render_handling_sheet(printable)

        def audit(how: str) -> None:
            with db.sessions.begin() as session:
                record_print(session, case_no, TITLE, actor=actor, how=how)

        def show(pdf: bytes) -> None:
            open_preview(
                self._ctx,
                f"{TITLE} — {case_no}",
                pdf,
                suggested_name=f"{case_no}-{TITLE}.pdf",
                parent=self,
                on_output=audit,
            )

        Op(self, work, runner=self._ctx.runner).success(show).run()
