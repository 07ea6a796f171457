"""组织生活签到 at the self-service kiosk: a member of the street swipes their ID card and checks in
to a meeting their own branch holds that day, without waiting at the desk.

The card is the only proof (a number typed on the keypad proves nothing about who stands there),
so only members who are residents can check in this way; a member from outside the street, whose
full number the centre does not keep, is ticked at the desk as before. Meetings carry a day but
no hour, so a member may check in at any time of the meeting's day, planned or already marked as
held: the branch's secretary still decides afterwards that the meeting was held, and the desk can
change any mark. A kiosk check-in is kept as ``how = "kiosk"``, so the record says where it came
from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    MEETING_KINDS,
    MeetingAttendance,
    PartyMeeting,
    PartyMember,
    PartyOrganisation,
    Resident,
)
from app.services.common import audit
from app.services.party.meetings import may_check_in, put_mark
from app.services.party.members import MemberError

PURPOSE = "组织生活签到"


@dataclass(frozen=True, slots=True)
class TodaysMeeting:
    meeting_id: int
    kind: str  # as people say it: 主题党日, 党课 ...
    topic: str
    place: str
    checked_in: bool


@dataclass(frozen=True, slots=True)
class MemberToday:
    """A member behind a card and the meetings of their branch on the day."""

    member_id: int
    name: str
    branch: str
    meetings: tuple[TodaysMeeting, ...]

    @property
    def open(self) -> tuple[TodaysMeeting, ...]:
        return tuple(m for m in self.meetings if not m.checked_in)


@dataclass(frozen=True, slots=True)
class CheckedIn:
    name: str
    branch: str
    kind: str
    topic: str


def _member(session: Session, resident_id: int) -> PartyMember | None:
    return session.scalar(
        select(PartyMember).where(PartyMember.resident_id == resident_id, PartyMember.left_on.is_(None))
    )


def member_today(session: Session, resident_id: int, today: dt.date, *, actor: str) -> MemberToday | None:
    """The member whose resident row this is, with their branch's meetings on ``today``; None for
    a resident who is not (or no longer) on the register. Reading a membership is a lookup of
    personal data, so a member found is audited."""
    may_check_in(session, actor)
    member = _member(session, resident_id)
    if member is None:
        return None
    branch = session.get(PartyOrganisation, member.branch_id)
    present = set(
        session.scalars(
            select(MeetingAttendance.meeting_id).where(
                MeetingAttendance.member_id == member.id, MeetingAttendance.present.is_(True)
            )
        )
    )
    meetings = tuple(
        TodaysMeeting(m.id, MEETING_KINDS[m.kind], m.topic, m.place, m.id in present)
        for m in session.scalars(
            select(PartyMeeting)
            .where(PartyMeeting.branch_id == member.branch_id, PartyMeeting.held_on == today)
            .order_by(PartyMeeting.id)
        )
    )
    resident = session.get(Resident, resident_id)
    audit.record(session, actor=actor, action="lookup", resident=resident, purpose=PURPOSE)
    return MemberToday(member.id, member.name or resident.name, branch.name, meetings)


def check_in_today(
    session: Session, resident_id: int, meeting_id: int, today: dt.date, *, actor: str
) -> CheckedIn:
    """The card holder checks in to one of their branch's meetings of ``today``; audited as a
    check-in with the resident. Everything is checked again here: the screen that offered the
    meeting may be minutes old."""
    may_check_in(session, actor)
    member = _member(session, resident_id)
    meeting = session.get(PartyMeeting, meeting_id)
    if member is None:
        raise MemberError("您不在党员名册中，请到服务窗口咨询")
    if meeting is None or meeting.branch_id != member.branch_id:
        raise MemberError("这次会议不是您所在支部的会议")
    if meeting.held_on != today:
        raise MemberError("只能在会议当天签到")
    mark = session.get(MeetingAttendance, (meeting.id, member.id))
    if mark is not None and mark.present:
        raise MemberError("您已签到，无需重复签到")
    put_mark(session, meeting.id, member.id, present=True, reason="", how="kiosk")
    resident = session.get(Resident, resident_id)
    audit.record(session, actor=actor, action="party_check_in", resident=resident, purpose=meeting.topic)
    branch = session.get(PartyOrganisation, member.branch_id)
    return CheckedIn(member.name or resident.name, branch.name, MEETING_KINDS[meeting.kind], meeting.topic)
