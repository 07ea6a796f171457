"""One meeting as a whole record (会议记录): who hosted and recorded it, who came (by card or
ticked), who was absent and why, the minutes, the decisions and the photos; a branch's meetings
by month for the list and the calendar, and the branches a person may choose from.

Reading a record names the members who came, so it is audited like a list of members."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    MEETING_KINDS,
    Grid,
    MeetingAttendance,
    MeetingPhoto,
    PartyMeeting,
    PartyMember,
    PartyOrganisation,
)
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.party.meetings import MeetingRow, branch_in_scope, meeting_in_scope, meeting_row
from app.services.party.members import MemberError

HOW_NAMES = {"card": "刷卡", "kiosk": "自助终端刷卡", "tick": "勾选"}
CARD_HOWS = frozenset({"card", "kiosk"})  # the minutes name these plainly: the card proved who came


@dataclass(frozen=True, slots=True)
class BranchChoice:
    id: int
    name: str
    grid_code: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.grid_code}）" if self.grid_code else self.name


@dataclass(frozen=True, slots=True)
class Attendee:
    member_id: int
    name: str
    present: bool | None  # None: not marked yet
    how: str  # card / tick / ""
    reason: str


@dataclass(frozen=True, slots=True)
class PhotoRow:
    id: int
    stored_name: str
    original_name: str


@dataclass(frozen=True, slots=True)
class MeetingDraft:
    """What the person writes about a meeting (everything but who came)."""

    kind: str
    held_on: dt.date
    topic: str
    place: str = ""
    held: bool = True
    host: str = ""
    recorder: str = ""
    minutes: str = ""
    decisions: str = ""


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    id: int
    branch_id: int
    branch: str
    draft: MeetingDraft
    attendees: tuple[Attendee, ...]
    photos: tuple[PhotoRow, ...]

    @property
    def kind_name(self) -> str:
        return MEETING_KINDS[self.draft.kind]

    @property
    def present(self) -> list[Attendee]:
        return [a for a in self.attendees if a.present]

    @property
    def absent(self) -> list[Attendee]:
        return [a for a in self.attendees if a.present is False]

    @property
    def expected(self) -> int:
        return len(self.attendees)


def branch_choices(session: Session, *, scope: Scope) -> list[BranchChoice]:
    """The grid branches the person may record meetings for, in the street's order."""
    rows = session.execute(
        select(PartyOrganisation.id, PartyOrganisation.name, Grid.code)
        .join(Grid, PartyOrganisation.grid_id == Grid.id)
        .where(PartyOrganisation.level == "grid_branch", scope.grid_filter(PartyOrganisation.grid_id))
        .order_by(PartyOrganisation.community_id, PartyOrganisation.sort_order, PartyOrganisation.id)
    ).all()
    return [BranchChoice(i, name, code) for i, name, code in rows]


def meetings_of(
    session: Session, branch_id: int, year: int, *, scope: Scope, month: int | None = None
) -> list[MeetingRow]:
    """A branch's meetings (held and planned) in a year, or in one month of it, by date."""
    branch = branch_in_scope(session, branch_id, scope)
    first = dt.date(year, month or 1, 1)
    following = (first + dt.timedelta(days=32)).replace(day=1) if month else dt.date(year + 1, 1, 1)
    meetings = session.scalars(
        select(PartyMeeting)
        .where(
            PartyMeeting.branch_id == branch.id,
            PartyMeeting.held_on >= first,
            PartyMeeting.held_on < following,
        )
        .order_by(PartyMeeting.held_on, PartyMeeting.id)
    ).all()
    return [meeting_row(session, m, branch) for m in meetings]


def _draft(meeting: PartyMeeting) -> MeetingDraft:
    return MeetingDraft(
        meeting.kind,
        meeting.held_on,
        meeting.topic,
        meeting.place,
        meeting.held,
        meeting.host,
        meeting.recorder,
        meeting.minutes,
        meeting.decisions,
    )


def meeting_record(session: Session, meeting_id: int, *, scope: Scope, actor: str) -> MeetingRecord:
    """The whole record: every member on the branch's register (and anyone marked who has left
    it since), marked or not, and the photos. Audited: it names members."""
    meeting, branch = meeting_in_scope(session, meeting_id, scope)
    marks = {
        m.member_id: m
        for m in session.scalars(select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id))
    }
    members = session.scalars(
        select(PartyMember)
        .where(
            (PartyMember.id.in_(list(marks)))
            | ((PartyMember.branch_id == branch.id) & PartyMember.left_on.is_(None))
        )
        .order_by(PartyMember.id)
    ).all()
    attendees = tuple(
        Attendee(
            m.id,
            m.name,
            marks[m.id].present if m.id in marks else None,
            marks[m.id].how if m.id in marks else "",
            marks[m.id].absence_reason if m.id in marks else "",
        )
        for m in members
    )
    photos = tuple(
        PhotoRow(p.id, p.stored_name, p.original_name)
        for p in session.scalars(
            select(MeetingPhoto).where(MeetingPhoto.meeting_id == meeting.id).order_by(MeetingPhoto.id)
        )
    )
    audit.record(
        session, actor=actor, action="party_meeting_view", subject=branch.name, purpose=meeting.topic
    )
    return MeetingRecord(meeting.id, branch.id, branch.name, _draft(meeting), attendees, photos)


def save_meeting(
    session: Session, meeting_id: int, draft: MeetingDraft, *, scope: Scope, actor: str
) -> MeetingRow:
    """Write what the person changed about a meeting (a planned one becomes held here), audited."""
    meeting, branch = meeting_in_scope(session, meeting_id, scope)
    if draft.kind not in MEETING_KINDS:
        raise MemberError("会议类型只能是：" + "、".join(MEETING_KINDS.values()))
    if not draft.topic.strip():
        raise MemberError("请填写会议主题")
    meeting.kind, meeting.held_on, meeting.held = draft.kind, draft.held_on, draft.held
    meeting.topic, meeting.place = draft.topic.strip(), draft.place.strip()
    meeting.host, meeting.recorder = draft.host.strip(), draft.recorder.strip()
    meeting.minutes, meeting.decisions = draft.minutes, draft.decisions
    audit.record(
        session, actor=actor, action="party_meeting", subject=branch.name, purpose=f"修改：{meeting.topic}"
    )
    session.flush()
    return meeting_row(session, meeting, branch)
