"""四单三办三评, five-level escalation and dispatch to grid staff: the services, the commands, the
printed 办理单, the 12345 回单 and the events' journey through the sync."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.cli import main
from app.db import open_database
from app.models import AuditEntry, Case, CaseEvent, Resident
from app.printing.documents.handling_sheet import render_handling_sheet
from app.services.admin.scope import scope_for
from app.services.cases import escalation, handling, intake, workflow
from app.services.cases.escalation import TargetError
from app.services.cases.handling import printable_sheet, sheet_of
from app.services.cases.search import CaseFilter, find_cases
from app.services.cases.workflow import WorkflowError
from app.services.imports.hotline_replies import HEADERS, hotline_replies
from app.services.imports.hotline_rows import HEADER_MAP
from app.services.sync.apply import apply_page
from app.services.sync.records import read_page, serialise

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _today():
    """The day is read again for each test: the code under test reads the clock itself, and a run
    that crosses midnight must not compare its dates with the day the module was loaded."""
    global TODAY
    TODAY = dt.date.today()


def _resident(session, username: str | None, *, inside: bool = True) -> Resident:
    """A living resident inside (or outside) the grids of ``username``."""
    scope = scope_for(session, username)
    condition = scope.resident_filter() if inside else ~scope.resident_filter()
    return session.scalars(
        select(Resident).where(condition, Resident.state == "living").order_by(Resident.id).limit(1)
    ).one()


def _accept(session, resident: Resident) -> Case:
    materials = list(intake.find_item(session, "SB-002").materials)
    return intake.accept(
        session, item_code="SB-002", resident=resident, actor="qiantai", materials_received=materials
    )


@pytest.fixture
def cases(demo_db):
    """Two accepted cases: one in the demo grid worker's grids, one outside them."""
    with demo_db.sessions.begin() as session:
        inside = _accept(session, _resident(session, "wangge")).case_no
        outside = _accept(session, _resident(session, "wangge", inside=False)).case_no
    return inside, outside


def _case(session, case_no: str) -> Case:
    return session.scalars(select(Case).where(Case.case_no == case_no)).one()


def run(capsys, db, *argv) -> tuple[int, list[dict], str]:
    code = main(["--db", db.url, *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines() if x.startswith("{")], err


# --- the four sheets, the way of handling, the evaluations ----------------------------------------
def test_measures_keep_their_schedule_and_the_sheet_folds_every_entry(demo_db, cases):
    inside, _ = cases
    with demo_db.sessions.begin() as session:
        case = _case(session, inside)
        handling.record_problem(case, "楼道灯不亮，老人夜里摔倒过", actor="houtai")
        handling.add_measure(
            case, "联系物业更换灯具", owner="张伟", planned=TODAY, actor="houtai", today=TODAY
        )
        handling.add_measure(
            case,
            "加装声控开关",
            owner="物业",
            planned=TODAY + dt.timedelta(days=7),
            actor="houtai",
            today=TODAY,
        )
        handling.finish_measure(case, 1, done=TODAY, actor="wangge")
        handling.add_responsible(case, unit="幸福物业", person="刘经理", phone="0919-1111111", actor="houtai")
        handling.set_mode(case, "联办", actor="houtai")
        handling.record_result(case, "已更换灯具并加装声控开关", actor="houtai")
    with demo_db.sessions() as session:
        sheet = sheet_of(_case(session, inside))
    assert sheet.problem == "楼道灯不亮，老人夜里摔倒过"
    assert [(m.number, m.owner, m.done) for m in sheet.measures] == [(1, "张伟", TODAY), (2, "物业", None)]
    assert [m.state(TODAY) for m in sheet.measures] == ["已完成", "进行中"]
    assert sheet.measures[1].state(TODAY + dt.timedelta(days=8)) == "已逾期"
    assert sheet.responsible[0].unit == "幸福物业" and sheet.mode == "联办"
    assert sheet.result == "已更换灯具并加装声控开关"


def test_bad_entries_are_refused_in_one_sentence_and_change_nothing(demo_db, cases):
    inside, _ = cases
    with demo_db.sessions.begin() as session:
        case = _case(session, inside)
        version = case.version
        with pytest.raises(WorkflowError, match="已经过去"):
            handling.add_measure(
                case, "x", owner="y", planned=TODAY - dt.timedelta(days=1), actor="a", today=TODAY
            )
        with pytest.raises(WorkflowError, match="措施责任人"):
            handling.add_measure(case, "x", owner=" ", planned=TODAY, actor="a", today=TODAY)
        with pytest.raises(WorkflowError, match="没有第 3 项措施"):
            handling.finish_measure(case, 3, done=TODAY, actor="a")
        with pytest.raises(WorkflowError, match="办理方式须为"):
            handling.set_mode(case, "包办", actor="a")
        with pytest.raises(WorkflowError, match="不能记录社区评价"):  # not before it is done
            handling.evaluate_unit(case, "community", "优秀", actor="a")
        assert case.version == version and not [e for e in case.events if e.action != "accept"]


def test_the_community_and_the_street_evaluate_after_completion(demo_db, cases):
    inside, _ = cases
    with demo_db.sessions.begin() as session:
        case = _case(session, inside)
        workflow.apply(session, case, "dispatch", actor="houtai", to="houtai")
        workflow.apply(session, case, "complete", actor="houtai", note="已办结")
        with pytest.raises(WorkflowError, match="评价须为"):
            handling.evaluate_unit(case, "street", "满意", actor="houtai")
        handling.evaluate_unit(case, "community", "良好", actor="houtai", note="响应及时")
        handling.evaluate_unit(case, "street", "优秀", actor="admin")
        workflow.apply(session, case, "evaluate", actor="qiantai", evaluation="满意")
    with demo_db.sessions() as session:
        sheet = sheet_of(_case(session, inside))
    assert (sheet.community_evaluation.evaluation, sheet.community_evaluation.note) == ("良好", "响应及时")
    assert sheet.street_evaluation.evaluation == "优秀" and sheet.resident_evaluation == "满意"
    assert sheet.result == "已办结"


# --- escalation targets and escalating -------------------------------------------------------------
def test_targets_are_seeded_from_the_old_list_and_kept_by_the_administrator(demo_db):
    with demo_db.sessions.begin() as session:
        names = [t.name for t in escalation.escalation_targets(session)]
        assert names[0].startswith("街道") and "区住建局" in names and len(names) == 8
        added = escalation.add_target(session, "市住建局", "市", "陈科长 029-0000000", actor="admin")
        assert (added.level, added.level_name) == ("city", "市")
        with pytest.raises(TargetError, match="已经存在"):
            escalation.add_target(session, "市住建局", "city", actor="admin")
        with pytest.raises(TargetError, match="层级须为"):
            escalation.add_target(session, "省厅", "省", actor="admin")
        escalation.edit_target(session, "街道城管科", actor="admin", active=False)
        escalation.edit_target(session, "市住建局", actor="admin", level="区", new_name="区住建二科")
        listed = {t.name: t for t in escalation.escalation_targets(session)}
        assert "街道城管科" not in listed and listed["区住建二科"].level == "district"
        assert "街道城管科" in {t.name for t in escalation.escalation_targets(session, include_disabled=True)}
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.actor == "admin")).all()
    assert actions == ["escalation_target_add", "escalation_target_disable", "escalation_target_edit"]


def test_escalation_records_target_level_reason_and_requested_date(demo_db, cases):
    inside, _ = cases
    requested = TODAY + dt.timedelta(days=5)
    with demo_db.sessions.begin() as session:
        case = _case(session, inside)
        workflow.apply(session, case, "dispatch", actor="houtai", to="houtai")
        escalation.edit_target(session, "街道城管科", actor="admin", active=False)
        with pytest.raises(WorkflowError, match="不是可用的上报对象"):
            escalation.escalate(
                session, case, "街道城管科", reason="x", requested=None, actor="houtai", today=TODAY
            )
        with pytest.raises(WorkflowError, match="上报原因"):
            escalation.escalate(
                session, case, "街道办事处", reason="", requested=None, actor="houtai", today=TODAY
            )
        event = escalation.escalate(
            session,
            case,
            "街道办事处",
            reason="占道经营需联合执法",
            requested=requested,
            actor="houtai",
            today=TODAY,
        )
        assert case.status == "escalated" and case.owner == "街道办事处"
        assert event.data == {
            "to": "街道办事处",
            "level": "街道",
            "level_code": "street",
            "contact": "",
            "requested": requested.isoformat(),
        }
    with demo_db.sessions() as session:
        (step,) = sheet_of(_case(session, inside)).escalations
    assert (step.target, step.level, step.reason, step.requested) == (
        "街道办事处",
        "街道",
        "占道经营需联合执法",
        requested,
    )


# --- dispatch to grid staff ------------------------------------------------------------------------
def test_a_case_is_assigned_only_to_a_grid_worker_of_its_grid_who_then_finds_it_as_theirs(demo_db, cases):
    inside, outside = cases
    with demo_db.sessions.begin() as session:
        with pytest.raises(WorkflowError, match="不是负责该办件所在网格的网格员"):
            escalation.assign(session, _case(session, outside), "wangge", actor="houtai")
        with pytest.raises(WorkflowError, match="不是负责"):
            escalation.assign(session, _case(session, inside), "houtai", actor="houtai")
        assert [w.username for w in escalation.assignable_workers(session, inside)] == ["wangge"]
        escalation.assign(session, _case(session, inside), "wangge", actor="houtai", note="请入户核实")
        case = _case(session, inside)
        assert (case.status, case.owner) == ("in_progress", "wangge")
    with demo_db.sessions() as session:
        scope = scope_for(session, "wangge")
        mine = find_cases(session, CaseFilter(assigned_to="wangge"), scope=scope)
        assert [r.case_no for r in mine] == [inside]
        assert find_cases(session, CaseFilter(assigned_to="qiantai")) == []
        # the grid worker's scope keeps the other grid's case out of every read
        assert [r.case_no for r in find_cases(session, CaseFilter(), scope=scope)] == [inside]
        assert handling.handling_sheet(session, outside, scope) is None
        assert printable_sheet(session, outside, scope) is None
        assert sheet_of(_case(session, inside)).assignee == "wangge"


def test_a_front_desk_role_may_assign_but_a_grid_worker_may_not(demo_db, cases):
    from app.services.admin.permissions import NotPermitted

    inside, _ = cases
    with demo_db.sessions.begin() as session:
        with pytest.raises(NotPermitted):
            escalation.assign(session, _case(session, inside), "wangge", actor="wangge")
        escalation.assign(session, _case(session, inside), "wangge", actor="qiantai")


# --- commands --------------------------------------------------------------------------------------
def test_the_commands_take_each_step_and_print_json_lines(demo_db, cases, capsys, tmp_path):
    inside, _ = cases
    planned = (TODAY + dt.timedelta(days=3)).isoformat()
    steps = [
        ("mode", inside, "督办"),
        ("measure", inside, "--text", "核实情况", "--owner", "张伟", "--planned", planned),
        ("measure", inside, "--done", "1"),
        ("responsible", inside, "--unit", "社区居委会", "--person", "李主任"),
        ("assign", inside, "--to", "wangge", "--user", "houtai"),
        ("escalate", inside, "--target", "区民政局", "--reason", "需区级协调", "--requested", planned),
        ("result", inside, "--text", "已协调解决"),
    ]
    for step in steps:
        code, lines, err = run(capsys, demo_db, "case", *step)
        assert code == 0, err
        assert lines[0]["case_no"] == inside
    assert lines[0]["status"] == "escalated"
    code, lines, _ = run(capsys, demo_db, "case", "sheet", inside, "--out", str(tmp_path / "s.pdf"))
    sheet = lines[0]
    assert sheet["mode"] == "督办" and sheet["measures"][0]["done"] == TODAY.isoformat()
    assert sheet["escalations"] == [
        {"target": "区民政局", "level": "区", "reason": "需区级协调", "requested": planned}
    ]
    assert sheet["assignee"] == "wangge" and sheet["result"] == "已协调解决"
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    code, lines, _ = run(capsys, demo_db, "cases", "--user", "wangge", "--mine")
    assert [x["case_no"] for x in lines] == [inside]


def test_the_commands_refuse_in_one_sentence(demo_db, cases, capsys):
    inside, outside = cases
    code, _, err = run(capsys, demo_db, "case", "measure", outside, "--text", "x", "--owner", "y",
                       "--planned", TODAY.isoformat(), "--user", "wangge")  # fmt: skip
    assert code != 0 and f"找不到办件 {outside}" in err  # another grid's case is not there for them
    code, _, err = run(capsys, demo_db, "case", "assign", inside, "--to", "wangge", "--user", "wangge")
    assert code != 0 and "不能指派办件" in err
    code, _, err = run(capsys, demo_db, "case", "evaluate", inside, "--by", "street", "--evaluation", "优秀")
    assert code != 0 and "不能记录街道评价" in err
    code, _, err = run(capsys, demo_db, "cases", "--mine")
    assert code != 0 and "--user" in err


def test_escalation_targets_command(demo_db, capsys):
    code, lines, _ = run(
        capsys, demo_db, "escalation-targets", "add", "市信访局", "--level", "市", "--contact", "张主任"
    )
    assert code == 0 and lines[0]["level_name"] == "市"
    code, _, err = run(capsys, demo_db, "escalation-targets", "add", "市信访局", "--level", "city")
    assert code != 0 and "已经存在" in err
    assert run(capsys, demo_db, "escalation-targets", "disable", "市信访局")[0] == 0
    code, lines, _ = run(capsys, demo_db, "escalation-targets", "list")
    assert "市信访局" not in [x["name"] for x in lines]
    code, lines, _ = run(
        capsys, demo_db, "escalation-targets", "edit", "市信访局", "--enable", "--contact", "王"
    )
    assert lines[0]["active"] and lines[0]["contact"] == "王"
    code, _, err = run(capsys, demo_db, "escalation-targets", "add", "x", "--level", "区", "--user", "houtai")
    assert code != 0 and "不是系统管理员" in err


# --- the printed 办理单 -----------------------------------------------------------------------------
def test_the_handling_sheet_prints_every_part_with_the_id_number_masked(demo_db, cases):
    inside, _ = cases
    with demo_db.sessions.begin() as session:
        case = _case(session, inside)
        number = case.applicant_id_number
        handling.add_measure(
            case, "联系物业更换灯具", owner="张伟", planned=TODAY, actor="houtai", today=TODAY
        )
        handling.add_responsible(case, unit="幸福物业", person="刘经理", actor="houtai")
        handling.set_mode(case, "自办", actor="houtai")
        escalation.assign(session, case, "wangge", actor="houtai")
        printable = printable_sheet(session, inside)
    pdf = render_handling_sheet(printable, TODAY)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    text = "".join(page.extract_text() for page in pages).replace(" ", "").replace("\n", "")
    assert len(pages) == 1
    for expected in (
        "办件办理单",
        inside,
        "措施单",
        "联系物业更换灯具",
        "幸福物业",
        "自办",
        "张伟（网格员演示）",
    ):
        assert expected in text, expected
    assert number not in text and number[:4] in text


# --- 12345 回单 --------------------------------------------------------------------------------------
def test_hotline_replies_are_written_in_the_layout_the_import_reads(demo_db, tmp_path, capsys):
    header = ["工单编号", "来电时间", "诉求人", "联系电话", "地址", "诉求内容"]
    source = tmp_path / "12345.csv"
    source.write_text(
        ",".join(header)
        + "\nHL-0001,2026-11-20 09:15,王女士,13800000000,某某路无名小区,楼道垃圾多日未清运\n",
        encoding="utf-8-sig",
    )
    assert main(["--db", demo_db.url, "import", "hotline", str(source)]) == 0
    capsys.readouterr()
    with demo_db.sessions.begin() as session:
        case = session.scalars(select(Case).where(Case.hotline_order_no == "HL-0001")).one()
        workflow.apply(session, case, "dispatch", actor="houtai", to="houtai")
        workflow.apply(session, case, "complete", actor="houtai", note="已清运并告知物业定时清理")
        workflow.apply(session, case, "evaluate", actor="qiantai", evaluation="满意")
    target = tmp_path / "回单.xlsx"
    code, lines, _ = run(capsys, demo_db, "hotline", "replies", "--from", TODAY.isoformat(), "--to",
                         TODAY.isoformat(), "--xlsx", str(target), "--user", "houtai")  # fmt: skip
    assert code == 0 and lines == [{"replies": 1, "xlsx": str(target)}]
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and HEADER_MAP.is_header([str(c) for c in rows[0]])
    order_no, called, _content, result, _done, handler, satisfaction = rows[1]
    assert (order_no, called, result, handler, satisfaction) == (
        "HL-0001", "2026-11-20 09:15", "已清运并告知物业定时清理", "王磊（后台演示）", "满意"
    )  # fmt: skip
    with demo_db.sessions() as session:
        assert hotline_replies(session, TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1)) == []
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.actor, entry.action) == ("houtai", "export")


# --- the sync ---------------------------------------------------------------------------------------
def test_handling_events_travel_to_another_desk_and_the_streets_evaluation_comes_back(
    demo_db, demo_db_file, cases, tmp_path
):
    inside, _ = cases
    with demo_db.sessions.begin() as session:
        case = _case(session, inside)
        handling.add_measure(case, "联系物业", owner="张伟", planned=TODAY, actor="houtai", today=TODAY)
        handling.add_responsible(case, unit="幸福物业", person="刘经理", actor="houtai")
        escalation.assign(session, case, "wangge", actor="houtai")
        escalation.escalate(
            session, case, "街道办事处", reason="需协调", requested=TODAY, actor="houtai", today=TODAY
        )
        session.flush()
        keys = [("case", case.uuid)] + [("case_event", e.uuid) for e in case.events]
        records, missing = serialise(session, keys)
        here = case.origin_community
        expected = sheet_of(case)
    assert not missing
    wire = json.loads(json.dumps(records))  # what goes over the network
    street_evaluation = {
        "type": "case_event",
        "uuid": "e0000000-0000-4000-8000-0000000000aa",
        "version": 1,
        "origin_community": "street",
        "data": {
            "case_uuid": records[0]["uuid"],
            "at": "2026-12-01T07:30:00",
            "actor": "街道办事处",
            "action": "street_evaluation",
            "from_status": "escalated",
            "to_status": "escalated",
            "note": "协调及时",
            "data": {"evaluation": "优秀"},
        },
    }
    pulled, errors = read_page([*wire, street_evaluation])
    assert not errors
    copy = tmp_path / "other.db"
    shutil.copy(demo_db_file, copy)
    other = open_database(f"sqlite:///{copy}")
    try:
        with other.sessions.begin() as session:
            errors, _conflicts = apply_page(session, pulled, here)
            assert not errors
        with other.sessions() as session:
            arrived = sheet_of(_case(session, inside))
            actions = session.scalars(select(CaseEvent.action).order_by(CaseEvent.id)).all()
    finally:
        other.dispose()
    assert arrived.measures == expected.measures and arrived.responsible == expected.responsible
    assert arrived.escalations == expected.escalations and arrived.assignee == "wangge"
    assert arrived.street_evaluation.evaluation == "优秀" and arrived.street_evaluation.note == "协调及时"
    assert "street_evaluation" in actions
