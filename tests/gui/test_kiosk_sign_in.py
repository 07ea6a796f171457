"""签到 at the kiosk. A volunteer swipes, taps 签到 and today's activity and is signed in; the
next swipe offers 签退 and shows the hours counted. A party member swipes, taps 签到 and their
branch's meeting of the day and is checked in (组织生活签到); the next swipe says so. A card that is
neither is told where to register, and a typed number never reaches the page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.models import (
    Attendance,
    AuditEntry,
    MeetingAttendance,
    PartyMeeting,
    PartyMember,
    Resident,
    TeamMembership,
    Volunteer,
    VolunteerActivity,
)
from app.views.kiosk.sign_in_pages import NOTHING_TODAY
from tests.conftest import DEMO_TODAY
from tests.gui.test_kiosk import NOBODY, button_named, click, swipe_card

EXAMPLE = "610202197509180016"  # the demo resident who patrols


def open_activity(demo_db) -> int:
    """An activity of the example volunteer's team around now on the kiosk's day (the kiosk's
    clock is the demo's day at the wall-clock time); the volunteer's attendance id is returned
    by the caller's query."""
    now = dt.datetime.combine(DEMO_TODAY, dt.datetime.now().time()).replace(second=0, microsecond=0)
    with demo_db.sessions.begin() as session:
        volunteer = session.scalars(
            select(Volunteer)
            .join(Resident, Resident.id == Volunteer.resident_id)
            .where(Resident.id_number == EXAMPLE)
        ).one()
        team = session.scalars(
            select(TeamMembership.team_id).where(TeamMembership.volunteer_id == volunteer.id)
        ).first()
        for other in session.scalars(
            select(VolunteerActivity).where(VolunteerActivity.starts_at >= now - dt.timedelta(hours=12))
        ):
            other.status = "cancelled"  # this one alone is open
        session.add(
            VolunteerActivity(
                team_id=team,
                title="测试值守",
                place="中心",
                starts_at=now - dt.timedelta(hours=2),
                ends_at=now + dt.timedelta(hours=3),
            )
        )
        return volunteer.id


def test_sign_in_then_out_at_the_kiosk(qtbot, make_kiosk, demo_db):
    volunteer_id = open_activity(demo_db)
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, EXAMPLE)
    menu = kiosk.pages["menu"]
    assert menu.tiles["sign_in"].isVisible()
    click(qtbot, menu.tiles["sign_in"])
    page = kiosk.pages["sign_in"]
    assert kiosk.current is page and page.heading.text().startswith("您好，")
    assert page.aside.text().startswith("今年志愿服务 ")
    choice = button_named(kiosk, "sign-in-choice-0")
    assert choice.isVisible() and choice.text().startswith("测试值守")
    click(qtbot, choice)
    result = kiosk.pages["result"]
    assert kiosk.current is result and result.headline.text() == "签到成功"
    with demo_db.sessions() as session:
        signed = session.scalars(
            select(Attendance)
            .join(VolunteerActivity, VolunteerActivity.id == Attendance.activity_id)
            .where(Attendance.volunteer_id == volunteer_id, VolunteerActivity.title == "测试值守")
        ).all()
        assert [(a.channel, a.signed_out_at) for a in signed] == [("kiosk", None)]
    click(qtbot, kiosk.current.exit_button)

    swipe_card(qtbot, kiosk, EXAMPLE)
    click(qtbot, menu.tiles["sign_in"])
    assert "测试值守" in page.box.findChildren(type(page.lead))[0].text()
    click(qtbot, button_named(kiosk, "volunteer-sign-out"))
    assert kiosk.current is result and result.headline.text().startswith("签退成功")
    assert result.number.text().endswith("小时") and result.number.isVisible()


def test_a_card_that_is_no_volunteer(qtbot, make_kiosk):
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, NOBODY)
    click(qtbot, kiosk.pages["menu"].tiles["sign_in"])
    page = kiosk.pages["sign_in"]
    assert page.lead.text() == "您还没有登记为志愿者，请到服务窗口登记"
    assert not page.choices[0].isVisible()


def test_a_typed_number_does_not_sign_in(qtbot, make_kiosk):
    kiosk = make_kiosk()
    kiosk.controller.identify(EXAMPLE, by_card=False)
    assert not kiosk.pages["menu"].tiles["sign_in"].isVisible()
    kiosk.controller.go("sign_in")
    assert kiosk.current.name == "menu"


def member_card(demo_db, *, meets_today: bool) -> tuple[str, int]:
    """The card of a resident member who is no volunteer, whose branch does (or does not) meet on
    the kiosk's day, and their member id."""
    today = select(PartyMeeting.branch_id).where(PartyMeeting.held_on == DEMO_TODAY)
    with demo_db.sessions() as session:
        number, member_id = session.execute(
            select(Resident.id_number, PartyMember.id)
            .join(PartyMember, PartyMember.resident_id == Resident.id)
            .where(
                PartyMember.left_on.is_(None),
                PartyMember.branch_id.in_(today) if meets_today else PartyMember.branch_id.not_in(today),
                Resident.id.not_in(select(Volunteer.resident_id).where(Volunteer.resident_id.is_not(None))),
            )
            .order_by(Resident.id)
            .limit(1)
        ).one()
    return number, member_id


def test_a_member_checks_in_to_the_branch_meeting_of_the_day(qtbot, make_kiosk, demo_db):
    number, member_id = member_card(demo_db, meets_today=True)
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, number)
    menu = kiosk.pages["menu"]
    assert menu.tiles["sign_in"].isVisible()
    click(qtbot, menu.tiles["sign_in"])
    page = kiosk.pages["sign_in"]
    assert kiosk.current is page and page.heading.text().startswith("您好，")
    assert page.aside.text().endswith("党支部")  # the member's branch; no volunteer hours
    assert page.lead.text() == "请选择您现在参加的活动："
    choice = button_named(kiosk, "sign-in-choice-0")
    assert choice.text() == "党课签到\n学习《中国共产党章程》"
    assert not page.choices[1].isVisible() and not page.sign_out_button.isVisible()
    click(qtbot, choice)
    result = kiosk.pages["result"]
    assert kiosk.current is result and result.headline.text() == "签到成功"
    with demo_db.sessions() as session:
        marks = session.execute(
            select(MeetingAttendance.present, MeetingAttendance.how, PartyMeeting.kind)
            .join(PartyMeeting, PartyMeeting.id == MeetingAttendance.meeting_id)
            .where(MeetingAttendance.member_id == member_id, PartyMeeting.held_on == DEMO_TODAY)
        ).all()
        assert marks == [(True, "kiosk", "lecture")]
        audited = session.scalars(
            select(AuditEntry.action).where(AuditEntry.actor == "kiosk").order_by(AuditEntry.id)
        ).all()
        assert audited[-2:] == ["lookup", "party_check_in"]
    click(qtbot, kiosk.current.exit_button)

    swipe_card(qtbot, kiosk, number)  # the next swipe: already checked in, nothing to tap
    click(qtbot, menu.tiles["sign_in"])
    assert page.lead.text() == "您已签到，无需重复签到"
    shown = [w.text() for w in page.box.findChildren(type(page.lead))]
    assert shown == ["已签到：党课　学习《中国共产党章程》"]
    assert not page.choices[0].isVisible()


def test_a_member_whose_branch_does_not_meet_today(qtbot, make_kiosk, demo_db):
    number, _ = member_card(demo_db, meets_today=False)
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, number)
    click(qtbot, kiosk.pages["menu"].tiles["sign_in"])
    page = kiosk.pages["sign_in"]
    assert page.lead.text() == NOTHING_TODAY
    assert not page.choices[0].isVisible()
