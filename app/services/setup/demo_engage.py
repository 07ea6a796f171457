"""The demo street's engagement work over the past year: micro-wishes in every state, and home
visits to the residents the visiting rules name, mostly on time, with a few gone overdue. No case,
audit entry or sync row is written (tests count those of the demo). Deterministic for a seed; written in bulk."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import LIVING, Building, Community, Grid, Household, Resident, Visit, Wish
from app.services.admin.scope import WHOLE_STREET
from app.services.engage.visit_due import visit_targets

WISHES = [
    ("物品", 300, "想要一台助听器，和孙子打电话能听清"),
    ("物品", 200, "孩子上初中，想要一套课外辅导书"),
    ("服务", 0, "腿脚不便，希望有人每周陪我去一次医院取药"),
    ("物品", 150, "冬天到了，想要一床厚棉被"),
    ("服务", 0, "家里的老式灯泡坏了，想请人帮忙换成节能灯"),
    ("物品", 260, "想给小孙女买一个新书包和文具"),
    ("服务", 0, "想学用智能手机视频通话，和外地的女儿见见面"),
    ("物品", 120, "想要一个电热水壶，旧的漏电了"),
    ("服务", 0, "希望有人帮忙理一次发，出门不方便"),
    ("物品", 400, "想要一辆轮椅，方便下楼晒太阳"),
    ("物品", 80, "想要几本大字版的书和一副老花镜"),
    ("服务", 0, "家里下水道常堵，想请师傅看一看"),
    ("物品", 180, "孩子喜欢画画，想要一套画笔和画板"),
    ("其他", 0, "想参加一次社区组织的春游，看看新区的变化"),
    ("物品", 500, "想要一台小冰箱，夏天剩饭菜放不住"),
]
UNITS = [
    "铜川市人民医院党总支",
    "王益区税务局机关党支部",
    "中国银行王益支行",
    "国网铜川供电公司",
    "区实验小学党支部",
]
VOLUNTEERS = ["王益区青年志愿者协会", "红马甲志愿服务队", "社区巾帼志愿队"]
NOTES = ["已送到家中，老人很高兴", "志愿者上门服务两小时", "已按心愿购置并送达", "联系医院安排了定期陪诊"]
FOUND = [
    "身体状况良好，家中整洁",
    "老人血压偏高，已提醒按时服药",
    "家中燃气灶软管老化，已提醒更换",
    "情绪稳定，子女每周来看望",
]
NAMES = ["张建军", "李秀英", "王丽娟", "刘志强", "陈桂兰", "杨国庆", "赵红梅", "黄伟", "周海燕", "吴建华"]


def add_demo_engagement(
    session: Session, today: dt.date, seed: int, visitors: dict[int, str]
) -> tuple[int, int]:
    """Wishes and visits of the past year; ``visitors``: grid id -> who visits there."""
    rng = random.Random(seed * 31 + 7)
    session.flush()
    community_id = session.scalar(select(Community.id).order_by(Community.id).limit(1))
    people = session.execute(
        select(Resident.id, Building.grid_id)
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(Resident.state == LIVING)
        .order_by(Resident.id)
    ).all()
    wishes = _wishes(rng, today, community_id, people)
    session.execute(insert(Wish.__table__), wishes)
    visits = _visits(rng, session, today, visitors)
    if visits:
        session.execute(insert(Visit.__table__), visits)
    return len(wishes), len(visits)


def _wishes(rng: random.Random, today: dt.date, community_id: int, people: list) -> list[dict]:
    rows = []
    count = 120
    for index in range(count):
        posted = today - dt.timedelta(days=int(360 * (count - index) / count) + rng.randint(0, 3))
        rid, grid_id = rng.choice(people)
        kind, budget, content = rng.choice(WISHES)
        age = (today - posted).days
        roll = rng.random()
        if age < 10:
            status = "pending" if roll < 0.6 else "published"
        elif age < 40:
            status = "published" if roll < 0.4 else "claimed"
        else:
            status = "fulfilled" if roll < 0.82 else ("withdrawn" if roll < 0.9 else "failed")
        claimed = status in ("claimed", "fulfilled")
        claimer_kind = rng.choice(["党员", "志愿者", "共建单位"]) if claimed else ""
        claimer_name = {
            "党员": rng.choice(NAMES),
            "志愿者": rng.choice(VOLUNTEERS),
            "共建单位": rng.choice(UNITS),
        }.get(claimer_kind, "")
        fulfilled = status == "fulfilled"
        rating = rng.choice([5, 5, 5, 4, 4, 3]) if fulfilled and rng.random() < 0.85 else 0
        rows.append(
            {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "version": 1,
                "wish_no": f"XY{posted.year}-{index + 1:04d}",
                "community_id": community_id,
                "grid_id": grid_id,
                "resident_id": rid,
                "content": content,
                "kind": kind,
                "budget_yuan": budget,
                "deadline": posted + dt.timedelta(days=60),
                "photo": None,
                "channel": rng.choice(["desk", "desk", "kiosk", "grid"]),
                "posted_by": "demo",
                "posted_on": posted,
                "status": status,
                "reviewed_by": "demo" if status != "pending" else "",
                "claimer_kind": claimer_kind,
                "claimer_name": claimer_name,
                "claimer_phone": "",
                "claimed_on": posted + dt.timedelta(days=rng.randint(3, 9)) if claimed else None,
                "fulfilled_on": posted + dt.timedelta(days=rng.randint(12, 30)) if fulfilled else None,
                "fulfil_note": rng.choice(NOTES) if fulfilled else "",
                "fulfil_photo": None,
                "confirmed": bool(rating),
                "rating": rating,
                "end_reason": {
                    "withdrawn": "心愿人家属已自行解决",
                    "failed": "超出微心愿范围，已转民政救助",
                }.get(status, ""),
            }
        )
    # the numbers run per year: renumber each year's wishes from 1
    by_year: dict[int, int] = {}
    for row in rows:
        year = row["posted_on"].year
        by_year[year] = by_year.get(year, 0) + 1
        row["wish_no"] = f"XY{year}-{by_year[year]:04d}"
    return rows


def _visits(rng: random.Random, session: Session, today: dt.date, visitors: dict[int, str]) -> list[dict]:
    """A year of visits to everyone a rule names; one in twelve falls behind lately (overdue)."""
    rows = []
    for target in visit_targets(session, WHOLE_STREET, today).values():
        behind = rng.random() < 1 / 12
        stop = today - dt.timedelta(days=target.every_days + rng.randint(3, 20)) if behind else today
        day = today - dt.timedelta(days=365 - rng.randint(0, target.every_days))
        while day <= stop:
            whole = target.household_id is not None and rng.random() < 0.3
            rows.append(
                {
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "version": 1,
                    "grid_id": target.grid_id,
                    "resident_id": None if whole else target.resident_id,
                    "household_id": target.household_id,
                    "visitor": visitors.get(target.grid_id, "网格员"),
                    "visited_on": day,
                    "way": rng.choice(["入户", "入户", "入户", "电话", "微信"]),
                    "found": rng.choice(FOUND),
                    "photo": None,
                    "case_id": None,
                    "recorded_by": visitors.get(target.grid_id, "demo"),
                    "recorded_at": dt.datetime.combine(day, dt.time(10, 0)),
                }
            )
            day += dt.timedelta(days=max(1, target.every_days - rng.randint(0, 2)))
    return rows


def demo_visitors(session: Session, first_grids: int, worker: str) -> dict[int, str]:
    """Who visits in each grid: the demo grid worker in the first grids, else the grid's leader."""
    from app.models import GridStaff
    from app.models.staff import GRID_LEADER

    grids = list(session.scalars(select(Grid.id).order_by(Grid.code)))
    leaders = dict(
        session.execute(select(GridStaff.grid_id, GridStaff.name).where(GridStaff.role == GRID_LEADER)).all()
    )
    return {gid: worker if i < first_grids else leaders.get(gid, "网格员") for i, gid in enumerate(grids)}
