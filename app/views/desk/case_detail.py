"""One case in full (办件详情): who, what, where it stands, everything that happened, and a button
for each step its status allows.

The buttons come from :func:`app.services.cases.workflow.allowed_actions`, so an action the case may
not take is never offered. Each step runs in its own short transaction (load by number within the
person's scope, apply, commit); a refusal is shown in plain words and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models import Case
from app.services.admin.auth import back_office_staff
from app.services.cases.detail import CaseDetail, CaseNotSaved, case_detail, record_case_opened, take_step
from app.services.cases.handling import sheet_of
from app.services.cases.search import DEADLINE_NAMES
from app.services.cases.workflow import WorkflowError, action_label, allowed_actions, status_name
from app.services.common.idcard import mask
from app.views.desk.case_actions import DISPATCH_DEPARTMENTS, ActionDialog, ActionInput, button_text
from app.views.desk.case_handling_panel import HandlingPanel
from app.views.desk.case_models import CHANNEL_NAMES, STATUS_COLORS, TimelineModel, timeline_rows, when
from app.views.desk.context import DeskContext
from app.views.ops import Op, failure_text
from app.views.screen_fit import fit_to_screen


class CaseDetailDialog(QDialog):
    """The case ``case_no`` as ``ctx.user`` may see it. Emits ``case_changed`` after every step."""

    case_changed = Signal(str)

    FIELDS = [  # key, caption, spans both columns
        ("item", "事项", False),
        ("channel", "渠道", False),
        ("applicant", "申请人", False),
        ("id_number", "身份证号", False),
        ("phone", "联系电话", False),
        ("agent", "代办人", False),
        ("grid", "网格", False),
        ("address", "住址", False),
        ("first_responder", "首问责任人", False),
        ("owner", "当前承办", False),
        ("received", "收件时间", False),
        ("accepted", "受理时间", False),
        ("due", "承诺办结", False),
        ("completed", "办结时间", False),
        ("materials_received", "已收材料", True),
        ("materials_missing", "缺少材料", True),
        ("content", "诉求内容", True),
        ("refusal", "不予受理理由", True),
        ("result", "办理结果", True),
        ("evaluation", "评价", False),
        ("supervision", "督办意见", False),
    ]

    def __init__(
        self,
        ctx: DeskContext,
        case_no: str,
        parent: QWidget | None = None,
        *,
        today: Callable[[], dt.date] | None = None,
    ):
        super().__init__(parent)
        self._ctx = ctx
        self._today = today or dt.date.today
        self.case_no = case_no
        self.actions: list[str] = []
        self.action_buttons: dict[str, QPushButton] = {}
        self.action_dialog: ActionDialog | None = None
        self._item_department = ""
        self._missing: list[str] = []
        self.setWindowTitle(f"办件详情 — {case_no}")
        fit_to_screen(self, 980, 760)

        self.number_label = QLabel(case_no)
        font = self.number_label.font()
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.number_label.setFont(font)
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.deadline_label = QLabel()
        self.supervised_label = QLabel("★ 督办")
        self.supervised_label.setStyleSheet("color: #a8201a; font-weight: bold;")
        top = QHBoxLayout()
        top.addWidget(self.number_label)
        top.addSpacing(12)
        top.addWidget(self.status_label)
        top.addWidget(self.supervised_label)
        top.addStretch(1)
        top.addWidget(self.deadline_label)

        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.fields: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        row = col = 0
        for key, caption, wide in self.FIELDS:
            if wide and col:
                row, col = row + 1, 0
            name = QLabel(caption + "：")
            name.setStyleSheet("color: #555;")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = QLabel()
            value.setWordWrap(True)
            value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            value.setObjectName(f"field_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, col)
            grid.addWidget(value, row, col + 1, 1, 3 if wide else 1)
            self.fields[key], self._captions[key] = value, name
            if wide or col:
                row, col = row + 1, 0
            else:
                col = 2

        self.timeline_model = TimelineModel(self)
        self.timeline = QTableView()
        self.timeline.setModel(self.timeline_model)
        self.timeline.verticalHeader().hide()
        self.timeline.setWordWrap(True)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.timeline.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        # long notes wrap; rows follow the note column's width as the dialog is resized
        self.timeline.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.button_row = QHBoxLayout()
        self.no_action_label = QLabel("此办件已结束，没有可进行的操作。")
        self.no_action_label.setStyleSheet("color: #666;")
        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        # The paper the applicant took home (受理回执, 补正告知书 or 不予受理通知书), printed again
        # when it was lost or the printer jammed at the counter; audited like the first.
        self.document_button = QPushButton("重新打印受理文书")
        self.document_button.setAutoDefault(False)
        self.document_button.clicked.connect(self.print_document)
        bottom = QHBoxLayout()
        bottom.addLayout(self.button_row)
        bottom.addWidget(self.no_action_label)
        bottom.addStretch(1)
        bottom.addWidget(self.document_button)
        bottom.addWidget(self.close_button)

        # 四单三办三评 in a tab of its own; escalation (吹哨) opens its form too
        self.handling = HandlingPanel(ctx, case_no, self._entry_saved, today=self._today)
        main = QWidget()
        main_layout = QVBoxLayout(main)
        for widget in (box, QLabel("办理过程"), self.timeline):
            main_layout.addWidget(widget, 1 if widget is self.timeline else 0)
        self.tabs = QTabWidget()
        self.tabs.addTab(main, "办件信息(&1)")
        self.tabs.addTab(self.handling, "四单三办三评(&2)")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self._summary = case_no
        self._load(record_view=True)
        next(iter(self.action_buttons.values()), self.close_button).setFocus(Qt.FocusReason.OtherFocusReason)

    def print_document(self) -> None:
        from app.views.desk.document_dialog import show_case_document

        show_case_document(self._ctx, self.case_no, self)

    # -- showing -------------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Read the case again and show it; False if it no longer exists."""
        return self._load(record_view=False)

    def _load(self, *, record_view: bool) -> bool:
        # Opening a case with a full ID number on screen is a lookup for the audit log
        # (个人信息保护法); refreshing the same dialog after a step is not a new one.
        with self._ctx.db.sessions() as session:
            detail = case_detail(session, self.case_no, self._today(), self._ctx.scope)
            if detail is None:
                self.status_label.setText("办件不存在")
                self._set_actions([])
                return False
            case = detail.case
            self._show_case(detail)
            self._show_timeline(case, detail.staff)
            self.handling.show_sheet(sheet_of(case), detail.staff)
            self._set_actions(allowed_actions(case))
            if record_view and self._ctx.user.sees_full_id_numbers and case.applicant_id_number:
                record_case_opened(session, case, actor=self._ctx.user.username)
                session.commit()
        return True

    def _show_case(self, detail: CaseDetail) -> None:
        case, names = detail.case, detail.staff
        full = self._ctx.user.sees_full_id_numbers
        self._item_department = detail.item_department
        self._missing = list(case.materials_missing or [])
        self._summary = f"{case.case_no}　{case.item_name}　申请人：{case.applicant_name}"
        color = STATUS_COLORS.get(case.status, "#333")
        self.status_label.setText(status_name(case.status))
        self.status_label.setStyleSheet(
            f"QLabel {{ background: {color}; color: white; border-radius: 4px; padding: 3px 10px; font-weight: bold; }}"
        )
        self.supervised_label.setVisible(case.supervised)
        self.deadline_label.setText(self._deadline_text(case, detail.deadline))

        def person(name: str, number: str) -> str:
            return f"{name}（{number if full else mask(number)}）" if number else name

        agent = person(case.agent_name, case.agent_id_number) if case.agent_name else "无"
        if case.agent_name and case.agent_phone:
            agent += f"  {case.agent_phone if full else _mask_phone(case.agent_phone)}"
        phone = case.applicant_phone if full else _mask_phone(case.applicant_phone)
        received = list(case.materials_received or [])
        code = f"{case.item_code}，" if case.item_code else ""  # a request (诉求) has no item code
        values = {
            "item": f"{case.item_name}（{code}承诺 {case.promised_days} 个工作日）"
            if case.promised_days
            else f"{case.item_name}（{code}即办）",
            "channel": CHANNEL_NAMES.get(case.channel, case.channel),
            "applicant": case.applicant_name,
            "id_number": (case.applicant_id_number if full else mask(case.applicant_id_number)) or "—",
            "phone": phone or "—",
            "agent": agent,
            "grid": detail.grid_name or "—",
            "address": case.address or "—",
            "first_responder": names.get(case.first_responder, case.first_responder),
            "owner": names.get(case.owner, case.owner),
            "received": when(case.received_at),
            "accepted": when(case.accepted_at) or "—",
            "due": case.due_date.isoformat() if case.due_date else "—",
            "completed": when(case.completed_at) or "—",
            "materials_received": "；".join(received) or "—",
            "materials_missing": "；".join(self._missing),
            "content": case.content,
            "refusal": case.refusal_reason,
            "result": case.result,
            "evaluation": case.evaluation or "—",
            "supervision": case.supervision_note or "—",
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        for key in (
            "materials_missing",
            "content",
            "refusal",
            "result",
        ):  # shown only when there is something
            self.fields[key].setVisible(bool(values[key]))
            self._captions[key].setVisible(bool(values[key]))
        self.fields["materials_missing"].setStyleSheet("color: #a8201a;")

    def _deadline_text(self, case: Case, state: str) -> str:
        if not state:
            return ""
        color = {"overdue": "#a8201a", "due_soon": "#8a5300"}.get(state, "#2e7d32")
        return f"<span style='color:{color}; font-weight:bold'>{DEADLINE_NAMES[state]}</span>（承诺 {case.due_date}）"

    def _show_timeline(self, case: Case, names: dict[str, str]) -> None:
        rows = timeline_rows(case.events, names)
        self.timeline_model.set_rows(rows)
        if rows:
            self.timeline.scrollToBottom()

    def _set_actions(self, actions: list[str]) -> None:
        self.actions = list(actions)
        for button in self.action_buttons.values():
            self.button_row.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.action_buttons = {}
        for action in actions:
            button = QPushButton(button_text(action))
            button.setObjectName(f"button_{action}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, a=action: self.open_action(a))
            self.button_row.addWidget(button)
            button.show()  # a layout shows new children of a visible window only later
            self.action_buttons[action] = button
        self.no_action_label.setVisible(not actions)
        self._fix_tab_order()

    def _fix_tab_order(self) -> None:
        previous: QWidget = self.timeline
        for button in self.action_buttons.values():
            QWidget.setTabOrder(previous, button)
            previous = button
        QWidget.setTabOrder(previous, self.close_button)

    # -- acting --------------------------------------------------------------------------------
    def open_action(self, action: str) -> ActionDialog:
        """Open the input dialog for ``action`` (window-modal, not blocking)."""
        targets: list[tuple[str, str]] = []
        if action == "dispatch":
            with self._ctx.db.sessions() as session:
                targets = list(back_office_staff(session))
            departments = [self._item_department] if self._item_department else []
            departments += [d for d in DISPATCH_DEPARTMENTS if d != self._item_department]
            targets += [(d, d) for d in departments]
        elif action == "escalate":  # to a target of the administrator's list, with level and date
            return self.handling.open_entry("escalate")
        dialog = ActionDialog(
            action,
            case_no=self.case_no,
            summary=self._summary,
            targets=targets,
            missing=self._missing,
            submit=lambda values, done: self.run_action(action, values, dialog, done=done),
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.action_dialog = dialog
        dialog.open()
        return dialog

    def _entry_saved(self) -> None:
        self.refresh()
        self.case_changed.emit(self.case_no)

    def run_action(
        self,
        action: str,
        values: ActionInput,
        dialog: QWidget | None = None,
        *,
        done: Callable[[bool], None] | None = None,
    ) -> None:
        """Carry out one step in its own transaction, on the desk's runner; ``done(saved)`` tells
        the dialog whether to close. A refused step is explained and the case shown afresh."""
        sessions, actor, scope = self._ctx.db.sessions, self._ctx.user.username, self._ctx.scope

        def work() -> None:
            take_step(
                sessions,
                self.case_no,
                action,
                actor=actor,
                scope=scope,
                note=values.note,
                to=values.to,
                evaluation=values.evaluation,
            )

        def saved(_result: None) -> None:
            self.refresh()
            self.case_changed.emit(self.case_no)
            focus = next(iter(self.action_buttons.values()), self.close_button)
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
            if done is not None:
                done(True)

        def refused(exc: Exception) -> None:
            if isinstance(exc, WorkflowError):
                QMessageBox.warning(dialog or self, f"不能{action_label(action)}", str(exc))
                self.refresh()
            else:
                why = str(exc) if isinstance(exc, CaseNotSaved) else failure_text(exc)
                QMessageBox.warning(
                    dialog or self,
                    "保存失败",
                    f"办件没有保存（{why}），请稍后再试。已填写的内容仍在对话框中。",
                )
            if done is not None:
                done(False)

        Op(dialog or self, work, runner=self._ctx.runner).success(saved).failure(refused).run()


def _mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else ("*" * len(phone))
