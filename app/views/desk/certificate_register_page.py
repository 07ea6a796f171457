"""证明台账: every certificate issued, searchable; reprint (same serial, logged) and void (with a
reason); batches of one form for a filtered list of residents."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.admin.permissions import can
from app.services.certificates.issue import CertificateRenderer, IssuedCertificate, reprint_certificate
from app.services.certificates.listing import stored_templates
from app.services.certificates.register import CertificateError, RegisterRow, register_rows, void
from app.services.common import audit
from app.services.exports.filters import LedgerFilter
from app.views.desk.context import DeskContext
from app.views.desk.ledger_export import export_from_desk
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel

COLUMNS = [
    ("serial", "证明编号"),
    ("title", "证明/表格"),
    ("holder_name", "持证人"),
    ("holder_id_masked", "身份证号"),
    ("issue_date", "开具日期"),
    ("issued_by_name", "开具人"),
    ("channel", "渠道"),
    ("reprints", "补打次数"),
    ("status", "状态"),
]
CHANNELS = {"desk": "窗口", "kiosk": "自助终端", "batch": "批量", "cli": "命令行"}


def _shown(row: RegisterRow, key: str) -> str:
    value = getattr(row, key)
    if key == "status":
        return "有效" if value == "valid" else f"已作废（{row.void_reason}）"
    if key == "channel":
        return CHANNELS.get(value, value)
    return str(value)


class CertificateRegisterPage(QWidget):
    def __init__(self, ctx: DeskContext, parent=None, *, renderer: CertificateRenderer | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._renderer = renderer
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.template = QComboBox()
        self.template.addItem("全部证明", None)
        with ctx.db.sessions() as session:
            templates = stored_templates(session)
        for template in templates:
            self.template.addItem(template.title, template.code)
        self.search = QLineEdit()
        self.search.setPlaceholderText("证明编号、持证人姓名或身份证号")
        self.reprint_button = QPushButton("补打")
        self.void_button = QPushButton("作废…")
        self.batch_button = QPushButton("批量开具…")
        self.export_button = QPushButton("导出台账(&E)…")
        bar.addWidget(QLabel("证明"))
        bar.addWidget(self.template)
        bar.addWidget(self.search, 1)
        for button in (self.reprint_button, self.void_button, self.batch_button, self.export_button):
            bar.addWidget(button)
        self.batch_button.setVisible(can(ctx.user.role, "certificate.issue"))  # not the back office
        layout.addLayout(bar)
        self.model = RowTableModel(COLUMNS, _shown, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        layout.addWidget(self.count)
        self.template.currentIndexChanged.connect(self.reload)
        self.search.returnPressed.connect(self.reload)
        self.reprint_button.clicked.connect(self.reprint)
        self.void_button.clicked.connect(self.void_selected)
        self.batch_button.clicked.connect(self.open_batch)
        self.export_button.clicked.connect(self.export_ledger)
        self._loaded = False

    def renderer(self) -> CertificateRenderer:
        """The PDF renderer, or the one a test gave; reportlab loads on the first print, not at
        the desk's start."""
        if self._renderer is None:
            from app.printing.certificates.renderer import PDF_RENDERER

            self._renderer = PDF_RENDERER
        return self._renderer

    def showEvent(self, event) -> None:  # noqa: N802 — read (and audited) when first looked at
        super().showEvent(event)
        if not self._loaded:
            self.reload()

    def reload(self) -> None:
        search = self.search.text().strip()
        with self.ctx.db.sessions.begin() as session:
            rows = register_rows(
                session, template_code=self.template.currentData(), text=search or None, scope=self.ctx.scope
            )
            # The register names every holder: looking at it is recorded like a lookup.
            audit.record_list(
                session,
                actor=self.ctx.user.username,
                action="lookup",
                shown=len(rows),
                what=f"查看证明台账（{self.template.currentText()}）",
                search=search,
            )
        self._loaded = True
        self.model.set_rows(rows)
        self.count.setText(f"共 {len(rows)} 份")

    def export_ledger(self) -> None:
        """The register of the chosen template (every certificate issued, not only the rows shown)."""
        flt = LedgerFilter(template_code=self.template.currentData() or "")
        self.export_button.setEnabled(False)
        if not export_from_desk(self, self.ctx, "certificates", flt, self.count.setText, done=self._exported):
            self.export_button.setEnabled(True)

    def _exported(self) -> None:
        self.export_button.setEnabled(True)

    def selected(self) -> RegisterRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()] if indexes else None

    def reprint(self) -> None:
        row = self.selected()
        if row is None:
            return
        db, renderer, actor = self.ctx.db, self.renderer(), self.ctx.user.username

        def work() -> IssuedCertificate:
            with db.sessions.begin() as session:
                return reprint_certificate(session, renderer, row.serial, actor=actor)

        self.reprint_button.setEnabled(False)
        Op(self, work, runner=self.ctx.runner).success(self._reprinted).failure(self._not_reprinted).run()

    def _reprinted(self, issued: IssuedCertificate) -> None:
        from app.views.desk.certificate_dialog import show_issued

        self.reprint_button.setEnabled(True)
        self.reload()
        show_issued(self.ctx, issued, self)

    def _not_reprinted(self, exc: Exception) -> None:
        self.reprint_button.setEnabled(True)
        QMessageBox.warning(
            self, "补打", str(exc) if isinstance(exc, CertificateError) else failure_text(exc)
        )

    def void_selected(self, *, reason: str | None = None) -> None:
        row = self.selected()
        if row is None:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "作废证明", f"作废 {row.serial}（{row.holder_name}）的原因："
            )
            if not ok:
                return
        try:
            with self.ctx.db.sessions.begin() as session:
                void(session, row.serial, reason, self.ctx.user.username)
        except CertificateError as exc:
            QMessageBox.warning(self, "作废", str(exc))
            return
        self.reload()

    def open_batch(self) -> None:
        from app.views.desk.batch_dialog import BatchDialog

        BatchDialog(self.ctx, self, renderer=self.renderer()).exec()
        self.reload()
