"""Partner units (共建单位) and 议事 records: the use cases with their refusals in words, the link of
双报到 members by name, the order of the 四议两公开 steps, 共商共办 on a case, what a grid worker
may see and do, the audit rows, the commands and the printed notice and record."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Case, CaseEvent, Grid, PartyMember
from app.services.admin.permissions import NotPermitted
from app.services.admin.scope import scope_for
from app.services.cases.grid_report import report_grid_case
from app.services.engage import deliberation_reads, partner_reads
from app.services.engage import deliberations as meetings
from app.services.engage.partner_projects import add_milestone, claim_project, finish_project, milestone_done
from app.services.engage.partners import (
    PartnerError,
    UnitFields,
    add_item,
    edit_unit,
    find_unit,
    register_unit,
)
from tests.conftest import DEMO_TODAY
from tests.unit.test_boards import decoded_qr_codes, pdf_pages, squash
from tests.unit.test_engage import fails, run

T = DEMO_TODAY
FULL_ID = re.compile(r"\d{17}[\dXx]")


def _outside_member(session, unit_name: str) -> PartyMember:
    branch = session.scalar(select(PartyMember.branch_id).limit(1))
    member = PartyMember(
        name="刘卫东",
        id_masked="6102**********1234",
        branch_id=branch,
        kind="in_service",
        unit_name=unit_name,
    )
    session.add(member)
    session.flush()
    return member


def test_a_unit_links_the_members_who_named_it_and_keeps_free_names(demo_db):
    with demo_db.sessions.begin() as session:
        before = _outside_member(session, "区供电公司")
        other = _outside_member(session, "供电所")  # named differently: linked by hand
        unit = register_unit(session, UnitFields(name="区供电公司", kind="国有企业"), actor="houtai")
        assert set(partner_reads.unit_member_ids(session, unit)) == {before.id}
        later = _outside_member(session, "区供电公司")  # joins after the unit is registered
        edit_unit(session, unit, UnitFields(member_ids=(other.id,)), actor="houtai")
        assert set(partner_reads.unit_member_ids(session, unit)) == {before.id, other.id, later.id}
        assert other.unit_name == "供电所"  # the member's own words are kept
        with pytest.raises(PartnerError, match="已登记"):
            register_unit(session, UnitFields(name="区供电公司"), actor="houtai")
        with pytest.raises(PartnerError, match="结束日期不能早于开始日期"):
            register_unit(
                session,
                UnitFields(
                    name="新单位", agreement_from=dt.date(2026, 5, 1), agreement_to=dt.date(2026, 1, 1)
                ),
                actor="houtai",
            )
        with pytest.raises(PartnerError, match="单位类别须为"):
            register_unit(session, UnitFields(name="新单位", kind="外星机构"), actor="houtai")
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.subject == "区供电公司")).all()
    assert actions == ["partner_unit_add", "partner_unit_edit"]


def test_a_project_is_claimed_either_way_and_runs_to_its_result(demo_db):
    with demo_db.sessions.begin() as session:
        unit = find_unit(session, "区税务局")
        need = add_item(session, "need", "楼道扶手安装", unit=None, actor="houtai", today=T)
        project = claim_project(
            session, unit, direction="need", owner="李明", item_id=need.id, actor="houtai", today=T
        )
        assert (project.title, project.status) == ("楼道扶手安装", "active")
        resource = add_item(
            session, "resource", "法律咨询", unit=find_unit(session, "区教育局"), actor="houtai", today=T
        )
        with pytest.raises(PartnerError, match="不是区税务局提供的"):
            claim_project(
                session,
                unit,
                direction="resource",
                owner="李明",
                item_id=resource.id,
                actor="houtai",
                today=T,
            )
        with pytest.raises(PartnerError, match="资源清单须写明"):
            add_item(session, "resource", "场地", unit=None, actor="houtai", today=T)
        with pytest.raises(PartnerError, match="计划日期不能早于"):
            add_milestone(session, project, "备料", planned_on=T - dt.timedelta(days=1), actor="houtai")
        add_milestone(session, project, "安装", planned_on=T + dt.timedelta(days=10), actor="houtai")
        with pytest.raises(PartnerError, match="没有第2个节点"):
            milestone_done(session, project, 2, done_on=T, actor="houtai", today=T)
        milestone_done(session, project, 1, done_on=T, actor="houtai", today=T)
        finish_project(session, project, result="扶手已全部安装", actor="houtai", today=T)
        with pytest.raises(PartnerError, match="已完成，不能再修改"):
            add_milestone(session, project, "回访", planned_on=None, actor="houtai")
        row = partner_reads.list_projects(session, text=project.project_no)[0]
        items = {i.item_id: i for i in partner_reads.list_items(session)}
    assert (row.status_name, row.progress, row.result) == ("已完成", "1/1", "扶手已全部安装")
    assert items[need.id].claimed_by == f"{project.project_no}（区税务局）"


def test_a_grid_worker_may_not_manage_units(demo_db):
    with demo_db.sessions.begin() as session, pytest.raises(NotPermitted, match="不能管理共建单位"):
        register_unit(session, UnitFields(name="某单位"), actor="wangge")


def _new_four_two(session, actor="houtai", grid_code=""):
    new = meetings.NewMeeting(
        "four_two", "小区加装电梯", "王强", T - dt.timedelta(days=20), grid_code=grid_code
    )
    return meetings.add_meeting(session, new, actor=actor, scope=scope_for(session, actor), today=T)


def test_the_four_two_steps_go_in_order_each_dated_after_the_last(demo_db):
    day = T - dt.timedelta(days=20)
    with demo_db.sessions.begin() as session:
        meeting = _new_four_two(session)
        with pytest.raises(meetings.DeliberationError, match="下一步应是“党组织提议”"):
            meetings.record_step(session, meeting, "discuss", done_on=day, actor="houtai", today=T)
        meetings.record_step(
            session, meeting, "propose", done_on=day + dt.timedelta(days=2), actor="houtai", today=T
        )
        with pytest.raises(meetings.DeliberationError, match="不能早于上一步"):
            meetings.record_step(session, meeting, "discuss", done_on=day, actor="houtai", today=T)
        with pytest.raises(meetings.DeliberationError, match="不能晚于今天"):
            meetings.record_step(
                session, meeting, "discuss", done_on=T + dt.timedelta(days=1), actor="houtai", today=T
            )
        meetings.record_step(
            session, meeting, "discuss", done_on=day + dt.timedelta(days=3), actor="houtai", today=T
        )
        meetings.record_step(
            session, meeting, "review", done_on=day + dt.timedelta(days=4), actor="houtai", today=T
        )
        with pytest.raises(meetings.DeliberationError, match="决议内容和表决结果"):
            meetings.record_step(
                session, meeting, "resolve", done_on=day + dt.timedelta(days=5), actor="houtai", today=T
            )
        meetings.decide(
            session, meeting, meetings.Vote("暂缓加装", 10, 20, 3), decided_on=day + dt.timedelta(days=5),
            actor="houtai", today=T,
        )  # fmt: skip
        meetings.record_step(
            session, meeting, "publish_decision", done_on=day + dt.timedelta(days=6), actor="houtai", today=T
        )
        with pytest.raises(meetings.DeliberationError, match="决议未获通过"):
            meetings.record_result(session, meeting, "无", result_on=T, actor="houtai", today=T)
        row = deliberation_reads.meeting_row(session, meeting)
    assert [s.name for s in row.steps if s.done_on] == [
        "党组织提议",
        "两委商议",
        "党员大会审议",
        "居民会议决议",
        "决议公开",
    ]
    assert (row.passed, row.state) == (False, "待实施结果公开")
    assert row.vote_text == "同意10票，反对20票，弃权3票，未通过"


def test_a_case_sent_for_joint_handling_names_its_meeting_in_its_history(demo_db):
    with demo_db.sessions.begin() as session:
        grid = session.scalar(select(Grid).order_by(Grid.code).limit(1))
        case = report_grid_case(session, grid, text="小区围墙倒塌需联合处置", actor="houtai", today=T)
        session.flush()
        meeting = _new_four_two(session)
        meetings.link(session, meeting, case_no=case.case_no, joint=True, actor="houtai")
        with pytest.raises(meetings.DeliberationError, match="已关联"):
            meetings.link(session, meeting, case_no=case.case_no, actor="houtai")
        with pytest.raises(meetings.DeliberationError, match="共商共办只适用于办件"):
            meetings.link(session, meeting, wish_no="XY2026-0001", joint=True, actor="houtai")
        number, case_no = meeting.meeting_no, case.case_no
    with demo_db.sessions() as session:
        case = session.scalar(select(Case).where(Case.case_no == case_no))
        mode = session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "mode")
        ).one()
        assert mode.data == {"mode": "joint"} and number in mode.note
        rows = deliberation_reads.list_meetings(session, case_no=case_no)
    assert [(r.meeting_no, r.joint_case_nos) for r in rows] == [(number, (case_no,))]


def test_a_grid_worker_keeps_the_meetings_of_their_own_grids(demo_db):
    with demo_db.sessions.begin() as session:
        scope = scope_for(session, "wangge")
        own = session.scalar(select(Grid.code).where(Grid.id.in_(scope.grid_ids)).limit(1))
        other = session.scalar(select(Grid.code).where(Grid.id.not_in(scope.grid_ids)).limit(1))
        with pytest.raises(meetings.DeliberationError, match="请选择您负责的网格"):
            _new_four_two(session, "wangge")
        with pytest.raises(meetings.DeliberationError, match="只能记录您负责网格的议事"):
            _new_four_two(session, "wangge", other)
        mine = _new_four_two(session, "wangge", own)
        community = _new_four_two(session)
        with pytest.raises(meetings.DeliberationError, match="没有找到"):
            meetings.find_meeting(session, community.meeting_no, scope)
        seen = {r.meeting_no for r in deliberation_reads.list_meetings(session, scope=scope)}
    assert mine.meeting_no in seen and community.meeting_no not in seen
    with demo_db.sessions.begin() as session, pytest.raises(NotPermitted):
        meetings.add_meeting(
            session, meetings.NewMeeting("bench", "议题", "李静", T), actor="qiantai", today=T
        )  # 前台 does not record meetings


def test_the_commands_record_a_meeting_and_print_its_notice(demo_db, capsys, tmp_path):
    (added,) = run(
        demo_db, capsys, "meeting", "add", "--kind", "四议两公开", "--topic", "健身广场改造",
        "--convenor", "王强", "--date", "2026-11-01", "--attendee", "张建国（居民代表）", "--attendee", "李娜（网格员）",
    )  # fmt: skip
    number = added["meeting_no"]
    for step in ("propose", "discuss", "review"):
        run(demo_db, capsys, "meeting", "step", number, step, "--date", "2026-11-02")
    assert "请用 --for" in fails(
        demo_db, capsys, "meeting", "step", number, "resolve", "--decision", "同意改造"
    )
    run(
        demo_db,
        capsys,
        "meeting",
        "decide",
        number,
        "--decision",
        "同意改造",
        "--for",
        "40",
        "--against",
        "2",
    )
    assert "下一步应是“决议公开”" in fails(
        demo_db, capsys, "meeting", "step", number, "publish_result", "--result", "x"
    )
    out = tmp_path / "公示.pdf"
    (printed,) = run(demo_db, capsys, "meeting", "notice", number, "--out", str(out))
    assert printed["qr"] == number
    text = squash("".join(pdf_pages(out.read_bytes())))
    assert "张**（居民代表）" in text and "李娜（网格员）" in text and "同意40票" in text
    assert decoded_qr_codes(out.read_bytes()) == [[number]]
    (listed,) = [
        r
        for r in run(demo_db, capsys, "meeting", "list", "--search", "健身广场")
        if r["meeting_no"] == number
    ]
    assert listed["state"] == "待决议公开" and listed["passed"] is True
    with pytest.raises(SystemExit) as usage:  # a usage mistake: argparse's exit 2, in Chinese
        run(
            demo_db,
            capsys,
            "meeting",
            "add",
            "--kind",
            "茶话会",
            "--topic",
            "x",
            "--convenor",
            "y",
            "--date",
            "2026-11-01",
        )
    assert usage.value.code == 2 and "议事形式“茶话会”不存在" in capsys.readouterr().err


def test_the_unit_commands_and_the_annual_record(demo_db, capsys, tmp_path):
    (unit,) = run(demo_db, capsys, "unit", "add", "铜川市图书馆", "--kind", "事业单位", "--contact", "高敏",
                  "--from", "2026-01-01", "--to", "2027-12-31")  # fmt: skip
    assert unit["agreement"] == "有效"
    (item,) = run(demo_db, capsys, "unit", "resource", "铜川市图书馆", "流动图书车进社区")
    (project,) = run(demo_db, capsys, "unit", "project", "claim", "铜川市图书馆", "--resource", str(item["id"]),
                     "--owner", "高敏")  # fmt: skip
    assert project["direction"] == "社区认领单位资源" and project["title"] == "流动图书车进社区"
    run(demo_db, capsys, "unit", "project", "milestone", project["project_no"], "首次进社区")
    run(demo_db, capsys, "unit", "project", "finish", project["project_no"], "--result", "借阅300人次")
    assert "不存在" in fails(demo_db, capsys, "unit", "list", "--user", "nobody")
    assert "不能管理共建单位" in fails(demo_db, capsys, "unit", "need", "x", "--user", "wangge")
    units = run(demo_db, capsys, "unit", "list")
    assert len(units) == 7 and units[-1]["projects"] == 1
    out = tmp_path / "record.pdf"
    (record,) = run(demo_db, capsys, "unit", "record", "区税务局", "--year", "2026", "--out", str(out))
    assert record["members"] == 2
    text = squash("".join(pdf_pages(out.read_bytes())))
    assert "区税务局" in text and "6102****" in text and not FULL_ID.search(text)
    with demo_db.sessions() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action.like("partner%"))).all()
    assert {e.action for e in entries} >= {
        "partner_unit_add",
        "partner_item",
        "partner_project",
        "partner_record",
    }
    assert not any(FULL_ID.search(f"{e.subject}{e.purpose}{e.detail}") for e in entries)


def test_a_notice_masks_residents_but_not_units_staff_or_groups():
    shown = deliberation_reads.masked_attendees(
        "张建国（居民代表）\n欧阳娜娜\n王益区住建局（共建单位）\n李娜（网格员）\n居民代表103人、物业公司（物业）"
    )
    assert shown == [
        "张**（居民代表）",
        "欧阳**",
        "王益区住建局（共建单位）",
        "李娜（网格员）",
        "居民代表103人",
        "物业公司（物业）",
    ]
