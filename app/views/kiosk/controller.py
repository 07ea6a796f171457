"""The kiosk's session, without widgets: who is in front of the screen, the request they are
drafting, which page may be shown to them, and every call to the kiosk's services.

A number read from the card opens everything the person may see. A number typed on the keypad
proves nothing about who typed it: such a session holds no resident at all (the services answer
it the same whether or not anybody has the number), and reaches only the request and the
booking pages (see :meth:`KioskController.may_show`).

Pages get this object and nothing else of the kiosk: they read its properties, call its methods,
and never touch the window or each other. The window implements :class:`Screen` (showing a page,
the "please wait" overlay, clearing the overlays) and composes the rest.

Whatever writes, prints or checks the PIN runs as an :class:`~app.views.ops.Op` on the runner
the window was given; its answer is dropped when the session ended in the meantime (a new card,
the idle timeout, 退出), and one action runs at a time, so a second tap cannot do it twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from app.db import Database
from app.printing.qt_bridge import PrintError
from app.services.kiosk import service as svc
from app.views.kiosk.session import (
    PRINTER_SILENT,
    Booked,
    FiledRequest,
    KioskState,
    PageLike,
    Printed,
    Printer,
    Screen,
    plain_reason,
)
from app.views.ops import Op, Runner

log = logging.getLogger(__name__)
T = TypeVar("T")


class KioskController:
    def __init__(
        self,
        db: Database,
        screen: Screen,
        *,
        printer: Printer,
        runner: Runner,
        today: Callable[[], dt.date],
        settings: svc.KioskSettings,
        centre_name: str,
        centre_phone: str,
    ):
        self.db = db
        self.screen = screen
        self.printer = printer
        self.runner = runner
        self.today = today
        self.settings = settings
        self.centre_name = centre_name
        self.centre_phone = centre_phone
        self._state = KioskState()
        self._pages: dict[str, PageLike] = {}
        self._generation = 0  # bumped on every wipe: a late answer for an ended session is dropped
        self._working = False  # an action of this session is running

    # -- the person ------------------------------------------------------------------------
    @property
    def state(self) -> KioskState:
        return self._state

    @property
    def identified(self) -> bool:
        return self._state.identified

    @property
    def resident(self) -> svc.KioskResident | None:
        return self._state.resident

    @property
    def by_card(self) -> bool:
        return self._state.by_card

    @property
    def category(self) -> str:
        return self._state.category

    @property
    def working(self) -> bool:
        return self._working

    def now(self) -> dt.datetime:
        """The wall-clock time on the kiosk's day (``today`` may be fixed for tests and demos)."""
        return dt.datetime.combine(self.today(), dt.datetime.now().time())

    # -- navigation ------------------------------------------------------------------------
    def add_page(self, page: PageLike) -> None:
        self._pages[page.name] = page

    def may_show(self, needs: str) -> bool:
        """Whether this session may see a page that ``needs`` it: "nobody" (anyone), "identified"
        (a card or a typed number: a request), "booking" (a card with a record, or a typed
        number, answered alike whoever has it), "card" (any card: a volunteer or a party member signing in),
        "record" (a card with a record: their cases, bookings, certificates)."""
        state = self._state
        if needs == "nobody":
            return True
        if not state.identified:
            return False
        if needs == "identified":
            return True
        if needs == "booking":
            return state.resident is not None or not state.by_card
        return state.by_card and (state.resident is not None or needs == "card")

    def page_needs(self, name: str) -> str:
        return self._pages[name].needs

    def go(self, name: str, **details: Any) -> None:
        """Show a page, or home (nobody identified) or the menu instead when this session may not
        see it."""
        page = self._pages[name]
        if not self.may_show(page.needs):
            page = self._pages["menu" if self._state.identified else "home"]
        self.screen.release_focus()  # out of any text field; a page that wants typing takes it in enter()
        redirect = page.enter(**(details if page.name == name else {}))
        if redirect and redirect != page.name:
            self.go(redirect)
            return
        self.screen.show_page(page)

    def show_result(self, **details: Any) -> None:
        self.go("result", **details)

    def confirm(self, **details: Any) -> None:
        self.go("confirm", **details)

    def wipe(self) -> None:
        """Forget the person: state, every page's inputs, any overlay."""
        self._generation += 1
        self._state = KioskState()
        self._working = False
        for page in self._pages.values():
            page.reset()
        self.screen.clear()

    def sign_out(self) -> None:
        self.wipe()
        self.go("home")

    # -- running an action -----------------------------------------------------------------
    def run(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[Exception], None],
        *,
        waiting: str = "",
    ) -> None:
        """Run ``work`` on the runner with the wait overlay (when ``waiting`` says something);
        its answer only reaches a session that is still the same (the sign-in page too)."""
        if self._working:
            return
        generation = self._generation
        self._working = True
        if waiting:
            self.screen.show_busy(waiting)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            if generation != self._generation:
                return
            self._working = False
            self.screen.hide_busy()
            callback(value)

        Op(None, work, runner=self.runner).success(lambda value: finish(done, value)).failure(
            lambda exc: finish(failed, exc)
        ).run()

    def _send(self, render: Callable[[], bytes]) -> str:
        """On the worker: "" when the printer took the document, else the reason in words."""
        try:
            self.printer.print(render())
        except PrintError as exc:
            return str(exc) or PRINTER_SILENT
        except Exception as exc:  # noqa: BLE001 — a printer driver's failure is a sentence too
            log.warning("kiosk printing failed: %s", type(exc).__name__)
            return PRINTER_SILENT
        return ""

    # -- identification --------------------------------------------------------------------
    def identify(self, id_text: str, *, by_card: bool, refused: Callable[[str], None] | None = None) -> None:
        """Look up a number read from the card, or check a typed one (which learns nothing about
        who has it); the menu follows, or ``refused`` gets the reason."""

        def work() -> KioskState:
            with self.db.sessions.begin() as session:
                if not by_card:
                    return KioskState(identified=True, id_text=svc.identify_typed(session, id_text))
                resident = svc.identify(session, id_text)
            return KioskState(
                identified=True, by_card=True, resident=resident, id_text="" if resident else id_text
            )

        def done(state: KioskState) -> None:
            self._state = state
            self._pages["keypad"].reset()  # the keypad forgets what was typed
            self.go("menu")

        def failed(exc: Exception) -> None:
            message = plain_reason(exc, "暂时无法查询，请稍后再试，或到服务窗口办理")
            if refused is not None:
                refused(message)

        self.run(work, done, failed)

    def check_admin_pin(self, pin: str, answer: Callable[[bool], None]) -> None:
        def work() -> bool:
            with self.db.sessions.begin() as session:
                return svc.check_admin_pin(session, pin)

        self.run(work, answer, lambda exc: answer(False))

    # -- what the pages show ---------------------------------------------------------------
    def _resident_id(self) -> int:
        resident = self._state.resident
        if resident is None:
            raise svc.KioskError("没有找到您的登记信息，请到窗口咨询")
        return resident.resident_id

    def prints_left(self) -> int:
        with self.db.sessions() as session:
            return svc.prints_left_today(session, self._resident_id(), self.today())

    def certificates(self) -> list[svc.KioskTemplate]:
        with self.db.sessions() as session:
            return svc.self_service_templates(session)

    def my_cases(self) -> list[svc.KioskCase]:
        with self.db.sessions.begin() as session:  # the look is audited
            return svc.my_cases(session, self._resident_id(), today=self.today())

    def bookable_days(self) -> list[dt.date]:
        with self.db.sessions() as session:
            return svc.bookable_days(session, self.today())

    def available_slots(self, day: dt.date) -> list[svc.SlotPlaces]:
        with self.db.sessions() as session:
            return svc.available_slots(session, day)

    def my_appointments(self) -> list[svc.KioskAppointment]:
        """The card holder's bookings; none for a typed number, which may not see them."""
        if not self.may_show("record"):
            return []
        with self.db.sessions() as session:
            return svc.my_appointments(session, self._resident_id(), self.today())

    # -- what the resident does ------------------------------------------------------------
    def print_certificate(
        self, code: str, title: str, done: Callable[[Printed], None], failed: Callable[[Exception], None]
    ) -> None:
        """Issue, print, and commit only when the printer took it; otherwise nothing is recorded."""
        resident_id, today = self._resident_id(), self.today()

        def work() -> Printed:
            from app.printing.certificates.renderer import PDF_RENDERER  # reportlab on first use

            with self.db.sessions() as session:
                issued = svc.print_certificate(session, PDF_RENDERER, resident_id, code, today=today)
                problem = self._send(lambda: issued.pdf)
                if problem:
                    session.rollback()
                    return Printed("", problem)
                session.commit()
                return Printed(issued.serial, "")

        self.run(work, done, failed, waiting=f"正在打印《{title}》，请稍候……")

    def rate(
        self, case_no: str, evaluation: str, done: Callable[[None], None], failed: Callable[[Exception], None]
    ) -> None:
        resident_id = self._resident_id()

        def work() -> None:
            with self.db.sessions.begin() as session:
                svc.rate_case(session, resident_id, case_no, evaluation)

        self.run(work, done, failed)

    def choose_category(self, category: str) -> None:
        self._state.category = category
        self.go("request_text")

    def describe_request(self, text: str) -> None:
        self._state.request_text = text.strip()
        self.go("phone")

    def submit_request(
        self, phone: str, done: Callable[[FiledRequest], None], failed: Callable[[Exception], None]
    ) -> None:
        """File the drafted request, then print its slip: a slip that does not print does not
        undo the request, whose number the result page shows."""
        state, today = self._state, self.today()
        resident, category, text, id_text = state.resident, state.category, state.request_text, state.id_text
        by_card = state.by_card
        centre = self.centre_name, self.centre_phone

        def work() -> FiledRequest:
            with self.db.sessions.begin() as session:
                case_no = svc.submit_request(
                    session,
                    resident.resident_id if resident else None,
                    category=category,
                    text=text,
                    phone=phone,
                    id_text=id_text or None,
                    typed=not by_card,
                    today=today,
                )
                due = svc.request_due(session, today)
            grid = resident.grid_name if resident else ""
            from app.printing.documents.kiosk_slips import render_request_slip  # reportlab on first use

            problem = self._send(lambda: render_request_slip(case_no, category, text, grid, due, *centre))
            return FiledRequest(case_no, category, due, problem)

        def filed(request: FiledRequest) -> None:
            # The case exists from here on: the draft is emptied so that 返回 cannot file it twice.
            self._state.category, self._state.request_text = "", ""
            for name in ("request_text", "phone"):
                self._pages[name].reset()
            done(request)

        self.run(work, filed, failed, waiting="正在打印回执，请稍候……")

    def book(
        self, day: dt.date, slot: str, done: Callable[[Booked], None], failed: Callable[[Exception], None]
    ) -> None:
        """Book for the card holder, or for a typed number (its slip names nobody)."""
        resident, id_text, today = self._state.resident, self._state.id_text, self.today()
        centre = self.centre_name, self.centre_phone
        if resident is None and self._state.by_card:
            raise svc.KioskError("没有找到您的登记信息，请到窗口咨询")

        def work() -> Booked:
            with self.db.sessions.begin() as session:
                if resident is not None:
                    booked = svc.book(session, resident.resident_id, day=day, slot=slot, today=today)
                else:
                    booked = svc.book_by_number(session, id_text, day=day, slot=slot, today=today)
                item_name = booked.item_name
            holder = resident.masked_name if resident is not None else "—"
            from app.printing.documents.kiosk_slips import render_appointment_slip  # on first use

            problem = self._send(lambda: render_appointment_slip(day, slot, item_name, holder, *centre))
            return Booked(day, slot, problem)

        self.run(work, done, failed, waiting="正在打印预约凭条，请稍候……")

    def cancel_appointment(
        self, appointment_id: int, done: Callable[[None], None], failed: Callable[[Exception], None]
    ) -> None:
        resident_id, now = self._resident_id(), self.now()

        def work() -> None:
            with self.db.sessions.begin() as session:
                svc.cancel_appointment(session, resident_id, appointment_id, now=now)

        self.run(work, done, failed)

    # -- 微心愿 ------------------------------------------------------------------------------
    def my_wishes(self) -> list[svc.KioskWish]:
        with self.db.sessions.begin() as session:  # the look is audited
            return svc.kiosk_my_wishes(session, self._resident_id())

    def post_wish(
        self, kind: str, text: str, done: Callable[[str], None], failed: Callable[[Exception], None]
    ) -> None:
        resident_id, today = self._resident_id(), self.today()

        def work() -> str:
            with self.db.sessions.begin() as session:
                return svc.kiosk_post_wish(session, resident_id, content=text, kind=kind, today=today)

        self.run(work, done, failed, waiting="正在提交您的心愿，请稍候……")

    def rate_wish(
        self, wish_no: str, rating: int, done: Callable[[None], None], failed: Callable[[Exception], None]
    ) -> None:
        resident_id = self._resident_id()

        def work() -> None:
            with self.db.sessions.begin() as session:
                svc.kiosk_rate_wish(session, resident_id, wish_no, rating)

        self.run(work, done, failed)
