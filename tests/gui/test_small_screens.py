"""The desk on a 1366×768 counter screen (issue 19, 5): it opens maximised (or where the person
left it), and dialogs are never taller or wider than the screen, so their buttons stay in view."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtWidgets import QPushButton

from app.printing.documents.cases import render_case_document
from app.views import screen_fit
from app.views.desk.case_detail import CaseDetailDialog
from app.views.desk.certificate_dialog import CertificateDialog
from app.views.desk.context import StaffUser
from app.views.desk.document_dialog import open_preview
from app.views.desk.main_window import GEOMETRY_KEY, DeskWindow
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner
from tests.gui.fakes import FilePrinterPreview

SCREEN = QSize(1366, 728)  # 1366×768 less a task bar


@pytest.fixture
def small_screen(monkeypatch):
    monkeypatch.setattr(screen_fit, "available_size", lambda widget=None: SCREEN)


@pytest.fixture
def ctx(demo_db, tmp_path):
    application()
    FilePrinterPreview.reset(str(tmp_path / "p.pdf"))
    yield desk_context(
        demo_db,
        StaffUser("qiantai", "李静", "front_desk"),
        runner=ImmediateRunner(),
        preview=FilePrinterPreview,
    )
    FilePrinterPreview.close_all()


def _inside(widget) -> None:
    assert widget.width() <= SCREEN.width() and widget.height() <= SCREEN.height(), widget.size()
    for button in widget.findChildren(QPushButton):
        if button.isVisible():
            corner = button.mapTo(widget, button.rect().bottomRight())
            assert widget.rect().contains(corner), button.text()


def test_dialogs_fit_a_1366_by_768_screen(qtbot, ctx, small_screen, demo_db):
    from sqlalchemy import select

    from app.models import Resident
    from app.services.cases import intake

    with demo_db.sessions.begin() as session:
        person = session.scalars(select(Resident).limit(1)).one()
        item = intake.find_item(session, "ZM-001")
        case_no = intake.accept(
            session,
            item_code="ZM-001",
            resident=person,
            actor="qiantai",
            materials_received=list(item.materials),
        ).case_no
        number = person.id_number
    for dialog in (CaseDetailDialog(ctx, case_no), CertificateDialog(ctx, number, "JZZM")):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        _inside(dialog)
    with demo_db.sessions() as session:
        receipt = render_case_document(session, case_no)
    preview = open_preview(ctx, receipt.title, receipt.pdf, suggested_name="x.pdf", parent=None, modal=False)
    assert preview.height() <= SCREEN.height()


def test_the_desk_opens_maximised_then_where_it_was_left(qtbot, ctx, tmp_path):
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    window = DeskWindow(ctx)
    qtbot.addWidget(window)
    window.place(settings)
    assert window.isMaximized()
    least = window.minimumSizeHint()  # what maximised on 1366×768 must hold
    assert least.width() <= SCREEN.width() and least.height() <= SCREEN.height(), least
    window.showNormal()
    window.resize(1250, 700)
    left = window.size()  # as the screen allows
    window.close()
    assert settings.value(GEOMETRY_KEY) is not None
    again = DeskWindow(dataclasses.replace(ctx))
    qtbot.addWidget(again)
    again.place(settings)
    # The offscreen screen may narrow a restored window; the height shows the saved place was used.
    assert not again.isMaximized() and again.height() == left.height() == 700
    again.close()
