"""Issuing a certificate or form for the resident on the screen.

Fields from the lookup are shown pre-filled (and locked unless the template lets staff correct
them); fields the staff must supply are editors, required ones marked. Errors appear next to the
field. 预览 renders a draft marked as such; 开具 registers it (serial, signature, register entry)
and opens it for printing.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.certificates.issue import (
    CertificateRenderer,
    IssuedCertificate,
    RenderJob,
    issue_certificate,
    issue_form,
)
from app.services.certificates.listing import active_templates
from app.services.certificates.register import CertificateError
from app.services.certificates.template_spec import FieldSpec
from app.services.certificates.templates import TemplateValueError, display, parse_date, resolve
from app.services.population.lookup import LookupFailed, find_resident
from app.views.desk.context import DeskContext
from app.views.ops import Op, failure_text
from app.views.screen_fit import fit_to_screen

DRAFT_QR = "预览稿，未登记，无效"
EMPTY_DATE = QDate(1900, 1, 1)
ISSUE, ISSUING = "开具并打印", "正在开具…"


class CertificateDialog(QDialog):
    """``renderer`` draws the PDFs; the desk uses the real one, tests hand in a slow one."""

    def __init__(
        self,
        ctx: DeskContext,
        id_number: str,
        template_code: str | None = None,
        parent=None,
        *,
        renderer: CertificateRenderer | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.id_number = id_number
        if renderer is None:  # reportlab loads with the first certificate, not at the desk's start
            from app.printing.certificates.renderer import PDF_RENDERER as renderer
        self.renderer = renderer
        self.issued: IssuedCertificate | None = None
        self.issuing: Op[IssuedCertificate] | None = None
        self.setWindowTitle("开具证明")
        fit_to_screen(self, 720, 640)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("证明/表格"))
        self.template_combo = QComboBox()
        with ctx.db.sessions() as session:
            for choice in active_templates(session):
                self.template_combo.addItem(f"{choice.title}（{choice.code}）", choice.code)
        top.addWidget(self.template_combo, 1)
        layout.addLayout(top)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        layout.addWidget(self.scroll, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b42318;")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton("预览草稿")
        self.issue_button = QPushButton(ISSUE)
        self.close_button = QPushButton("关闭")
        self.preview_button.clicked.connect(self.preview)
        self.issue_button.clicked.connect(self.issue)
        self.close_button.clicked.connect(self.reject)
        buttons.addStretch(1)
        for button in (self.preview_button, self.issue_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.template_combo.currentIndexChanged.connect(self.load_template)
        if template_code and self.template_combo.findData(template_code) >= 0:
            self.template_combo.setCurrentIndex(self.template_combo.findData(template_code))
        self.load_template()

    # --- building the form ------------------------------------------------------------------
    def load_template(self) -> None:
        code = self.template_combo.currentData()
        self.editors, self.errors = {}, {}
        self.message.clear()
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        if code is None:
            self.scroll.setWidget(form_widget)
            return
        try:
            with self.ctx.db.sessions() as session:
                form_data = issue_form(session, code, self.id_number, dt.date.today(), self.ctx.scope)
        except (LookupFailed, CertificateError) as exc:
            self.message.setText(str(exc))
            self.scroll.setWidget(form_widget)
            return
        self.spec, self.prefilled = form_data.spec, form_data.prefilled
        for f in self.spec.fields:
            label = f.label + (" *" if f.required and (f.from_staff or f.editable) else "")
            editor = self._editor(f, self.prefilled.get(f.name))
            self.editors[f.name] = editor
            error = QLabel()
            error.setStyleSheet("color: #b42318;")
            error.hide()
            self.errors[f.name] = error
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(editor)
            box.addWidget(error)
            form.addRow(label, box)
        self.scroll.setWidget(form_widget)

    def _editor(self, f: FieldSpec, value: object) -> QWidget:
        if not (f.from_staff or f.editable):
            shown = QLabel(_shown(value))
            shown.setWordWrap(True)
            shown.setStyleSheet("color: #344054;")
            return shown
        if f.type == "choice":
            combo = QComboBox()
            combo.addItem("", None)
            combo.addItems(list(f.choices))
            if value is not None:
                combo.setCurrentText(str(value))
            return combo
        if f.type == "date":
            # An optional date stays empty (shown as 未填写) until someone sets it: printing today's
            # date where nobody chose one would put a false fact on the form.
            edit = QDateEdit()
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMinimumDate(EMPTY_DATE)
            edit.setSpecialValueText("未填写")
            day = value if isinstance(value, dt.date) else parse_date(value)
            if day is None and f.required:
                day = dt.date.today()
            edit.setDate(QDate(day.year, day.month, day.day) if day else EMPTY_DATE)
            return edit
        if f.type == "multiline":
            text = QPlainTextEdit(_shown(value) if value is not None else "")
            text.setTabChangesFocus(True)
            text.setMaximumHeight(90)
            return text
        line = QLineEdit(_shown(value) if value is not None else "")
        if f.hint:
            line.setPlaceholderText(f.hint)
        if f.limit:
            line.setMaxLength(f.limit)
        return line

    def staff_values(self) -> dict[str, object]:
        values: dict[str, object] = {}
        for f in self.spec.fields:
            editor = self.editors.get(f.name)
            if isinstance(editor, QComboBox):
                values[f.name] = editor.currentText() or None
            elif isinstance(editor, QDateEdit):
                values[f.name] = None if editor.date() == EMPTY_DATE else editor.date().toPython()
            elif isinstance(editor, QPlainTextEdit):
                values[f.name] = editor.toPlainText()
            elif isinstance(editor, QLineEdit):
                values[f.name] = editor.text()
        return values

    # --- preview and issue ------------------------------------------------------------------
    def _checked_values(self) -> dict[str, object] | None:
        if not self.editors:  # no form: the lookup failed, and the message says why
            return None
        for label in self.errors.values():
            label.hide()
        try:
            values = resolve(self.spec, self.prefilled, self.staff_values())
        except TemplateValueError as exc:
            self._show_errors(exc.errors)
            return None
        missing = self.renderer.missing_glyphs(values)
        if missing:
            self._show_errors(
                {k: f"字库中没有“{'、'.join(v)}”，打印会成空白方框，请改写" for k, v in missing.items()}
            )
            return None
        return values

    def _show_errors(self, errors: dict[str, str]) -> None:
        elsewhere = []
        for name, text in errors.items():
            label = self.errors.get(name)
            if label is not None and isinstance(self.editors.get(name), QWidget):
                label.setText(text)
                label.show()
            else:  # a value from the population base or the centre, with no editor here
                elsewhere.append(text)
        self.message.setText("；".join(elsewhere) if elsewhere else "请先改正标红的内容")

    def preview(self) -> None:
        values = self._checked_values()
        if values is None:
            return
        pdf = self.renderer.render(
            RenderJob(
                self.spec,
                values,
                serial="（预览稿）",
                qr_text=DRAFT_QR,
                verification_code="预览",
                centre_name=self.ctx.centre_name,
                issue_date=dt.date.today(),
            )
        )
        dialog = self.ctx.preview(f"预览稿 — {self.spec.title}（未登记，不能打印）", pdf, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.print_button.setEnabled(False)
        dialog.save_button.setEnabled(False)
        dialog.exec()

    def issue(self) -> None:
        """Registers and renders on a worker (a slow printer's PDF must not freeze the desk); the
        dialog stays open, its buttons off, until the preview can be shown."""
        if self.issuing is not None or self._checked_values() is None:
            return
        db, renderer, actor = self.ctx.db, self.renderer, self.ctx.user.username
        id_number, code, values = self.id_number, self.spec.code, self.staff_values()

        def work() -> IssuedCertificate:
            with db.sessions.begin() as session:
                resident = find_resident(session, id_number)
                return issue_certificate(
                    session,
                    renderer,
                    template_code=code,
                    resident=resident,
                    staff_values=values,
                    actor=actor,
                )

        self._busy(True)
        self.issuing = Op(self, work, runner=self.ctx.runner).success(self._issued).failure(self._not_issued)
        self.issuing.run()

    def _issued(self, issued: IssuedCertificate) -> None:
        self._busy(False)
        self.issued = issued
        show_issued(self.ctx, issued, self)
        self.accept()

    def _not_issued(self, exc: Exception) -> None:
        self._busy(False)
        if isinstance(exc, TemplateValueError):
            self._show_errors(exc.errors)
        elif isinstance(exc, CertificateError | LookupFailed):
            self.message.setText(str(exc))
        else:
            self.message.setText(failure_text(exc))

    def _busy(self, busy: bool) -> None:
        if not busy:
            self.issuing = None
        for widget in (self.template_combo, self.preview_button, self.issue_button, self.close_button):
            widget.setEnabled(not busy)
        self.issue_button.setText(ISSUING if busy else ISSUE)
        self.message.clear()

    def reject(self) -> None:
        """Not while issuing: the certificate is being registered and must reach the printer."""
        if self.issuing is None:
            super().reject()


def show_issued(ctx: DeskContext, issued: IssuedCertificate, parent=None):
    """Open an issued (or reprinted) certificate for printing; printing and saving are audited."""
    from app.services.common import audit
    from app.views.desk.document_dialog import open_preview

    def record(how: str) -> None:
        with ctx.db.sessions.begin() as session:
            audit.record(
                session,
                actor=ctx.user.username,
                action="print",
                subject=issued.serial,
                purpose=issued.title,
                detail=how,
            )

    return open_preview(
        ctx,
        f"{issued.title} — {issued.serial}",
        issued.pdf,
        suggested_name=f"{issued.serial}-{issued.title}.pdf",
        parent=parent,
        on_output=record,
    )


def _shown(value: object) -> str:
    if isinstance(value, list):
        return f"{len(value)}人（取自人口库）"
    return display(value)
