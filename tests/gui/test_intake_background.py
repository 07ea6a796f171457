"""The counter keeps its rhythm while the database works: the intake commit and the swipe's lookup
run off the GUI thread, a case is saved once however often the key is pressed, and only the
latest swipe's resident is shown."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from sqlalchemy import func, select

from app.models import Case, Household, Resident
from app.views.desk import intake_page
from app.views.desk.context import StaffUser
from app.views.desk.main_window import DeskWindow
from app.views.desk_app import application, desk_context
from app.views.ops import Runner, ThreadRunner
from tests.gui.fakes import FilePrinterPreview


class HeldRunner:
    """Keeps every job until the test runs it, in the order the test chooses."""

    def __init__(self):
        self.jobs: list[Callable[[], None]] = []

    def start(self, job: Callable[[], None]) -> None:
        self.jobs.append(job)

    def run_all(self) -> None:
        while self.jobs:
            self.jobs.pop(0)()


class PaintCounter(QObject):
    def __init__(self):
        super().__init__()
        self.paints = 0

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 — Qt's name
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


@pytest.fixture
def make_window(qtbot, demo_db, tmp_path):
    application()
    FilePrinterPreview.reset(str(tmp_path / "printed.pdf"))
    made: list[DeskWindow] = []

    def make(runner: Runner) -> DeskWindow:
        user = StaffUser("qiantai", "李静", "front_desk")
        window = DeskWindow(desk_context(demo_db, user, runner=runner, preview=FilePrinterPreview))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield make
    for window in made:
        if isinstance(window.ctx.runner, ThreadRunner):
            window.ctx.runner.wait(10_000)
    FilePrinterPreview.close_all()


def _people(demo_db, count: int) -> list[Resident]:
    with demo_db.sessions() as session:
        household = session.scalars(select(Household).where(Household.members.any()).limit(1)).one()
        others = session.scalars(select(Resident).where(Resident.household_id != household.id).limit(count))
        return [household.members[0], *others][:count]


def _cases(demo_db) -> int:
    with demo_db.sessions() as session:
        return session.scalar(select(func.count(Case.id)))


def _choose_residence_certificate(qtbot, page) -> None:
    qtbot.keyClicks(page.search, "jzzm")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    for row in range(page.materials.count()):
        page.materials.item(row).setCheckState(Qt.CheckState.Checked)


def test_the_desk_repaints_while_a_slow_commit_runs_and_then_shows_the_receipt(
    qtbot, make_window, demo_db, monkeypatch
):
    window = make_window(ThreadRunner())
    page = window.intake
    person = _people(demo_db, 1)[0]
    page.id_field.setText(person.id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.current is not None, timeout=5000)  # the lookup ran on the pool too
    _choose_residence_certificate(qtbot, page)

    release, started, worker = threading.Event(), threading.Event(), []
    real = intake_page.record_intake

    def slow_record(sessions, request):
        worker.append(threading.get_ident())
        started.set()
        release.wait(10)  # the disk is slow today
        return real(sessions, request)

    monkeypatch.setattr(intake_page, "record_intake", slow_record)
    qtbot.keyClick(page.materials, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert started.wait(5)
    assert worker[0] != threading.get_ident()

    counter = PaintCounter()
    page.message.installEventFilter(counter)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: (ticks.append(1), page.message.update()))
    timer.start(20)
    qtbot.wait(300)  # the GUI thread's event loop, while the commit waits on the worker
    timer.stop()
    assert len(ticks) >= 3 and counter.paints >= 1
    assert page.message.text() == "正在保存…" and not page.accept_button.isEnabled()
    assert FilePrinterPreview.shown == [] and _cases(demo_db) == 0  # no number before the commit

    release.set()
    qtbot.waitUntil(lambda: bool(FilePrinterPreview.shown), timeout=10_000)
    assert "受理回执" in FilePrinterPreview.shown[-1].windowTitle()
    assert _cases(demo_db) == 1 and page.accept_button.isEnabled()
    assert "已办理" in page.message.text()


def test_a_second_press_while_saving_records_one_case(qtbot, make_window, demo_db):
    runner = HeldRunner()
    window = make_window(runner)
    page = window.intake
    page.id_field.setText(_people(demo_db, 1)[0].id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    runner.run_all()
    _choose_residence_certificate(qtbot, page)
    qtbot.keyClick(page.materials, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.materials, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    page.accept_button.click()
    assert len(runner.jobs) == 1
    runner.run_all()
    assert _cases(demo_db) == 1 and len(FilePrinterPreview.shown) == 1


def test_only_the_latest_swipe_is_shown(qtbot, make_window, demo_db):
    runner = HeldRunner()
    window = make_window(runner)
    page = window.intake
    first, second = _people(demo_db, 2)
    for person in (first, second):
        page.id_field.setText(person.id_number)
        qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    latest = runner.jobs.pop()
    latest()
    runner.run_all()  # the first swipe's answer arrives late
    assert page.panel.name.text() == second.name and page.current.resident.id_number == second.id_number


def test_a_refused_intake_is_explained_on_the_page_and_stores_nothing(qtbot, make_window, demo_db):
    runner = HeldRunner()
    window = make_window(runner)
    page = window.intake
    person = _people(demo_db, 1)[0]
    page.id_field.setText(person.id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    runner.run_all()
    _choose_residence_certificate(qtbot, page)
    page.agent_box.setChecked(True)
    page.agent_name.setText("王芳")
    page.agent_id.setText(person.id_number)  # the applicant cannot be their own agent
    page.accept_button.click()
    runner.run_all()
    assert page.message.text() == "代办人不能是申请人本人"
    assert _cases(demo_db) == 0 and FilePrinterPreview.shown == [] and page.accept_button.isEnabled()
