"""Exporting registers (台账) from the desk: the 导出台账 buttons of the case list, the certificate
register and the appointments page, and 业务 → 导出居民台账…; a grid worker's file holds their
grids only and masked ID numbers; every export is in the audit log."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from app.models import AuditEntry
from app.views.desk.appointments_page import AppointmentsPage
from app.views.desk.case_list import CaseListPanel
from app.views.desk.certificate_register_page import CertificateRegisterPage
from app.views.desk.context import StaffUser
from app.views.desk.resident_ledger_dialog import ResidentLedgerDialog
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner
from tests.roles_scene import build_scene

FULL_ID = re.compile(r"\d{17}[\dXx]")
FRONT_DESK = StaffUser("qiantai", "李静", "front_desk")
GRID_WORKER = StaffUser("wangge", "王网格", "grid_worker")


@pytest.fixture(autouse=True)
def keys(tmp_path, monkeypatch):
    monkeypatch.setenv("YICHUANG_KEYS_DIR", str(tmp_path / "keys"))


@pytest.fixture
def scene(demo_db):
    return build_scene(demo_db)


@pytest.fixture
def save_as(monkeypatch):
    """The save dialog answers with the path the test sets."""
    chosen: dict[str, str] = {}
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_a, **_k: (chosen["path"], chosen.get("type", ""))
    )
    return chosen


def context(db, user):
    application()
    return desk_context(db, user, runner=ImmediateRunner())


def rows_of(path) -> list[tuple]:
    return [tuple(r) for r in load_workbook(path).worksheets[0].iter_rows(values_only=True)]


def exports(db) -> list[AuditEntry]:
    with db.sessions() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "export_ledger")))


def test_case_list_exports_the_grid_workers_cases_masked(qtbot, demo_db, scene, save_as, tmp_path):
    panel = CaseListPanel(context(demo_db, GRID_WORKER))
    qtbot.addWidget(panel)
    panel.show()
    save_as["path"] = str(tmp_path / "办件")
    save_as["type"] = "Excel 工作簿 (*.xlsx)"
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "办件.xlsx"
    assert f"已导出办件台账 1 条到 {target}" == panel.count_label.text()
    rows = rows_of(target)
    assert [r[0] for r in rows[1:]] == [scene.inside.case_no]
    assert not any(FULL_ID.fullmatch(str(v)) for r in rows for v in r if v)
    [entry] = exports(demo_db)
    assert entry.actor == "wangge" and entry.subject == "1条" and entry.purpose == "导出办件台账"
    assert panel.export_button.isEnabled()


def test_front_desk_exports_full_ids_and_a_pdf(qtbot, demo_db, scene, save_as, tmp_path):
    panel = CaseListPanel(context(demo_db, FRONT_DESK))
    qtbot.addWidget(panel)
    panel.show()
    save_as["path"] = str(tmp_path / "cases.xlsx")
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    ids = {r[4] for r in rows_of(tmp_path / "cases.xlsx")[1:]}
    assert {scene.inside.id_number, scene.outside.id_number} <= ids
    save_as["path"] = str(tmp_path / "cases.pdf")
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    document = pdfium.PdfDocument(str(tmp_path / "cases.pdf"))
    text = document[0].get_textpage().get_text_range()
    document.close()
    assert "办件台账" in text and scene.outside.case_no in text and "第 1 页 共 1 页" in text
    assert len(exports(demo_db)) == 2


def test_cancelling_the_save_dialog_writes_and_logs_nothing(qtbot, demo_db, scene, save_as, tmp_path):
    panel = CaseListPanel(context(demo_db, FRONT_DESK))
    qtbot.addWidget(panel)
    save_as["path"] = ""
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert exports(demo_db) == [] and list(tmp_path.glob("*.xlsx")) == []
    assert panel.export_button.isEnabled()


def test_certificate_register_exports_its_template(qtbot, demo_db, scene, save_as, tmp_path):
    page = CertificateRegisterPage(context(demo_db, GRID_WORKER))
    qtbot.addWidget(page)
    page.show()
    save_as["path"] = str(tmp_path / "certs.xlsx")
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    serials = [r[0] for r in rows_of(tmp_path / "certs.xlsx")[1:]]
    assert serials == [scene.inside.serial]
    assert "已导出证明台账 1 条" in page.count.text()


def test_appointments_page_exports_the_month(qtbot, demo_db, scene, save_as, tmp_path):
    page = AppointmentsPage(context(demo_db, FRONT_DESK))
    qtbot.addWidget(page)
    page.day.setDate(QDate(scene.day.year, scene.day.month, scene.day.day))
    save_as["path"] = str(tmp_path / "appointments.xlsx")
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    names = {r[2] for r in rows_of(tmp_path / "appointments.xlsx")[1:]}
    assert {scene.inside.name, scene.outside.name} <= names
    about = dict(load_workbook(tmp_path / "appointments.xlsx")["说明"].iter_rows(min_row=2, values_only=True))
    assert f"预约日期 {scene.day.replace(day=1)} 至" in about["筛选条件"]


def test_resident_ledger_dialog_by_grid_and_state(qtbot, demo_db, scene, save_as, tmp_path):
    dialog = ResidentLedgerDialog(context(demo_db, FRONT_DESK))
    qtbot.addWidget(dialog)
    dialog.grid.setCurrentIndex(dialog.grid.findData(scene.outside.grid_code))
    assert dialog.state.currentText() == "在册"
    save_as["path"] = str(tmp_path / "residents.xlsx")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    rows = rows_of(tmp_path / "residents.xlsx")
    assert scene.outside.name in {r[0] for r in rows[1:]} and scene.inside.name not in {
        r[0] for r in rows[1:]
    }
    assert {r[11] for r in rows[1:]} == {"在册"}
    assert "已导出居民台账" in dialog.findChild(type(dialog.status), "ledger_status").text()


def test_resident_ledger_dialog_offers_a_grid_worker_their_grids_only(
    qtbot, demo_db, scene, save_as, tmp_path
):
    dialog = ResidentLedgerDialog(context(demo_db, GRID_WORKER))
    qtbot.addWidget(dialog)
    codes = [dialog.grid.itemData(i) for i in range(1, dialog.grid.count())]
    assert codes == sorted(scene.own_grids) and scene.outside.grid_code not in codes
    save_as["path"] = str(tmp_path / "mine.xlsx")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    names = {r[0] for r in rows_of(tmp_path / "mine.xlsx")[1:]}
    assert scene.inside.name in names and scene.outside.name not in names
    assert "遮挡" in " ".join(w.text() for w in dialog.findChildren(type(dialog.status)))
