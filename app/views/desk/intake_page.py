"""一窗受理: the screen the front desk uses all day.

Keyboard first: the ID field has focus; a card swipe or a typed number plus Enter looks the
resident up; F3 (or Enter after a lookup) goes to the catalogue search, where pinyin initials find
the item; the materials are ticked with Space; Ctrl+Enter accepts, F8 issues the one-time
supplement notice, F9 refuses. After each outcome the document is shown for printing and the
screen returns to the ID field.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services.admin.permissions import can
from app.services.cardreaders import CardData
from app.services.cases.accept import INTAKE_ERRORS, IntakeRequest, Outcome, RecordedCase, record_intake
from app.services.cases.catalogue import CatalogueEntry, CatalogueIndex
from app.services.cases.intake import Agent
from app.services.desk.panel import DeskRecord, desk_lookup
from app.services.population.lookup import LookupFailed
from app.views.desk.context import DeskContext
from app.views.desk.intake_widgets import CatalogueModel, IdField
from app.views.desk.resident_panel import ResidentPanel
from app.views.ops import Op, failure_text


class IntakePage(QWidget):
    case_recorded = Signal(str)  # case number, after it is committed

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.current: DeskRecord | None = None
        self.item: CatalogueEntry | None = None
        self.last_card: CardData | None = None  # what the card reader read, for registration
        self.pending_note, self.unknown_id = "", ""  # said after the next lookup; an ID not on record
        self.busy = False  # a case is being saved
        self._lookups = 0  # numbers each lookup, so that only the latest one's answer is shown
        with ctx.db.sessions() as session:
            self.index = CatalogueIndex.load(session)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        self.id_field = IdField()
        self.id_field.submitted.connect(self.look_up)
        left_layout.addWidget(self.id_field)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("intakeMessage")
        message_row = QHBoxLayout()
        message_row.addWidget(self.message, 1)
        self.register_button = QPushButton("登记新居民 (F4)")
        self.register_button.clicked.connect(self.register_resident)
        self.register_button.hide()
        message_row.addWidget(self.register_button)
        self.certificate_button = QPushButton("开具证明 (F6)")
        self.certificate_button.clicked.connect(self.issue_certificate)
        self.certificate_button.setEnabled(False)
        self.certificate_button.setVisible(can(ctx.user.role, "certificate.issue"))  # not the back office
        message_row.addWidget(self.certificate_button)
        left_layout.addLayout(message_row)
        self.panel = ResidentPanel(ctx=ctx, on_change=self.look_up)  # full ID numbers as the role allows
        left_layout.addWidget(self.panel, 1)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        self.search = QLineEdit()
        self.search.setPlaceholderText("事项：拼音首字母、拼音或汉字，如 jzzm / 居住（F3）")
        self.search.textChanged.connect(self.filter_items)
        self.search.returnPressed.connect(self.choose_first_item)
        right_layout.addWidget(self.search)
        self.model = CatalogueModel(self)
        self.items = QListView()
        self.items.setModel(self.model)
        self.items.activated.connect(self.choose_item)
        self.items.setMaximumHeight(210)
        right_layout.addWidget(self.items)

        self.item_box = QGroupBox("受理事项")
        form = QVBoxLayout(self.item_box)
        self.item_info = QLabel("请先选择事项")
        self.item_info.setWordWrap(True)
        form.addWidget(self.item_info)
        form.addWidget(QLabel("申请材料（空格键勾选已收取的材料）"))
        self.materials = QListWidget()
        form.addWidget(self.materials, 1)
        self.agent_box = QGroupBox("帮办代办（代办人信息）")
        self.agent_box.setCheckable(True)
        self.agent_box.setChecked(False)
        agent_form = QFormLayout(self.agent_box)
        self.agent_name = QLineEdit()
        self.agent_id = QLineEdit()
        self.agent_phone = QLineEdit()
        agent_form.addRow("姓名", self.agent_name)
        agent_form.addRow("身份证号", self.agent_id)
        agent_form.addRow("联系电话", self.agent_phone)
        form.addWidget(self.agent_box)
        self.note = QLineEdit()
        self.note.setPlaceholderText("备注（可选）")
        form.addWidget(self.note)
        buttons = QHBoxLayout()
        self.accept_button = QPushButton("受理 (Ctrl+Enter)")
        self.supplement_button = QPushButton("一次性告知 (F8)")
        self.refuse_button = QPushButton("不予受理 (F9)")
        for button, slot in (
            (self.accept_button, self.accept_case),
            (self.supplement_button, self.request_materials),
            (self.refuse_button, self.refuse_case),
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        form.addLayout(buttons)
        right_layout.addWidget(self.item_box, 1)
        splitter.addWidget(right)
        splitter.setSizes([520, 560])

        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        for keys, slot in (
            ("F2", self.focus_id),
            ("F3", self.focus_search),
            ("Ctrl+Return", self.accept_case),
            ("Ctrl+Enter", self.accept_case),
            ("F8", self.request_materials),
            ("F9", self.refuse_case),
            ("F4", self.register_resident),
            ("F6", self.issue_certificate),
            ("Escape", self.reset),
        ):
            QShortcut(QKeySequence(keys), self, activated=slot)
        self.filter_items("")
        self.reset()

    # --- lookup ---------------------------------------------------------------------------
    def focus_id(self) -> None:
        self.window().activateWindow()
        self.id_field.setFocus()
        self.id_field.selectAll()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def on_card(self, card: CardData) -> None:
        """A card reader delivered a whole card: look the holder up; keep the card for registration."""
        self.last_card = card
        self.id_field.setText(card.id_number)
        self.look_up(card.id_number, from_reader=True)

    def look_up(self, text: str, from_reader: bool = False) -> None:
        if not text.strip():
            return
        if self.last_card is not None and self.last_card.id_number != text.strip().upper():
            self.last_card = None
        purpose = "前台刷卡查询" if from_reader else "前台输入查询"
        actor, sessions, scope = self.ctx.user.username, self.ctx.db.sessions, self.ctx.scope
        self._lookups += 1
        ticket = self._lookups

        def work() -> DeskRecord:
            return desk_lookup(sessions, text, actor=actor, purpose=purpose, scope=scope)

        Op(self, work, runner=self.ctx.runner).success(
            partial(self._if_latest, ticket, self.show_resident)
        ).failure(partial(self._if_latest, ticket, self.lookup_failed)).run()

    def _if_latest(self, ticket: int, show: Callable[[Any], None], answer: Any) -> None:
        """Show only the latest lookup's answer (not a slow earlier one, nor one cleared with Esc)."""
        if ticket == self._lookups:
            show(answer)

    def show_resident(self, record: DeskRecord) -> None:
        self.register_button.hide()
        self.certificate_button.setEnabled(record.resident.living)  # not for one who moved away or died
        self.current = record
        self.panel.show_record(record)
        self.say(self.pending_note or f"已找到：{record.resident.name}。请选择事项（F3）。")
        self.pending_note = ""
        self.id_field.selectAll()
        self.focus_search()

    def lookup_failed(self, exc: Exception) -> None:
        self.current = None
        self.panel.clear()
        self.certificate_button.setEnabled(False)  # nobody on screen to issue for
        not_found = isinstance(exc, LookupFailed) and exc.kind == "not_found"
        self.unknown_id = self.id_field.text().strip() if not_found else ""
        self.register_button.setVisible(not_found)
        if not_found:
            self.say(f"{exc}。可按 F4 登记为新居民。", error=True)
        else:
            self.say(
                str(exc) if isinstance(exc, LookupFailed) else f"查询失败：{type(exc).__name__}", error=True
            )
        self.focus_id()

    def issue_certificate(self) -> None:
        """Certificates and forms for the resident on screen; the chosen item's template first."""
        if not can(self.ctx.user.role, "certificate.issue"):
            return  # the back office: no button, and F6 does nothing
        if self.current is None or not self.current.resident.living:
            self.say("请先刷身份证或输入身份证号查询在册居民。", error=True)
            return
        from app.views.desk.certificate_dialog import CertificateDialog

        template = self.item.template if self.item is not None else None
        dialog = CertificateDialog(self.ctx, self.current.resident.id_number, template, self)
        if dialog.exec() and dialog.issued is not None:
            # Look the person up again so the panel lists the new certificate; say so afterwards.
            self.pending_note = f"已开具：{dialog.issued.title} {dialog.issued.serial}"
            self.look_up(self.current.resident.id_number)

    def register_resident(self) -> None:
        if not self.unknown_id:
            return
        from app.views.desk.registration_dialog import RegistrationDialog

        dialog = RegistrationDialog(self.ctx, self.unknown_id, self.last_card, self)
        if dialog.exec() and dialog.registered_id:
            self.register_button.hide()
            self.id_field.setText(dialog.registered_id)
            self.look_up(dialog.registered_id, from_reader=self.last_card is not None)

    # --- catalogue ------------------------------------------------------------------------
    def filter_items(self, text: str) -> None:
        """The list for what is typed; with something typed its first line is ready for Enter.
        With nothing typed no line is marked: a marked line beside 请先选择事项 looks chosen."""
        self.model.set_entries(self.index.search(text))
        if self.model.rowCount() and text.strip():
            self.items.setCurrentIndex(self.model.index(0))
        else:
            self.items.clearSelection()
            self.items.setCurrentIndex(QModelIndex())

    def choose_first_item(self) -> None:
        index = self.items.currentIndex()
        if index.isValid():
            self.choose_item(index)

    def choose_item(self, index: QModelIndex) -> None:
        entry: CatalogueEntry = index.data(Qt.ItemDataRole.UserRole)
        self.item = entry
        days = "即办" if entry.promised_days == 0 else f"承诺{entry.promised_days}个工作日办结"
        self.item_box.setTitle(f"受理事项：{entry.name}")
        self.item_info.setText(
            f"{entry.category} · {days} · 承办：{entry.department}"
            + (f"\n{entry.notes}" if entry.notes else "")
        )
        self.materials.clear()
        for material in entry.materials:
            item = QListWidgetItem(material)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.materials.addItem(item)
        self.materials.setFocus()
        self.materials.setCurrentRow(0)

    def ticked(self) -> tuple[list[str], list[str]]:
        received, missing = [], []
        for row in range(self.materials.count()):
            item = self.materials.item(row)
            (received if item.checkState() == Qt.CheckState.Checked else missing).append(item.text())
        return received, missing

    # --- outcomes -------------------------------------------------------------------------
    def accept_case(self) -> None:
        received, missing = self.ticked()
        if missing:
            self.say(
                f"还有{len(missing)}项材料未勾选：{'、'.join(missing)}。材料不齐请按 F8 出具一次性告知书。",
                error=True,
            )
            return
        self._record("accept", received=received)

    def request_materials(self) -> None:
        received, missing = self.ticked()
        if self.item is not None and not missing:
            self.say("材料已全部勾选，无需一次性告知，可直接受理（Ctrl+Enter）。", error=True)
            return
        self._record("supplement", received=received, missing=missing)

    def refuse_case(self) -> None:
        if not self._ready():
            return
        from app.views.desk.refusal_dialog import RefusalDialog

        dialog = RefusalDialog(self.item.name if self.item else "", self)
        if dialog.exec():
            self._record("refuse", reason=dialog.reason(), basis=dialog.basis())

    def _ready(self) -> bool:
        if self.current is None:
            self.say("请先刷身份证或输入身份证号查询申请人。", error=True)
            self.focus_id()
            return False
        if self.item is None:
            self.say("请先选择受理事项（F3）。", error=True)
            self.focus_search()
            return False
        return True

    def _agent(self) -> Agent | None:
        if not self.agent_box.isChecked():
            return None
        return Agent(self.agent_name.text(), self.agent_id.text(), self.agent_phone.text())

    def _record(
        self, outcome: Outcome, *, received=(), missing=(), reason: str = "", basis: str = ""
    ) -> None:
        if not self._ready() or self.busy:
            return
        request = IntakeRequest(
            id_number=self.current.resident.id_number,
            item_code=self.item.code,
            actor=self.ctx.user.username,
            outcome=outcome,
            materials_received=tuple(received),
            missing=tuple(missing),
            reason=reason,
            basis=basis,
            agent=self._agent(),
            note=self.note.text(),
        )
        sessions = self.ctx.db.sessions
        self._set_busy(True)
        self.say("正在保存…")
        # The commit waits for the disk (synchronous=FULL): off the GUI thread, so the counter
        # stays responsive; the number is shown only once record_intake has committed it.
        Op(self, lambda: record_intake(sessions, request), runner=self.ctx.runner).success(
            self._recorded
        ).failure(self._not_recorded).run()

    def _recorded(self, case: RecordedCase) -> None:
        self._set_busy(False)
        self.case_recorded.emit(case.case_no)
        self.show_document(case.case_no)
        self.reset()
        self.say(f"已办理：{case.case_no}。请刷下一位居民的身份证。")

    def _not_recorded(self, exc: Exception) -> None:
        self._set_busy(False)
        self.say(str(exc) if isinstance(exc, INTAKE_ERRORS) else failure_text(exc), error=True)

    def _set_busy(self, busy: bool) -> None:
        """While a case is being saved its buttons wait: a second press would record it twice."""
        self.busy = busy
        for button in (self.accept_button, self.supplement_button, self.refuse_button):
            button.setEnabled(not busy)

    def show_document(self, case_no: str) -> None:
        from app.views.desk.document_dialog import show_case_document

        show_case_document(self.ctx, case_no, self, on_closed=self.focus_id)

    def reset(self) -> None:
        self._lookups += 1  # a lookup still under way belongs to the person before
        self.current = None
        self.item = None
        self.panel.clear()
        self.id_field.clear()
        self.search.clear()
        self.materials.clear()
        self.item_box.setTitle("受理事项")
        self.item_info.setText("请先选择事项")
        self.agent_box.setChecked(False)
        self.register_button.hide()
        self.certificate_button.setEnabled(False)
        self.last_card = None
        self.unknown_id = ""
        for field in (self.agent_name, self.agent_id, self.agent_phone, self.note):
            field.clear()
        self.say("")
        self.focus_id()

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        # Messages stay on the page instead of a modal box: the counter keeps its rhythm.
        self.message.setStyleSheet("color: #b42318; font-weight: bold;" if error else "color: #1d6b3a;")
