"""The desk opens with 一窗受理 built and builds every other page the first time it is shown:
clicking a tab shows the page filled from the database, as if it had been there all along."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import Resident
from app.services.cases.accept import IntakeRequest, record_intake
from app.views.desk.context import StaffUser
from app.views.desk.lazy_tabs import LazyPage
from app.views.desk.main_window import DeskWindow
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner


@pytest.fixture
def window(qtbot, demo_db) -> DeskWindow:
    application()
    with demo_db.sessions() as session:
        person = session.scalars(select(Resident).where(Resident.household_id.is_not(None)).limit(1)).one()
    record_intake(demo_db.sessions, IntakeRequest(person.id_number, "LL-001", "houtai"))
    desk = DeskWindow(
        desk_context(demo_db, StaffUser("qiantai", "李静", "front_desk"), runner=ImmediateRunner())
    )
    qtbot.addWidget(desk)
    desk.show()
    return desk


def _holders(window: DeskWindow) -> dict[str, LazyPage]:
    tabs = window.tabs
    return {
        tabs.tabText(i): tabs.widget(i) for i in range(tabs.count()) if isinstance(tabs.widget(i), LazyPage)
    }


def _click_tab(qtbot, window: DeskWindow, title: str) -> None:
    bar = window.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def test_only_the_intake_page_is_built_when_the_desk_opens(window):
    holders = _holders(window)
    assert set(holders) == {
        "办件管理",
        "证明台账",
        "今日预约",
        "街道概况",
        "网格管理",
        "社区治理",
        "党建",
        "志愿服务",
        "统计",
    }
    assert not any(holder.built for holder in holders.values())
    assert window.tabs.currentWidget() is window.intake and window.intake.isVisible()


def test_clicking_a_tab_builds_its_page_and_shows_what_the_database_holds(qtbot, window):
    _click_tab(qtbot, window, "办件管理")
    holders = _holders(window)
    assert holders["办件管理"].built and not holders["网格管理"].built
    assert window.cases.isVisible() and window.cases.model.rowCount() == 1  # the case made above
    _click_tab(qtbot, window, "网格管理")
    assert window.grids.isVisible() and holders["网格管理"].built


def test_a_case_recorded_before_the_list_is_built_is_in_it_when_it_is_shown(qtbot, window):
    window.intake.case_recorded.emit("TY-0")  # nothing to reload yet: the list is not built
    assert not _holders(window)["办件管理"].built
    window.tabs.setCurrentWidget(window.cases)  # the page itself, as callers name it
    assert window.tabs.current_page() is window.cases and window.cases.isVisible()
