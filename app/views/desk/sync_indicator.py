"""The desk's sync with the street office: a status-bar label and the timer that drives it.

A round runs off the GUI thread (an Op on the desk's runner) every 30 s while the server
answers, and backs off (30 s doubling to 30 min) while it does not; "立即同步" runs one at once.
Nothing happens until a server and key are set (``yichuang sync-config``). The work opens its own
sessions; only the finished report comes back to the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from app.db import Database
from app.services.sync.settings import NOT_CONFIGURED, next_delay, resolve_settings, status
from app.views.ops import Op, Runner

if TYPE_CHECKING:  # the client (httpx) loads with the first round of sync, not at the desk's start
    from app.services.sync.client import SyncClient
    from app.services.sync.transport import SyncReport

log = logging.getLogger(__name__)

FIRST_ROUND_MS = 5_000  # let the desk settle after login before the first round


class SyncIndicator(QLabel):
    synced = Signal(object)  # SyncReport, after every round

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        runner: Runner,
        client_factory: Callable[[str, str], SyncClient] | None = None,
    ):
        super().__init__(parent)
        self.db = db
        self.runner = runner
        self.client_factory = client_factory or _real_client(db)
        self.failures = 0
        self.busy = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        self.refresh()

    def settings(self) -> tuple[str, str]:
        with self.db.sessions() as session:
            return resolve_settings(session)

    def start(self) -> None:
        if all(self.settings()):
            self.timer.start(FIRST_ROUND_MS)

    def stop(self) -> None:
        self.timer.stop()

    def refresh(self, note: str = "") -> None:
        try:
            with self.db.sessions() as session:
                current = status(session)
        except Exception:  # noqa: BLE001 — a busy database must not break the status bar
            log.warning("sync status not read", exc_info=True)
            return
        text = current.text()
        if not current.last_error and note and not current.conflicts:
            text = f"同步：{note}，待上传 {current.waiting} 条"
        self.setText(text)
        # A change the street's rule did not take is listed until staff acknowledge it.
        self.setToolTip(current.last_error or "\n".join(current.conflicts) or "与街道服务器的同步")

    def sync_now(self) -> None:
        """One round now (the timer's, or the menu's); a round already running is left alone."""
        if self.busy:
            return
        self.timer.stop()
        url, key = self.settings()
        if not (url and key):
            self.refresh(NOT_CONFIGURED)
            return
        self.busy = True
        self.setText("同步：正在同步…")
        factory = self.client_factory

        def work() -> SyncReport:
            client = factory(url, key)
            try:
                return client.sync_once()
            finally:
                client.close()

        Op(self, work, runner=self.runner).success(self._done).failure(self._failed).run()

    def _done(self, report: SyncReport) -> None:
        self.busy = False
        self.failures = self.failures + 1 if report.offline else 0
        self.refresh()
        self._schedule()
        self.synced.emit(report)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.failures += 1
        log.warning("sync round failed: %s", type(exc).__name__)
        self.refresh()
        self.setText(f"同步：出错（{type(exc).__name__}），稍后自动重试")
        self._schedule()

    def _schedule(self) -> None:
        self.timer.start(int(next_delay(self.failures) * 1000))


def _real_client(db: Database) -> Callable[[str, str], SyncClient]:
    def make(url: str, key: str) -> SyncClient:
        from app.services.sync.client import SyncClient

        return SyncClient(db.sessions, url, key)

    return make
