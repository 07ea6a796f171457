"""议事 records: a meeting of one of the kinds the community holds (联合议事厅, 居民议事会, 联席会,
长板凳议事) or the 四议两公开 procedure, whose six steps are taken in order, each dated no earlier
than the one before: 党组织提议, 两委商议, 党员大会审议, 居民会议决议 (the decision and its vote),
决议公开, 实施结果公开 (the result). A meeting answers cases and wishes; a case sent to it for joint
handling (共商共办) also gets a 联办 event naming the meeting, in the case's own history.

A grid worker records meetings of their own grids; every change needs ``deliberation.manage`` and
is audited. Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    DELIBERATION_KINDS,
    FOUR_TWO_STEPS,
    Deliberation,
    DeliberationLink,
    DeliberationStep,
    Grid,
    Resident,
)
from app.services.admin.centre import current_community
from app.services.admin.permissions import require
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.cases.handling import set_mode
from app.services.cases.search import get_case
from app.services.cases.workflow import WorkflowError
from app.services.common import audit
from app.services.common.idcard import redact
from app.services.engage.wishes import WishError, find_wish

TEXT_LIMIT = 1000
STEP_ORDER = tuple(FOUR_TWO_STEPS)


class DeliberationError(ValueError):
    """A meeting or a step that cannot be recorded as given; one sentence for the person."""


@dataclass(frozen=True)
class NewMeeting:
    kind: str
    topic: str
    convenor: str
    held_on: dt.date
    place: str = ""
    attendees: str = ""  # one a line: 张建国（居民代表）, 王益区住建局（共建单位）
    opinions: str = ""
    grid_code: str = ""  # "": the whole community


@dataclass(frozen=True)
class Vote:
    decision: str
    votes_for: int
    votes_against: int = 0
    votes_abstain: int = 0

    @property
    def passed(self) -> bool:
        """More than half of the votes cast are for it."""
        return self.votes_for * 2 > self.votes_for + self.votes_against + self.votes_abstain


def _text(text: str | None, what: str, limit: int = TEXT_LIMIT, *, required: bool = True) -> str:
    text = redact((text or "").strip())
    if required and not text:
        raise DeliberationError(f"请填写{what}")
    if len(text) > limit:
        raise DeliberationError(f"{what}最多{limit}个字，现在有{len(text)}个字")
    return text


def next_meeting_no(session: Session, year: int) -> str:
    prefix = f"YS{year}-"
    last = session.scalar(
        select(func.max(Deliberation.meeting_no)).where(Deliberation.meeting_no.like(f"{prefix}%"))
    )
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) + 1 if last else 1):04d}"


def add_meeting(
    session: Session, new: NewMeeting, *, actor: str, scope: Scope = WHOLE_STREET, today: dt.date
) -> Deliberation:
    """Record a meeting (a 四议两公开 one starts here; its steps follow with ``record_step``)."""
    require(session, actor, "deliberation.manage")
    if new.kind not in DELIBERATION_KINDS:
        raise DeliberationError(f"议事形式须为：{'、'.join(DELIBERATION_KINDS.values())}")
    grid_id = None
    if new.grid_code.strip():
        grid_id = session.scalar(select(Grid.id).where(Grid.code == new.grid_code.strip()))
        if grid_id is None:
            raise DeliberationError(f"没有编码为“{new.grid_code}”的网格")
    if not scope.allows_grid(grid_id):
        raise DeliberationError("只能记录您负责网格的议事" if grid_id else "请选择您负责的网格")
    if new.held_on > today + dt.timedelta(days=60):
        raise DeliberationError("议事日期太远，请在两个月内")
    meeting = Deliberation(
        meeting_no=next_meeting_no(session, new.held_on.year),
        community_id=current_community(session).id,
        grid_id=grid_id,
        kind=new.kind,
        topic=_text(new.topic, "议题", 120),
        convenor=_text(new.convenor, "召集人", 60),
        held_on=new.held_on,
        place=_text(new.place, "地点", 80, required=False),
        attendees=_text(new.attendees, "参加人员", required=False),
        opinions=_text(new.opinions, "各方意见", required=False),
        decision="",
        result="",
        votes_for=0,
        votes_against=0,
        votes_abstain=0,
        recorded_by=actor,
    )
    session.add(meeting)
    session.flush()
    _audit(session, meeting, actor, "deliberation_add", DELIBERATION_KINDS[new.kind])
    return meeting


def find_meeting(session: Session, meeting_no: str, scope: Scope = WHOLE_STREET) -> Deliberation:
    """The meeting with this number; one outside ``scope`` is answered like a missing one."""
    meeting = session.scalar(
        select(Deliberation).where(Deliberation.meeting_no == (meeting_no or "").strip().upper())
    )
    if meeting is None or not scope.allows_grid(meeting.grid_id):
        raise DeliberationError(f"没有找到编号为“{meeting_no}”的议事")
    return meeting


def steps_of(session: Session, meeting: Deliberation) -> dict[str, DeliberationStep]:
    rows = session.scalars(select(DeliberationStep).where(DeliberationStep.deliberation_id == meeting.id))
    return {row.step: row for row in rows}


def next_step(session: Session, meeting: Deliberation) -> str | None:
    """The 四议两公开 step to take next, None when all six are done (or not a 四议两公开)."""
    if meeting.kind != "four_two":
        return None
    done = steps_of(session, meeting)
    return next((s for s in STEP_ORDER if s not in done), None)


def record_step(
    session: Session,
    meeting: Deliberation,
    step: str,
    *,
    done_on: dt.date,
    note: str = "",
    vote: Vote | None = None,
    result: str = "",
    actor: str,
    scope: Scope = WHOLE_STREET,
    today: dt.date,
) -> DeliberationStep:
    """Take the next step of a 四议两公开 meeting. 居民会议决议 carries the decision and its vote;
    实施结果公开 the result, and only after a decision that passed."""
    require(session, actor, "deliberation.manage")
    if not scope.allows_grid(meeting.grid_id):
        raise DeliberationError("只能记录您负责网格的议事")
    if meeting.kind != "four_two":
        raise DeliberationError("只有“四议两公开”的议事按步骤记录")
    if step not in FOUR_TWO_STEPS:
        raise DeliberationError(f"步骤须为：{'、'.join(FOUR_TWO_STEPS.values())}")
    expected = next_step(session, meeting)
    if expected is None:
        raise DeliberationError(f"议事{meeting.meeting_no}的六个步骤都已完成")
    if step != expected:
        raise DeliberationError(f"下一步应是“{FOUR_TWO_STEPS[expected]}”，不能先记录“{FOUR_TWO_STEPS[step]}”")
    done = steps_of(session, meeting)
    previous = max((s.done_on for s in done.values()), default=meeting.held_on)
    if done_on < previous:
        raise DeliberationError(f"“{FOUR_TWO_STEPS[step]}”的日期不能早于上一步（{previous.isoformat()}）")
    if done_on > today:
        raise DeliberationError("步骤日期不能晚于今天")
    if step == "resolve":
        if vote is None:
            raise DeliberationError("居民会议决议须写明决议内容和表决结果")
        _apply_vote(meeting, vote, done_on)
    if step == "publish_result":
        if (
            not meeting.decision
            or not Vote("", meeting.votes_for, meeting.votes_against, meeting.votes_abstain).passed
        ):
            raise DeliberationError("决议未获通过，没有实施结果可以公开")
        meeting.result = _text(result, "实施结果")
        meeting.result_on = done_on
    row = DeliberationStep(
        deliberation_id=meeting.id,
        step=step,
        done_on=done_on,
        note=_text(note, "步骤说明", required=False),
        recorded_by=actor,
    )
    session.add(row)
    meeting.version = (meeting.version or 0) + 1
    session.flush()
    _audit(session, meeting, actor, "deliberation_step", FOUR_TWO_STEPS[step])
    return row


def _apply_vote(meeting: Deliberation, vote: Vote, day: dt.date) -> None:
    decision = _text(vote.decision, "决议内容")
    counts = (vote.votes_for, vote.votes_against, vote.votes_abstain)
    if any(c < 0 for c in counts):
        raise DeliberationError("表决票数不能为负数")
    if sum(counts) == 0:
        raise DeliberationError("请填写表决票数（同意、反对、弃权）")
    meeting.decision = decision
    meeting.votes_for, meeting.votes_against, meeting.votes_abstain = counts
    meeting.decided_on = day


def decide(
    session: Session,
    meeting: Deliberation,
    vote: Vote,
    *,
    decided_on: dt.date,
    actor: str,
    scope: Scope = WHOLE_STREET,
    today: dt.date,
) -> Deliberation:
    """The decision and its vote; for a 四议两公开 meeting this is its 居民会议决议 step."""
    if meeting.kind == "four_two":
        record_step(
            session, meeting, "resolve", done_on=decided_on, vote=vote, actor=actor, scope=scope, today=today
        )
        return meeting
    require(session, actor, "deliberation.manage")
    if not scope.allows_grid(meeting.grid_id):
        raise DeliberationError("只能记录您负责网格的议事")
    if decided_on < meeting.held_on or decided_on > today:
        raise DeliberationError("决议日期应在议事日期和今天之间")
    _apply_vote(meeting, vote, decided_on)
    meeting.version = (meeting.version or 0) + 1
    _audit(session, meeting, actor, "deliberation_decide", f"同意{vote.votes_for}票")
    return meeting


def record_result(
    session: Session,
    meeting: Deliberation,
    result: str,
    *,
    result_on: dt.date,
    actor: str,
    scope: Scope = WHOLE_STREET,
    today: dt.date,
) -> Deliberation:
    """What came of the decision; for a 四议两公开 meeting this is its 实施结果公开 step."""
    if meeting.kind == "four_two":
        record_step(
            session,
            meeting,
            "publish_result",
            done_on=result_on,
            result=result,
            actor=actor,
            scope=scope,
            today=today,
        )
        return meeting
    require(session, actor, "deliberation.manage")
    if not scope.allows_grid(meeting.grid_id):
        raise DeliberationError("只能记录您负责网格的议事")
    if meeting.decided_on is None:
        raise DeliberationError("请先记录决议，再记录实施结果")
    if result_on < meeting.decided_on or result_on > today:
        raise DeliberationError("实施结果的日期应在决议日期和今天之间")
    meeting.result = _text(result, "实施结果")
    meeting.result_on = result_on
    meeting.version = (meeting.version or 0) + 1
    _audit(session, meeting, actor, "deliberation_result", "")
    return meeting


def link(
    session: Session,
    meeting: Deliberation,
    *,
    case_no: str = "",
    wish_no: str = "",
    joint: bool = False,
    actor: str,
    scope: Scope = WHOLE_STREET,
) -> DeliberationLink:
    """Link the case or the wish the meeting answers. ``joint``: the case is sent here for joint
    handling (共商共办): it is marked 联办 with the meeting's number in its own history."""
    require(session, actor, "deliberation.manage")
    if bool(case_no.strip()) == bool(wish_no.strip()):
        raise DeliberationError("请给出一个办件编号或一个心愿编号")
    if joint and not case_no.strip():
        raise DeliberationError("共商共办只适用于办件")
    resident = None
    if case_no.strip():
        case = get_case(session, case_no.strip(), scope)
        if case is None:
            raise DeliberationError(f"没有找到编号为“{case_no}”的办件")
        target = {"case_id": case.id}
        what = f"办件{case.case_no}"
        resident = session.get(Resident, case.resident_id) if case.resident_id else None
    else:
        try:
            wish = find_wish(session, wish_no, scope)
        except WishError as exc:
            raise DeliberationError(str(exc)) from None
        target = {"wish_id": wish.id}
        what = f"心愿{wish.wish_no}"
        resident = wish.resident
    existing = session.scalar(select(DeliberationLink).filter_by(deliberation_id=meeting.id, **target))
    if existing is not None and (existing.joint or not joint):
        raise DeliberationError(f"{what}已关联到议事{meeting.meeting_no}")
    if joint:
        try:
            set_mode(
                case,
                "joint",
                actor=actor,
                note=f"共商共办：提交{DELIBERATION_KINDS[meeting.kind]}议事（{meeting.meeting_no}）",
            )
        except WorkflowError as exc:
            raise DeliberationError(str(exc)) from None
    row = existing or DeliberationLink(deliberation_id=meeting.id, joint=False, **target)
    row.joint = row.joint or joint
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="deliberation_link",
        resident=resident,
        subject=meeting.meeting_no if resident is None else "",
        purpose="议事",
        detail=f"{meeting.meeting_no} {what}{'（共商共办）' if joint else ''}",
    )
    return row


def _audit(session: Session, meeting: Deliberation, actor: str, action: str, detail: str) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        subject=meeting.meeting_no,
        purpose="议事",
        detail=f"{meeting.topic[:60]} {detail}".strip(),
    )
