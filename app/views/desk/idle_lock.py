"""Locking the desk after idle time: no keyboard or mouse input for the centre's set minutes and
the window shows the sign-in instead of the tabs (no personal data left on screen).

One event filter on the application restarts one timer on every key, mouse, wheel and touch
event. The same person signing in again finds everything as they left it, an unsaved intake
included; another person signing in gets a fresh desk of their own (``user_changed``: the caller
opens a new window with their context and scope), the intake left behind cleared first.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget

from app.views.desk.context import DeskContext, StaffUser
from app.views.desk.login import LockPage

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` after ``timeout_ms`` without input anywhere in the application."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(timeout_ms)
        self.timer.timeout.connect(self.idle)
        QApplication.instance().installEventFilter(self)

    def set_timeout(self, timeout_ms: int) -> None:
        self.timer.setInterval(timeout_ms)
        if self.timer.isActive():
            self.timer.start()

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def remove(self) -> None:
        """Off for good (the window closes): no longer asked about every event."""
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 — Qt's name
        try:
            if event.type() in INPUT_EVENTS and self.timer.isActive():
                self.timer.start()
        except RuntimeError:  # the timer went first while the window is being torn down
            pass
        return False


class DeskLock(QObject):
    """Puts the window's central widget behind a sign-in page when the desk is idle."""

    user_changed = Signal(object)  # StaffUser: someone else signed in at the locked desk

    def __init__(self, window: QMainWindow, ctx: DeskContext, idle_minutes: int):
        super().__init__(window)
        self.window, self.ctx = window, ctx
        self.locked = False
        self.content = window.takeCentralWidget()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.content)
        self.page = LockPage(ctx.db)
        self.stack.addWidget(self.page)
        window.setCentralWidget(self.stack)
        self.page.sign_in.signed_in.connect(self.signed_in)
        self.watcher = IdleWatcher(idle_minutes * 60_000, self)
        self.watcher.idle.connect(self.lock)
        self.watcher.start()

    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        self.watcher.stop()
        for widget in QApplication.topLevelWidgets():  # an open dialog may show a resident too
            if widget is not self.window and widget.isVisible() and self._opened_here(widget):
                widget.hide()
        self.window.menuBar().setEnabled(False)
        self.stack.setCurrentWidget(self.page)
        self.page.sign_in.start(self.ctx.user.username)

    def _opened_here(self, widget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if parent is self.window:
                return True
            parent = parent.parentWidget()
        return False

    def signed_in(self, user: StaffUser) -> None:
        if user.username != self.ctx.user.username:
            self.clear()
            self.user_changed.emit(user)
            return
        self.locked = False
        self.window.menuBar().setEnabled(True)
        self.stack.setCurrentWidget(self.content)
        self.watcher.start()

    def clear(self) -> None:
        """What the person before left unsaved is not handed to the next one."""
        intake = getattr(self.window, "intake", None)
        if intake is not None:
            intake.reset()
