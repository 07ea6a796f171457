"""What surrounds the kiosk's pages: the red header with the centre's name and a clock (its left
corner is the administrator's hidden way out; on a portrait screen the clock goes under the
name), and the filter that notices any input at all."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from app.views.kiosk.theme import Theme
from app.views.kiosk.widgets import label

WEEKDAYS = "一二三四五六日"
ADMIN_TAPS, ADMIN_TAP_WINDOW = 5, 4.0  # taps on the header's corner within so many seconds
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseMove,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Installed on the application: any input anywhere counts as the resident being there."""

    def __init__(self, parent: QObject, on_input: Callable[[], None]):
        super().__init__(parent)
        self.on_input = on_input

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        if event.type() in INPUT_EVENTS:
            self.on_input()
        return False


class AdminCorner(QWidget):
    """The header's left corner: five taps in four seconds open the PIN pad. Nothing shows it."""

    def __init__(self, on_taps: Callable[[], None]):
        super().__init__()
        self.on_taps = on_taps
        self.taps: list[float] = []

    def mousePressEvent(self, event) -> None:  # noqa: N802
        now = time.monotonic()
        self.taps = [t for t in self.taps if now - t <= ADMIN_TAP_WINDOW] + [now]
        if len(self.taps) >= ADMIN_TAPS:
            self.taps = []
            self.on_taps()
        event.accept()


class Header(QFrame):
    def __init__(
        self, theme: Theme, centre_name: str, today: Callable[[], dt.date], on_admin_taps: Callable[[], None]
    ):
        super().__init__()
        self.today = today
        self.setObjectName("header")
        self.setMinimumHeight(theme.px(104))
        row = QGridLayout(self)
        row.setContentsMargins(theme.dim(40), theme.dim(8), theme.dim(48), theme.dim(8))
        row.setVerticalSpacing(0)
        self.corner = AdminCorner(on_admin_taps)
        corner_row = QHBoxLayout(self.corner)
        corner_row.setContentsMargins(0, 0, 0, 0)
        corner_row.setSpacing(theme.px(20))
        emblem = label("★", "emblem")
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(label(centre_name, "centre", wrap=theme.portrait))
        names.addWidget(label("自助服务终端", "terminal"))
        corner_row.addWidget(emblem)
        corner_row.addLayout(names)
        self.clock = label("", "clock", align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.corner, 0, 0)
        row.setColumnStretch(1, 1)  # the corner is only as wide as the name
        if theme.portrait:
            row.addWidget(self.clock, 1, 0, 1, 3)
        else:
            row.addWidget(self.clock, 0, 2)
        clock_timer = QTimer(self)
        clock_timer.setInterval(15_000)
        clock_timer.timeout.connect(self.update_clock)
        clock_timer.start()
        self.update_clock()

    def update_clock(self) -> None:
        day = self.today()
        self.clock.setText(
            f"{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}  {dt.datetime.now():%H:%M}"
        )
