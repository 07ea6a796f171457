"""A year of cases for the demo street, so that every report shows real-looking figures.

Each case is written as the desk's use cases would leave it (app/services/cases/intake.py and
workflow.py): the same statuses, events with from/to statuses, due dates counted in working days
from the acceptance day, case numbers per community and day with their counters, a version moved
once per event, an unsatisfied rating reopening the case. Rows go in with bulk inserts, so a year
of a few thousand cases takes well under a second. Deterministic for a seed and a day.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.models import LIVING, Building, Case, CaseEvent, CaseSequence, Household, Resident, ServiceItem
from app.services.admin.centre import current_community
from app.services.cases.numbers import format_case_no
from app.services.cases.workflow import EVALUATIONS, UNSATISFIED
from app.services.common.workdays import WorkCalendar
from app.services.setup.demo_case_story import CaseStory, Step, tell

DAYS = 365
CASES_PER_RESIDENT = 0.25  # 12,000 residents: about 3,000 cases a year
MIN_CASES = 1_200  # a small street still shows every kind of figure each month
CHANNELS = [("window", 55), ("kiosk", 15), ("hotline", 15), ("grid", 15)]
HOTLINE_TOPICS = ["环境卫生", "噪音扰民", "物业服务", "供暖供水", "道路设施", "市场监管"]
GRID_TOPICS = ["环境卫生", "安全隐患", "矛盾纠纷", "违章搭建", "设施损坏"]
KIOSK_TOPICS = ["环境卫生", "邻里纠纷", "政策咨询", "设施维修"]


@dataclass(frozen=True, slots=True)
class DemoCases:
    cases: int
    events: int

    def as_dict(self) -> dict[str, int]:
        return {"cases": self.cases, "case_events": self.events}


def add_demo_cases(session: Session, *, seed: int, today: dt.date, residents: int) -> DemoCases:
    """Write about a year of cases ending ``today`` into the demo street (the caller commits)."""
    session.flush()
    rng = random.Random(seed * 7919 + 15)
    community = current_community(session)
    calendar = WorkCalendar.load(session)
    people = session.execute(
        select(
            Resident.id,
            Resident.name,
            Resident.id_number,
            Resident.phone,
            Resident.current_address,
            Building.grid_id,
        )
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(Resident.state == LIVING)
        .order_by(Resident.id)
    ).all()
    grids = sorted({p.grid_id for p in people})
    items = session.execute(
        select(
            ServiceItem.id,
            ServiceItem.code,
            ServiceItem.name,
            ServiceItem.promised_days,
            ServiceItem.materials,
        )
        .where(ServiceItem.active.is_(True))
        .order_by(ServiceItem.sort_order, ServiceItem.code)
    ).all()
    total = max(int(residents * CASES_PER_RESIDENT), MIN_CASES)
    stories: list[CaseStory] = []
    first_day = today - dt.timedelta(days=DAYS - 1)
    for _ in range(total):
        day = first_day + dt.timedelta(days=rng.randrange(DAYS))
        channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        if channel in ("window", "kiosk") and not calendar.is_workday(day):
            day = _next_workday(calendar, day)
            if day > today:
                continue
        stories.append(_story(rng, channel, day, people, grids, items))
    stories.sort(key=lambda s: (s.day, s.minute))
    next_id = (session.scalar(select(func.max(Case.id))) or 0) + 1
    sequences: dict[dt.date, int] = {}
    case_rows, event_rows = [], []
    for story in stories:
        sequences[story.day] = sequences.get(story.day, 0) + 1
        number = format_case_no(community.short_code, story.day, sequences[story.day])
        case, events = tell(rng, story, calendar, today, case_id=next_id, case_no=number, community=community)
        case_rows.append(case)
        event_rows.extend(events)
        next_id += 1
    if case_rows:
        session.execute(insert(Case.__table__), case_rows)
        session.execute(insert(CaseEvent.__table__), event_rows)
        session.execute(
            insert(CaseSequence.__table__),
            [
                {"community_code": community.short_code, "day": d, "last": n}
                for d, n in sorted(sequences.items())
            ],
        )
    return DemoCases(len(case_rows), len(event_rows))


def _next_workday(calendar: WorkCalendar, day: dt.date) -> dt.date:
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def _story(rng: random.Random, channel: str, day: dt.date, people, grids, items) -> CaseStory:
    person = rng.choice(people)
    if channel == "window":
        item = rng.choice(items)
        roll = rng.random()
        intake = "supplement" if roll < 0.08 else "refuse" if roll < 0.12 else "accept"
        return CaseStory(
            channel,
            day,
            rng.randrange(30, 540),
            rng.choice(["qiantai", "qiantai", "qiantai", "admin"]),
            intake,
            item.id,
            item.code,
            item.name,
            item.promised_days,
            list(item.materials or []),
            person,
            person.grid_id,
            _rating(rng),
        )
    if channel == "hotline":
        name, days, actor = (
            f"12345热线工单（{rng.choice(HOTLINE_TOPICS)}）",
            rng.choice([3, 5, 5, 7, 15]),
            "houtai",
        )
    elif channel == "kiosk":
        name, days, actor = f"群众诉求（{rng.choice(KIOSK_TOPICS)}）", 5, "kiosk"
    else:
        name, days, actor = f"网格上报（{rng.choice(GRID_TOPICS)}）", rng.choice([3, 5]), "wangge"
    grid = person.grid_id if channel != "grid" else rng.choice(grids)
    return CaseStory(
        channel,
        day,
        rng.randrange(0, 600),
        actor,
        "accept",
        None,
        "",
        name,
        days,
        [],
        person if channel != "grid" else None,
        grid,
        _rating(rng),
    )


def _rating(rng: random.Random) -> tuple[Step, ...]:
    """Whether the applicant rates it, and how; an unsatisfied first rating comes with the
    rating given after re-handling (or none, when the re-handling is still going on)."""
    if rng.random() > 0.75:
        return ()
    level = rng.choices(EVALUATIONS, [48, 30, 13, 6, 3])[0]
    if level not in UNSATISFIED:
        return (Step("evaluate", level),)
    again = rng.choices(["满意", "基本满意", "不满意", ""], [50, 25, 5, 20])[0]
    return (Step("evaluate", level), Step("evaluate", again)) if again else (Step("evaluate", level),)
