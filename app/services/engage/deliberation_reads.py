"""Reading 议事 records: the list (scoped: a grid worker sees their grids' meetings), one meeting
with its steps and links, the meetings a case went to, and the public notice (公示) of a decision
and its result, where residents' names are masked."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import extract, or_, select
from sqlalchemy.orm import Session

from app.models import (
    DELIBERATION_KINDS,
    FOUR_TWO_STEPS,
    Case,
    Community,
    Deliberation,
    DeliberationLink,
    DeliberationStep,
    Grid,
    Wish,
)
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.engage.deliberations import DeliberationError
from app.services.engage.wish_reads import masked_name

NOTICE_DAYS = 7  # 公示期
# An attendee written as 名称（身份）: these 身份 are residents, whose names a notice masks.
RESIDENT_ROLES = ("居民", "居民代表", "党员", "党员代表", "楼栋长", "业主", "业主代表", "村民代表", "")
_PERSONAL_NAME = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f·]{2,5}")  # not 居民代表103人, 物业公司
_ATTENDEE = re.compile(r"^(?P<name>[^（(]+)(?:[（(](?P<role>[^）)]*)[）)])?$")


@dataclass(frozen=True)
class StepRow:
    step: str
    name: str
    done_on: dt.date | None
    note: str


@dataclass(frozen=True)
class MeetingRow:
    meeting_no: str
    kind: str
    topic: str
    convenor: str
    held_on: dt.date
    place: str
    grid_name: str
    attendees: str
    opinions: str
    decision: str
    decided_on: dt.date | None
    votes_for: int
    votes_against: int
    votes_abstain: int
    result: str
    result_on: dt.date | None
    steps: tuple[StepRow, ...]  # the six of 四议两公开 (undone ones without a date); () otherwise
    case_nos: tuple[str, ...]
    wish_nos: tuple[str, ...]
    joint_case_nos: tuple[str, ...]

    @property
    def kind_name(self) -> str:
        return DELIBERATION_KINDS.get(self.kind, self.kind)

    @property
    def passed(self) -> bool:
        cast = self.votes_for + self.votes_against + self.votes_abstain
        return bool(self.decision) and self.votes_for * 2 > cast

    @property
    def state(self) -> str:
        if self.steps:
            undone = [s for s in self.steps if s.done_on is None]
            return f"待{undone[0].name}" if undone else "已完成"
        if self.result:
            return "已落实"
        if self.decision:
            return "已议定" if self.passed else "未通过"
        return "待议定"

    @property
    def vote_text(self) -> str:
        if not self.decision:
            return ""
        verdict = "通过" if self.passed else "未通过"
        return f"同意{self.votes_for}票，反对{self.votes_against}票，弃权{self.votes_abstain}票，{verdict}"

    def as_json(self) -> dict:
        def day(d):
            return d.isoformat() if d else None

        return {
            "meeting_no": self.meeting_no,
            "kind": self.kind_name,
            "topic": self.topic,
            "convenor": self.convenor,
            "held_on": day(self.held_on),
            "place": self.place,
            "grid": self.grid_name,
            "state": self.state,
            "steps": [{"step": s.name, "date": day(s.done_on), "note": s.note} for s in self.steps],
            "decision": self.decision,
            "decided_on": day(self.decided_on),
            "votes": {"for": self.votes_for, "against": self.votes_against, "abstain": self.votes_abstain},
            "passed": self.passed if self.decision else None,
            "result": self.result,
            "result_on": day(self.result_on),
            "cases": list(self.case_nos),
            "joint_cases": list(self.joint_case_nos),
            "wishes": list(self.wish_nos),
        }


def _row(session: Session, meeting: Deliberation, grid_name: str | None) -> MeetingRow:
    steps: tuple[StepRow, ...] = ()
    if meeting.kind == "four_two":
        done = {
            s.step: s
            for s in session.scalars(
                select(DeliberationStep).where(DeliberationStep.deliberation_id == meeting.id)
            )
        }
        steps = tuple(
            StepRow(
                code,
                name,
                done[code].done_on if code in done else None,
                done[code].note if code in done else "",
            )
            for code, name in FOUR_TWO_STEPS.items()
        )
    links = session.execute(
        select(Case.case_no, Wish.wish_no, DeliberationLink.joint)
        .select_from(DeliberationLink)
        .outerjoin(Case, Case.id == DeliberationLink.case_id)
        .outerjoin(Wish, Wish.id == DeliberationLink.wish_id)
        .where(DeliberationLink.deliberation_id == meeting.id)
        .order_by(DeliberationLink.id)
    ).all()
    return MeetingRow(
        meeting.meeting_no,
        meeting.kind,
        meeting.topic,
        meeting.convenor,
        meeting.held_on,
        meeting.place,
        grid_name or "全社区",
        meeting.attendees,
        meeting.opinions,
        meeting.decision,
        meeting.decided_on,
        meeting.votes_for,
        meeting.votes_against,
        meeting.votes_abstain,
        meeting.result,
        meeting.result_on,
        steps,
        tuple(c for c, _, _ in links if c),
        tuple(w for _, w, _ in links if w),
        tuple(c for c, _, joint in links if c and joint),
    )


def list_meetings(
    session: Session,
    *,
    scope: Scope = WHOLE_STREET,
    year: int | None = None,
    kind: str = "",
    text: str = "",
    case_no: str = "",
    limit: int = 1000,
) -> list[MeetingRow]:
    """Meetings newest first. A grid worker sees the meetings of their grids (a meeting of the whole
    community names no grid and is not theirs to keep)."""
    stmt = (
        select(Deliberation, Grid.name)
        .outerjoin(Grid, Grid.id == Deliberation.grid_id)
        .where(scope.grid_filter(Deliberation.grid_id))
    )
    if year is not None:
        stmt = stmt.where(extract("year", Deliberation.held_on) == year)
    if kind:
        stmt = stmt.where(Deliberation.kind == kind)
    if text.strip():
        like = f"%{text.strip()}%"
        stmt = stmt.where(
            or_(
                Deliberation.meeting_no.like(like),
                Deliberation.topic.like(like),
                Deliberation.decision.like(like),
            )
        )
    if case_no.strip():
        stmt = stmt.where(
            Deliberation.id.in_(
                select(DeliberationLink.deliberation_id)
                .join(Case, Case.id == DeliberationLink.case_id)
                .where(Case.case_no == case_no.strip())
            )
        )
    stmt = stmt.order_by(Deliberation.held_on.desc(), Deliberation.meeting_no.desc()).limit(limit)
    return [_row(session, m, g) for m, g in session.execute(stmt)]


def meeting_row(session: Session, meeting: Deliberation) -> MeetingRow:
    grid_name = (
        session.scalar(select(Grid.name).where(Grid.id == meeting.grid_id)) if meeting.grid_id else None
    )
    return _row(session, meeting, grid_name)


def masked_attendees(text: str) -> list[str]:
    """Attendees for a public notice: 张建国（居民代表） → 张**（居民代表）, a name without a role is
    masked too; units and staff (王益区住建局（共建单位）, 李娜（网格员）) and groups (居民代表103人)
    stay as written."""
    shown = []
    for line in re.split(r"[\n、，,；;]+", text or ""):
        line = line.strip()
        if not line:
            continue
        found = _ATTENDEE.match(line)
        name, role = (found["name"].strip(), (found["role"] or "").strip()) if found else (line, "")
        if role in RESIDENT_ROLES and _PERSONAL_NAME.fullmatch(name):
            shown.append(f"{masked_name(name)}（{role}）" if role else masked_name(name))
        else:
            shown.append(line)
    return shown


@dataclass(frozen=True)
class MeetingNotice:
    """What the printed 公示 shows: no resident named in full, no ID number, no phone."""

    community_name: str
    community_hotline: str
    day: dt.date
    until: dt.date
    meeting: MeetingRow
    attendees: tuple[str, ...]

    @property
    def qr_text(self) -> str:
        return self.meeting.meeting_no


def notice_data(session: Session, meeting: Deliberation, *, day: dt.date) -> MeetingNotice:
    """The decision (and the result, once there is one) as a public notice, posted ``day`` for
    seven days. A meeting without a decision has nothing to publish yet."""
    row = meeting_row(session, meeting)
    if not row.decision:
        raise DeliberationError(f"议事{row.meeting_no}还没有决议，无法公示")
    community = session.get(Community, meeting.community_id)
    return MeetingNotice(
        community_name=community.name,
        community_hotline=community.hotline,
        day=day,
        until=day + dt.timedelta(days=NOTICE_DAYS),
        meeting=row,
        attendees=tuple(masked_attendees(row.attendees)),
    )


def meeting_grids(session: Session, scope: Scope = WHOLE_STREET) -> list[tuple[str, str]]:
    """(name, code) of what a meeting may concern: the whole community (code "") for staff who
    serve the whole street, and the grids of the centre's community within ``scope``."""
    from app.services.admin.centre import current_community

    community = current_community(session)
    grids = session.execute(
        select(Grid.name, Grid.code)
        .where(Grid.community_id == community.id, scope.grid_filter(Grid.id))
        .order_by(Grid.code)
    ).all()
    whole = [("全社区", "")] if scope.whole_street else []
    return whole + [(name, code) for name, code in grids]
