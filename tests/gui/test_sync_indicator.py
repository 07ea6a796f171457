"""The desk's sync indicator: "立即同步" runs a round, the label says how it went, and a failed
round backs off instead of hammering the street server."""

from __future__ import annotations

import threading

from PySide6.QtGui import QAction

from app.services.sync.client import SyncClient
from app.services.sync.settings import save_settings
from app.services.sync.transport import OFFLINE
from app.views.desk.context import StaffUser
from app.views.desk.main_window import DeskWindow
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner, ThreadRunner
from tests.unit.test_sync_client import KEY, SERVER, FakeStreet, _accept


def test_sync_now_from_the_menu_then_offline_with_backoff(qtbot, demo_db):
    application()
    street = FakeStreet()
    with demo_db.sessions.begin() as session:
        _accept(session)
        save_settings(session, SERVER, KEY)
    ctx = desk_context(demo_db, StaffUser("qiantai", "李静", "front_desk"), runner=ImmediateRunner())
    window = DeskWindow(ctx)
    qtbot.addWidget(window)
    indicator = window.sync
    # No resend: a refused connection ends the round at once (the indicator's offline state).
    indicator.client_factory = lambda url, key: SyncClient(
        demo_db.sessions, url, key, http=street.client(), resends=0
    )
    assert indicator.text().endswith("待上传 2 条")
    action = next(a for a in window.findChildren(QAction) if a.text() == "立即同步")
    action.trigger()
    assert indicator.text().startswith("同步：上次成功 ") and indicator.text().endswith("待上传 0 条")
    assert len(street.store) == 2 and indicator.failures == 0
    assert indicator.timer.isActive() and 24_000 <= indicator.timer.interval() <= 36_000
    with demo_db.sessions.begin() as session:
        _accept(session, 1)
    street.refuse_calls = {2}
    indicator.sync_now()
    assert indicator.text() == f"同步：离线（{OFFLINE}），待上传 2 条"
    assert indicator.failures == 1
    indicator.sync_now()
    assert indicator.failures == 0 and indicator.text().endswith("待上传 0 条")


def test_a_status_change_the_street_did_not_take_shows_as_a_conflict(qtbot, demo_db):
    """The server's copy of the desk's case is now owned by another community: after the round the
    indicator says a conflict waits, and its tooltip says which status was not taken and why."""
    application()
    street = FakeStreet()
    with demo_db.sessions.begin() as session:
        case = _accept(session)
        save_settings(session, SERVER, KEY)
        street.store[("case", case.uuid)] = {
            "type": "case",
            "uuid": case.uuid,
            "version": 3,
            "origin_community": case.origin_community,
            "data": {"case_no": case.case_no, "status": "in_progress", "owner_community": "XH"},
        }
    ctx = desk_context(demo_db, StaffUser("qiantai", "李静", "front_desk"), runner=ImmediateRunner())
    window = DeskWindow(ctx)
    qtbot.addWidget(window)
    indicator = window.sync
    indicator.client_factory = lambda url, key: SyncClient(demo_db.sessions, url, key, http=street.client())
    next(a for a in window.findChildren(QAction) if a.text() == "立即同步").trigger()
    assert indicator.text().endswith("待上传 0 条，1 处冲突待核对")
    assert "XH" in indicator.toolTip() and "状态“已受理”未被采用" in indicator.toolTip()


def test_without_a_server_nothing_is_started(qtbot, demo_db):
    application()
    ctx = desk_context(demo_db, StaffUser("qiantai", "李静", "front_desk"), runner=ImmediateRunner())
    window = DeskWindow(ctx)
    qtbot.addWidget(window)
    assert not window.sync.timer.isActive()
    window.sync.sync_now()
    assert "尚未设置街道服务器" in window.sync.text()


def test_a_round_runs_off_the_gui_thread_and_its_report_comes_back_to_it(qtbot, demo_db):
    application()
    street = FakeStreet()
    with demo_db.sessions.begin() as session:
        _accept(session)
        save_settings(session, SERVER, KEY)
    ctx = desk_context(demo_db, StaffUser("qiantai", "李静", "front_desk"), runner=ThreadRunner())
    window = DeskWindow(ctx)
    qtbot.addWidget(window)
    indicator = window.sync
    worked_on = []

    def client(url, key):
        worked_on.append(threading.get_ident())
        return SyncClient(demo_db.sessions, url, key, http=street.client())

    indicator.client_factory = client
    with qtbot.waitSignal(indicator.synced, timeout=10_000) as finished:
        indicator.sync_now()
        assert indicator.busy and indicator.text() == "同步：正在同步…"
    assert worked_on and worked_on[0] != threading.get_ident()
    assert finished.args[0].applied == 2 and not indicator.busy
    assert indicator.text().endswith("待上传 0 条")


def test_a_round_that_breaks_says_so_and_backs_off(qtbot, demo_db):
    application()
    with demo_db.sessions.begin() as session:
        save_settings(session, SERVER, KEY)
    ctx = desk_context(demo_db, StaffUser("qiantai", "李静", "front_desk"), runner=ImmediateRunner())
    window = DeskWindow(ctx)
    qtbot.addWidget(window)

    def broken(url, key):
        raise RuntimeError("no client today")

    window.sync.client_factory = broken
    window.sync.sync_now()
    assert window.sync.text() == "同步：出错（RuntimeError），稍后自动重试"
    assert window.sync.failures == 1 and not window.sync.busy
    assert window.sync.timer.isActive() and 24_000 <= window.sync.timer.interval() <= 36_000
