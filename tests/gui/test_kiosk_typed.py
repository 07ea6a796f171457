"""A number typed on the kiosk's keypad proves nothing about who typed it: it may only file a
request and book a window time, every page it reaches shows nothing of the number's owner, and
the screens say the same whether or not anybody on record has the number. Cases, bookings and
certificates need the card on the reader."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from sqlalchemy import select

from app.models import Appointment, Case, Resident
from app.services.common import idcard
from app.services.kiosk import service as svc
from app.views.kiosk.window import KioskWindow
from app.views.ops import ImmediateRunner
from tests.conftest import DEMO_TODAY
from tests.gui.test_kiosk import NOBODY, button_named, click, finished_case, swipe_card, type_on_keypad

CASE_NO = re.compile(r"[A-Z]{2}-\d{8}-\d{4}")
CARD_ONLY_PAGES = ("certificates", "cases", "rating", "my_bookings")


def page_texts(kiosk: KioskWindow) -> list[str]:
    """What a person sees on the current page (the header's clock left out)."""
    page = kiosk.current
    widgets = [w for w in page.findChildren(QWidget) if isinstance(w, QLabel | QPushButton) and w.isVisible()]
    return [w.text() for w in widgets if w.text()]


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def personal_data(demo_db, person: Resident) -> list[str]:
    """Everything of the number's owner that a stranger must not learn at the kiosk."""
    with demo_db.sessions() as session:
        resident = session.get(Resident, person.id)
        household = resident.household.members if resident.household else []
        grid = resident.household.building.grid.name if resident.household else ""
        cases = session.scalars(select(Case.case_no).where(Case.resident_id == resident.id)).all()
        found = [
            resident.id_number,
            idcard.mask(resident.id_number),
            resident.id_number[-8:],
            resident.name,
            svc.masked_name(resident.name),
            resident.current_address,
            resident.hukou_address,
            grid,
            *[m.name for m in household],
            *cases,
        ]
        if resident.phone:
            found += [resident.phone, svc.mask_phone(resident.phone)]
    return [text for text in found if text and len(text) > 1]


def walk(qtbot, kiosk: KioskWindow, number: str, day, slot: str) -> dict[str, list[str]]:
    """Every page a typed number reaches, to the end of a request and of a booking."""
    seen: dict[str, list[str]] = {}
    seen["home"] = page_texts(kiosk)
    click(qtbot, kiosk.pages["home"].manual)
    seen["keypad"] = page_texts(kiosk)
    type_on_keypad_here(qtbot, kiosk, number)
    seen["menu"] = page_texts(kiosk)
    click(qtbot, kiosk.pages["menu"].tiles["request"])
    seen["request"] = page_texts(kiosk)
    click(qtbot, button_named(kiosk, "category-设施报修"))
    seen["request_text"] = page_texts(kiosk)
    click(qtbot, kiosk.pages["request_text"].skip)
    seen["phone"] = page_texts(kiosk)
    for key in "13812345678":
        click(qtbot, kiosk.pages["phone"].keypad.keys[key])
    click(qtbot, kiosk.pages["phone"].submit_button)
    seen["request result"] = page_texts(kiosk)
    click(qtbot, kiosk.pages["result"].back_button)
    click(qtbot, kiosk.pages["menu"].tiles["booking"])
    seen["booking"] = page_texts(kiosk)
    click(qtbot, button_named(kiosk, f"day-{day.isoformat()}"))
    seen["slots"] = page_texts(kiosk)
    click(qtbot, button_named(kiosk, f"slot-{slot}"))
    seen["confirm"] = page_texts(kiosk)
    click(qtbot, kiosk.pages["confirm"].confirm)
    seen["booking result"] = page_texts(kiosk)
    return seen


def type_on_keypad_here(qtbot, kiosk: KioskWindow, number: str) -> None:
    page = kiosk.pages["keypad"]
    for key in number:
        click(qtbot, page.keypad.keys[key])
    click(qtbot, page.confirm)


def test_every_page_a_typed_number_reaches_shows_nothing_of_its_owner_and_the_same_for_nobody(
    qtbot, make_kiosk, person, demo_db
):
    finished_case(demo_db, person)  # a case of theirs that a stranger must not see
    with demo_db.sessions.begin() as session:
        day = svc.bookable_days(session, DEMO_TODAY)[1]
        slot = svc.load_settings(session).slots[3]
        svc.book(session, person.id, day=day, slot=slot, today=DEMO_TODAY)  # and a booking, same slot
    secrets = personal_data(demo_db, person)
    assert len(secrets) >= 8, secrets  # the check below looks for something real

    owner = make_kiosk()
    seen_owner = walk(qtbot, owner, person.id_number, day, slot)
    nobody = make_kiosk()
    seen_nobody = walk(qtbot, nobody, NOBODY, day, slot)

    for page, texts in seen_owner.items():
        shown = " ".join(texts)
        assert not [s for s in secrets if s in shown], (page, [s for s in secrets if s in shown])
    slips = [pdf_text(pdf) for pdf in owner.printer.pdfs]
    assert len(slips) == 2  # the request's slip and the booking's
    for slip in slips:
        assert not [s for s in secrets if s in slip], [s for s in secrets if s in slip]

    def same(texts: list[str]) -> list[str]:
        return [CASE_NO.sub("<办件编号>", t) for t in texts]

    assert {p: same(t) for p, t in seen_owner.items()} == {p: same(t) for p, t in seen_nobody.items()}
    assert [CASE_NO.sub("", pdf_text(p)) for p in owner.printer.pdfs] == [
        CASE_NO.sub("", pdf_text(p)) for p in nobody.printer.pdfs
    ]
    assert "预约成功" in seen_owner["booking result"] and "您的诉求已提交" in seen_owner["request result"]
    with demo_db.sessions() as session:  # the owner's booking is still one booking, the stranger's another
        held = session.scalars(
            select(Appointment).where(Appointment.day == day, Appointment.slot == slot)
        ).all()
        assert sorted((a.resident_id is None, a.holder_name == "未登记居民") for a in held) == [
            (False, False),
            (True, True),
        ]


def test_the_rule_is_on_the_screen_where_typing_is_offered_and_chosen(qtbot, make_kiosk, person):
    kiosk = make_kiosk()
    rule = "查看办件和打印证明须刷身份证原件"
    assert any(rule in text for text in page_texts(kiosk))  # home, beside 手动输入身份证号
    click(qtbot, kiosk.pages["home"].manual)
    assert any("手动输入号码可以反映诉求、预约窗口" in t and rule in t for t in page_texts(kiosk))
    type_on_keypad_here(qtbot, kiosk, person.id_number)
    menu = kiosk.pages["menu"]
    assert menu.notice.isVisible() and rule in menu.notice.text()
    assert [name for name, tile in menu.tiles.items() if tile.isVisible()] == ["request", "booking"]


@pytest.mark.parametrize("who", ["owner", "nobody"])
def test_card_only_pages_cannot_be_reached_with_a_typed_number(qtbot, make_kiosk, person, demo_db, who):
    case_no = finished_case(demo_db, person)
    with demo_db.sessions.begin() as session:
        day = svc.bookable_days(session, DEMO_TODAY)[0]
        svc.book(session, person.id, day=day, slot=svc.load_settings(session).slots[0], today=DEMO_TODAY)
    kiosk = make_kiosk()
    type_on_keypad(qtbot, kiosk, person.id_number if who == "owner" else NOBODY)
    controller = kiosk.controller
    assert kiosk.current is kiosk.pages["menu"] and controller.state.resident is None
    for name in CARD_ONLY_PAGES:
        controller.go(name)
        assert kiosk.current is kiosk.pages["menu"], name
    for tile in ("certificates", "cases"):
        assert not kiosk.pages["menu"].tiles[tile].isVisible()
    with pytest.raises(svc.KioskError):
        controller.my_cases()
    with pytest.raises(svc.KioskError):
        controller.prints_left()
    assert controller.my_appointments() == []
    click(qtbot, kiosk.pages["menu"].tiles["booking"])
    booking = kiosk.pages["booking"]
    assert not booking.my_button.isVisible() and not booking.booked.isVisible()
    assert case_no not in " ".join(page_texts(kiosk))


def test_the_card_still_opens_everything(qtbot, make_kiosk, person, demo_db):
    case_no = finished_case(demo_db, person)
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, person.id_number)
    menu = kiosk.pages["menu"]
    assert all(tile.isVisible() for tile in menu.tiles.values()) and not menu.notice.isVisible()
    click(qtbot, menu.tiles["cases"])
    assert kiosk.current is kiosk.pages["cases"] and case_no in " ".join(page_texts(kiosk))


class FakePage:
    """A page without widgets: what the controller's rule alone decides."""

    def __init__(self, name: str, needs: str):
        self.name, self.needs = name, needs

    def enter(self, **details) -> None:
        return None

    def reset(self) -> None:
        pass


class FakeScreen:
    def __init__(self):
        self.shown: list[str] = []

    def release_focus(self) -> None:
        pass

    def show_page(self, page) -> None:
        self.shown.append(page.name)

    def show_busy(self, text: str) -> None:
        pass

    def hide_busy(self) -> None:
        pass

    def clear(self) -> None:
        pass


PAGES = {
    "home": "nobody",
    "keypad": "nobody",
    "menu": "identified",
    "request": "identified",
    "booking": "booking",
    "slots": "booking",
    "certificates": "record",
    "cases": "record",
    "rating": "record",
    "my_bookings": "record",
}


@pytest.mark.parametrize("by_card", [False, True])
def test_the_controller_lets_a_typed_number_reach_only_the_request_and_the_booking(demo_db, person, by_card):
    from app.views.kiosk.controller import KioskController

    screen = FakeScreen()
    with demo_db.sessions() as session:
        settings = svc.load_settings(session)
    controller = KioskController(
        demo_db,
        screen,
        printer=None,
        runner=ImmediateRunner(),
        today=lambda: DEMO_TODAY,
        settings=settings,
        centre_name="中心",
        centre_phone="",
    )
    for name, needs in PAGES.items():
        controller.add_page(FakePage(name, needs))
    controller.identify(person.id_number, by_card=by_card)
    reached = {}
    for name in PAGES:
        controller.go(name)
        reached[name] = screen.shown[-1]
    if by_card:
        assert reached == {name: name for name in PAGES}
        assert controller.resident is not None and controller.resident.resident_id == person.id
    else:
        assert reached == {
            **{name: name for name in PAGES},
            **{name: "menu" for name in CARD_ONLY_PAGES},
        }
        assert controller.resident is None and controller.state.id_text == person.id_number
