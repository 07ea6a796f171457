"""预约窗口: choose a working day, then a time slot with places left, confirm, take the slip;
see and cancel one's own bookings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QSizePolicy, QVBoxLayout

from app.services.kiosk import service as svc
from app.views.kiosk.controller import KioskController
from app.views.kiosk.page import Page
from app.views.kiosk.session import Booked, plain_reason
from app.views.kiosk.theme import Theme
from app.views.kiosk.widgets import PagedList, button, card, label

TRY_AGAIN = "系统暂时出了点问题，请稍后再试，或到服务窗口办理。"
WEEKDAYS = "一二三四五六日"


def day_label(day: dt.date) -> str:
    return f"{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}"


class BookingPage(Page):
    name, needs, title = "booking", "booking", "预约窗口办理"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.mine: list[svc.KioskAppointment] = []
        self.lead = label("请选择哪一天来办事", "lead")
        self.booked = label("", "notice", wrap=True)
        self.my_button = button("查看或取消我的预约", "secondary", theme)
        self.my_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.my_button.setMinimumWidth(theme.dim(520))
        self.my_button.clicked.connect(lambda: kiosk.go("my_bookings"))
        mine: QBoxLayout = QVBoxLayout() if theme.portrait else QHBoxLayout()
        mine.setSpacing(theme.px(24))
        mine.addWidget(self.booked, 1)
        mine.addWidget(self.my_button, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        columns, rows = theme.choice_grid
        self.days = PagedList(theme, columns=columns, rows=rows, empty="近期没有可以预约的日子，请到窗口咨询")
        self.body.addLayout(mine)
        self.body.addWidget(self.lead)
        self.body.addWidget(self.days, 1)

    def enter(self, **details: Any) -> None:
        days = self.kiosk.bookable_days()
        self.mine = self.kiosk.my_appointments()
        if self.mine:
            first = self.mine[0]
            more = f"等 {len(self.mine)} 个预约" if len(self.mine) > 1 else ""
            self.booked.setText(f"您已预约：{day_label(first.day)} {first.slot}{more}")
        self.booked.setVisible(bool(self.mine))
        self.my_button.setVisible(bool(self.mine))
        self.days.set_items(days, self._choice)

    def _choice(self, day: dt.date):
        choice = button(
            f"{day.month}月{day.day}日\n星期{WEEKDAYS[day.weekday()]}", "choice", self.theme, height=150
        )
        choice.setObjectName(f"day-{day.isoformat()}")
        choice.clicked.connect(lambda: self.kiosk.go("slots", day=day))
        return choice

    def reset(self) -> None:
        self.mine = []
        self.booked.setText("")
        self.days.set_items([], self._choice)


class SlotsPage(Page):
    name, needs, title, back_to = "slots", "booking", "请选择时间段", "booking"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.day: dt.date | None = None
        self.lead = label("", "lead")
        self.note = label("每个时间段人数有限，请按时到服务大厅。", "note", wrap=True)
        columns, rows = theme.choice_grid
        self.slots = PagedList(theme, columns=columns, rows=rows)
        self.body.addWidget(self.lead)
        self.body.addWidget(self.note)
        self.body.addWidget(self.slots, 1)

    def enter(self, *, day: dt.date | None = None, **details: Any) -> str | None:
        if day is None:
            return "booking"
        self.day = day
        self.lead.setText(day_label(day))
        self.slots.set_items(self.kiosk.available_slots(day), self._choice)
        return None

    def _choice(self, places: svc.SlotPlaces):
        slot, left = places
        text = f"{slot}\n还可约 {left} 人" if left > 0 else f"{slot}\n已约满"
        choice = button(text, "choice", self.theme, height=150)
        choice.setObjectName(f"slot-{slot}")
        choice.setEnabled(left > 0)
        choice.clicked.connect(lambda: self.ask(slot))
        return choice

    def ask(self, slot: str) -> None:
        day, resident = self.day, self.kiosk.resident
        lines = [f"日期：{day_label(day)}", f"时间：{slot}", "事项：窗口办事"]
        if resident is not None:  # a card: their own number on record; a typed number shows none
            lines.append(f"联系电话：{resident.phone_masked or '未登记（请到窗口补登）'}")
        self.kiosk.confirm(
            title="确认预约",
            lines=[*lines, "请按时携带身份证到服务大厅。"],
            confirm_text="确认预约",
            action=lambda: self.book(day, slot),
            back_to="slots",
            back_details={"day": day},
        )

    def book(self, day: dt.date, slot: str) -> None:
        self.kiosk.book(day, slot, self._booked, self._not_booked)

    def _not_booked(self, exc: Exception) -> None:
        self.kiosk.show_result(
            ok=False, headline="没能预约", lines=[plain_reason(exc, TRY_AGAIN)], back_to="booking"
        )

    def _booked(self, booked: Booked) -> None:
        day, slot = booked.day, booked.slot
        slip = (
            "预约凭条已打印，请在出纸口取走。"
            if not booked.slip_problem
            else f"凭条没能打印（{booked.slip_problem}），请记住您的预约时间；到时刷身份证即可。"
        )
        self.kiosk.show_result(
            ok=True,
            headline="预约成功",
            number=f"{day.month}月{day.day}日 {slot}",
            caption=day_label(day),
            lines=["请按时携带身份证到服务大厅办理。", slip],
            back_to="booking",
        )

    def reset(self) -> None:
        self.day = None
        self.slots.set_items([], lambda item: label(""))


class MyBookingsPage(Page):
    name, needs, title, back_to = "my_bookings", "record", "我的预约", "booking"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        rows = (3 if self.theme.large else 4) if self.theme.portrait else (2 if self.theme.large else 3)
        self.list = PagedList(self.theme, columns=1, rows=rows, empty="您现在没有预约")
        self.body.addWidget(self.list, 1)

    def enter(self, **details: Any) -> None:
        self.list.set_items(self.kiosk.my_appointments(), self._card)

    def _card(self, appointment: svc.KioskAppointment):
        theme = self.theme
        frame, lines = card(theme)
        row = QHBoxLayout()
        row.setSpacing(theme.px(24))
        text = label(f"{day_label(appointment.day)}　{appointment.slot}", "cardTitle", wrap=True)
        row.addWidget(text, 1)
        cancel = button("取消预约", "danger", theme)
        cancel.setObjectName(f"cancel-{appointment.id}")
        cancel.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        cancel.setMinimumWidth(theme.px(300))
        day, slot, number = appointment.day, appointment.slot, appointment.id
        cancel.clicked.connect(lambda: self.ask(number, day, slot))
        row.addWidget(cancel)
        lines.addLayout(row)
        lines.addWidget(label(appointment.item_name or "窗口办事", "note"))
        return frame

    def ask(self, appointment_id: int, day: dt.date, slot: str) -> None:
        self.kiosk.confirm(
            title="取消这个预约？",
            lines=[f"{day_label(day)}　{slot}", "取消后，这个时间段会让给其他居民。"],
            confirm_text="确认取消预约",
            danger=True,
            action=lambda: self.cancel(appointment_id),
            back_to="my_bookings",
        )

    def cancel(self, appointment_id: int) -> None:
        self.kiosk.cancel_appointment(appointment_id, self._cancelled, self._not_cancelled)

    def _not_cancelled(self, exc: Exception) -> None:
        self.kiosk.show_result(
            ok=False, headline="没能取消", lines=[plain_reason(exc, TRY_AGAIN)], back_to="my_bookings"
        )

    def _cancelled(self, _: None) -> None:
        self.kiosk.show_result(
            ok=True, headline="预约已取消", lines=["如需再来，可以重新预约。"], back_to="booking"
        )

    def reset(self) -> None:
        self.list.set_items([], self._card)
