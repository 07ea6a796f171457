"""志愿者签到 at the kiosk: the volunteer swipes their card (a resident, or a person from outside
the street whose card the volunteer register knows), then taps today's activity to sign in; the
same tile after the next swipe offers 签退 and shows the hours the activity counted.

Any card reaches this page (a typed number does not: it proves nothing about who stands there);
the volunteer is found by the card alone, never by anything typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy

from app.services.kiosk.common import ACTOR, masked_name
from app.services.volunteers.attendance import SignResult, SignState, sign_in, sign_out, signing_state
from app.services.volunteers.records import service_records
from app.views.kiosk.controller import KioskController
from app.views.kiosk.page import Page
from app.views.kiosk.session import plain_reason
from app.views.kiosk.theme import Theme
from app.views.kiosk.widgets import button, card, label

MOST_CHOICES = 3  # big buttons that fit every screen at large type


class VolunteerPage(Page):
    name, needs, title = "volunteer", "card", "志愿者签到"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.state: SignState | None = None
        self.lead = label("", "lead", wrap=True)
        self.box, self.lines = card(theme)
        self.choices = [button("", "primary", theme, height=110) for _ in range(MOST_CHOICES)]
        self.sign_out_button = button("签退", "primary", theme, height=120)
        self.sign_out_button.setObjectName("volunteer-sign-out")
        self.body.addWidget(self.lead)
        self.body.addWidget(self.box)
        for index, choice in enumerate(self.choices):
            choice.setObjectName(f"volunteer-activity-{index}")
            choice.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            choice.clicked.connect(lambda _=False, i=index: self.choose(i))
            self.body.addWidget(choice)
        self.sign_out_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.sign_out_button.setMinimumWidth(theme.px(560))
        self.sign_out_button.clicked.connect(self.leave)
        self.body.addWidget(self.sign_out_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addStretch(1)
        self.reset()

    def enter(self, **details: Any) -> None:
        self.reset()
        state = self.kiosk.state
        resident = state.resident.resident_id if state.resident is not None else None
        try:
            with self.kiosk.db.sessions.begin() as session:  # the look is audited
                found = signing_state(
                    session, now=self.kiosk.now(), actor=ACTOR, id_text=state.id_text, resident_id=resident
                )
                year = dt.date(self.kiosk.today().year, 1, 1)
                total = sum(
                    r.hours for r in service_records(session, volunteer_id=found.volunteer_id, date_from=year)
                )
        except Exception as exc:  # noqa: BLE001 — the service's sentence, or a plain apology
            self.lead.setText(plain_reason_volunteer(exc))
            return
        self.state = found
        self.heading.setText(f"您好，{masked_name(found.name)}")
        self.aside.setText(f"今年累计 {total:g} 小时")
        if found.open is not None:
            self.lead.setText("您正在参加以下活动，结束时请签退：")
            self._line(f"{found.open.title}　{found.open.signed_in_at:%H:%M} 签到")
            self.sign_out_button.show()
        elif found.choices:
            self.lead.setText("请选择您现在参加的活动：")
            for choice, activity in zip(self.choices, found.choices, strict=False):
                choice.setText(f"{activity.title}\n{activity.when}")  # two lines: a narrow screen
                choice.show()
        else:
            self.lead.setText("现在没有可以签到的活动（活动开始前1小时起可以签到）")

    def _line(self, text: str) -> None:
        self.lines.addWidget(label(text, "lead", wrap=True))
        self.box.show()

    def choose(self, index: int) -> None:
        state = self.state
        if state is None or index >= len(state.choices):
            return
        activity, now = state.choices[index], self.kiosk.now()

        def work() -> SignResult:
            with self.kiosk.db.sessions.begin() as session:
                return sign_in(
                    session, state.volunteer_id, activity.id, now=now, channel="kiosk", actor=ACTOR
                )

        self.kiosk.run(work, self.signed, self.failed, waiting="正在签到，请稍候……")

    def leave(self) -> None:
        state, now = self.state, self.kiosk.now()
        if state is None:
            return

        def work() -> SignResult:
            with self.kiosk.db.sessions.begin() as session:
                return sign_out(session, state.volunteer_id, now=now, actor=ACTOR)

        self.kiosk.run(work, self.signed, self.failed, waiting="正在签退，请稍候……")

    def signed(self, result: SignResult) -> None:
        if result.signed_in:
            self.kiosk.show_result(
                headline="签到成功",
                lines=[result.title, f"签到时间 {result.at:%H:%M}，活动结束时请再刷卡签退"],
                back_to="menu",
            )
        else:
            self.kiosk.show_result(
                headline="签退成功，感谢您的志愿服务",
                number=f"{result.hours:g} 小时",
                caption="本次服务计入时长",
                lines=[result.title, f"签退时间 {result.at:%H:%M}"],
                back_to="menu",
            )

    def failed(self, exc: Exception) -> None:
        self.kiosk.show_result(ok=False, headline=plain_reason_volunteer(exc), back_to="menu")

    def reset(self) -> None:
        self.state = None
        self.heading.setText(self.title)
        self.aside.setText("")
        self.lead.setText("")
        while self.lines.count():
            self.lines.takeAt(0).widget().deleteLater()
        self.box.hide()
        for choice in self.choices:
            choice.hide()
        self.sign_out_button.hide()


def plain_reason_volunteer(exc: Exception) -> str:
    """The volunteer service's own sentence, or the kiosk's plain apology."""
    from app.services.volunteers.teams import VolunteerError

    if isinstance(exc, VolunteerError):
        return str(exc)
    return plain_reason(exc, "暂时无法签到，请稍后再试，或到服务窗口办理")
