"""The kiosk window: a stack of full-screen pages under a red header, and the rules that keep one
resident's data from the next person in the queue.

- One idle timer, restarted by an application-wide event filter on every key, mouse, touch and
  wheel event; ten seconds before it runs out a countdown covers the screen, then the session is
  wiped (the resident, every page's inputs) and the home screen returns.
- A new ID card on the reader ends the current session before the new person is looked up.
- Pages that show anything personal can only be reached after identification, and those of a
  registered resident only with a record read from the card: a typed number reaches the request
  and the booking only (the controller's rule); every page asks the services through the
  controller, with the session's own resident id, never with anything typed.
- Sizes follow the screen's available room (``theme.Display``): a 1366×768 or 1280×1024 panel
  gets the same pages smaller, a portrait one re-flowed; 退出 is on every page after the home
  screen, and no button is under 15 mm.
- Full screen, frameless, on top; close events are ignored until an administrator unlocks with the
  PIN (five taps on the header's left corner open the PIN pad).

The window composes; the session itself (who is identified, navigation, the services, the jobs
on the runner) is :class:`~app.views.kiosk.controller.KioskController`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from app.db import Database
from app.services.admin.centre import centre_name, current_community
from app.services.cardreaders import CardData, CardReader, CardReadError, KeystrokeBurst, card_from_wedge_text
from app.services.kiosk import service as svc
from app.views.desk.card_reader import CardPoller
from app.views.kiosk import booking_pages, pages, request_pages, service_pages, sign_in_pages, wish_pages
from app.views.kiosk.controller import KioskController
from app.views.kiosk.frame import Header, IdleWatcher
from app.views.kiosk.overlays import Busy, Countdown, PinPad
from app.views.kiosk.page import Page
from app.views.kiosk.printer import KioskPrinter
from app.views.kiosk.session import PageLike, Printer
from app.views.kiosk.theme import Display, Theme, display_of
from app.views.ops import Runner, ThreadRunner

COUNTDOWN_SECONDS = 10
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
    wish_pages.WishesPage,
    wish_pages.WishKindPage,
    wish_pages.WishTextPage,
    wish_pages.WishRatingPage,
    sign_in_pages.SignInPage,
]


class KioskWindow(QWidget):
    def __init__(
        self,
        db: Database,
        *,
        printer: Printer | None = None,
        reader: CardReader | None = None,
        today: Callable[[], dt.date] | None = None,
        font_scale: float = 1.0,
        settings: svc.KioskSettings | None = None,
        runner: Runner | None = None,
        display: Display | None = None,
    ):
        """``display``: the screen to lay out for; the one the window opens on when not given."""
        flags = Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        super().__init__(None, flags)
        self.setObjectName("kioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle("自助服务终端")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # keys (a wedge reader) come to the window
        today = today or dt.date.today
        with db.sessions() as session:
            settings = settings or svc.load_settings(session)
            community = current_community(session)
            centre, phone = centre_name(community), community.hotline or ""
        self.runner = runner or ThreadRunner()
        self.controller = KioskController(
            db,
            self,
            printer=printer or KioskPrinter(),
            runner=self.runner,
            today=today,
            settings=settings,
            centre_name=centre,
            centre_phone=phone,
        )
        self.display = display or display_of(self.screen() or QGuiApplication.primaryScreen())
        self.theme = Theme.for_display(self.display, font_scale)
        self.setStyleSheet(self.theme.stylesheet())
        self.burst = KeystrokeBurst()
        self.unlocked = False

        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        for page_class in PAGE_CLASSES:
            page = page_class(self.controller, self.theme)
            self.pages[page.name] = page
            self.controller.add_page(page)
            self.stack.addWidget(page)
        self.header = Header(self.theme, centre, today, self._open_pin_pad)
        self.corner = self.header.corner
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self.header)
        root.addWidget(self.stack, 1)

        self.countdown = Countdown(self, self.theme)
        self.countdown.keep.clicked.connect(self.user_active)
        self.pin_pad = PinPad(self, self.theme, self.controller)
        self.pin_pad.unlocked.connect(self.unlock)
        self.busy = Busy(self, self.theme)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._idle_warning)
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(1000)
        self.tick_timer.timeout.connect(self._tick)
        self.remaining = 0
        self.watcher = IdleWatcher(self, self.user_active)
        QApplication.instance().installEventFilter(self.watcher)
        self.poller = CardPoller(reader, parent=self, runner=self.runner) if reader is not None else None
        if self.poller is not None:
            self.poller.card_read.connect(self.on_card)
            self.poller.status_changed.connect(self.pages["home"].show_reader_status)
        self.controller.go("home")
        self.user_active()

    @property
    def printer(self) -> Printer:
        return self.controller.printer

    @property
    def current(self) -> Page:
        return self.stack.currentWidget()

    def start(self) -> None:
        """Take the whole screen and start asking the reader for cards."""
        self.showFullScreen()
        if self.poller is not None:
            self.poller.start()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        for overlay in (self.countdown, self.pin_pad, self.busy):
            overlay.setGeometry(self.rect())

    # -- the screen the controller drives ----------------------------------------------------
    def release_focus(self) -> None:
        self.setFocus()

    def show_page(self, page: PageLike) -> None:
        self.stack.setCurrentWidget(self.pages[page.name])

    def show_busy(self, text: str) -> None:
        self.busy.say(text)

    def hide_busy(self) -> None:
        self.busy.hide()

    def clear(self) -> None:
        self.burst.reset()
        for overlay in (self.countdown, self.pin_pad, self.busy):
            overlay.hide()
        self.tick_timer.stop()

    # -- identification ----------------------------------------------------------------------
    def on_card(self, card: CardData) -> None:
        self.read_card(card.id_number)

    def read_card(self, number: str) -> None:
        """Whoever was here has gone: their session ends before the next begins."""
        self.controller.sign_out()
        self.controller.identify(number, by_card=True, refused=self._card_refused)

    def _card_refused(self, message: str) -> None:
        self.controller.go("home")
        self.pages["home"].show_message(message)

    def keyPressEvent(self, event) -> None:  # noqa: N802 — keyboard-wedge readers and keyboards
        now = time.monotonic()
        typed = getattr(self.current, "typed", None)
        if self.controller.working:
            typed = None  # a job runs: a key must not start a second one
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            result = self.burst.enter(now)
            if result.from_reader:
                try:
                    number = card_from_wedge_text(result.text)
                except CardReadError as exc:
                    self._card_refused(str(exc))
                    return
                self.read_card(number)
            elif typed is not None:
                typed("\n")
            return
        if event.key() == Qt.Key.Key_Backspace:
            self.burst.reset()
            if typed is not None:
                typed("\b")
            return
        text = event.text()
        if text and text.isprintable():
            self.burst.feed(text, now)
            if typed is not None:
                typed(text)
        # Esc and everything else: ignored, it does not leave kiosk mode

    # -- idle --------------------------------------------------------------------------------
    @property
    def countdown_seconds(self) -> int:
        """Ten seconds, or half of a very short timeout (so a touch is not followed by a countdown)."""
        return max(1, min(COUNTDOWN_SECONDS, int(self.controller.settings.idle_seconds) // 2))

    def user_active(self) -> None:
        if self.countdown.isVisible():
            self.countdown.hide()
            self.tick_timer.stop()
        quiet = max(0, int(self.controller.settings.idle_seconds) - self.countdown_seconds)
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
        self.controller.sign_out()

    # -- leaving -----------------------------------------------------------------------------
    def _open_pin_pad(self) -> None:
        self.pin_pad.open()

    def unlock(self) -> None:
        """The administrator may leave: wipe the session and close."""
        self.unlocked = True
        self.controller.wipe()
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
