"""Every desk screen that lists people, their cases, certificates or appointments writes an audit
row when it shows them (issue 20, point 9), as tests/unit/test_audit_coverage.py checks for the
commands.

The screens are the tabs of the real main window: a new tab fails
``test_every_tab_has_a_decision`` until it is put in SCREENS (how a person makes it show its
list) or in NOT_PERSONAL (why it shows nobody's data). Dialogs opened from the tabs audit in
their services: a case's detail (record_case_opened), a certificate (record_issue, reprint and
print), a registration and the batch (one print entry per certificate).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import AuditEntry, Case, Household, Resident
from app.services.cases.accept import IntakeRequest, record_intake
from app.views.desk.context import StaffUser
from app.views.desk.main_window import DeskWindow
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner

FULL_ID = re.compile(r"\d{17}[\dXx]")


def _person(db) -> Resident:
    with db.sessions() as session:
        return session.scalars(select(Household).where(Household.members.any()).limit(1)).one().members[0]


def _look_up_at_the_window(qtbot, window: DeskWindow) -> None:
    page = window.intake
    qtbot.keyClicks(page.id_field, _person(window.ctx.db).id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)


def _search_the_cases(qtbot, window: DeskWindow) -> None:
    with window.ctx.db.sessions() as session:
        case_no = session.scalars(select(Case.case_no).limit(1)).one()
    qtbot.keyClicks(window.cases.search_edit, case_no)
    qtbot.keyClick(window.cases.search_edit, Qt.Key.Key_Return)
    assert window.cases.model.rowCount() == 1


def _search_the_register(qtbot, window: DeskWindow) -> None:
    qtbot.keyClicks(window.register.search, _person(window.ctx.db).id_number)
    qtbot.keyClick(window.register.search, Qt.Key.Key_Return)


def _look_at_the_appointments(qtbot, window: DeskWindow) -> None:
    window.appointments.refresh_button.click()


def _look_at_wishes_and_visits(qtbot, window: DeskWindow) -> None:
    window.engage.wishes.refresh_button.click()
    window.engage.setCurrentWidget(window.engage.visits)


def _count_the_figures(qtbot, window: DeskWindow) -> None:
    qtbot.mouseClick(window.stats.run_button, Qt.MouseButton.LeftButton)  # one 查看统计报表 row


def _open_the_party_tab(qtbot, window: DeskWindow) -> None:
    window.party.reload()  # what showing the tab does


def _open_the_volunteers_tab(qtbot, window: DeskWindow) -> None:
    window.volunteers.reload()  # what showing the tab does


Driver = Callable[..., None]

# Shows people: what a person does to make it show them. Each must add an audit row.
SCREENS: dict[str, Driver] = {
    "一窗受理": _look_up_at_the_window,
    "办件管理": _search_the_cases,
    "证明台账": _search_the_register,
    "今日预约": _look_at_the_appointments,
    "社区治理": _look_at_wishes_and_visits,
    "党建": _open_the_party_tab,
    "志愿服务": _open_the_volunteers_tab,
    "统计": _count_the_figures,
}

# Shows nobody's personal data, and why.
NOT_PERSONAL: dict[str, str] = {
    "街道概况": "counts per community",
    "网格管理": "grids, buildings and grid staff, as the public notice boards show them; every edit is audited",
}


@pytest.fixture
def window(qtbot, demo_db) -> DeskWindow:
    application()
    record_intake(demo_db.sessions, IntakeRequest(_person(demo_db).id_number, "LL-001", "houtai"))
    desk = DeskWindow(
        desk_context(demo_db, StaffUser("qiantai", "李静", "front_desk"), runner=ImmediateRunner())
    )
    qtbot.addWidget(desk)
    desk.show()
    return desk


def _tabs(window: DeskWindow) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_every_tab_has_a_decision(window):
    tabs = set(_tabs(window))
    assert not set(SCREENS) & set(NOT_PERSONAL)
    assert tabs - set(SCREENS) - set(NOT_PERSONAL) == set(), "new tabs: audited or not?"
    assert set(SCREENS) | set(NOT_PERSONAL) == tabs, "the tables name tabs that are gone"


def _rows(db) -> list[AuditEntry]:
    with db.sessions() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


@pytest.mark.parametrize("tab", sorted(SCREENS))
def test_a_screen_that_shows_people_writes_an_audit_row(tab, qtbot, window):
    window.tabs.setCurrentIndex(_tabs(window).index(tab))
    before = len(_rows(window.ctx.db))
    SCREENS[tab](qtbot, window)
    added = [e for e in _rows(window.ctx.db)[before:] if e.actor == "qiantai"]
    assert added, f"the {tab} tab showed people without an audit row"
    for entry in added:
        assert not FULL_ID.search(f"{entry.subject} {entry.purpose} {entry.detail}")


def test_lists_are_read_and_logged_when_looked_at_not_when_the_desk_opens(qtbot, window):
    assert [e for e in _rows(window.ctx.db) if e.actor == "qiantai"] == []
    window.intake.case_recorded.emit("TY-0")  # a new case while the list is out of sight
    assert [e for e in _rows(window.ctx.db) if e.actor == "qiantai"] == []
    window.tabs.setCurrentIndex(_tabs(window).index("办件管理"))
    shown = [e.purpose for e in _rows(window.ctx.db) if e.actor == "qiantai"]
    assert shown == ["查看办件列表"] and window.cases.model.rowCount() >= 1
