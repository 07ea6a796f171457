"""The self-service kiosk, touched as a resident touches it: a card or the keypad, then each
option to the end; the idle timeout, the way out, the print limit, a missing printer, large type."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from sqlalchemy import func, select

from app.models import Appointment, AuditEntry, Case, Certificate, Resident
from app.services.cardreaders import CardData, FakeReader
from app.services.cases import intake, workflow
from app.services.common import idcard
from app.services.kiosk import service as svc
from app.views.kiosk.window import KioskWindow
from app.views.ops import ThreadRunner
from tests.conftest import DEMO_TODAY
from tests.gui.conftest import RecordingPrinter

NOBODY = "11010819700101002" + idcard.check_digit("11010819700101002")  # valid, not in the demo street


class SlowPrinter(RecordingPrinter):
    """Blocks its worker like a printer warming up, until the GUI thread has ticked and painted
    a few times (or 30 s have passed: a GUI thread that waits for the printer never gets there),
    and notes how far the GUI thread's counters moved meanwhile. Waiting for the counters rather
    than for a fixed time keeps the test independent of how busy the machine is."""

    def __init__(self):
        super().__init__()
        self.probe: GuiProbe | None = None
        self.thread: threading.Thread | None = None
        self.moved: tuple[int, int] | None = None  # (timer ticks, paint events) during the print

    def print(self, pdf: bytes) -> None:
        self.thread = threading.current_thread()
        ticks, paints = self.probe.ticks, self.probe.paints
        self.probe.printing = True
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            self.probe.ticks - ticks < 10 or self.probe.paints - paints < 5
        ):
            time.sleep(0.01)
        self.probe.printing = False
        self.moved = (self.probe.ticks - ticks, self.probe.paints - paints)
        super().print(pdf)


class GuiProbe(QObject):
    """A timer on the GUI thread that asks a widget to repaint, and a count of its paint events."""

    def __init__(self, widget: QWidget):
        super().__init__(widget)
        self.widget = widget
        self.ticks = self.paints = 0
        self.printing = False
        self.busy_seen: list[bool] = []  # whether the Busy overlay showed, at each tick while printing
        self.timer = QTimer(self)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        widget.installEventFilter(self)
        self.timer.start()

    def tick(self) -> None:
        self.ticks += 1
        if self.printing:
            self.busy_seen.append(self.widget.isVisible())
        self.widget.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def click(qtbot, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def read_card(qtbot, kiosk: KioskWindow) -> None:
    """One poll of the reader (on the kiosk's runner: at once in these tests)."""
    kiosk.poller.poll()


def type_on_keypad(qtbot, kiosk: KioskWindow, number: str) -> None:
    click(qtbot, kiosk.pages["home"].manual)
    page = kiosk.pages["keypad"]
    assert kiosk.current is page
    for key in number:
        click(qtbot, page.keypad.keys[key])
    click(qtbot, page.confirm)


def swipe_card(qtbot, kiosk: KioskWindow, number: str) -> None:
    """The card on a keyboard-wedge reader: the number and Enter within milliseconds."""
    qtbot.keyClicks(kiosk, number)
    qtbot.keyClick(kiosk, Qt.Key.Key_Return)


def card_for(person: Resident) -> CardData:
    return CardData(
        name=person.name,
        sex="male",
        ethnicity="汉族",
        birth_date=dt.date(1980, 1, 1),
        address="某地",
        id_number=person.id_number,
        authority="某公安局",
        valid_from=None,
        valid_to=None,
        long_term=True,
    )


def printable(kiosk: KioskWindow) -> tuple[str, str]:
    """A self-service template that needs nothing from the staff (居住证明 asks since when)."""
    templates = dict(kiosk.pages["certificates"].templates)
    assert "TFCY" in templates
    return "TFCY", templates["TFCY"]


def visible_texts(kiosk: KioskWindow) -> list[str]:
    return [
        w.text() for w in kiosk.findChildren(QWidget) if isinstance(w, QLabel | QPushButton) and w.isVisible()
    ]


def button_named(kiosk: KioskWindow, name: str) -> QPushButton:
    found = [b for b in kiosk.current.findChildren(QPushButton, name) if b.isVisible()]
    assert found, f"no visible button {name} on {kiosk.current.name}"
    return found[0]


def finished_case(demo_db, person: Resident) -> str:
    with demo_db.sessions.begin() as session:
        resident = session.get(Resident, person.id)
        item = intake.find_item(session, "ZM-001")
        case = intake.accept(
            session,
            item_code=item.code,
            resident=resident,
            materials_received=list(item.materials),
            actor="qiantai",
            today=DEMO_TODAY,
        )
        workflow.apply(session, case, "dispatch", actor="qiantai", to="网格员")
        workflow.apply(session, case, "complete", actor="qiantai", note="已开具")
        return case.case_no


def test_card_greets_with_a_masked_name_and_shows_no_id_number(qtbot, make_kiosk, person):
    kiosk = make_kiosk(reader=FakeReader([card_for(person)]))
    read_card(qtbot, kiosk)
    menu = kiosk.pages["menu"]
    assert kiosk.current is menu
    assert menu.heading.text() == f"您好，{svc.masked_name(person.name)}"
    texts = " ".join(visible_texts(kiosk))
    assert person.id_number not in texts and (len(person.name) < 2 or person.name not in texts)
    assert all(tile.isVisible() for tile in menu.tiles.values())


def test_keypad_refuses_a_wrong_number_and_accepts_a_right_one(qtbot, make_kiosk, person):
    kiosk = make_kiosk()
    wrong = person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")
    type_on_keypad(qtbot, kiosk, wrong)
    page = kiosk.pages["keypad"]
    assert kiosk.current is page and "不对" in page.error.text()
    click(qtbot, page.clear)
    for key in person.id_number:
        click(qtbot, page.keypad.keys[key])
    click(qtbot, page.confirm)
    assert kiosk.current is kiosk.pages["menu"] and kiosk.controller.state.identified
    assert kiosk.controller.state.resident is None  # a typed number opens nobody's record
    assert page.value == ""  # the typed number is not kept on the keypad


def test_wedge_reader_burst_identifies(qtbot, make_kiosk, person):
    kiosk = make_kiosk()
    qtbot.keyClicks(kiosk, person.id_number)  # a keyboard-wedge reader: every key within milliseconds
    qtbot.keyClick(kiosk, Qt.Key.Key_Return)
    assert kiosk.current is kiosk.pages["menu"] and kiosk.controller.state.resident.resident_id == person.id


def test_certificate_is_printed_then_registered(qtbot, make_kiosk, person, demo_db):
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, person.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["certificates"])
    page = kiosk.pages["certificates"]
    assert page.aside.text() == "今天还可打印 3 份"
    code, _title = printable(kiosk)
    click(qtbot, button_named(kiosk, f"template-{code}"))
    assert kiosk.current is kiosk.pages["confirm"]
    click(qtbot, kiosk.pages["confirm"].confirm)
    assert len(kiosk.printer.pdfs) == 1 and kiosk.printer.pdfs[0].startswith(b"%PDF")
    result = kiosk.pages["result"]
    assert kiosk.current is result and "已打印" in result.headline.text()
    with demo_db.sessions() as session:
        issued = session.scalars(select(Certificate).where(Certificate.channel == "kiosk")).all()
        assert [(c.resident_id, c.serial) for c in issued] == [(person.id, result.number.text())]
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "kiosk_print")).all()
        assert len(entries) == 1 and entries[0].subject == svc.id_hash(person.id_number)[:16]
        assert person.id_number not in entries[0].detail


def test_window_stays_responsive_while_a_slow_printer_works(qtbot, make_kiosk, person, demo_db):
    printer = SlowPrinter()
    kiosk = make_kiosk(runner=ThreadRunner(), printer=printer)
    probe = printer.probe = GuiProbe(kiosk.busy)
    swipe_card(qtbot, kiosk, person.id_number)
    qtbot.waitUntil(lambda: kiosk.current is kiosk.pages["menu"])
    click(qtbot, kiosk.pages["menu"].tiles["certificates"])
    code, title = printable(kiosk)
    click(qtbot, button_named(kiosk, f"template-{code}"))
    click(qtbot, kiosk.pages["confirm"].confirm)
    assert kiosk.busy.isVisible() and kiosk.busy.message.text() == f"正在打印《{title}》，请稍候……"
    result = kiosk.pages["result"]
    qtbot.waitUntil(lambda: kiosk.current is result, timeout=15_000)
    assert printer.thread is not threading.main_thread()
    ticks, paints = printer.moved
    assert ticks >= 10 and paints >= 5, printer.moved  # the GUI thread went on handling events
    assert probe.busy_seen and all(probe.busy_seen) and not kiosk.busy.isVisible()
    assert len(printer.pdfs) == 1 and printer.pdfs[0].startswith(b"%PDF")
    with demo_db.sessions() as session:
        serial = session.scalars(select(Certificate.serial).where(Certificate.channel == "kiosk")).one()
    assert result.headline.text() == f"《{title}》已打印"
    assert (result.number_caption.text(), result.number.text()) == ("证明编号", serial)
    assert [w.text() for w in result.box.findChildren(QLabel)] == [
        "请在出纸口取走证明。",
        "证明上的二维码可供办事单位扫码核验真伪。",
        "今天还可打印 2 份。",
    ]


class HeldRunner:
    """Keeps each job until the test lets it run: a job still running when something happens."""

    def __init__(self):
        self.jobs: list = []

    def start(self, job) -> None:
        self.jobs.append(job)

    def release(self) -> None:
        while self.jobs:
            self.jobs.pop(0)()


def test_an_answer_for_an_ended_session_is_dropped(qtbot, make_kiosk, person):
    runner = HeldRunner()
    kiosk = make_kiosk(runner=runner)
    swipe_card(qtbot, kiosk, person.id_number)
    runner.release()
    click(qtbot, kiosk.pages["menu"].tiles["certificates"])
    code, title = printable(kiosk)
    click(qtbot, button_named(kiosk, f"template-{code}"))
    kiosk.pages["confirm"].accept()  # the print is under way ...
    kiosk.pages["certificates"].print_certificate(code, title)  # ... and a second tap starts nothing
    assert kiosk.busy.isVisible() and len(runner.jobs) == 1
    kiosk.controller.sign_out()  # ... when the session ends
    runner.release()
    assert kiosk.current is kiosk.pages["home"] and not kiosk.busy.isVisible()
    assert len(kiosk.printer.pdfs) == 1  # the printer had it; the next person sees nothing of it


def test_missing_printer_is_explained_and_nothing_is_registered(qtbot, make_kiosk, person, demo_db):
    kiosk = make_kiosk(printer=RecordingPrinter(fail="没有连接打印机"))
    swipe_card(qtbot, kiosk, person.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["certificates"])
    code, _title = printable(kiosk)
    click(qtbot, button_named(kiosk, f"template-{code}"))
    click(qtbot, kiosk.pages["confirm"].confirm)
    result = kiosk.pages["result"]
    assert "打印机暂时无法使用" in result.headline.text() and "请到窗口办理" in result.headline.text()
    assert any("没有连接打印机" in text for text in visible_texts(kiosk))
    with demo_db.sessions() as session:
        assert session.scalar(select(func.count(Certificate.id))) == 0
        assert (
            session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "kiosk_print")) == 0
        )
        assert svc.prints_left_today(session, person.id, DEMO_TODAY) == 3


def test_daily_print_limit_holds_at_the_screen(qtbot, make_kiosk, person, demo_db):
    with demo_db.sessions.begin() as session:
        svc.save_settings(session, dataclasses.replace(svc.load_settings(session), daily_print_limit=1))
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, person.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["certificates"])
    page = kiosk.pages["certificates"]
    code, title = printable(kiosk)
    click(qtbot, button_named(kiosk, f"template-{code}"))
    click(qtbot, kiosk.pages["confirm"].confirm)
    click(qtbot, kiosk.pages["result"].back_button)
    assert kiosk.current is page and page.aside.text() == "今天还可打印 0 份"
    assert page.limit_notice.isVisible() and "上限" in page.limit_notice.text()
    assert not button_named(kiosk, f"template-{code}").isEnabled()
    page.ask(code, title)  # even a tap that slips through asks nothing and prints nothing
    assert kiosk.current is page and len(kiosk.printer.pdfs) == 1
    click(qtbot, page.back_button)
    assert "用完" in kiosk.pages["menu"].tiles["certificates"].note.text()


def test_my_cases_and_rating_a_finished_one(qtbot, make_kiosk, person, demo_db):
    case_no = finished_case(demo_db, person)
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, person.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["cases"])
    assert case_no in " ".join(visible_texts(kiosk)) and "已办结" in " ".join(visible_texts(kiosk))
    click(qtbot, button_named(kiosk, f"rate-{case_no}"))
    rating = kiosk.pages["rating"]
    assert kiosk.current is rating and case_no in rating.subject.text()
    click(qtbot, rating.buttons["满意"])
    assert kiosk.pages["result"].headline.text() == "感谢您的评价"
    with demo_db.sessions() as session:
        case = session.scalar(select(Case).where(Case.case_no == case_no))
        assert (case.status, case.evaluation) == ("evaluated", "满意")
    click(qtbot, kiosk.pages["result"].back_button)
    assert kiosk.current is kiosk.pages["cases"]
    assert not [b for b in kiosk.current.findChildren(QPushButton, f"rate-{case_no}") if b.isVisible()]


def test_someone_elses_cases_are_never_shown(qtbot, make_kiosk, person, demo_db):
    case_no = finished_case(demo_db, person)
    with demo_db.sessions() as session:
        other = session.scalars(
            select(Resident).where(Resident.household_id.is_not(None), Resident.id != person.id).limit(1)
        ).one()
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, other.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["cases"])
    assert case_no not in " ".join(visible_texts(kiosk))
    assert kiosk.pages["cases"].list.empty.isVisible()


def test_request_with_a_record(qtbot, make_kiosk, person, demo_db):
    kiosk = make_kiosk()
    type_on_keypad(qtbot, kiosk, person.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["request"])
    click(qtbot, button_named(kiosk, "category-设施报修"))
    text_page = kiosk.pages["request_text"]
    assert kiosk.current is text_page
    text_page.text.setPlainText("3号楼路灯坏了")  # typed with the system's input method
    click(qtbot, text_page.next)
    phone = kiosk.pages["phone"]
    assert not phone.submit_button.isEnabled()
    for key in "13812345678":
        click(qtbot, phone.keypad.keys[key])
    assert phone.display.text() == "138 1234 5678"
    click(qtbot, phone.submit_button)
    result = kiosk.pages["result"]
    assert kiosk.current is result and result.headline.text() == "您的诉求已提交"
    with demo_db.sessions() as session:
        case = session.scalar(select(Case).where(Case.channel == "kiosk"))
        assert case.case_no == result.number.text() and case.resident_id == person.id
        assert (case.content, case.applicant_phone, case.status) == (
            "3号楼路灯坏了",
            "13812345678",
            "accepted",
        )
    assert len(kiosk.printer.pdfs) == 1  # the slip
    assert any("回执已打印" in text for text in visible_texts(kiosk))
    assert (
        text_page.text.toPlainText() == "" and kiosk.controller.state.category == ""
    )  # not filed twice by 返回


def test_request_without_a_record_even_when_the_slip_fails(qtbot, make_kiosk, demo_db):
    kiosk = make_kiosk(printer=RecordingPrinter(fail="打印机缺纸"))
    swipe_card(qtbot, kiosk, NOBODY)
    menu = kiosk.pages["menu"]
    assert kiosk.current is menu and menu.notice.isVisible()
    assert "系统中暂无您的登记信息，您仍可以反映诉求或到窗口登记" in menu.notice.text()
    # a card with no record may still be a volunteer from outside the street, who signs in here
    assert [name for name, tile in menu.tiles.items() if tile.isVisible()] == ["request", "sign_in"]
    kiosk.controller.go("certificates")  # nothing but the request is reachable
    assert kiosk.current is menu
    click(qtbot, menu.tiles["request"])
    click(qtbot, button_named(kiosk, "category-环境卫生"))
    click(qtbot, kiosk.pages["request_text"].skip)
    for key in "13912345678":
        click(qtbot, kiosk.pages["phone"].keypad.keys[key])
    click(qtbot, kiosk.pages["phone"].submit_button)
    result = kiosk.pages["result"]
    assert result.headline.text() == "您的诉求已提交" and result.number.isVisible()
    assert any("没能打印" in text and "记下" in text for text in visible_texts(kiosk))
    with demo_db.sessions() as session:
        case = session.scalar(select(Case).where(Case.case_no == result.number.text()))
        assert case.resident_id is None and case.applicant_id_number == "" and case.content == ""


def test_booking_and_cancelling(qtbot, make_kiosk, person, demo_db):
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, person.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["booking"])
    booking = kiosk.pages["booking"]
    assert not booking.my_button.isVisible()
    with demo_db.sessions() as session:
        day = svc.bookable_days(session, DEMO_TODAY)[0]
        slot = svc.load_settings(session).slots[0]
    click(qtbot, button_named(kiosk, f"day-{day.isoformat()}"))
    assert "还可约 4 人" in button_named(kiosk, f"slot-{slot}").text()
    click(qtbot, button_named(kiosk, f"slot-{slot}"))
    click(qtbot, kiosk.pages["confirm"].confirm)
    assert kiosk.pages["result"].headline.text() == "预约成功" and len(kiosk.printer.pdfs) == 1
    with demo_db.sessions() as session:
        appointment = session.scalar(select(Appointment).where(Appointment.resident_id == person.id))
        assert (appointment.day, appointment.slot, appointment.status) == (day, slot, "booked")
    click(qtbot, kiosk.pages["result"].back_button)
    assert kiosk.current is booking and booking.my_button.isVisible() and slot in booking.booked.text()
    click(qtbot, booking.my_button)
    click(qtbot, button_named(kiosk, f"cancel-{appointment.id}"))
    click(qtbot, kiosk.pages["confirm"].confirm)
    assert kiosk.pages["result"].headline.text() == "预约已取消"
    with demo_db.sessions() as session:
        assert session.get(Appointment, appointment.id).status == "cancelled"


def test_idle_timeout_counts_down_then_wipes_everything(qtbot, make_kiosk, person, demo_db):
    with demo_db.sessions() as session:
        quick = dataclasses.replace(svc.load_settings(session), idle_seconds=2)
    kiosk = make_kiosk(settings=quick)
    type_on_keypad(qtbot, kiosk, person.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["request"])
    click(qtbot, button_named(kiosk, "category-其他"))
    kiosk.pages["request_text"].text.setPlainText("楼道灯不亮")
    kiosk.user_active()
    qtbot.waitUntil(kiosk.countdown.isVisible, timeout=4000)
    assert kiosk.countdown.message.text() == "秒后返回首页，触摸屏幕继续使用"
    assert kiosk.countdown.number.text().isdigit()  # the number shows once, not twice
    qtbot.mouseClick(kiosk.countdown, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))  # a touch: stay
    assert not kiosk.countdown.isVisible() and kiosk.current is kiosk.pages["request_text"]
    qtbot.waitUntil(lambda: kiosk.current is kiosk.pages["home"], timeout=6000)
    assert (
        kiosk.controller.state.resident is None
        and not kiosk.controller.state.identified
        and kiosk.controller.state.category == ""
    )
    assert kiosk.pages["request_text"].text.toPlainText() == ""
    kiosk.controller.go("cases")  # without a new card, nothing personal is reachable
    assert kiosk.current is kiosk.pages["home"]


def test_exit_wipes_the_session(qtbot, make_kiosk, person):
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, person.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["cases"])
    click(qtbot, kiosk.pages["cases"].exit_button)
    assert kiosk.current is kiosk.pages["home"] and kiosk.controller.state.resident is None
    assert not kiosk.pages["cases"].list.items


def test_a_new_card_ends_the_last_session(qtbot, make_kiosk, person, demo_db):
    with demo_db.sessions() as session:
        other = session.scalars(
            select(Resident).where(Resident.household_id.is_not(None), Resident.id != person.id).limit(1)
        ).one()
    reader = FakeReader([card_for(person)])
    kiosk = make_kiosk(reader=reader)
    read_card(qtbot, kiosk)
    click(qtbot, kiosk.pages["menu"].tiles["request"])
    click(qtbot, button_named(kiosk, "category-其他"))
    reader.put(card_for(other))
    read_card(qtbot, kiosk)
    assert kiosk.current is kiosk.pages["menu"] and kiosk.controller.state.resident.resident_id == other.id
    assert kiosk.controller.state.category == ""


def test_leaving_needs_the_administrator_pin(qtbot, make_kiosk, demo_db):
    with demo_db.sessions.begin() as session:
        svc.set_admin_pin(session, "2468")
    kiosk = make_kiosk()
    kiosk.close()  # Alt+F4 and the window manager arrive as close events
    qtbot.keyClick(kiosk, Qt.Key.Key_Escape)
    qtbot.keyClick(kiosk, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert kiosk.isVisible()
    for _ in range(5):
        qtbot.mouseClick(kiosk.corner, Qt.MouseButton.LeftButton)
    pad = kiosk.pin_pad
    assert pad.isVisible()
    for key in "1357":
        click(qtbot, pad.keypad.keys[key])
    click(qtbot, pad.confirm)
    assert "密码不正确" in pad.message.text() and kiosk.isVisible()
    click(qtbot, pad.cancel)
    assert not pad.isVisible()
    for _ in range(5):
        qtbot.mouseClick(kiosk.corner, Qt.MouseButton.LeftButton)
    for key in "2468":
        click(qtbot, pad.keypad.keys[key])
    click(qtbot, pad.confirm)
    assert not kiosk.isVisible() and kiosk.unlocked


def test_without_a_pin_nobody_leaves(qtbot, make_kiosk):
    kiosk = make_kiosk()
    kiosk.pin_pad.open()
    for key in "0000":
        kiosk.pin_pad.press(key)
    kiosk.pin_pad.submit()
    assert kiosk.isVisible() and "尚未设置管理员密码" in kiosk.pin_pad.message.text()


def _clipped(kiosk: KioskWindow) -> list[str]:
    """Labels and buttons drawn smaller than their text needs."""
    problems = []
    for widget in kiosk.findChildren(QWidget):
        if not isinstance(widget, QLabel | QPushButton) or not widget.isVisible() or not widget.text():
            continue
        hint = widget.sizeHint() if isinstance(widget, QPushButton) else widget.minimumSizeHint()
        need_height = hint.height()
        if isinstance(widget, QLabel) and widget.wordWrap():
            need_height = widget.heightForWidth(widget.width())
        elif widget.width() < hint.width():
            problems.append(f"{widget.text()!r}: width {widget.width()} < {hint.width()}")
        if widget.height() < need_height:
            problems.append(f"{widget.text()!r}: height {widget.height()} < {need_height}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_every_page_fits_the_screen_at_large_type(qtbot, make_kiosk, person, demo_db, scale):
    case_no = finished_case(demo_db, person)
    with demo_db.sessions.begin() as session:
        svc.book(
            session,
            person.id,
            day=svc.bookable_days(session, DEMO_TODAY)[0],
            slot=svc.load_settings(session).slots[0],
            today=DEMO_TODAY,
        )
    kiosk = make_kiosk(font_scale=scale)
    assert kiosk.minimumSizeHint().height() <= 1080 and kiosk.minimumSizeHint().width() <= 1920
    checked = []

    def check(what: str) -> None:
        qtbot.wait(1)
        assert kiosk.size().toTuple() == (1920, 1080), (
            what,
            str({n: p.minimumSizeHint().height() for n, p in kiosk.pages.items()}),
        )
        assert _clipped(kiosk) == [], (what, _clipped(kiosk))
        checked.append(what)

    check("home")
    kiosk.pages["home"].show_message("身份证号码好像不对，请核对后重新输入，或把身份证放到读卡区")
    check("home with a message")
    kiosk.controller.go("keypad")
    for key in "11010519491231002":
        kiosk.pages["keypad"].press(key)
    kiosk.pages["keypad"].press("X")
    kiosk.pages["keypad"].show_error("身份证号码好像不对，请核对后重新输入，或把身份证放到读卡区")
    check("keypad")
    kiosk.controller.identify(NOBODY, by_card=True)
    check("menu without a record")
    kiosk.controller.sign_out()
    kiosk.controller.identify(person.id_number, by_card=False)
    check("menu of a typed number")
    kiosk.controller.sign_out()
    kiosk.controller.identify(person.id_number, by_card=True)
    for name in ("menu", "certificates", "cases", "request", "booking", "my_bookings"):
        kiosk.controller.go(name)
        check(name)
    cases = kiosk.pages["cases"].list.items
    kiosk.controller.go("rating", case=next(c for c in cases if c.case_no == case_no))
    check("rating")
    with demo_db.sessions() as session:
        kiosk.controller.go("slots", day=svc.bookable_days(session, DEMO_TODAY)[0])
    check("slots")
    kiosk.controller.go("request")
    kiosk.pages["request"].choose("养老助残")
    kiosk.pages["request_text"].text.setPlainText("长" * 300)
    check("request text")
    kiosk.controller.go("phone")
    kiosk.pages["phone"].show_error("请输入11位手机号码，方便工作人员联系您")
    check("phone")
    code, title = kiosk.pages["certificates"].templates[0]
    kiosk.controller.go("certificates")
    kiosk.pages["certificates"].ask(code, title)
    check("confirm")
    kiosk.controller.show_result(
        ok=False,
        headline="打印机暂时无法使用，请到窗口办理",
        number="TY-20261123-0001",
        caption="办件编号（请记下）",
        lines=[
            "原因：打印机出现故障，可能缺纸或卡纸。",
            "这次没有打印，也没有登记，不占用今天的打印次数。",
            "请到服务窗口办理，工作人员会为您打印。",
        ],
    )
    check("result")
    kiosk.countdown.show_seconds(10)
    kiosk.countdown.open()
    check("countdown")
    kiosk.countdown.hide()
    kiosk.pin_pad.open()
    kiosk.pin_pad.message.setText("本机尚未设置管理员密码，请在管理电脑上设置后再试")
    check("pin pad")
    assert len(checked) == 19


def test_screenshot_command_renders_a_page_and_saves_nothing(tmp_path, demo_db, qapp):
    from app.cli import main

    target = tmp_path / "kiosk-cases.png"
    assert main(["--db", demo_db.url, "kiosk", "--screenshot", str(target), "--page", "cases"]) == 0
    assert target.stat().st_size > 10_000
    with demo_db.sessions() as session:
        assert session.scalar(select(func.count(Case.id))) == 0
        assert session.scalar(select(func.count(Appointment.id))) == 0
        assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.actor == "kiosk")) == 0
