"""Starting the kiosk: ``yichuang kiosk`` takes the whole screen; with a screenshot target it
renders one page, for a demo resident, at the size of a given screen (1920×1080 unless said),
and changes nothing in the database.

A screenshot runs on one connection inside a transaction that is rolled back at the end: the
demo resident's lookups, cases and booking, and their audit entries, never reach the database.
"""

from __future__ import annotations

import gc
from pathlib import Path

from app.db import Database
from app.printing.qt_bridge import PrintError
from app.views.desk_app import DeskStartError, application, choose_platform
from app.views.kiosk import SCREENSHOT_PAGES as PAGES

SCREEN = (1920, 1080)  # the screenshot's size unless said; kiosk panels: see app.views.kiosk.theme


class NoPrinter:
    """A screenshot prints nothing."""

    def print(self, pdf: bytes) -> None:
        raise PrintError("截图模式不打印")


def run_kiosk(
    db: Database,
    screenshot: Path | None = None,
    *,
    page: str = "home",
    font_scale: float = 1.0,
    size: tuple[int, int] = SCREEN,
) -> int:
    from app.services.admin.centre import CentreNotConfigured
    from app.services.kiosk.demo import rolled_back
    from app.views.desk.card_reader import reader_from_settings
    from app.views.kiosk.theme import Display
    from app.views.kiosk.window import KioskWindow
    from app.views.ops import ImmediateRunner

    if page not in PAGES:
        raise DeskStartError(f"没有“{page}”这一页，可选：{'、'.join(PAGES)}")
    choose_platform(screenshot=screenshot is not None)
    app = application()
    try:
        if screenshot is None:
            window = KioskWindow(db, reader=reader_from_settings(), font_scale=font_scale)
            window.start()
            # as the desk does: long-lived objects out of the collector's way during a resident's turn
            gc.collect()
            gc.freeze()
            return app.exec()
        with rolled_back(db) as scratch:
            # one connection: nothing may run on another thread
            window = KioskWindow(
                scratch,
                printer=NoPrinter(),
                font_scale=font_scale,
                runner=ImmediateRunner(),
                display=Display(*size),
            )
            try:
                window.setFixedSize(*size)  # a kiosk runs full screen
                show_demo_page(window, page)
                window.show()
                app.processEvents()
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                if not window.grab().save(str(screenshot)):
                    raise OSError(f"无法写入截图 {screenshot}")
            finally:
                window.unlock()
        return 0
    except CentreNotConfigured as exc:
        raise DeskStartError(str(exc)) from None


def show_demo_page(window, page: str) -> None:
    from app.services.common import idcard
    from app.services.kiosk.demo import demo_member_number, prepare_demo_resident

    kiosk = window.controller
    if page == "home":
        return
    if page == "keypad":
        kiosk.go("keypad")
        for key in "11010519":
            window.pages["keypad"].press(key)
        return
    if page == "norecord":
        number = "11010819700101002"
        kiosk.identify(number + idcard.check_digit(number), by_card=True)
        return
    with kiosk.db.sessions.begin() as session:
        number = demo_member_number(session, kiosk.today()) if page == "sign_in" else None
        number = number or prepare_demo_resident(session, kiosk.today())
    if number is None:
        raise DeskStartError("数据库里还没有居民：请先生成演示数据（yichuang init --demo）")
    kiosk.identify(number, by_card=page != "typed")
    if page == "countdown":
        kiosk.go("cases")
        window.remaining = 8
        window.countdown.show_seconds(8)
        window.countdown.open()
    elif page == "pin":
        window.pin_pad.open()
        for key in "1234":
            window.pin_pad.press(key)
        window.pin_pad.message.setText("密码不正确，不能退出自助服务")
    elif page == "rating":
        kiosk.go("rating", case=next(c for c in kiosk.my_cases() if c.can_rate))
    elif page == "slots":
        kiosk.go("slots", day=kiosk.bookable_days()[0])
    elif page in ("request_text", "phone"):
        kiosk.choose_category("设施报修")
        kiosk.go(page)
        if page == "request_text":
            window.pages[page].text.setPlainText("小区东门的路灯坏了一个星期，晚上很黑")
        else:
            for key in "1391234":
                window.pages[page].press(key)
    elif page == "confirm":
        kiosk.go("certificates")
        code, title = window.pages["certificates"].templates[0]
        window.pages["certificates"].ask(code, title)
    elif page == "result":
        kiosk.show_result(
            ok=True,
            headline="您的诉求已提交",
            number="TY-20261123-0001",
            caption="办件编号（请记下）",
            lines=[
                "类别：设施报修",
                "网格员会在 11月30日 前联系您、答复您。",
                "回执已打印，请在出纸口取走。",
            ],
        )
    elif page not in ("menu", "typed"):  # "typed": the menu of a number typed on the keypad
        kiosk.go(page)
