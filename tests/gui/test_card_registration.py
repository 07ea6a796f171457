"""A card on the reader: a known resident is shown; an unknown one is offered registration
pre-filled from the card."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Resident
from app.services.cardreaders import CardData, CardReadError, FakeReader
from app.services.common.idcard import check_digit
from app.views.desk.card_reader import CardPoller
from app.views.desk.context import StaffUser
from app.views.desk.main_window import DeskWindow
from app.views.desk.registration_dialog import RegistrationDialog
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner


def _card(number: str, name: str = "聂小倩") -> CardData:
    return CardData(
        name=name,
        sex="female",
        ethnicity="回族",
        birth_date=dt.date(1990, 3, 7),
        address="陕西省铜川市王益区红旗街12号",
        id_number=number,
        authority="铜川市公安局王益分局",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2040, 1, 1),
        long_term=False,
    )


def _new_number() -> str:
    first17 = "61020219900307" + "448"
    return first17 + check_digit(first17)


@pytest.fixture
def window(qtbot, demo_db):
    application()
    reader = FakeReader()
    ctx = desk_context(demo_db, StaffUser("qiantai", "李静", "front_desk"), runner=ImmediateRunner())
    win = DeskWindow(ctx, reader=reader)
    qtbot.addWidget(win)
    win.show()
    yield win, reader


def test_a_known_card_shows_the_resident_once(qtbot, window, demo_db):
    win, reader = window
    with demo_db.sessions() as session:
        person = session.scalars(select(Resident).limit(1)).one()
    card = _card(person.id_number, person.name)
    reader.put(card)
    reader.put(card)  # still lying on the reader: not looked up twice
    win.poller.poll()
    win.poller.poll()
    assert win.intake.panel.name.text() == person.name
    with demo_db.sessions() as session:
        assert [e.purpose for e in session.scalars(select(AuditEntry))] == ["前台刷卡查询"]


def test_an_unknown_card_is_registered_from_its_data(qtbot, window, demo_db, monkeypatch):
    win, reader = window
    number = _new_number()
    reader.put(_card(number))
    win.poller.poll()
    page = win.intake
    assert page.register_button.isVisible() and "F4" in page.message.text()

    seen: dict = {}

    def fill(dialog: RegistrationDialog):
        seen.update(
            name=dialog.name.text(),
            ethnicity=dialog.ethnicity.currentText(),
            hukou=dialog.hukou.text(),
            readonly=dialog.id_number.isReadOnly(),
        )
        dialog.grid.setCurrentIndex(1)
        dialog.room.setText("1201")
        dialog.relation.setCurrentText("户主")
        dialog.phone.setText("13912345678")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(RegistrationDialog, "exec", fill)
    page.register_button.click()
    assert seen == {
        "name": "聂小倩",
        "ethnicity": "回族",
        "hukou": "陕西省铜川市王益区红旗街12号",
        "readonly": True,
    }
    with demo_db.sessions() as session:
        resident = session.scalars(select(Resident).where(Resident.id_number == number)).one()
        assert (resident.sex, resident.phone, resident.household.room) == ("female", "13912345678", "1201")
        assert resident.card_authority == "铜川市公安局王益分局" and resident.card_valid_to == dt.date(
            2040, 1, 1
        )
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["register", "lookup"]
    assert page.panel.name.text() == "聂小倩" and not page.register_button.isVisible()


def test_registration_errors_stay_in_the_dialog(qtbot, window, demo_db):
    win, _ = window
    dialog = RegistrationDialog(win.ctx, _new_number(), None, win)
    qtbot.addWidget(dialog)
    dialog.accept()  # no name
    assert dialog.error.text() == "请填写姓名" and dialog.registered_id is None
    dialog.name.setText("测试")
    dialog.grid.setCurrentIndex(1)
    dialog.accept()  # building chosen, no room
    assert dialog.error.text() == "请填写房号"


def test_a_reader_that_is_missing_is_reported_and_polling_stops(qtbot, demo_db):
    application()
    reader = FakeReader()
    reader.put(CardReadError("未找到读卡器（端口1001）", kind="no_reader"))
    poller = CardPoller(reader, runner=ImmediateRunner())
    messages: list[str] = []
    poller.status_changed.connect(messages.append)
    poller.start()
    poller.poll()
    assert messages[-1] == "未找到读卡器（端口1001）" and not poller.timer.isActive()
