"""志愿者签到 at the kiosk: a volunteer swipes, taps 志愿者签到 and today's activity and is signed
in; the next swipe offers 签退 and shows the hours counted. A card that is no volunteer's is told
where to register, and a typed number never reaches the page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.models import Attendance, Resident, TeamMembership, Volunteer, VolunteerActivity
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
    assert menu.tiles["volunteer"].isVisible()
    click(qtbot, menu.tiles["volunteer"])
    page = kiosk.pages["volunteer"]
    assert kiosk.current is page and page.heading.text().startswith("您好，")
    assert "今年累计" in page.aside.text()
    choice = button_named(kiosk, "volunteer-activity-0")
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
    click(qtbot, menu.tiles["volunteer"])
    assert "测试值守" in page.box.findChildren(type(page.lead))[0].text()
    click(qtbot, button_named(kiosk, "volunteer-sign-out"))
    assert kiosk.current is result and result.headline.text().startswith("签退成功")
    assert result.number.text().endswith("小时") and result.number.isVisible()


def test_a_card_that_is_no_volunteer(qtbot, make_kiosk):
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, NOBODY)
    click(qtbot, kiosk.pages["menu"].tiles["volunteer"])
    page = kiosk.pages["volunteer"]
    assert page.lead.text() == "您还没有登记为志愿者，请到服务窗口登记"
    assert not page.choices[0].isVisible()


def test_a_typed_number_does_not_sign_in(qtbot, make_kiosk):
    kiosk = make_kiosk()
    kiosk.controller.identify(EXAMPLE, by_card=False)
    assert not kiosk.pages["menu"].tiles["volunteer"].isVisible()
    kiosk.controller.go("volunteer")
    assert kiosk.current.name == "menu"
