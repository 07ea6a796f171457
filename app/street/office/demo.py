"""A demo street on an empty street server (``yichuang street-admin demo``): the street office of
the desk's demo street (桃园街道, app/services/setup/demo_street.py) with its six communities, two
staff accounts, and escalated cases with their 问题单, 措施单 (owners and planned dates), 责任单 and
吹哨 escalations, some answered, one transferred, one closed and evaluated, and a joint meeting;
and the communities' everyday cases, certificates and monthly reports for the 统计 page
(app.street.office.demo_figures).

Everything goes in the way it would in real use: the communities' records through the push a
desk makes (app.street.receive), the street's steps through app.street.office.actions and
meetings. Deterministic for a seed; deadlines are set from today so that some are overdue.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid as uuidlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.services.setup.demo_street import COMMUNITIES, STREET
from app.street import admin, receive
from app.street.incoming import Incoming
from app.street.models import StreetCase
from app.street.office import actions, meetings
from app.street.office.accounts import StaffMember, add_user
from app.street.office.demo_figures import add_everyday_work

DEMO_PASSWORD = "Taoyuan-Street-2026"  # printed by the command; change it before real use
STREET_CODE = STREET["code"]
MATTERS = [  # item, what was found, measure, owner unit, escalated to, level
    (
        "小区路灯损坏报修",
        "8 号楼至 12 号楼间路灯损坏 6 盏，夜间无照明",
        "排查线路并更换灯具",
        "社区物业办",
        "街道城管科",
        "街道",
    ),
    (
        "违章搭建投诉",
        "3 号楼一层住户在公共绿地搭建彩钢棚",
        "上门劝导并拍照取证",
        "网格员",
        "街道综合执法队",
        "街道",
    ),
    (
        "老旧小区雨污管网堵塞",
        "雨后化粪池外溢，影响 2 个单元出行",
        "临时疏通并设置警示",
        "物业服务企业",
        "王益区住建局",
        "区",
    ),
    ("噪音扰民", "夜间广场舞音响超过 22 点", "与广场舞队协商音量和时间", "网格长", "街道综治中心", "街道"),
    (
        "电梯故障困人隐患",
        "5 号楼电梯一周内停运 3 次",
        "联系维保单位检修",
        "社区物业办",
        "王益区市场监管局",
        "区",
    ),
    (
        "背街小巷垃圾堆积",
        "红旗街背巷建筑垃圾无人清运",
        "组织志愿者先行清理",
        "环卫网格员",
        "街道城管科",
        "街道",
    ),
    ("供暖不热", "12 号楼 3 单元室温不足 16 度", "入户测温并登记", "网格员", "铜川市热力公司", "市"),
    ("占道经营", "早市摊点占用消防通道", "划定临时摊区", "网格长", "街道综合执法队", "街道"),
]
DEPARTMENTS = ["街道城管科", "街道综合执法队", "街道综治中心", "街道社会事务办"]


class DemoError(ValueError):
    """The server already holds cases: the demo is only written into an empty one."""


def _case(
    rng: random.Random, community: str, short: str, number: int, matter: tuple, today: dt.date
) -> list[Incoming]:
    item, problem, measure, unit, target, level = matter
    case_uuid = str(uuidlib.UUID(int=rng.getrandbits(128), version=4))
    started = today - dt.timedelta(days=rng.randint(4, 12))
    requested = today + dt.timedelta(days=rng.choice([-3, -1, 1, 2, 5, 8]))
    case_no = f"{short}-{started:%Y%m%d}-{number:04d}"
    data = {
        "case_no": case_no,
        "status": "escalated",
        "due_date": (started + dt.timedelta(days=10)).isoformat(),
        "item_name": item,
        "content": problem,
        "channel": rng.choice(["window", "hotline", "grid"]),
        "received_at": f"{started}T01:30:00",
    }

    def at(days: int, hour: int) -> str:
        return f"{started + dt.timedelta(days=days)}T{hour:02d}:{rng.randint(0, 59):02d}:00.000Z"

    steps = [
        ("accept", "", "accepted", "qiantai", {}, 0, 1),
        ("problem", problem, "accepted", "houtai", {}, 0, 2),
        ("dispatch", "", "in_progress", "houtai", {"to": unit}, 0, 3),
        ("mode", "", "in_progress", "houtai", {"mode": "joint"}, 0, 3),
        ("responsible", "", "in_progress", "houtai", {"unit": unit, "person": f"{unit}负责人", "phone": ""}, 1, 1),
        ("measure", measure, "in_progress", "houtai", {"owner": unit, "planned": str(started + dt.timedelta(days=2))}, 1, 2),
        ("measure_done", "", "in_progress", "houtai", {"measure": 1, "done": str(started + dt.timedelta(days=2))}, 2, 6),
        ("measure", "提请上级协调解决", "in_progress", "houtai", {"owner": target, "planned": str(requested)}, 3, 1),
        ("escalate", f"{measure}后仍未解决，需{target}协调", "escalated", "houtai",
         {"to": target, "level": level, "level_code": "", "contact": "", "requested": str(requested)}, 3, 2),
    ]  # fmt: skip
    records = [Incoming("case", case_uuid, 0, community, data)]
    before = ""
    for action, note, after, actor, details, day, hour in steps:
        event = {
            "case_uuid": case_uuid,
            "at": at(day, hour),
            "actor": actor,
            "action": action,
            "from_status": before,
            "to_status": after,
            "note": note,
            "data": details,
        }
        records.append(
            Incoming(
                "case_event", str(uuidlib.UUID(int=rng.getrandbits(128), version=4)), 0, community, event
            )
        )
        before = after
    return records


def fill_demo(sessions: sessionmaker[Session], *, seed: int = 7, today: dt.date | None = None) -> dict:
    """Write the demo street into an empty server; returns the accounts and keys made."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    with sessions() as session:
        if session.scalar(select(func.count()).select_from(StreetCase)):
            raise DemoError("服务器上已有办件：演示数据只写入空的街道服务器")
    admin.register(sessions, STREET_CODE, f"{STREET['name']}办事处", "street", rotate=True)
    codes = [f"{STREET_CODE}{i:03d}" for i in range(1, len(COMMUNITIES) + 1)]
    keys = {
        code: admin.register(sessions, code, name, rotate=True, street=STREET_CODE)["api_key"]
        for code, (name, _short) in zip(codes, COMMUNITIES, strict=True)
    }
    for username, role, name in (("jdadmin", "admin", "王建华"), ("jdstaff", "staff", "李晓雯")):
        add_user(sessions, username, DEMO_PASSWORD, street=STREET_CODE, role=role, name=name)
    everyday = add_everyday_work(sessions, codes, random.Random(seed + 1), today)
    made: list[str] = []
    for number in range(1, 15):
        community = codes[number % 4]  # four of the six communities escalate
        short = COMMUNITIES[number % 4][1]
        records = _case(rng, community, short, number, MATTERS[number % len(MATTERS)], today)
        receive.push(sessions, community, str(uuidlib.UUID(int=rng.getrandbits(128), version=4)), records)
        made.append(records[0].uuid)
    chief = StaffMember("jdadmin", "王建华", STREET_CODE, f"{STREET['name']}办事处", "admin")
    clerk = StaffMember("jdstaff", "李晓雯", STREET_CODE, f"{STREET['name']}办事处", "staff")
    for case in made[:6]:
        actions.accept(sessions, clerk, case, "已签收")
    for case, department in zip(made[:4], DEPARTMENTS, strict=False):
        actions.assign(sessions, clerk, case, department, "请三个工作日内到现场处置")
    meetings.record_meeting(
        sessions,
        chief,
        title="老旧小区治理联席会",
        held_on=str(today - dt.timedelta(days=1)),
        place="桃园街道办事处三楼会议室",
        attendees="街道城管科 刘科长\n街道综合执法队 周队长\n王益区住建局 孙工\n桃园社区 陈书记",
        decisions="路灯、管网两件由城管科牵头，住建局配合；每周五通报进度",
        links=[
            meetings.Link(
                made[0], "街道城管科 刘科长", str(today + dt.timedelta(days=3)), "更换灯具并检修线路"
            ),
            meetings.Link(
                made[1], "王益区住建局 孙工", str(today + dt.timedelta(days=7)), "管网改造纳入年度计划"
            ),
        ],
    )
    actions.answer(sessions, clerk, made[6], "街道综治中心已约谈广场舞队，22 点后停止使用音响")
    actions.answer(sessions, clerk, made[7], "已联系维保单位更换电梯主板，请社区回访住户")
    actions.transfer(
        sessions, chief, made[8], codes[4], "问题发生地属和平社区辖区，转和平社区办理（一体通办）"
    )
    actions.close(sessions, chief, made[9], "热力公司已调整管网平衡，室温恢复至 18 度以上")
    actions.evaluate(sessions, chief, made[9], "良好", "处置及时")
    return {
        "street": STREET_CODE,
        "accounts": [{"username": "jdadmin", "role": "admin"}, {"username": "jdstaff", "role": "staff"}],
        "password": DEMO_PASSWORD,
        "community_keys": keys,
        "cases": len(made),
        "everyday_cases": everyday,
    }
