"""Certificates at the desk: issue for the resident on screen, verify, reprint, void, batch."""

from __future__ import annotations

import io
import threading
import time

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFormLayout, QLineEdit, QMessageBox
from sqlalchemy import select

from app.models import AuditEntry, Certificate, Household, User
from app.printing.certificates.renderer import PDF_RENDERER
from app.services.certificates.signing import verify
from app.views.desk.batch_dialog import BatchDialog
from app.views.desk.certificate_dialog import CertificateDialog
from app.views.desk.certificate_register_page import COLUMNS as register_columns
from app.views.desk.context import StaffUser
from app.views.desk.main_window import DeskWindow
from app.views.desk.verify_dialog import VerifyDialog
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner, ThreadRunner
from tests.gui.fakes import FilePrinterPreview


@pytest.fixture(autouse=True)
def keys(tmp_path, monkeypatch):
    monkeypatch.setenv("YICHUANG_KEYS_DIR", str(tmp_path / "keys"))


@pytest.fixture
def window(qtbot, demo_db, tmp_path, monkeypatch):
    application()
    FilePrinterPreview.reset(str(tmp_path / "printed.pdf"))
    win = DeskWindow(
        desk_context(
            demo_db,
            StaffUser("qiantai", "李静", "front_desk"),
            runner=ImmediateRunner(),
            preview=FilePrinterPreview,
        )
    )
    qtbot.addWidget(win)
    win.show()
    yield win
    FilePrinterPreview.close_all()


def _person(demo_db):
    with demo_db.sessions() as session:
        household = session.scalars(select(Household).where(Household.members.any()).limit(1)).one()
        return household.members[0]


def _fill(dialog: CertificateDialog, **values: str) -> None:
    for name, value in values.items():
        editor = dialog.editors[name]
        assert isinstance(editor, QLineEdit), name
        editor.setText(value)  # Chinese arrives through the input method, as committed text


def test_issue_from_the_intake_page_with_f6(qtbot, window, demo_db, monkeypatch):
    person = _person(demo_db)
    page = window.intake
    page.id_field.setText(person.id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    qtbot.keyClicks(page.search, "jzzm")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)

    seen = {}

    def run(dialog: CertificateDialog):
        seen["template"] = dialog.template_combo.currentData()
        dialog.issue()  # required staff fields are empty: shown next to the fields, nothing issued
        seen["errors"] = [n for n, label in dialog.errors.items() if not label.isHidden()]
        _fill(dialog, purpose="办理子女入学", since="2015-03-01")
        dialog.issue()
        return dialog.result()

    monkeypatch.setattr(CertificateDialog, "exec", run)
    qtbot.keyClick(page.materials, Qt.Key.Key_F6)
    assert seen["template"] == "JZZM" and set(seen["errors"]) >= {"purpose"}
    with demo_db.sessions() as session:
        cert = session.scalars(select(Certificate)).one()
    assert cert.serial.startswith("TYJZ2") and cert.issued_by == "qiantai" and cert.status == "valid"
    assert "已开具" in page.message.text() and page.panel.certificates.rowCount() == 1
    shown = FilePrinterPreview.shown[-1]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(shown.pdf)).pages)
    assert cert.serial in text and person.name in text
    with demo_db.sessions() as session:
        assert verify(session, cert.qr_payload).valid
        display = session.scalars(select(User.display_name).where(User.username == "qiantai")).one()
    window.tabs.setCurrentWidget(window.register)  # the register names who issued it as people know them
    column = [key for key, _ in register_columns].index("issued_by_name")
    assert window.register.model.index(0, column).data() == display != "qiantai"


def test_a_character_the_font_lacks_is_refused_before_printing(qtbot, window, demo_db):
    person = _person(demo_db)
    dialog = CertificateDialog(window.ctx, person.id_number, "JZZM", window)
    qtbot.addWidget(dialog)
    _fill(dialog, purpose="办理\U0003134a字号登记", since="2015-03-01")  # Extension G: no font
    dialog.issue()
    assert not dialog.errors["purpose"].isHidden() and "\U0003134a" in dialog.errors["purpose"].text()
    with demo_db.sessions() as session:
        assert session.scalars(select(Certificate)).first() is None


def test_verify_reprint_and_void_from_the_register(qtbot, window, demo_db, monkeypatch):
    person = _person(demo_db)
    dialog = CertificateDialog(window.ctx, person.id_number, "JZZM", window)
    qtbot.addWidget(dialog)
    _fill(dialog, purpose="银行开户", since="2010-01-01")
    dialog.issue()
    with demo_db.sessions() as session:
        cert = session.scalars(select(Certificate)).one()

    check = VerifyDialog(window.ctx, window)
    qtbot.addWidget(check)
    qtbot.keyClicks(check.text, cert.qr_payload)
    qtbot.keyClick(check.text, Qt.Key.Key_Return)
    assert check.result.text().startswith("有效")
    tampered = cert.qr_payload[:-3] + ("A" if cert.qr_payload[-3] != "A" else "B") + cert.qr_payload[-2:]
    check.text.setText(tampered)
    check.check()
    assert check.result.text().startswith("无效")

    page = window.register
    page.reload()
    page.table.selectRow(0)
    page.reprint()
    with demo_db.sessions() as session:
        assert session.scalars(select(Certificate)).one().reprints == 1
    page.table.selectRow(0)
    page.void_selected(reason="持证人申请更正地址")
    with demo_db.sessions() as session:
        assert session.scalars(select(Certificate)).one().status == "voided"
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert "reprint" in actions and "void" in actions
    check.text.setText(cert.qr_payload)
    check.check()
    assert check.result.text().startswith("无效") and "作废" in check.result.text()
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    page.table.selectRow(0)
    page.reprint()  # a voided certificate is not reprinted
    assert warned


def test_batch_issues_all_or_nothing(qtbot, window, demo_db):
    dialog = BatchDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.template.setCurrentIndex(dialog.template.findData("GLJT"))
    dialog.min_age.setValue(80)
    show_progress = dialog.show_progress

    def cancel_after_the_first(done, total):  # the person presses 取消 while it runs
        show_progress(done, total)
        dialog.cancel_button.click()

    dialog.show_progress = cancel_after_the_first
    dialog.start()
    assert "已取消" in dialog.status.text()
    with demo_db.sessions() as session:
        assert session.scalars(select(Certificate)).first() is None
    dialog.show_progress = show_progress
    dialog.start()
    with demo_db.sessions() as session:
        issued = session.scalars(select(Certificate)).all()
    assert issued and all(c.channel == "batch" and c.template_code == "GLJT" for c in issued)
    assert f"已开具 {len(issued)} 份" in dialog.status.text() and dialog.progress.value() == len(issued)


def test_the_batch_asks_each_shared_field_by_its_label(qtbot, window):
    dialog = BatchDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.template.setCurrentIndex(dialog.template.findData("JZZM"))
    form = dialog.fields_form
    labels = [
        form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().text() for row in range(form.rowCount())
    ]
    assert labels == ["起始居住时间", "用途"]  # the template's own words, never purpose=…
    purpose = dialog.field_editors["purpose"]
    qtbot.keyClicks(purpose, "ban li")  # typed as a person types (Chinese arrives committed)
    purpose.setText("办理居住证")
    assert dialog.staff_values() == {"purpose": "办理居住证"}
    dialog.template.setCurrentIndex(dialog.template.findData("GLJT"))
    assert "purpose" not in dialog.field_editors or dialog.staff_values() == {}


class SlowRenderer:
    """The real renderer, after blocking about a second on the thread that asks it for a PDF."""

    def __init__(self):
        self.rendering = threading.Event()
        self.thread: int | None = None
        self.blocked_until = float("inf")

    def missing_glyphs(self, values):
        return PDF_RENDERER.missing_glyphs(values)

    def render(self, job):
        self.thread = threading.get_ident()
        self.rendering.set()
        time.sleep(1.0)
        self.blocked_until = time.monotonic()
        return PDF_RENDERER.render(job)

    def render_batch(self, jobs, drawn):
        return PDF_RENDERER.render_batch(jobs, drawn)


class PaintLog(QObject):
    """When a widget was painted."""

    def __init__(self):
        super().__init__()
        self.times: list[float] = []

    def eventFilter(self, watched, event):  # noqa: N802 — Qt's name
        if event.type() == QEvent.Type.Paint:
            self.times.append(time.monotonic())
        return False


def test_the_dialog_stays_responsive_while_issuing_is_slow(qtbot, demo_db, tmp_path):
    application()
    FilePrinterPreview.reset(str(tmp_path / "printed.pdf"))
    ctx = desk_context(
        demo_db,
        StaffUser("qiantai", "李静", "front_desk"),
        runner=ThreadRunner(),
        preview=FilePrinterPreview,
    )
    renderer = SlowRenderer()
    dialog = CertificateDialog(ctx, _person(demo_db).id_number, "JZZM", renderer=renderer)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, purpose="办理子女入学", since="2015-03-01")
    painted = PaintLog()
    dialog.installEventFilter(painted)
    repaint = QTimer()
    repaint.setInterval(50)
    repaint.timeout.connect(dialog.update)
    try:
        dialog.issue()
        assert renderer.rendering.wait(10)
        assert not FilePrinterPreview.shown and dialog.issued is None  # still drawing on the worker
        assert not dialog.issue_button.isEnabled() and not dialog.close_button.isEnabled()
        repaint.start()
        qtbot.waitUntil(lambda: bool(FilePrinterPreview.shown), timeout=15000)
    finally:
        repaint.stop()
        FilePrinterPreview.close_all()
    assert renderer.thread != threading.get_ident()
    assert len([t for t in painted.times if t < renderer.blocked_until]) >= 5  # repainted meanwhile
    assert dialog.issued is not None and dialog.issued.serial.startswith("TYJZ2")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(dialog.issued.pdf)).pages)
    assert dialog.issued.serial in text


class BrokenRenderer(SlowRenderer):
    """Fails as a full disk would, after the serial was taken."""

    def render(self, job):
        raise OSError(28, "No space left on device")


def test_a_failed_issue_is_explained_in_the_dialog_and_registers_nothing(qtbot, window, demo_db):
    dialog = CertificateDialog(
        window.ctx, _person(demo_db).id_number, "JZZM", window, renderer=BrokenRenderer()
    )
    qtbot.addWidget(dialog)
    _fill(dialog, purpose="银行开户", since="2010-01-01")
    dialog.issue()
    assert (
        dialog.issued is None and "磁盘" in dialog.message.text() and "OSError" not in dialog.message.text()
    )
    assert dialog.issue_button.isEnabled() and dialog.issue_button.text() == "开具并打印"
    assert not FilePrinterPreview.shown
    with demo_db.sessions() as session:
        assert session.scalars(select(Certificate)).first() is None
