"""The demo street's party register: every resident carrying the 党员 tag becomes a member of
their grid's branch, with plausible dates; a few are on probation or floating."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Building,
    Household,
    MeetingAttendance,
    PartyMeeting,
    PartyMember,
    PartyOrganisation,
    ReportInService,
    Resident,
    Tag,
)
from app.services.common.idcard import mask
from app.services.party.members import PARTY_TAG


def add_demo_members(session: Session, today: dt.date, seed: int = 16) -> int:
    rng = random.Random(seed)
    branches = dict(
        session.execute(
            select(PartyOrganisation.grid_id, PartyOrganisation.id).where(
                PartyOrganisation.level == "grid_branch"
            )
        ).all()
    )
    rows = session.execute(
        select(Resident.id, Resident.name, Resident.id_number, Building.grid_id)
        .join(Household, Resident.household_id == Household.id)
        .join(Building, Household.building_id == Building.id)
        .where(Resident.tags.any(Tag.code == PARTY_TAG))
        .order_by(Resident.id)
    ).all()
    added = 0
    for resident_id, name, id_number, grid_id in rows:
        branch_id = branches.get(grid_id)
        if branch_id is None:
            continue
        joined = today - dt.timedelta(days=rng.randint(200, 365 * 40))
        probation = rng.random() < 0.05
        session.add(
            PartyMember(
                resident_id=resident_id,
                name=name,
                id_masked=mask(id_number),
                branch_id=branch_id,
                status="probation" if probation else "full",
                kind="floating" if rng.random() < 0.04 else "registered",
                joined_on=joined,
                full_on=None if probation else joined + dt.timedelta(days=365),
            )
        )
        added += 1
    session.flush()
    return added


DEMO_UNITS = ("区税务局", "区教育局", "区人民医院", "区市场监督管理局", "铜川市第一中学", "王益区住建局")
DEMO_SERVICES = {
    "楼栋长助理": "协助楼栋长入户走访、更新楼栋信息",
    "文明劝导": "劝导楼道堆物和车辆乱停乱放",
    "助老": "为独居老人代购生活用品并陪同聊天",
    "政策宣讲": "在居民小组会上宣讲医保、养老政策",
    "环境整治": "参加小区卫生死角清理",
}


def add_demo_report_in(session: Session, today: dt.date, seed: int = 61) -> int:
    """Two in-service members from outside per community, each with services over the last
    twelve months; returns how many services were written."""
    from app.services.setup.demo_people import PeopleFactory

    rng = random.Random(seed)
    people = PeopleFactory(rng, today)
    branches = session.execute(
        select(PartyOrganisation.id, PartyOrganisation.community_id)
        .where(PartyOrganisation.level == "grid_branch")
        .order_by(PartyOrganisation.community_id, PartyOrganisation.sort_order)
    ).all()
    first_branches: dict[int, int] = {}
    for branch_id, community_id in branches:
        first_branches.setdefault(community_id, branch_id)
    written = 0
    for index, branch_id in enumerate(first_branches.values()):
        for extra in range(2):
            sex = rng.choice(["male", "female"])
            born = dt.date(rng.randint(1970, 1995), rng.randint(1, 12), rng.randint(1, 28))
            member = PartyMember(
                name=people.name(sex),
                id_masked=mask(people.id_number("610203", born, sex)),
                branch_id=branch_id,
                status="full",
                kind="in_service",
                unit_name=DEMO_UNITS[(index * 2 + extra) % len(DEMO_UNITS)],
                phone=people.phone(),
            )
            session.add(member)
            session.flush()
            posts = rng.sample(sorted(DEMO_SERVICES), 2)
            for _ in range(rng.randint(4, 9)):
                post = rng.choice(posts)
                session.add(
                    ReportInService(
                        member_id=member.id,
                        served_on=today - dt.timedelta(days=rng.randint(1, 360)),
                        post=post,
                        hours=rng.choice([1.0, 1.5, 2.0, 3.0]),
                        content=DEMO_SERVICES[post],
                        confirmed_by="网格长",
                    )
                )
                written += 1
    session.flush()
    return written


DEMO_TOPICS = (
    "学习党的二十届三中全会精神",
    "开展“我为群众办实事”主题党日",
    "学习《中国共产党章程》",
    "讨论老旧小区改造意见征集",
    "开展网格环境整治志愿服务",
    "重温入党誓词",
)


ABSENCE_REASONS = ("外出务工", "生病住院", "出差", "照顾家人", "年老行动不便")


def add_demo_meetings(session: Session, today: dt.date, seed: int = 4) -> int:
    """A 主题党日 in each of the last twelve months for every branch, and a 支委会 every quarter,
    hosted by the branch's secretary; the last three months' meetings have their sign-in (most by
    card, some ticked, a few absent with a reason), next month's 主题党日 is planned, and so is a
    党课 today in every fourth branch, which its members can check in to at the kiosk. The first
    branch of the street holds none last month, so the warning has something to show."""
    rng = random.Random(seed)
    branches = session.execute(
        select(PartyOrganisation.id, PartyOrganisation.leader_name)
        .where(PartyOrganisation.level == "grid_branch")
        .order_by(PartyOrganisation.community_id, PartyOrganisation.sort_order)
    ).all()
    roll: dict[int, list[int]] = {}
    for member_id, branch_id in session.execute(
        select(PartyMember.id, PartyMember.branch_id).order_by(PartyMember.id)
    ):
        roll.setdefault(branch_id, []).append(member_id)
    month = today.replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    written = 0
    for branch_id, leader in branches:
        session.add(
            PartyMeeting(
                branch_id=branch_id,
                kind="theme_day",
                held_on=following.replace(day=rng.randint(5, 20)),
                place="社区党群服务中心会议室",
                topic=rng.choice(DEMO_TOPICS),
                held=False,
                host=leader or "支部书记",
            )
        )
    for back in range(1, 13):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        for order, (branch_id, leader) in enumerate(branches):
            if back == 1 and order == 0:
                continue  # the branch that missed last month's meeting
            kinds = ["theme_day", "committee"] if month.month % 3 == 0 else ["theme_day"]
            for kind in kinds:
                meeting = PartyMeeting(
                    branch_id=branch_id,
                    kind=kind,
                    held_on=month.replace(day=rng.randint(3, 25)),
                    place="社区党群服务中心会议室",
                    topic=rng.choice(DEMO_TOPICS) if kind == "theme_day" else "研究本季度支部工作",
                    held=True,
                    minutes="会议由支部书记主持，传达学习有关精神，党员交流发言。",
                    decisions="按网格分工落实本月为民服务事项。",
                    host=leader or "支部书记",
                    recorder="支部组织委员",
                )
                session.add(meeting)
                written += 1
                if back <= 3 and kind == "theme_day":
                    session.flush()
                    _demo_sign_in(session, rng, meeting.id, roll.get(branch_id, []))
    for branch_id, leader in branches[::4]:  # a few branches, as on a real day
        session.add(
            PartyMeeting(
                branch_id=branch_id,
                kind="lecture",
                held_on=today,
                place="社区党群服务中心会议室",
                topic="学习《中国共产党章程》",
                held=False,
                host=leader or "支部书记",
            )
        )
    session.flush()
    return written


def _demo_sign_in(session: Session, rng: random.Random, meeting_id: int, members: list[int]) -> None:
    for member_id in members:
        chance = rng.random()
        absent = chance < 0.12
        session.add(
            MeetingAttendance(
                meeting_id=meeting_id,
                member_id=member_id,
                present=not absent,
                absence_reason=rng.choice(ABSENCE_REASONS) if absent else "",
                how="" if absent else ("tick" if chance > 0.8 else "card"),
            )
        )


def add_demo_party(session: Session, today: dt.date) -> None:
    add_demo_members(session, today)
    add_demo_report_in(session, today)
    add_demo_meetings(session, today)
