"""The desk's 志愿服务 tab: sign a volunteer in or out by card (a swipe while this tab is open
comes here, or the number typed), the volunteers of the person's teams, and for the one chosen
the printed record of this year or the hours certificate with the signed QR. The list loads
when the tab is first shown, so signing in to the desk reads no one's data."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.cardreaders import CardData
from app.services.volunteers.attendance import SignResult, SignState, sign_in, sign_out, signing_state
from app.services.volunteers.people import VolunteerRow, list_volunteers
from app.services.volunteers.records import issue_hours_certificate, volunteer_record
from app.services.volunteers.teams import VolunteerError
from app.views.desk.context import DeskContext
from app.views.desk.document_dialog import open_preview
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel

COLUMNS = [
    ("name", "姓名"),
    ("id_masked", "身份证号"),
    ("teams", "服务队"),
    ("skills", "特长"),
    ("phone", "电话"),
    ("resident", "人员类别"),
]


def _shown(row: VolunteerRow, key: str) -> str:
    value = getattr(row, key)
    if key == "resident":
        return "本街道居民" if value else "辖区外人员"
    return value or "—"


class VolunteersPage(QWidget):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False
        self.state: SignState | None = None
        self.last_issued = None  # the latest hours certificate issued here (serial, QR)
        layout = QVBoxLayout(self)
        sign = QHBoxLayout()
        self.id_field = QLineEdit()
        self.id_field.setPlaceholderText("刷身份证或输入身份证号后回车：签到或签退")
        self.id_field.returnPressed.connect(lambda: self.swiped(self.id_field.text()))
        self.activity = QComboBox()
        self.activity.setMinimumWidth(320)
        self.sign_button = QPushButton("签到")
        self.sign_button.clicked.connect(self.sign_chosen)
        sign.addWidget(QLabel("志愿者签到"))
        sign.addWidget(self.id_field, 2)
        sign.addWidget(self.activity, 2)
        sign.addWidget(self.sign_button)
        layout.addLayout(sign)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.model = RowTableModel(COLUMNS, _shown, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.record_button = QPushButton("打印本年度志愿服务记录")
        self.record_button.clicked.connect(self.print_record)
        self.certificate_button = QPushButton("开具志愿服务时长证明")
        self.certificate_button.clicked.connect(self.issue_certificate)
        actions.addStretch(1)
        actions.addWidget(self.record_button)
        actions.addWidget(self.certificate_button)
        layout.addLayout(actions)
        self._choose(None)

    def showEvent(self, event) -> None:  # noqa: N802 — Qt's name
        super().showEvent(event)
        if not self.loaded:
            self.reload()

    def reload(self) -> None:
        self.loaded = True
        with self.ctx.db.sessions.begin() as session:
            rows = list_volunteers(session, scope=self.ctx.scope, actor=self.ctx.user.username)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()

    # -- signing in and out -----------------------------------------------------------------
    def on_card(self, card: CardData) -> None:
        self.id_field.setText(card.id_number)
        self.swiped(card.id_number)

    def swiped(self, text: str) -> None:
        """Sign out of the open activity, sign in when one activity is open, else offer them."""
        if not text.strip():
            return
        now = dt.datetime.now()
        try:
            with self.ctx.db.sessions.begin() as session:
                state = signing_state(
                    session, now=now, actor=self.ctx.user.username, id_text=text, scope=self.ctx.scope
                )
        except VolunteerError as exc:  # not a volunteer, or a number that is no ID number
            self._choose(None)
            self.message.setText(str(exc))
            return
        self.id_field.clear()
        if state.open is not None:
            self._store(
                lambda session: sign_out(
                    session, state.volunteer_id, now=now, actor=self._actor(), scope=self.ctx.scope
                )
            )
        elif len(state.choices) == 1:
            self._choose(state)
            self.sign_chosen()
        elif state.choices:
            self._choose(state)
            self.message.setText(f"{state.name}：今天有{len(state.choices)}项活动可签到，请选择后点“签到”")
        else:
            self._choose(None)
            self.message.setText(f"{state.name}：现在没有可签到的活动（活动开始前1小时起可签到）")

    def _actor(self) -> str:
        return self.ctx.user.username

    def _choose(self, state: SignState | None) -> None:
        self.state = state
        self.activity.clear()
        for choice in state.choices if state else ():
            self.activity.addItem(f"{choice.title} · {choice.team} · {choice.when}", choice.id)
        self.activity.setEnabled(bool(state and state.choices))
        self.sign_button.setEnabled(bool(state and state.choices))

    def sign_chosen(self) -> None:
        state, activity_id = self.state, self.activity.currentData()
        if state is None or activity_id is None:
            return
        now = dt.datetime.now()
        self._store(
            lambda session: sign_in(
                session,
                state.volunteer_id,
                activity_id,
                now=now,
                channel="desk",
                actor=self._actor(),
                scope=self.ctx.scope,
            )
        )

    def _store(self, step) -> None:
        def work() -> SignResult:
            with self.ctx.db.sessions.begin() as session:
                return step(session)

        Op(self, work, runner=self.ctx.runner).success(self._signed).failure(
            lambda exc: self.message.setText(failure_text(exc))
        ).run()

    def _signed(self, result: SignResult) -> None:
        self._choose(None)
        if result.signed_in:
            self.message.setText(f"已签到：{result.name} · {result.title} · {result.at:%H:%M}")
        else:
            self.message.setText(
                f"已签退：{result.name} · {result.title} · {result.at:%H:%M}，本次计入{result.hours:g}小时"
            )
        self.id_field.setFocus()

    # -- the chosen volunteer's record and certificate --------------------------------------
    def chosen(self) -> VolunteerRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.message.setText("请先在名册中选择一位志愿者")
            return None
        return self.model.rows[rows[0].row()]

    def print_record(self) -> None:
        row = self.chosen()
        if row is None:
            return
        db, actor, scope, centre = self.ctx.db, self._actor(), self.ctx.scope, self.ctx.centre_name
        today = dt.date.today()

        def work() -> bytes:
            from app.printing.documents.volunteer_record import render_volunteer_record

            with db.sessions.begin() as session:
                record = volunteer_record(
                    session,
                    row.id,
                    date_from=dt.date(today.year, 1, 1),
                    date_to=today,
                    scope=scope,
                    actor=actor,
                )
            return render_volunteer_record(record, centre_name=centre)

        def rendered(pdf: bytes) -> None:
            self.message.setText(f"{row.name}的志愿服务记录已生成")
            open_preview(
                self.ctx, "志愿服务记录", pdf, suggested_name=f"{row.name}-志愿服务记录.pdf", parent=self
            )

        Op(self, work, runner=self.ctx.runner).success(rendered).failure(
            lambda exc: self.message.setText(failure_text(exc))
        ).run()

    def issue_certificate(self) -> None:
        row = self.chosen()
        if row is None:
            return
        db, actor, scope = self.ctx.db, self._actor(), self.ctx.scope
        today = dt.date.today()

        def work():
            from app.printing.certificates.renderer import PDF_RENDERER

            with db.sessions.begin() as session:
                return issue_hours_certificate(
                    session,
                    PDF_RENDERER,
                    row.id,
                    date_from=dt.date(today.year, 1, 1),
                    date_to=today,
                    scope=scope,
                    actor=actor,
                    today=today,
                )

        def issued(certificate) -> None:
            self.last_issued = certificate
            self.message.setText(
                f"已开具{certificate.title}：{certificate.serial}，核验码 {certificate.verification_code}"
            )
            open_preview(
                self.ctx,
                certificate.title,
                certificate.pdf,
                suggested_name=f"{certificate.serial}.pdf",
                parent=self,
            )

        Op(self, work, runner=self.ctx.runner).success(issued).failure(
            lambda exc: self.message.setText(failure_text(exc))
        ).run()
