"""What lies over the whole kiosk screen for a moment: the idle countdown, the administrator's
PIN pad, and "please wait" while a document prints."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from app.views.kiosk.controller import KioskController
from app.views.kiosk.theme import Theme
from app.views.kiosk.widgets import BACKSPACE, CLEAR, EntryDisplay, KeyPad, button, label

PIN_ATTEMPTS = 5  # wrong PINs in a row before the pad rests
PIN_REST_SECONDS = 60


class Overlay(QWidget):
    """A dimmed layer over the window with a white panel in the middle; taps on it never reach
    the page below. The panel is never wider than the screen: its sentences wrap."""

    def __init__(self, window: QWidget, theme: Theme):
        super().__init__(window)
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.panel = QFrame()
        self.panel.setObjectName("panel")
        self.panel.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        self.content = QVBoxLayout(self.panel)
        self.content.setContentsMargins(theme.dim(48), theme.dim(40), theme.dim(48), theme.dim(40))
        self.content.setSpacing(theme.dim(18))
        self.margin = theme.dim(32)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(self.margin, self.margin, self.margin, self.margin)
        outer.addWidget(self.panel, 0, Qt.AlignmentFlag.AlignCenter)
        self.hide()

    def open(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt's name
        super().resizeEvent(event)
        self.panel.setMaximumWidth(max(0, self.width() - 2 * self.margin))

    def mousePressEvent(self, event) -> None:  # noqa: N802 — Qt's name
        event.accept()


class Countdown(Overlay):
    """The last seconds before an idle session is wiped; any touch (seen by the window's event
    filter) takes it away again; so does 继续使用, connected by the window."""

    def __init__(self, window: QWidget, theme: Theme):
        super().__init__(window, theme)
        self.number = label("10", "number", align=Qt.AlignmentFlag.AlignCenter)
        self.message = label("", "hero", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.keep = button("继续使用", "primary", theme)
        self.content.addWidget(self.number)
        self.content.addWidget(self.message)
        self.content.addWidget(self.keep)

    def show_seconds(self, seconds: int) -> None:
        """The seconds once, in the big number; the sentence under it goes with any number."""
        self.number.setText(str(seconds))
        self.message.setText("秒后返回首页，触摸屏幕继续使用")


class Busy(Overlay):
    """Covers the screen while a job runs on the worker: the window keeps painting, taps wait."""

    def __init__(self, window: QWidget, theme: Theme):
        super().__init__(window, theme)
        self.message = label("", "hero", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.content.addWidget(self.message)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.open()


class PinPad(Overlay):
    """The administrator's way out: the PIN is checked against the centre's setting; after five
    wrong ones in a row the pad rests for a minute. ``unlocked`` tells the window to let go."""

    unlocked = Signal()

    def __init__(self, window: QWidget, theme: Theme, kiosk: KioskController):
        super().__init__(window, theme)
        self.kiosk = kiosk
        self.pin = ""
        self.failures = 0
        self.resting_until = 0.0
        self.title = label("管理员解锁", "title", align=Qt.AlignmentFlag.AlignCenter)
        self.display = EntryDisplay("请输入管理员密码", (), theme)
        self.message = label("", "error", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.keypad = KeyPad(theme, left_key=CLEAR)
        self.keypad.key_pressed.connect(self.press)
        self.cancel = button("取消", "secondary", theme)
        self.confirm = button("确定", "primary", theme)
        row = QHBoxLayout()
        row.setSpacing(theme.px(24))
        row.addWidget(self.cancel)
        row.addWidget(self.confirm)
        for widget in (self.title, self.display, self.message, self.keypad):
            self.content.addWidget(widget)
        self.content.addLayout(row)
        self.cancel.clicked.connect(self.close_pad)
        self.confirm.clicked.connect(self.submit)
        self.rest_timer = QTimer(self)
        self.rest_timer.setSingleShot(True)
        self.rest_timer.timeout.connect(self._rested)

    def open(self) -> None:
        self.pin = ""
        self.display.set_value("")
        if time.monotonic() >= self.resting_until:
            self.message.setText("")
        super().open()

    def close_pad(self) -> None:
        self.pin = ""
        self.display.set_value("")
        self.hide()

    def press(self, key: str) -> None:
        if key == BACKSPACE:
            self.pin = self.pin[:-1]
        elif key == CLEAR:
            self.pin = ""
        elif len(self.pin) < 12:
            self.pin += key
        self.display.set_value("●" * len(self.pin))

    def submit(self) -> None:
        pin, self.pin = self.pin, ""
        self.display.set_value("")
        if time.monotonic() < self.resting_until:
            return
        if not pin:
            self.message.setText("请输入密码")
            return
        self.kiosk.check_admin_pin(pin, self._answered)

    def _answered(self, right: bool) -> None:
        if right:
            self.failures = 0
            self.message.setText("")
            self.unlocked.emit()
            return
        self.failures += 1
        if self.failures >= PIN_ATTEMPTS:
            self.failures = 0
            self.resting_until = time.monotonic() + PIN_REST_SECONDS
            self.set_keys_enabled(False)
            self.rest_timer.start(PIN_REST_SECONDS * 1000)
            self.message.setText("密码错误次数过多，请一分钟后再试")
        elif not self.kiosk.settings.admin_pin_hash:
            self.message.setText("本机尚未设置管理员密码，请在管理电脑上设置后再试")
        else:
            self.message.setText("密码不正确，不能退出自助服务")

    def set_keys_enabled(self, enabled: bool) -> None:
        self.keypad.setEnabled(enabled)
        self.confirm.setEnabled(enabled)

    def _rested(self) -> None:
        self.set_keys_enabled(True)
        self.message.setText("")
