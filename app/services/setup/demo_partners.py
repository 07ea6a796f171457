"""The demo street's partner units and 议事 records: six units with agreements (the units the demo's
双报到 members named, so their members are linked), their resources, the community's needs, 双向认领
projects at every stage, and a year of meetings of every kind — among them a complete 四议两公开 and
one still under way — some answering the demo's wishes. Written directly, without audit entries
(tests count those of the demo); deterministic for ``today``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    FOUR_TWO_STEPS,
    Community,
    Deliberation,
    DeliberationLink,
    DeliberationStep,
    Grid,
    PartnerItem,
    PartnerProject,
    PartnerUnit,
    ProjectMilestone,
    Wish,
)
from app.services.engage.partners import link_members
from app.services.setup.demo_party import DEMO_UNITS

# name (as the 双报到 members wrote it), kind, contact, resources offered
UNITS = [
    (DEMO_UNITS[0], "机关单位", "李明", ["税务政策进社区宣讲", "志愿者每月一次入户服务"]),
    (DEMO_UNITS[1], "机关单位", "赵文", ["青少年课后托管辅导", "家庭教育讲座"]),
    (DEMO_UNITS[2], "事业单位", "孙丽", ["义诊和健康体检", "家庭医生签约服务"]),
    (DEMO_UNITS[3], "机关单位", "钱进", ["食品安全知识讲座"]),
    (DEMO_UNITS[4], "事业单位", "周静", ["周末开放篮球场", "学生志愿者助老"]),
    (DEMO_UNITS[5], "机关单位", "吴刚", ["老旧小区改造政策咨询", "房屋安全排查"]),
]
NEEDS = [
    ("3号楼前路灯损坏需维修", 0),
    ("独居老人助餐点需要志愿者", None),
    ("小区健身器材老化需更换", 5),
    ("青少年暑期托管场地", 1),
    ("居民急救知识培训", 2),
]
# unit index, need index or None (a resource taken up), title, owner, days since claimed, state
PROJECTS = [
    (0, 0, "", "李明", 200, "done"),
    (2, 4, "", "孙丽", 150, "done"),
    (1, 3, "", "赵文", 120, "active"),
    (5, 2, "", "吴刚", 60, "active"),
    (4, None, "周末开放篮球场", "周静", 90, "active"),
    (3, None, "食品安全知识讲座", "钱进", 250, "stopped"),
]
RESULTS = {
    "done": "已按计划完成，居民满意",
    "stopped": "因场地安排冲突，双方商定终止，明年再议",
}
MEETINGS = [
    # kind, days ago, topic, convenor, place, attendees, decision, for/against/abstain, result
    ("joint_hall", 300, "小区停车难问题", "社区党委书记 王强", "党群服务中心议事厅",
     "张建国（居民代表）、李秀英（居民代表）、区住建局（共建单位）、物业公司（物业）、刘洋（网格员）",
     "在小区东侧空地增设停车位40个，由物业负责施划", (18, 2, 1), "已增设停车位42个"),
    ("council", 240, "垃圾分类投放点位调整", "居委会主任 陈芳", "社区会议室",
     "王丽娟（居民代表）、刘志强（居民代表）、赵红梅（楼栋长）",
     "撤并2处投放点，增设1处定时定点投放亭", (12, 3, 0), "投放亭已建成投用"),
    ("joint_meeting", 180, "背街小巷积水治理", "社区党委书记 王强", "街道会议室",
     "区住建局（职能部门）、区市场监督管理局（职能部门）、国网铜川供电公司（共建单位）、陈桂兰（居民代表）",
     "由区住建局牵头疏通排水管网，雨季前完工", (9, 0, 0), ""),
    ("bench", 120, "楼道堆物清理", "网格员 张伟", "3号楼楼下",
     "杨国庆（居民）、黄伟（居民）、周海燕（居民）、吴建华（楼栋长）",
     "每月第一个周六集中清理楼道，党员带头", (11, 0, 1), "楼道堆物已清理完毕"),
    ("bench", 30, "小区门口流动摊贩占道", "网格员 张伟", "小区门口",
     "李秀英（居民）、王丽娟（居民）", "", (0, 0, 0), ""),
    ("council", 20, "加装电梯费用分摊办法", "居委会主任 陈芳", "社区会议室",
     "张建军（业主代表）、刘志强（业主代表）、王丽娟（业主代表）",
     "按楼层系数分摊，一楼住户不分摊", (8, 5, 2), ""),
]  # fmt: skip
FOUR_TWO = [
    # topic, days ago of the first step, step gaps in days, decision, votes, result (None: under way)
    ("老旧小区改造项目实施方案", 210, [0, 5, 12, 20, 22, 120],
     "同意实施老旧小区改造，更换供水管网、外墙保温和单元门禁，资金由区财政和居民共同承担",
     (126, 8, 5), "改造已全部完工，经居民代表验收合格"),
    ("社区集体用房出租收益使用", 40, [0, 6, 14], "", (0, 0, 0), None),
]  # fmt: skip
STEP_NOTES = {
    "propose": "社区党委提出议题",
    "discuss": "社区“两委”联席会议商议",
    "review": "社区党员大会审议通过",
    "resolve": "居民代表会议表决",
    "publish_decision": "在各网格公示栏和微信群公开",
    "publish_result": "公开实施结果，接受居民监督",
}


def add_demo_partners(session: Session, today: dt.date) -> tuple[int, int]:
    """Units with their lists and projects, then the meetings; returns (units, meetings)."""
    session.flush()
    community_id = session.scalar(select(Community.id).order_by(Community.id).limit(1))
    units = []
    for index, (name, kind, contact, _resources) in enumerate(UNITS):
        unit = PartnerUnit(
            community_id=community_id,
            name=name,
            kind=kind,
            contact_name=contact,
            contact_phone=f"0919-31{index:02d}{index * 7 % 10}{index * 3 % 10}8",
            address="",
            agreement_from=dt.date(today.year - (index % 2), 3, 1),
            agreement_to=dt.date(today.year + 1 - (index % 2), 2, 28)
            if index != 3
            else today + dt.timedelta(days=20),
            note="",
        )
        session.add(unit)
        units.append(unit)
    session.flush()
    for unit in units:
        link_members(session, unit)
    resources: dict[str, PartnerItem] = {}
    for unit, (_name, _kind, _contact, offered) in zip(units, UNITS, strict=True):
        for title in offered:
            item = PartnerItem(
                side="resource",
                unit_id=unit.id,
                title=title,
                detail="",
                listed_on=today - dt.timedelta(days=300),
            )
            session.add(item)
            resources[title] = item
    needs = []
    for title, unit_index in NEEDS:
        item = PartnerItem(
            side="need",
            unit_id=units[unit_index].id if unit_index is not None else None,
            title=title,
            detail="",
            listed_on=today - dt.timedelta(days=280),
        )
        session.add(item)
        needs.append(item)
    session.flush()
    for number, (unit_index, need_index, title, owner, ago, state) in enumerate(PROJECTS, 1):
        claimed = today - dt.timedelta(days=ago)
        item = needs[need_index] if need_index is not None else resources[title]
        project = PartnerProject(
            project_no=f"GJ{claimed.year}-{number:03d}",
            unit_id=units[unit_index].id,
            item_id=item.id,
            direction="need" if need_index is not None else "resource",
            title=item.title,
            owner=owner,
            claimed_on=claimed,
            status=state,
            result=RESULTS.get(state, ""),
            finished_on=min(today, claimed + dt.timedelta(days=ago - 10)) if state != "active" else None,
        )
        session.add(project)
        session.flush()
        for step, (what, after) in enumerate([("制定方案", 10), ("组织实施", 40), ("验收总结", 80)]):
            planned = claimed + dt.timedelta(days=after)
            done = (
                planned
                if state == "done" or (state == "active" and planned < today - dt.timedelta(days=5 * step))
                else None
            )
            session.add(ProjectMilestone(project_id=project.id, title=what, planned_on=planned, done_on=done))
    meetings = _add_meetings(session, community_id, today)
    session.flush()
    return len(units), meetings


def _number(session: Session, year: int, counters: dict[int, int]) -> str:
    counters[year] = counters.get(year, 0) + 1
    return f"YS{year}-{counters[year]:04d}"


def _add_meetings(session: Session, community_id: int, today: dt.date) -> int:
    grids = list(session.scalars(select(Grid.id).order_by(Grid.code).limit(2)))
    wishes = list(
        session.scalars(
            select(Wish.id).where(Wish.status.in_(("published", "claimed"))).order_by(Wish.id).limit(3)
        )
    )
    plans = [(m[1], "plain", m) for m in MEETINGS] + [(f[1], "four_two", f) for f in FOUR_TWO]
    plans.sort(key=lambda p: -p[0])  # oldest first, so that numbers follow the dates
    counters: dict[int, int] = {}
    for index, (ago, shape, plan) in enumerate(plans):
        held = today - dt.timedelta(days=ago)
        meeting = Deliberation(
            meeting_no=_number(session, held.year, counters),
            community_id=community_id,
            grid_id=grids[index % len(grids)] if shape == "plain" and plan[0] == "bench" else None,
            kind=plan[0] if shape == "plain" else "four_two",
            topic=plan[2] if shape == "plain" else plan[0],
            convenor=plan[3] if shape == "plain" else "社区党委书记 王强",
            held_on=held,
            place=plan[4] if shape == "plain" else "党群服务中心议事厅",
            attendees=plan[5] if shape == "plain" else "社区“两委”成员7人、党员代表29人、居民代表103人",
            opinions="",
            decision="",
            result="",
            votes_for=0,
            votes_against=0,
            votes_abstain=0,
            recorded_by="demo",
        )
        session.add(meeting)
        session.flush()
        if shape == "plain":
            _, _, _, _, _, _, decision, votes, result = plan
            if decision:
                meeting.decision = decision
                meeting.votes_for, meeting.votes_against, meeting.votes_abstain = votes
                meeting.decided_on = held
            if result:
                meeting.result, meeting.result_on = result, min(today, held + dt.timedelta(days=ago // 2))
        else:
            _topic, _ago, gaps, decision, votes, result = plan
            for (code, _name), gap in zip(FOUR_TWO_STEPS.items(), gaps, strict=False):
                day = held + dt.timedelta(days=gap)
                session.add(
                    DeliberationStep(
                        deliberation_id=meeting.id,
                        step=code,
                        done_on=day,
                        note=STEP_NOTES[code],
                        recorded_by="demo",
                    )
                )
                if code == "resolve":
                    meeting.decision, meeting.decided_on = decision, day
                    meeting.votes_for, meeting.votes_against, meeting.votes_abstain = votes
                if code == "publish_result":
                    meeting.result, meeting.result_on = result, day
        if wishes and shape == "plain" and plan[0] in ("council", "bench") and meeting.decision:
            session.add(DeliberationLink(deliberation_id=meeting.id, wish_id=wishes.pop(0), joint=False))
    return len(plans)
