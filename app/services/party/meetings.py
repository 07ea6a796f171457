"""Party life records (三会一课, 主题党日): meetings planned and held by a branch, members checked
in by ID card or ticked, absentees with a reason, and the branches that held no meeting in a
month (every branch holds at least its monthly 主题党日)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import MEETING_KINDS, Grid, MeetingAttendance, PartyMeeting, PartyMember, PartyOrganisation
from app.services.admin.permissions import NotPermitted, require
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.party.members import MemberError
from app.services.population.lookup import find_resident_in_scope


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    branch: str
    kind: str
    held_on: dt.date
    place: str
    topic: str
    held: bool
    present: int
    absent: int


@dataclass(frozen=True, slots=True)
class MissingBranch:
    branch_id: int
    branch: str
    grid_code: str
    month: str  # YYYY-MM


def may_check_in(session: Session, actor: str) -> None:
    """Raise MemberError when the account behind ``actor`` may not mark attendance."""
    try:
        require(session, actor, "party.check_in")
    except NotPermitted as exc:
        raise MemberError(str(exc)) from None


def branch_in_scope(session: Session, branch_id: int, scope: Scope) -> PartyOrganisation:
    branch = session.get(PartyOrganisation, branch_id)
    if branch is None or branch.level != "grid_branch" or not scope.allows_grid(branch.grid_id):
        raise MemberError(f"没有编号为{branch_id}的网格党支部，或不在您负责的网格")
    return branch


def meeting_in_scope(
    session: Session, meeting_id: int, scope: Scope
) -> tuple[PartyMeeting, PartyOrganisation]:
    meeting = session.get(PartyMeeting, meeting_id)
    if meeting is None:
        raise MemberError(f"没有编号为{meeting_id}的会议")
    return meeting, branch_in_scope(session, meeting.branch_id, scope)


def meeting_row(session: Session, meeting: PartyMeeting, branch: PartyOrganisation) -> MeetingRow:
    marks = session.scalars(
        select(MeetingAttendance.present).where(MeetingAttendance.meeting_id == meeting.id)
    ).all()
    return MeetingRow(
        meeting.id,
        branch.name,
        MEETING_KINDS[meeting.kind],
        meeting.held_on,
        meeting.place,
        meeting.topic,
        meeting.held,
        sum(1 for p in marks if p),
        sum(1 for p in marks if not p),
    )


def record_meeting(
    session: Session,
    branch_id: int,
    *,
    kind: str,
    held_on: dt.date,
    topic: str,
    scope: Scope,
    actor: str,
    place: str = "",
    held: bool = True,
    minutes: str = "",
    decisions: str = "",
    host: str = "",
    recorder: str = "",
) -> MeetingRow:
    """A planned (``held`` False) or held meeting of a branch, audited."""
    branch = branch_in_scope(session, branch_id, scope)
    if kind not in MEETING_KINDS:
        raise MemberError("会议类型只能是：" + "、".join(MEETING_KINDS.values()))
    if not topic.strip():
        raise MemberError("请填写会议主题")
    meeting = PartyMeeting(
        branch_id=branch.id,
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        topic=topic.strip(),
        held=held,
        minutes=minutes,
        decisions=decisions,
        host=host.strip(),
        recorder=recorder.strip(),
    )
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="party_meeting",
        subject=branch.name,
        purpose=f"{MEETING_KINDS[kind]} {topic}",
    )
    return meeting_row(session, meeting, branch)


def check_in(session: Session, meeting_id: int, id_text: str, *, scope: Scope, actor: str) -> str:
    """A member of the meeting's branch checks in by ID card (a swipe or the number typed);
    returns their name. The lookup is audited."""
    may_check_in(session, actor)
    meeting, branch = meeting_in_scope(session, meeting_id, scope)
    resident = find_resident_in_scope(session, id_text, scope, actor=actor, purpose="组织生活签到")
    member = session.scalar(select(PartyMember).where(PartyMember.resident_id == resident.id))
    if member is None or member.branch_id != branch.id:
        raise MemberError(f"{resident.name}不是{branch.name}的党员")
    put_mark(session, meeting.id, member.id, present=True, reason="", how="card")
    audit.record(session, actor=actor, action="party_check_in", resident=resident, purpose=meeting.topic)
    return resident.name


def mark_absent(
    session: Session, meeting_id: int, member_id: int, reason: str, *, scope: Scope, actor: str
) -> None:
    may_check_in(session, actor)
    meeting, branch = meeting_in_scope(session, meeting_id, scope)
    member = session.get(PartyMember, member_id)
    if member is None or member.branch_id != branch.id:
        raise MemberError("该党员不属于本支部")
    if not reason.strip():
        raise MemberError("请填写缺席原因")
    put_mark(session, meeting.id, member.id, present=False, reason=reason.strip())
    audit.record(
        session, actor=actor, action="party_check_in", subject=member.id_masked, purpose=f"缺席：{reason}"
    )


def tick_present(session: Session, meeting_id: int, member_id: int, *, scope: Scope, actor: str) -> str:
    """A member ticked as present from the branch's list (no card at hand); returns their name."""
    may_check_in(session, actor)
    meeting, branch = meeting_in_scope(session, meeting_id, scope)
    member = session.get(PartyMember, member_id)
    if member is None or member.branch_id != branch.id:
        raise MemberError("该党员不属于本支部")
    put_mark(session, meeting.id, member.id, present=True, reason="", how="tick")
    audit.record(
        session,
        actor=actor,
        action="party_check_in",
        subject=member.id_masked,
        purpose=f"勾选签到：{meeting.topic}",
    )
    return member.name


def put_mark(
    session: Session, meeting_id: int, member_id: int, *, present: bool, reason: str, how: str = ""
) -> None:
    mark = session.get(MeetingAttendance, (meeting_id, member_id))
    if mark is None:
        session.add(
            MeetingAttendance(
                meeting_id=meeting_id, member_id=member_id, present=present, absence_reason=reason, how=how
            )
        )
    else:
        mark.present, mark.absence_reason, mark.how = present, reason, how
    session.flush()


def branches_without_meeting(session: Session, month: dt.date, *, scope: Scope) -> list[MissingBranch]:
    """Branches in ``scope`` that held no meeting in the month of ``month``."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    held = select(PartyMeeting.branch_id).where(
        PartyMeeting.held.is_(True), PartyMeeting.held_on >= first, PartyMeeting.held_on < following
    )
    branches = session.execute(
        select(PartyOrganisation.id, PartyOrganisation.name, Grid.code)
        .join(Grid, PartyOrganisation.grid_id == Grid.id)
        .where(
            PartyOrganisation.level == "grid_branch",
            scope.grid_filter(PartyOrganisation.grid_id),
            PartyOrganisation.id.not_in(held),
        )
        .order_by(PartyOrganisation.community_id, PartyOrganisation.sort_order)
    ).all()
    return [MissingBranch(b_id, name, code, first.strftime("%Y-%m")) for b_id, name, code in branches]


def last_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
