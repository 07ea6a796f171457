"""The kiosk on the screens it is sold with: 1920×1080, 1366×768, 1280×1024 and a 1080×1920
portrait terminal, at normal and large type. A resident walks through every page; on each one
every control lies inside the screen and inside every widget around it (nothing cut off),
every button is at least 15 mm both ways, no text is cut, and 退出 is there after the home screen.

With ``YICHUANG_KIOSK_SHOTS`` set to a folder, every page at every size is saved there as a PNG.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLineEdit, QWidget

from app.services.kiosk import service as svc
from app.views.desk_app import application
from app.views.kiosk.theme import ASSUMED_DPI, MIN_TOUCH_MM, Display, Theme
from app.views.kiosk.window import KioskWindow
from app.views.ops import ImmediateRunner
from tests.conftest import DEMO_TODAY
from tests.gui.conftest import RecordingPrinter
from tests.gui.test_kiosk import NOBODY, _clipped, button_named, click, finished_case, swipe_card
from tests.gui.test_kiosk_sign_in import EXAMPLE as VOLUNTEER
from tests.gui.test_kiosk_sign_in import member_card, open_activity
from tests.gui.test_kiosk_wishes import fulfilled_wish

SCREENS = [(1920, 1080), (1366, 768), (1280, 1024), (1080, 1920)]
SHOTS = os.environ.get("YICHUANG_KIOSK_SHOTS")
# 15 mm on a panel of unknown size, taken to be the densest common kiosk panel (21.5", 1920×1080)
TOUCH = math.ceil(MIN_TOUCH_MM / 25.4 * ASSUMED_DPI)
LONG_MESSAGE = "身份证号码好像不对，请核对后重新输入，或把身份证放到读卡区"


def controls(window: QWidget) -> list[QWidget]:
    """What a finger can use on the screen now."""
    kinds = (QAbstractButton, QLineEdit, QAbstractScrollArea)
    return [w for w in window.findChildren(QWidget) if isinstance(w, kinds) and w.isVisible()]


def cut_off(widget: QWidget, window: QWidget) -> str:
    """Why ``widget`` is not wholly on the screen, or ""."""
    rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    if not window.rect().contains(rect):
        return f"outside the screen at {rect.getRect()}"
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        inner = QRect(widget.mapTo(parent, widget.rect().topLeft()), widget.size())
        if not parent.rect().contains(inner):
            return f"cut by {type(parent).__name__} {parent.objectName()!r} at {inner.getRect()}"
        parent = parent.parentWidget()
    return ""


def problems(kiosk: KioskWindow) -> list[str]:
    found = []
    for widget in controls(kiosk):
        name = getattr(widget, "text", lambda: "")() or widget.accessibleName() or type(widget).__name__
        reason = cut_off(widget, kiosk)
        if reason:
            found.append(f"{name!r}: {reason}")
        if isinstance(widget, QAbstractButton) and min(widget.width(), widget.height()) < TOUCH:
            found.append(f"{name!r}: {widget.width()}×{widget.height()} is under {MIN_TOUCH_MM} mm")
    found += _clipped(kiosk)
    return found


@pytest.fixture
def kiosk_on(qtbot, demo_db):
    application()  # the bundled Chinese font, as the kiosk runs with it

    def make(size: tuple[int, int], scale: float) -> KioskWindow:
        window = KioskWindow(
            demo_db,
            runner=ImmediateRunner(),
            printer=RecordingPrinter(),
            today=lambda: DEMO_TODAY,
            font_scale=scale,
            display=Display(*size),  # a panel that does not report its size
        )
        qtbot.addWidget(window, before_close_func=lambda w: w.unlock())
        window.setFixedSize(*size)  # a kiosk runs full screen
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def test_touch_size_is_15_mm_at_the_assumed_density_or_the_reported_one():
    assert TOUCH == Theme.for_display(Display(1366, 768)).touch == 61
    assert Theme.for_display(Display(1366, 768, dpi=85)).touch == math.ceil(15 / 25.4 * 85)
    assert Theme.for_display(Display(1080, 1920)).portrait


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1.0, 1.5])
@pytest.mark.parametrize("size", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_page_fits_every_kiosk_screen(qtbot, kiosk_on, person, demo_db, size, scale, tmp_path):
    case_no = finished_case(demo_db, person)
    with demo_db.sessions.begin() as session:
        day = svc.bookable_days(session, DEMO_TODAY)[0]
        slots = svc.load_settings(session).slots
        booked = svc.book(session, person.id, day=day, slot=slots[0], today=DEMO_TODAY)
    fulfilled = fulfilled_wish(demo_db, person)
    open_activity(demo_db)
    member, _ = member_card(demo_db, meets_today=True)
    kiosk = kiosk_on(size, scale)
    shots = Path(SHOTS) if SHOTS else None
    seen: list[str] = []

    def check(what: str, overlay: bool = False) -> None:
        """``what``: the page that must be showing, or the overlay over it."""
        qtbot.wait(1)
        page = kiosk.current
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            kiosk.grab().save(str(shots / f"{size[0]}x{size[1]}@{scale}-{len(seen):02d}-{what}.png"))
        assert overlay or page.name == what, (what, page.name)
        assert kiosk.size().toTuple() == size, what
        least = kiosk.minimumSizeHint()
        assert least.width() <= size[0] and least.height() <= size[1], (what, least.toTuple())
        assert problems(kiosk) == [], what
        if page.name != "home":
            assert page.exit_button.isVisible() and not cut_off(page.exit_button, kiosk), what
        seen.append(page.name if not overlay else what)

    home = kiosk.pages["home"]
    check("home")
    home.show_message(LONG_MESSAGE)
    check("home")
    home.reset()

    click(qtbot, home.manual)
    keypad = kiosk.pages["keypad"]
    click(qtbot, keypad.keypad.keys["X"])  # only the 18th digit may be X: an error shows
    for key in person.id_number[:-1]:
        click(qtbot, keypad.keypad.keys[key])
    keypad.show_error(LONG_MESSAGE)
    check("keypad")
    click(qtbot, keypad.keypad.keys[person.id_number[-1]])
    click(qtbot, keypad.confirm)
    check("menu")  # of a typed number
    click(qtbot, kiosk.current.exit_button)

    swipe_card(qtbot, kiosk, NOBODY)
    check("menu")  # of a card without a record
    click(qtbot, kiosk.current.exit_button)

    swipe_card(qtbot, kiosk, person.id_number)
    menu = kiosk.pages["menu"]
    check("menu")
    click(qtbot, menu.tiles["certificates"])
    check("certificates")
    click(qtbot, button_named(kiosk, "template-TFCY"))
    check("confirm")
    click(qtbot, kiosk.pages["confirm"].confirm)
    check("result")  # printed
    click(qtbot, kiosk.current.back_button)
    click(qtbot, kiosk.current.back_button)

    click(qtbot, menu.tiles["cases"])
    check("cases")
    click(qtbot, button_named(kiosk, f"rate-{case_no}"))
    check("rating")
    click(qtbot, button_named(kiosk, "evaluation-满意"))
    check("result")
    kiosk.controller.go("menu")

    click(qtbot, menu.tiles["request"])
    check("request")
    click(qtbot, button_named(kiosk, "category-设施报修"))
    kiosk.pages["request_text"].text.setPlainText("长" * 300)
    check("request_text")
    click(qtbot, kiosk.pages["request_text"].next)
    phone = kiosk.pages["phone"]
    for key in "1381234567":
        click(qtbot, phone.keypad.keys[key])
    phone.show_error("请输入11位手机号码，方便工作人员联系您")
    check("phone")
    click(qtbot, phone.keypad.keys["8"])
    click(qtbot, phone.submit_button)
    check("result")  # the request's number
    click(qtbot, kiosk.current.back_button)

    click(qtbot, menu.tiles["wishes"])
    check("wishes")
    click(qtbot, button_named(kiosk, f"rate-wish-{fulfilled}"))
    check("wish_rating")
    click(qtbot, button_named(kiosk, "wish-stars-5"))
    check("result")
    click(qtbot, kiosk.current.back_button)
    click(qtbot, kiosk.pages["wishes"].new_button)
    check("wish_kind")
    click(qtbot, button_named(kiosk, "wish-kind-服务"))
    kiosk.pages["wish_text"].text.setPlainText("长" * 100)
    check("wish_text")
    click(qtbot, kiosk.pages["wish_text"].submit_button)
    check("result")  # the wish's number
    kiosk.controller.go("menu")

    click(qtbot, menu.tiles["booking"])
    check("booking")
    click(qtbot, button_named(kiosk, f"day-{day.isoformat()}"))
    check("slots")
    click(qtbot, button_named(kiosk, f"slot-{slots[1]}"))
    check("confirm")
    click(qtbot, kiosk.pages["confirm"].confirm)
    check("result")
    click(qtbot, kiosk.current.back_button)
    click(qtbot, kiosk.pages["booking"].my_button)
    check("my_bookings")
    click(qtbot, button_named(kiosk, f"cancel-{booked.id}"))
    check("confirm")  # cancelling
    click(qtbot, kiosk.current.exit_button)

    swipe_card(qtbot, kiosk, VOLUNTEER)  # a volunteer signs in, and out with the hours
    click(qtbot, menu.tiles["sign_in"])
    check("sign_in")
    click(qtbot, button_named(kiosk, "sign-in-choice-0"))
    check("result")
    click(qtbot, kiosk.current.exit_button)
    swipe_card(qtbot, kiosk, VOLUNTEER)
    click(qtbot, menu.tiles["sign_in"])
    check("sign_in")
    click(qtbot, button_named(kiosk, "volunteer-sign-out"))
    check("result")
    click(qtbot, kiosk.current.exit_button)
    swipe_card(qtbot, kiosk, member)  # a party member checks in to the branch's 党课
    click(qtbot, menu.tiles["sign_in"])
    check("sign_in")
    click(qtbot, button_named(kiosk, "sign-in-choice-0"))
    check("result")

    kiosk.countdown.show_seconds(10)
    kiosk.countdown.open()
    check("countdown", overlay=True)
    kiosk.countdown.hide()
    kiosk.busy.say("正在打印《无犯罪记录证明（社区出具）》，请稍候……")
    check("busy", overlay=True)
    kiosk.busy.hide()
    qtbot.mouseClick(kiosk.corner, Qt.MouseButton.LeftButton)
    for _ in range(4):
        qtbot.mouseClick(kiosk.corner, Qt.MouseButton.LeftButton)
    assert kiosk.pin_pad.isVisible()
    kiosk.pin_pad.message.setText("本机尚未设置管理员密码，请在管理电脑上设置后再试")
    check("pin pad", overlay=True)

    assert set(kiosk.pages) <= set(seen), set(kiosk.pages) - set(seen)
