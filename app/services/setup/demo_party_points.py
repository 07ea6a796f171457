"""The demo street's 党员积分: a full previous year and this year of party life (a 主题党日 each
month and a 党员大会 each quarter, with who came, who asked for leave and who stayed away), the
wishes party members fulfilled linked to members by name, a few points given by hand with reason
and approver, and the previous year's grades decided by every branch, so the 积分 screen, the
ranking and the 评定表 show a year the way a branch would have left it."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import (
    MeetingAttendance,
    PartyMeeting,
    PartyMember,
    PartyMemberGrade,
    PartyOrganisation,
    PartyPointEntry,
    Wish,
)
from app.services.admin.scope import WHOLE_STREET
from app.services.party.point_grades import GRADE_BY_NAME, rank_branch
from app.services.party.point_rules import load_point_rules

APPROVER = "houtai"  # the demo's back-office account (app.services.setup.demo_accounts)
LEAVE = ("出差", "生病住院", "照顾家人", "外出务工", "单位值班")
ENTRIES = (
    (5.0, "参与汛期防汛值守，表现突出"),
    (3.0, "带头参与老旧小区改造意见征集"),
    (4.0, "协助调解邻里纠纷，获居民书面表扬"),
    (2.0, "为社区党员活动室捐赠书籍"),
    (-3.0, "楼道堆放杂物，经劝导后整改不及时"),
    (-2.0, "未按时交纳党费，经提醒后补交"),
)


def add_demo_points(session: Session, today: dt.date, seed: int = 30) -> dict[str, int]:
    rng = random.Random(seed)
    load_point_rules(session)
    first = dt.date(today.year - 1, 1, 1)
    meetings = _meetings(session, rng, first, today)
    marks = _attendance(session, rng, first, today)
    wishes = _link_wishes(session, rng)
    entries = _entries(session, rng, first, today)
    grades = _grades(session, today.year - 1, rng)
    return {
        "party_meetings_added": meetings,
        "attendance": marks,
        "wishes_linked": wishes,
        "point_entries": entries,
        "grades": grades,
    }


def _months(first: dt.date, today: dt.date):
    month = first
    while month < today.replace(day=1):
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def _meetings(session: Session, rng: random.Random, first: dt.date, today: dt.date) -> int:
    """A 主题党日 in every month that has none yet (the months before the street's own year of
    meetings) and a 党员大会 at the end of each quarter."""
    branches = session.scalars(
        select(PartyOrganisation.id)
        .where(PartyOrganisation.level == "grid_branch")
        .order_by(PartyOrganisation.id)
    ).all()
    earliest = session.scalar(select(PartyMeeting.held_on).order_by(PartyMeeting.held_on).limit(1)) or today
    added = 0
    for month in _months(first, today):
        for branch_id in branches:
            if month < earliest.replace(day=1):
                session.add(
                    PartyMeeting(
                        branch_id=branch_id,
                        kind="theme_day",
                        held_on=month.replace(day=rng.randint(3, 25)),
                        place="社区党群服务中心会议室",
                        topic=rng.choice(
                            ("重温入党誓词", "学习《中国共产党章程》", "开展网格环境整治志愿服务")
                        ),
                        held=True,
                        minutes="支部书记主持，党员交流学习体会。",
                    )
                )
                added += 1
            if month.month in (3, 6, 9, 12):
                session.add(
                    PartyMeeting(
                        branch_id=branch_id,
                        kind="general",
                        held_on=month.replace(day=rng.randint(20, 28)),
                        place="社区党群服务中心会议室",
                        topic=f"{month.year}年第{month.month // 3}季度支部党员大会",
                        held=True,
                        minutes="通报本季度支部工作，讨论下季度为民服务事项。",
                    )
                )
                added += 1
    session.flush()
    return added


def _attendance(session: Session, rng: random.Random, first: dt.date, today: dt.date) -> int:
    """Each registered member comes as often as their own habit says: most nearly always, a few
    seldom; an absence is usually leave asked for, sometimes not."""
    members = session.execute(
        select(PartyMember.id, PartyMember.branch_id, PartyMember.kind, PartyMember.joined_on).order_by(
            PartyMember.id
        )
    ).all()
    by_branch: dict[int, list] = defaultdict(list)
    habit: dict[int, float] = {}
    for member in members:
        if member.kind == "in_service":
            continue
        by_branch[member.branch_id].append(member)
        habit[member.id] = rng.choice((0.97, 0.95, 0.92, 0.9, 0.85, 0.8, 0.7, 0.5))
    meetings = session.execute(
        select(PartyMeeting.id, PartyMeeting.branch_id, PartyMeeting.held_on)
        .where(
            PartyMeeting.held.is_(True),
            PartyMeeting.kind.in_(("theme_day", "general")),
            PartyMeeting.held_on >= first,
            PartyMeeting.held_on < today,
        )
        .order_by(PartyMeeting.id)
    ).all()
    signed_in = set(session.scalars(select(MeetingAttendance.meeting_id).distinct()))  # demo_party's
    rows = []
    for meeting_id, branch_id, held_on in meetings:
        if meeting_id in signed_in:
            continue
        for member in by_branch.get(branch_id, []):
            if member.joined_on is not None and member.joined_on > held_on:
                continue
            roll = rng.random()
            if roll < habit[member.id]:
                rows.append((meeting_id, member.id, True, ""))
            elif roll < habit[member.id] + (1 - habit[member.id]) * 0.7:
                rows.append((meeting_id, member.id, False, rng.choice(LEAVE)))
            elif rng.random() < 0.5:
                rows.append((meeting_id, member.id, False, "无故缺席"))
            # else: not marked at all, which counts as unexcused too
    if rows:
        session.execute(
            insert(MeetingAttendance.__table__),
            [{"meeting_id": m, "member_id": p, "present": ok, "absence_reason": r} for m, p, ok, r in rows],
        )
    return len(rows)


def _link_wishes(session: Session, rng: random.Random) -> int:
    """The demo's wishes name made-up claimers; those claimed by 党员 are given to members of the
    wish's community, as the desk would have written their names."""
    names: dict[int, list[str]] = defaultdict(list)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for name, community_id in session.execute(
        select(PartyMember.name, PartyOrganisation.community_id)
        .join(PartyOrganisation, PartyOrganisation.id == PartyMember.branch_id)
        .order_by(PartyMember.id)
    ):
        counts[(community_id, name)] += 1
        names[community_id].append(name)
    linked = 0
    for wish in session.scalars(select(Wish).where(Wish.claimer_kind == "党员").order_by(Wish.id)):
        unique = [n for n in names.get(wish.community_id, []) if counts[(wish.community_id, n)] == 1]
        if unique:
            wish.claimer_name = rng.choice(unique[: max(12, len(unique) // 4)])  # some members claim often
            linked += 1
    session.flush()
    return linked


def _entries(session: Session, rng: random.Random, first: dt.date, today: dt.date) -> int:
    ids = session.scalars(select(PartyMember.id).order_by(PartyMember.id)).all()
    chosen = rng.sample(ids, max(1, len(ids) // 8)) if ids else []
    span = (today - first).days
    entries = []
    for member_id in chosen:
        points, reason = rng.choice(ENTRIES)
        entries.append(
            PartyPointEntry(
                member_id=member_id,
                entered_on=first + dt.timedelta(days=rng.randint(0, span - 1)),
                points=points,
                reason=reason,
                approved_by=APPROVER,
                recorded_by=APPROVER,
            )
        )
    if entries:  # one was typed for the wrong member and withdrawn a day later: kept, not counted
        wrong = entries[0]
        wrong.withdrawn_on = min(wrong.entered_on + dt.timedelta(days=1), today)
        wrong.withdrawn_by, wrong.withdraw_approved_by = APPROVER, APPROVER
        wrong.withdraw_reason = "录入时选错了党员"
    session.add_all(entries)
    session.flush()
    return len(chosen)


def _grades(session: Session, year: int, rng: random.Random) -> int:
    """Every branch decided last year: mostly as proposed, now and then a grade better or worse
    than the figures, with the branch's reason."""
    branches = session.scalars(
        select(PartyOrganisation.id)
        .where(PartyOrganisation.level == "grid_branch")
        .order_by(PartyOrganisation.id)
    ).all()
    written = 0
    for branch_id in branches:
        for row in rank_branch(session, branch_id, year, scope=WHOLE_STREET).rows:
            if not row.proposed:
                continue  # an in-service member with no record that year: left to their unit
            code, note = GRADE_BY_NAME[row.proposed], ""
            if code == "qualified" and rng.random() < 0.04:
                code, note = "excellent", "抗洪抢险中表现突出，支部党员大会一致推荐"
            elif code in ("basic", "unqualified"):
                note = "经支部党员大会评议，组织生活参加较少，支部书记已谈心谈话"
            session.add(
                PartyMemberGrade(
                    member_id=row.member_id,
                    year=year,
                    grade=code,
                    proposed=GRADE_BY_NAME[row.proposed],
                    points=row.points,
                    note=note,
                    decided_by=APPROVER,
                    decided_on=dt.date(year + 1, 1, rng.randint(10, 25)),
                )
            )
            written += 1
    session.flush()
    return written
