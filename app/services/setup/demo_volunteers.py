"""The demo street's volunteer service: four teams per community (巡防队 and 环境整治队 for a
grid, 助老队 and 文明劝导队 for the whole community), volunteers drawn from party members and
other adults with two people from outside per community, a year of activities with sign-ins and
sign-outs counted by the rule (a few forgotten sign-outs, one corrected), today's activities open
for signing in and the next fortnight's planned. The example resident of the README patrols."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Attendance,
    Community,
    Grid,
    Resident,
    Tag,
    TeamMembership,
    Volunteer,
    VolunteerActivity,
    VolunteerTeam,
)
from app.services.common.idcard import mask
from app.services.kiosk.audit_key import keyed_hash
from app.services.party.members import PARTY_TAG
from app.services.volunteers.attendance import counted_hours

# kind, name, grid team?, every how many days, (title, place, start hour, minutes long)
TEAMS = (
    ("patrol", "平安巡防队", True, 7, ("夜间治安巡逻", "小区各出入口", 19, 120)),
    ("elderly", "助老服务队", False, 14, ("独居老人上门探访", "社区日间照料中心", 9, 150)),
    ("environment", "环境整治队", True, 14, ("楼道杂物清理", "网格内各楼栋", 8, 150)),
    ("civility", "文明劝导队", False, 21, ("文明交通劝导", "小区主路口", 16, 90)),
)
SKILLS = ("", "", "医护", "维修", "书法", "驾驶", "法律咨询", "心理疏导", "理发")
EXAMPLE = "610202197509180016"  # demo_street.EXAMPLE_ID_NUMBER, the README's resident


def add_demo_volunteers(session: Session, today: dt.date, seed: int = 28) -> int:
    """Write the volunteer demo; returns how many attendances were written."""
    from app.services.setup.demo_people import PeopleFactory

    rng = random.Random(seed)
    people = PeopleFactory(rng, today)
    written = 0
    for community in session.scalars(select(Community).order_by(Community.code)):
        grids = list(
            session.scalars(select(Grid).where(Grid.community_id == community.id).order_by(Grid.code))
        )
        adults = session.execute(
            select(Resident.id, Resident.name, Resident.id_number, Resident.phone, Resident.grid_id)
            .where(Resident.grid_id.in_([g.id for g in grids]), Resident.state == "living")
            .where(Resident.birth_date <= dt.date(today.year - 18, today.month, min(today.day, 28)))
            .where(Resident.birth_date >= dt.date(today.year - 72, today.month, min(today.day, 28)))
            .order_by(Resident.id)
        ).all()
        if not grids or not adults:
            continue
        members = {
            rid
            for (rid,) in session.execute(
                select(Resident.id).where(
                    Resident.grid_id.in_([g.id for g in grids]), Resident.tags.any(Tag.code == PARTY_TAG)
                )
            )
        }
        # Party members first, then the others, shuffled: volunteers are often members.
        pool = [a for a in adults if a.id_number == EXAMPLE]
        pool += [a for a in adults if a.id in members and a.id_number != EXAMPLE]
        others = [a for a in adults if a.id not in members and a.id_number != EXAMPLE]
        pool += rng.sample(others, min(len(others), 60))
        volunteers = _volunteers(session, community, pool[: max(16, len(pool) // 2)], people, rng, today)
        for index, (kind, name, for_grid, every, pattern) in enumerate(TEAMS):
            grid = grids[index % len(grids)] if for_grid else None
            team = VolunteerTeam(
                community_id=community.id,
                grid_id=grid.id if grid else None,
                name=f"{grid.name}{name}" if grid else f"{community.name}{name}",
                kind=kind,
                leader=rng.choice(volunteers).name,
                leader_phone=people.phone(),
            )
            session.add(team)
            session.flush()
            crew = rng.sample(volunteers, min(len(volunteers), rng.randint(8, 14)))
            example = next((v for v in volunteers if v.id_masked == mask(EXAMPLE)), None)
            if kind == "patrol" and example is not None and example not in crew:
                crew.append(example)
            for v in crew:
                session.add(TeamMembership(team_id=team.id, volunteer_id=v.id, joined_on=v.joined_on))
            written += _activities(session, team, crew, every, pattern, rng, today)
    session.flush()
    return written


def _volunteers(session, community, pool, people, rng, today) -> list[Volunteer]:
    found = []
    for row in pool:
        found.append(
            Volunteer(
                community_id=community.id,
                resident_id=row.id,
                name=row.name,
                id_masked=mask(row.id_number),
                id_key=keyed_hash(row.id_number),
                phone=row.phone or "",
                skills=rng.choice(SKILLS),
                joined_on=today - dt.timedelta(days=rng.randint(380, 2000)),
            )
        )
    for _ in range(2):  # people from outside the street: masked number and keyed hash only
        sex = rng.choice(["male", "female"])
        number = people.id_number(
            "610203", dt.date(rng.randint(1965, 2004), rng.randint(1, 12), rng.randint(1, 28)), sex
        )
        if session.scalar(select(Resident.id).where(Resident.id_number == number)):
            continue
        found.append(
            Volunteer(
                community_id=community.id,
                name=people.name(sex),
                id_masked=mask(number),
                id_key=keyed_hash(number),
                phone=people.phone(),
                skills=rng.choice(SKILLS),
                joined_on=today - dt.timedelta(days=rng.randint(380, 900)),
            )
        )
    session.add_all(found)
    session.flush()
    return found


def _activities(session, team, crew, every, pattern, rng, today) -> int:
    title, place, hour, minutes = pattern
    written = 0
    day = today - dt.timedelta(days=364 - rng.randint(0, every - 1))
    while day <= today + dt.timedelta(days=14):  # a year back and the next fortnight planned
        starts = dt.datetime.combine(day, dt.time(hour))
        ends = starts + dt.timedelta(minutes=minutes)
        past = day < today
        activity = VolunteerActivity(
            team_id=team.id,
            title=title,
            place=place,
            starts_at=starts,
            ends_at=ends,
            status="held" if past else "planned",
            created_by="demo",
        )
        if past and rng.random() < 0.03:
            activity.status = "cancelled"
        session.add(activity)
        session.flush()
        if activity.status == "held":
            for v in rng.sample(crew, min(len(crew), rng.randint(3, 7))):
                session.add(_attendance(activity, v, starts, ends, rng))
                written += 1
        day += dt.timedelta(days=every)
    # Today is the community's volunteer day: every team takes a turn at the centre, so that the
    # desk and the kiosk have an activity open for signing in whenever the demo is tried.
    session.add(
        VolunteerActivity(
            team_id=team.id,
            title="社区志愿服务日值守",
            place="社区党群服务中心",
            starts_at=dt.datetime.combine(today, dt.time(8, 30)),
            ends_at=dt.datetime.combine(today, dt.time(17, 30)),
            status="planned",
            created_by="demo",
        )
    )
    return written


def _attendance(activity, volunteer, starts, ends, rng) -> Attendance:
    signed_in = starts + dt.timedelta(minutes=rng.randint(-25, 12))
    forgot = rng.random() < 0.04
    signed_out = None if forgot else ends + dt.timedelta(minutes=rng.randint(-35, 20))
    hours = counted_hours(signed_in, signed_out, starts, ends) if signed_out else 0.0
    attendance = Attendance(
        activity_id=activity.id,
        volunteer_id=volunteer.id,
        signed_in_at=signed_in,
        signed_out_at=signed_out,
        computed_hours=hours,
        hours=hours,
        channel=rng.choice(["desk", "kiosk", "kiosk"]),
        signed_by="kiosk",
    )
    if forgot and rng.random() < 0.5:  # the team leader vouched; the office approved
        attendance.hours = (ends - starts).total_seconds() / 3600
        attendance.correction_reason = "忘记签退，服务队队长证明全程参加"
        attendance.corrected_by = "houtai"
        attendance.corrected_at = ends + dt.timedelta(days=1)
    return attendance
