"""组织生活签到 by card at the kiosk (app.services.party.meeting_check_in): only the card holder's
own branch, only on the meeting's day, once; kept as a kiosk check-in, audited, and sent to the
street with the meeting's attendance."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.models import AuditEntry, MeetingAttendance, PartyMeeting, PartyMember, Resident
from app.services.kiosk.common import ACTOR
from app.services.party.meeting_check_in import check_in_today, member_today
from app.services.party.members import MemberError
from app.services.sync import pending
from tests.conftest import DEMO_TODAY


def _member_with_meeting(session) -> tuple[PartyMember, PartyMeeting]:
    meeting = session.scalars(
        select(PartyMeeting).where(PartyMeeting.held_on == DEMO_TODAY).order_by(PartyMeeting.id)
    ).first()
    member = session.scalars(
        select(PartyMember)
        .where(PartyMember.branch_id == meeting.branch_id, PartyMember.resident_id.is_not(None))
        .order_by(PartyMember.id)
    ).first()
    return member, meeting


def test_the_member_sees_the_day_and_checks_in_once(demo_db):
    with demo_db.sessions.begin() as session:
        member, meeting = _member_with_meeting(session)
        today = member_today(session, member.resident_id, DEMO_TODAY, actor=ACTOR)
        assert [(m.meeting_id, m.kind, m.checked_in) for m in today.meetings] == [(meeting.id, "党课", False)]
        assert today.open == today.meetings and today.branch.endswith("党支部")
        before = {w.key for w in pending.waiting(session)}
        done = check_in_today(session, member.resident_id, meeting.id, DEMO_TODAY, actor=ACTOR)
        assert (done.kind, done.topic) == ("党课", meeting.topic)
        mark = session.get(MeetingAttendance, (meeting.id, member.id))
        assert (mark.present, mark.how, mark.absence_reason) == (True, "kiosk", "")
        # the street counts who came: the meeting travels again
        assert ("party_meeting", meeting.uuid) in {w.key for w in pending.waiting(session)} - before
        with pytest.raises(MemberError, match="已签到"):
            check_in_today(session, member.resident_id, meeting.id, DEMO_TODAY, actor=ACTOR)
        again = member_today(session, member.resident_id, DEMO_TODAY, actor=ACTOR)
        assert [m.checked_in for m in again.meetings] == [True] and again.open == ()
        resident = session.get(Resident, member.resident_id)
        audited = session.execute(
            select(AuditEntry.action, AuditEntry.purpose, AuditEntry.resident_id).where(
                AuditEntry.actor == ACTOR
            )
        ).all()
        assert audited == [
            ("lookup", "组织生活签到", resident.id),
            ("party_check_in", meeting.topic, resident.id),
            ("lookup", "组织生活签到", resident.id),
        ]


def test_an_absentee_who_comes_after_all_is_checked_in(demo_db):
    with demo_db.sessions.begin() as session:
        member, meeting = _member_with_meeting(session)
        session.add(
            MeetingAttendance(
                meeting_id=meeting.id, member_id=member.id, present=False, absence_reason="外出"
            )
        )
        session.flush()
        check_in_today(session, member.resident_id, meeting.id, DEMO_TODAY, actor=ACTOR)
        mark = session.get(MeetingAttendance, (meeting.id, member.id))
        assert (mark.present, mark.how, mark.absence_reason) == (True, "kiosk", "")


def test_only_the_own_branch_on_the_day_and_only_on_the_register(demo_db):
    with demo_db.sessions.begin() as session:
        member, meeting = _member_with_meeting(session)
        other = session.scalars(
            select(PartyMeeting).where(PartyMeeting.branch_id != member.branch_id).order_by(PartyMeeting.id)
        ).first()
        with pytest.raises(MemberError, match="不是您所在支部"):
            check_in_today(session, member.resident_id, other.id, other.held_on, actor=ACTOR)
        with pytest.raises(MemberError, match="会议当天"):
            check_in_today(
                session, member.resident_id, meeting.id, DEMO_TODAY + dt.timedelta(days=1), actor=ACTOR
            )
        member.left_on, member.left_reason = DEMO_TODAY, "组织关系转出"
        session.flush()
        assert member_today(session, member.resident_id, DEMO_TODAY, actor=ACTOR) is None
        with pytest.raises(MemberError, match="不在党员名册"):
            check_in_today(session, member.resident_id, meeting.id, DEMO_TODAY, actor=ACTOR)
        assert session.get(MeetingAttendance, (meeting.id, member.id)) is None
        assert not session.scalars(select(AuditEntry).where(AuditEntry.action == "party_check_in")).all()


def test_a_resident_who_is_no_member_is_not_looked_up(demo_db):
    with demo_db.sessions.begin() as session:
        resident = session.scalars(
            select(Resident)
            .where(
                Resident.id.not_in(
                    select(PartyMember.resident_id).where(PartyMember.resident_id.is_not(None))
                )
            )
            .order_by(Resident.id)
        ).first()
        assert member_today(session, resident.id, DEMO_TODAY, actor=ACTOR) is None
        assert not session.scalars(select(AuditEntry).where(AuditEntry.actor == ACTOR)).all()


def test_a_disabled_account_marks_no_attendance(demo_db):
    from app.services.admin.accounts import set_active
    from app.services.admin.scope import WHOLE_STREET
    from app.services.party.meetings import tick_present

    with demo_db.sessions.begin() as session:
        member, meeting = _member_with_meeting(session)
        set_active(session, "qiantai", False, actor="admin")
        with pytest.raises(MemberError, match="已停用"):
            tick_present(session, meeting.id, member.id, scope=WHOLE_STREET, actor="qiantai")
        assert session.get(MeetingAttendance, (meeting.id, member.id)) is None
        assert tick_present(session, meeting.id, member.id, scope=WHOLE_STREET, actor="admin") == member.name
