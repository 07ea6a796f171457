"""The kiosk window: a stack of full-screen pages under a red header, and the rules that keep one
resident's data from the next person in the queue.

- One idle timer, restarted by an application-wide event filter on every key, mouse, touch and
  wheel event; ten seconds before it runs out a countdown covers the screen, then the session is
  wiped (the resident, every page's inputs) and the home screen returns.
- A new ID card on the reader ends the current session before the new person is looked up.
- Pages that show anything personal can only be reached after identification, and those of a
  registered resident only with a record; every page asks the services with the session's own
  resident id, never with anything typed.
- Full screen, frameless, on top; close events are ignored until an administrator unlocks with the
  PIN (five taps on the header's left corner open the PIN pad).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from app.db import Database
from app.printing.qt_bridge import PrintError
from app.services.admin.centre import centre_name, current_community
from app.services.cardreaders import CardData, CardReader, CardReadError, KeystrokeBurst, card_from_wedge_text
from app.services.kiosk import service as svc
from app.views.desk.card_reader import CardPoller
from app.views.kiosk import booking_pages, pages, request_pages, service_pages
from app.views.kiosk.overlays import Busy, Countdown, PinPad
from app.views.kiosk.printer import KioskPrinter
from app.views.kiosk.widgets import Page, Theme, label, touch_pixels
from app.views.tasks import run_in_background

log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"
COUNTDOWN_SECONDS = 10
ADMIN_TAPS, ADMIN_TAP_WINDOW = 5, 4.0  # taps on the header's corner within so many seconds
PAGE_CLASSES: list[type[Page]] = [
    pages.HomePage,
    pages.IdKeypadPage,
    pages.MenuPage,
    pages.ConfirmPage,
    pages.ResultPage,
    service_pages.CertificatesPage,
    service_pages.CasesPage,
    service_pages.RatingPage,
    request_pages.CategoryPage,
    request_pages.RequestTextPage,
    request_pages.PhonePage,
    booking_pages.BookingPage,
    booking_pages.SlotsPage,
    booking_pages.MyBookingsPage,
]
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


@dataclass
class KioskState:
    """Everything the kiosk knows about the person in front of it; replaced whole on wipe."""

    identified: bool = False
    resident: svc.KioskResident | None = None
    id_text: str = ""  # kept only for a person without a record, for their request; never shown
    category: str = ""
    request_text: str = ""


class IdleWatcher(QObject):
    """Installed on the application: any input anywhere counts as the resident being there."""

    def __init__(self, kiosk: KioskWindow):
        super().__init__(kiosk)
        self.kiosk = kiosk

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        if event.type() in INPUT_EVENTS:
            self.kiosk.user_active()
        return False


class AdminCorner(QWidget):
    """The header's left corner: five taps in four seconds open the PIN pad. Nothing shows it."""

    def __init__(self, kiosk: KioskWindow):
        super().__init__()
        self.kiosk = kiosk
        self.taps: list[float] = []

    def mousePressEvent(self, event) -> None:  # noqa: N802
        now = time.monotonic()
        self.taps = [t for t in self.taps if now - t <= ADMIN_TAP_WINDOW] + [now]
        if len(self.taps) >= ADMIN_TAPS:
            self.taps = []
            self.kiosk.pin_pad.open()
        event.accept()


class KioskWindow(QWidget):
    def __init__(
        self,
        db: Database,
        *,
        printer: KioskPrinter | None = None,
        reader: CardReader | None = None,
        today: Callable[[], dt.date] | None = None,
        font_scale: float = 1.0,
        settings: svc.KioskSettings | None = None,
    ):
        flags = Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        super().__init__(None, flags)
        self.setObjectName("kioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle("自助服务终端")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # keys (a wedge reader) come to the window
        self.db = db
        self.today = today or dt.date.today
        self.printer = printer or KioskPrinter()
        with db.sessions() as session:
            self.settings = settings or svc.load_settings(session)
            community = current_community(session)
            self.centre_name, self.centre_phone = centre_name(community), community.hotline or ""
        self.theme = Theme(font_scale, touch_pixels(self.screen() or QGuiApplication.primaryScreen()))
        self.setStyleSheet(self.theme.stylesheet())
        self.state = KioskState()
        self.generation = 0  # bumped on every wipe: a late answer for an ended session is dropped
        self.burst = KeystrokeBurst()
        self.unlocked = False

        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        for page_class in PAGE_CLASSES:
            page = page_class(self)
            self.pages[page.name] = page
            self.stack.addWidget(page)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._header())
        root.addWidget(self.stack, 1)

        self.countdown = Countdown(self)
        self.pin_pad = PinPad(self)
        self.busy = Busy(self)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._idle_warning)
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(1000)
        self.tick_timer.timeout.connect(self._tick)
        self.remaining = 0
        self.watcher = IdleWatcher(self)
        QApplication.instance().installEventFilter(self.watcher)
        self.poller = CardPoller(reader, parent=self) if reader is not None else None
        if self.poller is not None:
            self.poller.card_read.connect(self.on_card)
            self.poller.status_changed.connect(self.pages["home"].show_reader_status)
        self.go("home")
        self.user_active()

    # -- frame -------------------------------------------------------------------------------
    def _header(self) -> QFrame:
        header = QFrame()
        header.setObjectName("header")
        header.setFixedHeight(self.theme.px(104))
        row = QHBoxLayout(header)
        row.setContentsMargins(self.theme.px(40), 0, self.theme.px(48), 0)
        self.corner = AdminCorner(self)
        corner_row = QHBoxLayout(self.corner)
        corner_row.setContentsMargins(0, 0, 0, 0)
        corner_row.setSpacing(self.theme.px(20))
        emblem = label("★", "emblem")
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(label(self.centre_name, "centre"))
        names.addWidget(label("自助服务终端", "terminal"))
        corner_row.addWidget(emblem)
        corner_row.addLayout(names)
        self.clock = label("", "clock", align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.corner)
        row.addStretch(1)
        row.addWidget(self.clock)
        clock_timer = QTimer(self)
        clock_timer.setInterval(15_000)
        clock_timer.timeout.connect(self._update_clock)
        clock_timer.start()
        self._update_clock()
        return header

    def _update_clock(self) -> None:
        day = self.today()
        self.clock.setText(
            f"{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}  {dt.datetime.now():%H:%M}"
        )

    def start(self) -> None:
        """Take the whole screen and start asking the reader for cards."""
        self.showFullScreen()
        if self.poller is not None:
            self.poller.start()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        for overlay in (self.countdown, self.pin_pad, self.busy):
            overlay.setGeometry(self.rect())

    # -- navigation and the session ----------------------------------------------------------
    @property
    def current(self) -> Page:
        return self.stack.currentWidget()

    def go(self, name: str, **details: Any) -> None:
        """Show a page; pages with personal data only for an identified person (and those that
        need a record only for a resident who has one)."""
        page = self.pages[name]
        needs = getattr(page, "needs", "identified")
        if needs != "nobody" and not self.state.identified:
            page = self.pages["home"]
        elif needs == "record" and self.state.resident is None:
            page = self.pages["menu"]
        self.setFocus()  # out of any text field; a page that wants typing takes it in enter()
        redirect = page.enter(**(details if page.name == name else {}))
        if redirect and redirect != page.name:
            self.go(redirect)
            return
        self.stack.setCurrentWidget(page)

    def wipe(self) -> None:
        """Forget the person: state, every page's inputs, any overlay."""
        self.generation += 1
        self.state = KioskState()
        self.burst.reset()
        for page in self.pages.values():
            page.reset()
        for overlay in (self.countdown, self.pin_pad, self.busy):
            overlay.hide()
        self.tick_timer.stop()

    def sign_out(self) -> None:
        self.wipe()
        self.go("home")

    def show_result(self, **details: Any) -> None:
        self.go("result", **details)

    def confirm(self, **details: Any) -> None:
        self.go("confirm", **details)

    # -- identification ----------------------------------------------------------------------
    def on_card(self, card: CardData) -> None:
        self.identify(card.id_number, from_card=True)

    def identify(self, id_text: str, *, from_card: bool = False) -> None:
        if from_card:
            self.wipe()  # whoever was here has gone: their session ends before the next begins
            self.go("home")
        generation = self.generation

        def work() -> svc.KioskResident | None:
            with self.db.sessions.begin() as session:
                return svc.identify(session, id_text)

        def done(resident: svc.KioskResident | None) -> None:
            if generation != self.generation:
                return
            self.state = KioskState(identified=True, resident=resident, id_text="" if resident else id_text)
            self.pages["keypad"].reset()
            self.go("menu")

        def failed(exc: Exception) -> None:
            if generation != self.generation:
                return
            if isinstance(exc, svc.KioskError):
                message = str(exc)
            else:
                log.warning("kiosk identification failed: %s", type(exc).__name__)
                message = "暂时无法查询，请稍后再试，或到服务窗口办理"
            if from_card:
                self.go("home")
                self.pages["home"].show_message(message)
            else:
                self.pages["keypad"].show_error(message)

        run_in_background(work, done, failed)

    def keyPressEvent(self, event) -> None:  # noqa: N802 — keyboard-wedge readers and keyboards
        now = time.monotonic()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            result = self.burst.enter(now)
            if result.from_reader:
                try:
                    number = card_from_wedge_text(result.text)
                except CardReadError as exc:
                    self.go("home")
                    self.pages["home"].show_message(str(exc))
                    return
                self.identify(number, from_card=True)
            elif hasattr(self.current, "typed"):
                self.current.typed("\n")
            return
        if event.key() == Qt.Key.Key_Backspace:
            self.burst.reset()
            if hasattr(self.current, "typed"):
                self.current.typed("\b")
            return
        text = event.text()
        if text and text.isprintable():
            self.burst.feed(text, now)
            if hasattr(self.current, "typed"):
                self.current.typed(text)
        # Esc and everything else: ignored, it does not leave kiosk mode

    # -- idle --------------------------------------------------------------------------------
    @property
    def countdown_seconds(self) -> int:
        """Ten seconds, or half of a very short timeout (so a touch is not followed by a countdown)."""
        return max(1, min(COUNTDOWN_SECONDS, int(self.settings.idle_seconds) // 2))

    def user_active(self) -> None:
        if self.countdown.isVisible():
            self.countdown.hide()
            self.tick_timer.stop()
        quiet = max(0, int(self.settings.idle_seconds) - self.countdown_seconds)
        self.idle_timer.start(quiet * 1000)

    def _idle_warning(self) -> None:
        if self.current is self.pages["home"] and not self.pin_pad.isVisible():
            return  # nothing to protect on the home screen
        self.remaining = self.countdown_seconds
        self.countdown.show_seconds(self.remaining)
        self.countdown.open()
        self.tick_timer.start()

    def _tick(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self.idle_timeout()
        else:
            self.countdown.show_seconds(self.remaining)

    def idle_timeout(self) -> None:
        self.tick_timer.stop()
        self.sign_out()

    def now(self) -> dt.datetime:
        """The wall-clock time on the kiosk's day (``today`` may be fixed for tests and demos)."""
        return dt.datetime.combine(self.today(), dt.datetime.now().time())

    # -- printing ----------------------------------------------------------------------------
    def print_pdf(self, pdf: bytes, waiting: str = "正在打印，请稍候……") -> str | None:
        """Send a document to the kiosk's printer; None when it went out, else the reason."""
        self.busy.say(waiting)
        QApplication.processEvents()
        try:
            self.printer.print(pdf)
        except PrintError as exc:
            return str(exc) or "打印机没有响应"
        except Exception as exc:  # noqa: BLE001 — a printer driver's failure is a sentence too
            log.warning("kiosk printing failed: %s", type(exc).__name__)
            return "打印机没有响应"
        finally:
            self.busy.hide()
        return None

    # -- leaving -----------------------------------------------------------------------------
    def check_admin_pin(self, pin: str) -> bool:
        with self.db.sessions.begin() as session:
            return svc.check_admin_pin(session, pin)

    def unlock(self) -> None:
        """The administrator may leave: wipe the session and close."""
        self.unlocked = True
        self.wipe()
        self.close()

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.unlocked:
            event.ignore()  # Alt+F4, the window manager, a stray close(): the kiosk stays
            return
        if self.poller is not None:
            self.poller.stop()
        self.idle_timer.stop()
        QApplication.instance().removeEventFilter(self.watcher)
        event.accept()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and not self.isActiveWindow() and not self.unlocked:
            QTimer.singleShot(1500, self._take_screen_back)

    def _take_screen_back(self) -> None:
        if self.isVisible() and not self.unlocked and not self.isActiveWindow():
            self.raise_()
            self.activateWindow()
