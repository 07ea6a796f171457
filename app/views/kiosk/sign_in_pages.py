"""签到 at the kiosk: one tile for the two things people come to sign in for.

- A party member checks in to a meeting their branch holds that day (组织生活签到: 主题党日,
  党课 ...), so the branch's sign-in sheet fills itself while people arrive.
- A volunteer (a resident, or a person from outside the street whose card the volunteer register
  knows) taps today's activity to sign in; after the next swipe the same tile offers 签退 and
  shows the hours the activity counted.

Both are one card swipe and one tap, so they share a tile rather than adding a seventh to a menu
that must stay readable at large type on a portrait screen. Any card reaches this page (a typed
number does not: it proves nothing about who stands there); the person is found by the card
alone, never by anything typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy

from app.services.kiosk.common import ACTOR, masked_name
from app.services.party.meeting_check_in import CheckedIn, MemberToday, check_in_today, member_today
from app.services.party.members import MemberError
from app.services.volunteers.attendance import (
    NOT_A_VOLUNTEER,
    NotAVolunteer,
    SignResult,
    SignState,
    sign_in,
    sign_out,
    signing_state,
)
from app.services.volunteers.records import service_records
from app.services.volunteers.teams import VolunteerError
from app.views.kiosk.controller import KioskController
from app.views.kiosk.page import Page
from app.views.kiosk.session import plain_reason
from app.views.kiosk.theme import Theme
from app.views.kiosk.widgets import button, card, label

MOST_CHOICES = 3  # big buttons that fit every screen at large type
NOTHING_TODAY = "今天您所在的党支部没有组织生活可以签到"
NOTHING_NOW = "现在没有可以签到的活动（志愿活动开始前1小时起可以签到）"


class SignInPage(Page):
    name, needs, title = "sign_in", "card", "签到"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.volunteer: SignState | None = None
        self.member: MemberToday | None = None
        self.offers: list[Callable[[], None]] = []
        self.lead = label("", "lead", wrap=True)
        self.box, self.lines = card(theme)
        self.choices = [button("", "primary", theme, height=110) for _ in range(MOST_CHOICES)]
        self.sign_out_button = button("签退", "primary", theme, height=120)
        self.sign_out_button.setObjectName("volunteer-sign-out")
        self.body.addWidget(self.lead)
        self.body.addWidget(self.box)
        for index, choice in enumerate(self.choices):
            choice.setObjectName(f"sign-in-choice-{index}")
            choice.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            choice.clicked.connect(lambda _=False, i=index: self.choose(i))
            self.body.addWidget(choice)
        self.sign_out_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.sign_out_button.setMinimumWidth(theme.px(560))
        self.sign_out_button.clicked.connect(self.leave)
        self.body.addWidget(self.sign_out_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addStretch(1)
        self.reset()

    # -- what the card holder may sign in for ------------------------------------------------
    def enter(self, **details: Any) -> None:
        self.reset()
        state = self.kiosk.state
        resident = state.resident.resident_id if state.resident is not None else None
        today, now = self.kiosk.today(), self.kiosk.now()
        try:
            with self.kiosk.db.sessions.begin() as session:  # every look is audited
                member = member_today(session, resident, today, actor=ACTOR) if resident is not None else None
                try:
                    volunteer = signing_state(
                        session, now=now, actor=ACTOR, id_text=state.id_text, resident_id=resident
                    )
                except NotAVolunteer:
                    volunteer, hours = None, 0.0
                else:
                    year = dt.date(today.year, 1, 1)
                    hours = sum(
                        r.hours
                        for r in service_records(session, volunteer_id=volunteer.volunteer_id, date_from=year)
                    )
        except Exception as exc:  # noqa: BLE001 — the service's sentence, or a plain apology
            self.lead.setText(plain_reason_sign_in(exc))
            return
        self.member, self.volunteer = member, volunteer
        if member is None and volunteer is None:
            self.lead.setText(NOT_A_VOLUNTEER)
            return
        name = volunteer.name if volunteer is not None else member.name
        self.heading.setText(f"您好，{masked_name(name)}")
        self.aside.setText(
            "　".join(
                ([member.branch] if member is not None else [])
                + ([f"今年志愿服务 {hours:g} 小时"] if volunteer is not None else [])
            )
        )
        self._show(member, volunteer)

    def _show(self, member: MemberToday | None, volunteer: SignState | None) -> None:
        offers: list[tuple[str, Callable[[], None]]] = []
        if member is not None:
            for meeting in member.meetings:
                if meeting.checked_in:
                    self._line(f"已签到：{meeting.kind}　{meeting.topic}")
                else:
                    offers.append(
                        (
                            f"{meeting.kind}签到\n{meeting.topic}",
                            lambda m=meeting.meeting_id: self.check_in(m),
                        )
                    )
        if volunteer is not None:
            if volunteer.open is not None:
                self._line(f"{volunteer.open.title}　{volunteer.open.signed_in_at:%H:%M} 签到，结束时请签退")
                self.sign_out_button.show()
            offers += [
                (f"{a.title}\n{a.when}", lambda a=a.id: self.join(a))  # two lines: a narrow screen
                for a in volunteer.choices
            ]
        for choice, (text, action) in zip(self.choices, offers, strict=False):
            choice.setText(text)
            choice.show()
            self.offers.append(action)
        if offers:
            self.lead.setText("请选择您现在参加的活动：")
        elif volunteer is not None and volunteer.open is not None:
            self.lead.setText("您正在参加以下活动：")
        elif member is not None and member.meetings:
            self.lead.setText("您已签到，无需重复签到")
        elif volunteer is not None:
            self.lead.setText(NOTHING_NOW)
        else:
            self.lead.setText(NOTHING_TODAY)

    def _line(self, text: str) -> None:
        self.lines.addWidget(label(text, "lead", wrap=True))
        self.box.show()

    def choose(self, index: int) -> None:
        if index < len(self.offers):
            self.offers[index]()

    # -- the actions --------------------------------------------------------------------------
    def check_in(self, meeting_id: int) -> None:
        state = self.kiosk.state
        if state.resident is None:
            return
        resident, today = state.resident.resident_id, self.kiosk.today()

        def work() -> CheckedIn:
            with self.kiosk.db.sessions.begin() as session:
                return check_in_today(session, resident, meeting_id, today, actor=ACTOR)

        self.kiosk.run(work, self.checked_in, self.failed, waiting="正在签到，请稍候……")

    def join(self, activity_id: int) -> None:
        volunteer, now = self.volunteer, self.kiosk.now()
        if volunteer is None:
            return

        def work() -> SignResult:
            with self.kiosk.db.sessions.begin() as session:
                return sign_in(
                    session, volunteer.volunteer_id, activity_id, now=now, channel="kiosk", actor=ACTOR
                )

        self.kiosk.run(work, self.signed, self.failed, waiting="正在签到，请稍候……")

    def leave(self) -> None:
        volunteer, now = self.volunteer, self.kiosk.now()
        if volunteer is None:
            return

        def work() -> SignResult:
            with self.kiosk.db.sessions.begin() as session:
                return sign_out(session, volunteer.volunteer_id, now=now, actor=ACTOR)

        self.kiosk.run(work, self.signed, self.failed, waiting="正在签退，请稍候……")

    # -- the answers --------------------------------------------------------------------------
    def checked_in(self, done: CheckedIn) -> None:
        self.kiosk.show_result(
            headline="签到成功",
            lines=[f"{done.kind}：{done.topic}", f"{done.branch}　签到时间 {self.kiosk.now():%H:%M}"],
            back_to="menu",
        )

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
        self.kiosk.show_result(ok=False, headline=plain_reason_sign_in(exc), back_to="menu")

    def reset(self) -> None:
        self.volunteer = self.member = None
        self.offers = []
        self.heading.setText(self.title)
        self.aside.setText("")
        self.lead.setText("")
        while self.lines.count():
            self.lines.takeAt(0).widget().deleteLater()
        self.box.hide()
        for choice in self.choices:
            choice.hide()
        self.sign_out_button.hide()


def plain_reason_sign_in(exc: Exception) -> str:
    """The volunteer or party service's own sentence, or the kiosk's plain apology."""
    if isinstance(exc, VolunteerError | MemberError):
        return str(exc)
    return plain_reason(exc, "暂时无法签到，请稍后再试，或到服务窗口办理")
