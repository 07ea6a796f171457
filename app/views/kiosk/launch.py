"""Starting the kiosk: ``yichuang kiosk`` takes the whole screen; with a screenshot target it
renders one page, for a demo resident, and changes nothing in the database.

A screenshot runs on one connection inside a transaction that is rolled back at the end: the
demo resident's lookups, cases and booking, and their audit entries, never reach the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import Database
from app.printing.qt_bridge import PrintError
from app.views.desk_app import DeskStartError, application, choose_platform
from app.views.kiosk import SCREENSHOT_PAGES as PAGES

SCREEN = (1920, 1080)


class NoPrinter:
    """A screenshot prints nothing."""

    def print(self, pdf: bytes) -> None:
        raise PrintError("截图模式不打印")


@contextlib.contextmanager
def rolled_back(db: Database) -> Iterator[Database]:
    """The same database seen through one connection whose every commit is undone at the end."""
    connection = db.engine.connect()
    outer = connection.begin()
    try:
        sessions = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        yield Database(db.engine, sessions)
    finally:
        outer.rollback()
        connection.close()


def run_kiosk(
    db: Database, screenshot: Path | None = None, *, page: str = "home", font_scale: float = 1.0
) -> int:
    from app.services.admin.centre import CentreNotConfigured
    from app.views import tasks
    from app.views.desk.card_reader import reader_from_settings
    from app.views.kiosk.window import KioskWindow

    if page not in PAGES:
        raise DeskStartError(f"没有“{page}”这一页，可选：{'、'.join(PAGES)}")
    choose_platform(screenshot=screenshot is not None)
    app = application()
    try:
        if screenshot is None:
            window = KioskWindow(db, reader=reader_from_settings(), font_scale=font_scale)
            window.start()
            return app.exec()
        tasks.set_synchronous(True)  # one connection: nothing may run on another thread
        with rolled_back(db) as scratch:
            window = KioskWindow(scratch, printer=NoPrinter(), font_scale=font_scale)
            try:
                window.resize(*SCREEN)
                show_demo_page(window, page)
                window.show()
                app.processEvents()
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                if not window.grab().save(str(screenshot)):
                    raise OSError(f"无法写入截图 {screenshot}")
            finally:
                window.unlock()
                tasks.set_synchronous(False)
        return 0
    except CentreNotConfigured as exc:
        raise DeskStartError(str(exc)) from None


def demo_history(session: Session, resident, today: dt.date) -> None:
    """A finished window case, a running request and a booking for the demo resident."""
    from app.services.cases import intake, workflow
    from app.services.kiosk import service as svc

    with contextlib.suppress(Exception):
        item = intake.find_item(session, "ZM-001")
        case = intake.accept(
            session,
            item_code=item.code,
            resident=resident,
            materials_received=list(item.materials),
            actor="demo",
            today=today,
        )
        workflow.apply(session, case, "dispatch", actor="demo", to="第一网格")
        workflow.apply(session, case, "complete", actor="demo", note="已开具")
    svc.submit_request(
        session,
        resident.id,
        category="设施报修",
        text="3号楼2单元门口路灯坏了",
        phone="13812345678",
        today=today,
    )
    day = svc.bookable_days(session, today)[1]
    svc.book(session, resident.id, day=day, slot=svc.load_settings(session).slots[2], today=today)


def show_demo_page(window, page: str) -> None:
    from app.models import Resident
    from app.services.common import idcard
    from app.services.kiosk import service as svc

    if page == "home":
        return
    if page == "keypad":
        window.go("keypad")
        for key in "11010519":
            window.pages["keypad"].press(key)
        return
    if page == "norecord":
        number = "11010819700101002"
        window.identify(number + idcard.check_digit(number))
        return
    with window.db.sessions.begin() as session:
        resident = session.scalar(
            select(Resident).where(Resident.household_id.is_not(None)).order_by(Resident.id).limit(1)
        )
        if resident is None:
            raise DeskStartError("数据库里还没有居民：请先生成演示数据（yichuang init --demo）")
        demo_history(session, resident, window.today())
        number = resident.id_number
    window.identify(number)
    if page == "countdown":
        window.go("cases")
        window.remaining = 8
        window.countdown.show_seconds(8)
        window.countdown.open()
    elif page == "pin":
        window.pin_pad.open()
        for key in "1234":
            window.pin_pad.press(key)
        window.pin_pad.message.setText("密码不正确，不能退出自助服务")
    elif page == "rating":
        with window.db.sessions() as session:
            cases = svc.my_cases(session, window.state.resident.resident_id, window.today())
        window.go("rating", case=next(c for c in cases if c.can_rate))
    elif page == "slots":
        with window.db.sessions() as session:
            day = svc.bookable_days(session, window.today())[0]
        window.go("slots", day=day)
    elif page in ("request_text", "phone"):
        window.state.category = "设施报修"
        window.go(page)
        if page == "request_text":
            window.pages[page].text.setPlainText("小区东门的路灯坏了一个星期，晚上很黑")
        else:
            for key in "1391234":
                window.pages[page].press(key)
    elif page == "confirm":
        window.go("certificates")
        code, title = window.pages["certificates"].templates[0]
        window.pages["certificates"].ask(code, title)
    elif page == "result":
        window.show_result(
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
    elif page != "menu":
        window.go(page)
