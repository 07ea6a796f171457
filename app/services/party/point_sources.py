"""Where points come from: a registry of sources, each a function that finds the records of a set
of members in a year (meetings attended, absences, 双报到 hours, fulfilled wishes) and returns
them as facts with a quantity. The rules (point_rules) turn quantities into points, so two rules
can read one source with different figures, and another register joins by registering a source
under the name its rule carries (volunteer hours did so):

    @register_source("volunteer_hours")
    def volunteer_hours(session, member_ids, year, params): ...

A source reads records only; it never decides points, and it knows nothing of scope or audit
(the caller has checked both for the members it passes)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    MEETING_KINDS,
    Attendance,
    MeetingAttendance,
    PartyMeeting,
    PartyMember,
    PartyOrganisation,
    ReportInService,
    Volunteer,
    VolunteerActivity,
    VolunteerTeam,
    Wish,
)


@dataclass(frozen=True, slots=True)
class Fact:
    """One record of one member: when, what (in words), and how much of the rule's unit."""

    member_id: int
    on: dt.date
    what: str
    quantity: float


Source = Callable[[Session, Sequence[int], int, dict], list[Fact]]
SOURCES: dict[str, Source] = {}


def register_source(name: str) -> Callable[[Source], Source]:
    def add(function: Source) -> Source:
        SOURCES[name] = function
        return function

    return add


def _year(column, year: int):
    return column.between(dt.date(year, 1, 1), dt.date(year, 12, 31))


@register_source("meeting_attended")
def meetings_attended(session: Session, member_ids: Sequence[int], year: int, params: dict) -> list[Fact]:
    """Held meetings of the kinds in ``params["kinds"]`` at which the member checked in."""
    rows = session.execute(
        select(MeetingAttendance.member_id, PartyMeeting.held_on, PartyMeeting.kind, PartyMeeting.topic)
        .join(PartyMeeting, PartyMeeting.id == MeetingAttendance.meeting_id)
        .where(
            MeetingAttendance.member_id.in_(member_ids),
            MeetingAttendance.present.is_(True),
            PartyMeeting.held.is_(True),
            PartyMeeting.kind.in_(params.get("kinds", [])),
            _year(PartyMeeting.held_on, year),
        )
    ).all()
    return [Fact(m, on, f"{MEETING_KINDS[kind]}：{topic}", 1.0) for m, on, kind, topic in rows]


@register_source("meeting_unexcused")
def meetings_missed(session: Session, member_ids: Sequence[int], year: int, params: dict) -> list[Fact]:
    """Unexcused absences: marked absent with one of ``params["reasons"]``, or not marked at all
    at a meeting of the member's branch whose attendance was taken while they belonged to it.
    In-service members go to their own unit's branch meetings, so only an explicit mark counts
    against them."""
    kinds = params.get("kinds", [])
    reasons = set(params.get("reasons", []))
    meetings = session.execute(
        select(
            PartyMeeting.id,
            PartyMeeting.branch_id,
            PartyMeeting.held_on,
            PartyMeeting.kind,
            PartyMeeting.topic,
        ).where(PartyMeeting.held.is_(True), PartyMeeting.kind.in_(kinds), _year(PartyMeeting.held_on, year))
    ).all()
    if not meetings:
        return []
    marks: dict[int, dict[int, str | None]] = defaultdict(dict)  # meeting -> member -> reason (None: present)
    for meeting_id, member_id, present, reason in session.execute(
        select(
            MeetingAttendance.meeting_id,
            MeetingAttendance.member_id,
            MeetingAttendance.present,
            MeetingAttendance.absence_reason,
        ).where(MeetingAttendance.meeting_id.in_([m.id for m in meetings]))
    ):
        marks[meeting_id][member_id] = None if present else reason
    members = session.scalars(select(PartyMember).where(PartyMember.id.in_(member_ids))).all()
    facts = []
    for meeting in meetings:
        taken = marks.get(meeting.id)
        if not taken:
            continue  # nobody's attendance was recorded: nothing to say about anyone
        for member in members:
            label = f"{MEETING_KINDS[meeting.kind]}：{meeting.topic}"
            if member.id in taken:
                reason = taken[member.id]
                if reason is not None and reason in reasons:
                    facts.append(Fact(member.id, meeting.held_on, f"{label}（{reason}）", 1.0))
            elif (
                member.branch_id == meeting.branch_id
                and member.kind != "in_service"
                and _belonged(member, meeting.held_on)
            ):
                facts.append(Fact(member.id, meeting.held_on, f"{label}（未签到，未请假）", 1.0))
    return facts


def _belonged(member: PartyMember, day: dt.date) -> bool:
    came = max((d for d in (member.joined_on, member.transferred_in_on) if d is not None), default=None)
    if came is not None and came > day:
        return False
    return member.transferred_out_on is None or member.transferred_out_on > day


@register_source("report_in_hours")
def report_in_hours(session: Session, member_ids: Sequence[int], year: int, params: dict) -> list[Fact]:
    """双报到 services, by the hour."""
    rows = session.execute(
        select(
            ReportInService.member_id,
            ReportInService.served_on,
            ReportInService.post,
            ReportInService.content,
            ReportInService.hours,
        ).where(ReportInService.member_id.in_(member_ids), _year(ReportInService.served_on, year))
    ).all()
    return [Fact(m, on, f"{post}：{content}（{hours:g}小时）", hours) for m, on, post, content, hours in rows]


@register_source("volunteer_hours")
def volunteer_hours(session: Session, member_ids: Sequence[int], year: int, params: dict) -> list[Fact]:
    """Hours a member gave as a volunteer (志愿服务): the counted hours of their attendances, the
    member being the resident the volunteer record names."""
    start, end = dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1)
    rows = session.execute(
        select(
            PartyMember.id,
            VolunteerActivity.starts_at,
            VolunteerTeam.name,
            VolunteerActivity.title,
            Attendance.hours,
        )
        .join(Volunteer, Volunteer.resident_id == PartyMember.resident_id)
        .join(Attendance, Attendance.volunteer_id == Volunteer.id)
        .join(VolunteerActivity, VolunteerActivity.id == Attendance.activity_id)
        .join(VolunteerTeam, VolunteerTeam.id == VolunteerActivity.team_id)
        .where(
            PartyMember.id.in_(member_ids),
            Attendance.hours > 0,
            VolunteerActivity.starts_at >= start,
            VolunteerActivity.starts_at < end,
        )
        .order_by(VolunteerActivity.starts_at, Attendance.id)
    ).all()
    return [
        Fact(member, starts.date(), f"{team}：{title}（{hours:g}小时）", hours)
        for member, starts, team, title, hours in rows
    ]


@register_source("wish_fulfilled")
def wishes_fulfilled(session: Session, member_ids: Sequence[int], year: int, params: dict) -> list[Fact]:
    """Wishes claimed by a party member and fulfilled in the year. A wish names its claimer in
    words, so it is matched by name among the members of the wish's community; a name two members
    of that community share is counted for neither (the desk links such a wish by hand later)."""
    wishes = session.execute(
        select(Wish.community_id, Wish.claimer_name, Wish.fulfilled_on, Wish.wish_no, Wish.content).where(
            Wish.status == "fulfilled", Wish.claimer_kind == "党员", _year(Wish.fulfilled_on, year)
        )
    ).all()
    if not wishes:
        return []
    named: dict[tuple[int, str], list[int]] = defaultdict(list)
    for member_id, name, community_id in session.execute(
        select(PartyMember.id, PartyMember.name, PartyOrganisation.community_id)
        .join(PartyOrganisation, PartyOrganisation.id == PartyMember.branch_id)
        .where(PartyMember.name.in_({w.claimer_name for w in wishes}))
    ):
        named[(community_id, name)].append(member_id)
    wanted = set(member_ids)
    facts = []
    for community_id, name, on, number, content in wishes:
        found = named.get((community_id, name), [])
        if len(found) == 1 and found[0] in wanted:
            facts.append(Fact(found[0], on, f"微心愿{number}：{content[:30]}", 1.0))
    return facts
