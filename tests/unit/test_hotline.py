"""Tests for the 12345 hotline work-order import (app.services.imports.hotline) and ``yichuang import hotline``.

Spreadsheets are built in ``tmp_path`` by the helpers below; the demo street gives the buildings,
grids and grid leaders the orders are routed to.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.models import AuditEntry, Building, Case, CaseSequence, Grid, GridStaff, Resident
from app.models.base import as_local
from app.models.staff import GRID_LEADER
from app.services.admin.centre import current_community
from app.services.cases.search import CaseFilter, find_cases
from app.services.common.workdays import WorkCalendar
from app.services.imports import hotline
from app.services.imports.hotline import HotlineImportReport, ImportFileError, import_hotline_orders
from app.services.imports.hotline_rows import parse_call_time
from tests.conftest import DEMO_TODAY
from tests.unit.spreadsheets import write_csv, write_xlsx

HEADER = [
    "序号",
    "工单编号",
    "来电时间",
    "诉求人",
    "联系电话",
    "地址",
    "诉求内容",
    "诉求类型",
    "办理时限",
    "承办单位",
]
CALL = dt.datetime(2026, 11, 20, 9, 15)  # a Friday
CALENDAR = WorkCalendar()


def order(no: str, **extra: object) -> dict[str, object]:
    values: dict[str, object] = {
        "工单编号": no,
        "来电时间": CALL,
        "诉求人": "王女士",
        "联系电话": "13800000000",
        "地址": "铜川市王益区某某路无名小区",
        "诉求内容": "楼道垃圾多日未清运，气味很大，请尽快处理。",
    }
    values.update(extra)
    return values


def table(records: list[dict[str, object] | None], header: list[str] = HEADER) -> list[list[object]]:
    """Header row plus one row per record; ``None`` makes an empty row."""
    rows: list[list[object]] = [list(header)]
    for index, record in enumerate(records, start=1):
        rows.append([] if record is None else [record.get(h, index if h == "序号" else None) for h in header])
    return rows


def run_import(db, path: Path, **kwargs: object) -> HotlineImportReport:
    with db.sessions() as s:
        return import_hotline_orders(s, path, actor="tester", today=DEMO_TODAY, **kwargs)


def count(db, model: type) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def case_of(db, order_no: str) -> Case:
    with db.sessions() as s:
        case = s.scalars(select(Case).where(Case.hotline_order_no == order_no)).one()
        _ = list(case.events)  # loaded for use after the session closes
        return case


def reasons(report: HotlineImportReport) -> dict[int, str]:
    return {r.row: r.reason for r in report.rejected}


def local(moment: dt.datetime) -> dt.datetime:
    return as_local(moment).replace(tzinfo=None)


@pytest.fixture
def home(demo_db):
    """A building of the centre's own community (桃园社区), with its grid and grid leader."""
    with demo_db.sessions() as s:
        community = current_community(s)
        building = s.scalars(
            select(Building).join(Grid).where(Grid.community_id == community.id).order_by(Building.id)
        ).first()
        leader = s.scalars(
            select(GridStaff).where(GridStaff.grid_id == building.grid_id, GridStaff.role == GRID_LEADER)
        ).first()
        return {"name": building.name, "address": building.address, "grid_id": building.grid_id,
                "leader": leader.name, "community_id": community.id}  # fmt: skip


# --- happy path and routing ----------------------------------------------------------------------


def test_orders_become_accepted_hotline_cases_routed_by_building(demo_db, home, tmp_path):
    cases_before = count(demo_db, Case)
    path = write_xlsx(tmp_path / "12345工单.xlsx", table([
        order("GD20261120001", 地址=f"王益区桃园街道{home['name']}3单元502室", 诉求类型="环境卫生",
              承办单位="桃园街道办事处"),
        order("GD20261120002", 来电时间="2026/11/20 9:15:00", 地址="铜川市王益区某某路无名小区"),
    ]))  # fmt: skip

    report = run_import(demo_db, path)

    assert (report.created, report.duplicates, report.routed, report.unrouted) == (2, 0, 1, 1)
    assert report.rejected == [] and report.written and not report.dry_run
    assert count(demo_db, Case) == cases_before + 2

    routed = case_of(demo_db, "GD20261120001")
    assert (routed.channel, routed.status, routed.item_code) == ("hotline", "accepted", "")
    assert routed.item_name == "12345热线工单（环境卫生）" and routed.item_id is None
    assert routed.grid_id == home["grid_id"] and routed.owner == home["leader"]
    assert routed.first_responder == "tester" and routed.case_no.startswith("TY-20261123-")
    assert (routed.applicant_name, routed.applicant_phone) == ("王女士", "13800000000")
    assert routed.applicant_id_number == "" and routed.resident_id is None
    assert routed.content.startswith("楼道垃圾") and home["name"] in routed.address
    assert local(routed.received_at) == CALL and routed.accepted_at is not None
    assert routed.due_date == dt.date(2026, 11, 27) and routed.promised_days == 5  # default: 5 working days
    [event] = routed.events
    assert (event.action, event.actor, event.to_status) == ("hotline_import", "tester", "accepted")
    assert event.data["order_no"] == "GD20261120001" and event.data["handling_unit"] == "桃园街道办事处"

    unrouted = case_of(demo_db, "GD20261120002")
    assert unrouted.grid_id is None and unrouted.owner == "tester" and unrouted.item_name == "12345热线工单"
    assert local(unrouted.received_at) == CALL  # text time, same moment

    by_order = {o.order_no: o for o in report.orders}
    assert (
        by_order["GD20261120001"].grid.endswith("网格") and home["name"] in by_order["GD20261120001"].routing
    )
    assert by_order["GD20261120002"].grid == "" and "手工分派" in by_order["GD20261120002"].routing

    with demo_db.sessions() as s:
        rows = find_cases(s, CaseFilter(channel="hotline"), today=DEMO_TODAY)
        assert {r.case_no for r in rows} == {routed.case_no, unrouted.case_no}
        assert {r.owner for r in rows} == {home["leader"], "tester"}
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.purpose == "导入12345工单")).all()
        assert (entry.actor, entry.action) == ("tester", "import") and "新建2件" in entry.detail


def test_routing_by_building_address_and_ambiguous_names(demo_db, home, tmp_path):
    with demo_db.sessions() as s:
        rows = s.execute(
            select(Building.name, Building.address, Building.grid_id, Grid.community_id).join(Grid)
        ).all()
    other = next(r for r in rows if r.community_id != home["community_id"])
    own_names = {r.name for r in rows if r.community_id == home["community_id"]}
    elsewhere = [r.name for r in rows if r.name not in own_names]
    shared = next(n for n in elsewhere if elsewhere.count(n) > 1)  # in two other communities, not ours
    street_part = other.address.removeprefix("铜川市王益区")
    path = write_xlsx(tmp_path / "o.xlsx", table([
        order("A1", 地址=f"{street_part}2单元301"),  # a building of another community, by its address
        order("A2", 地址=f"桃园街道{shared}1单元"),  # the name alone fits two grids elsewhere
        order("A3", 地址=f"{home['address']}1单元101室"),
        order("A4", 地址=""),
    ]))  # fmt: skip

    report = run_import(demo_db, path)

    assert (report.created, report.routed, report.unrouted) == (4, 2, 2)
    assert case_of(demo_db, "A1").grid_id == other.grid_id
    assert case_of(demo_db, "A3").grid_id == home["grid_id"]
    assert case_of(demo_db, "A2").grid_id is None and case_of(demo_db, "A4").grid_id is None
    notes = {o.order_no: o.routing for o in report.orders}
    assert "多个网格" in notes["A2"] and "未填写地址" in notes["A4"]


def test_a_longer_building_name_wins_and_numbers_are_not_cut(demo_db, home, tmp_path):
    with demo_db.sessions() as s:
        grids = list(
            s.scalars(select(Grid).where(Grid.community_id == home["community_id"]).order_by(Grid.id))
        )
        s.add_all([
            Building(grid_id=grids[1].id, name="3号楼", address=""),
            Building(grid_id=grids[2].id, name="幸福小区3号楼", address=""),
        ])  # fmt: skip
        s.commit()
        second, third = grids[1].id, grids[2].id
    path = write_xlsx(tmp_path / "o.xlsx", table([
        order("B1", 地址="幸福小区3号楼2单元"),
        order("B2", 地址="某某巷3号楼"),
        order("B3", 地址="某某巷13号楼"),
    ]))  # fmt: skip
    run_import(demo_db, path)
    assert case_of(demo_db, "B1").grid_id == third
    assert case_of(demo_db, "B2").grid_id == second
    assert case_of(demo_db, "B3").grid_id is None


def test_a_resident_with_exactly_that_name_and_phone_is_linked(demo_db, tmp_path):
    with demo_db.sessions() as s:
        phones = select(Resident.phone).where(Resident.phone != "").group_by(Resident.phone)
        unique = phones.having(func.count() == 1)
        person = s.scalars(select(Resident).where(Resident.phone.in_(unique)).limit(1)).one()
        name, phone, resident_id = person.name, person.phone, person.id
    path = write_xlsx(tmp_path / "o.xlsx", table([
        order("R1", 诉求人=name, 联系电话=phone),
        order("R2", 诉求人=name + "某", 联系电话=phone),
    ]))  # fmt: skip
    run_import(demo_db, path)
    linked = case_of(demo_db, "R1")
    assert linked.resident_id == resident_id and linked.applicant_id_number == ""
    assert case_of(demo_db, "R2").resident_id is None


# --- duplicates ----------------------------------------------------------------------------------


def test_importing_the_same_file_twice_creates_nothing_the_second_time(demo_db, tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", table([order("D1"), order("D2")]))
    first = run_import(demo_db, path)
    assert (first.created, first.duplicates) == (2, 0)
    total = count(demo_db, Case)

    second = run_import(demo_db, path)

    assert (second.created, second.duplicates, second.rejected) == (0, 2, [])
    assert count(demo_db, Case) == total
    assert [r.row for r in second.duplicate_rows] == [2, 3] and "已导入" in second.duplicate_rows[0].reason
    assert case_of(demo_db, "D1").case_no in second.duplicate_rows[0].reason


def test_a_second_row_for_the_same_order_in_the_file_is_skipped(demo_db, tmp_path):
    path = write_xlsx(
        tmp_path / "o.xlsx", table([order("E1"), order("E2"), order(" E1 ", 诉求内容="又来电催办")])
    )
    report = run_import(demo_db, path)
    assert (report.created, report.duplicates, report.rejected) == (2, 1, [])
    assert [(r.row, "第2行" in r.reason) for r in report.duplicate_rows] == [(4, True)]
    assert case_of(demo_db, "E1").content.startswith("楼道垃圾")


# --- times and deadlines -------------------------------------------------------------------------


def test_time_limits_as_date_working_days_and_default(demo_db, tmp_path):
    call_day = CALL.date()
    path = write_xlsx(tmp_path / "o.xlsx", table([
        order("T1", 办理时限=dt.date(2026, 11, 30)),
        order("T2", 办理时限="3个工作日"),
        order("T3"),
        order("T4", 办理时限=2),
        order("T5", 办理时限="2026-12-01 17:00"),
        order("T6", 办理时限=dt.datetime(2026, 12, 2, 18, 0)),
        order("T7", 办理时限="3天"),
        order("T8", 办理时限="24小时", 来电时间=dt.datetime(2026, 11, 20, 17, 0)),
        order("T9", 办理时限="五个工作日"),
    ]))  # fmt: skip

    report = run_import(demo_db, path)

    assert report.rejected == [] and report.created == 9
    due = {no: case_of(demo_db, no).due_date for no in [f"T{i}" for i in range(1, 10)]}
    assert due["T1"] == dt.date(2026, 11, 30) and case_of(demo_db, "T1").promised_days == 6
    assert due["T2"] == CALENDAR.add_working_days(call_day, 3) == dt.date(2026, 11, 25)
    assert due["T3"] == CALENDAR.add_working_days(call_day, 5) == dt.date(2026, 11, 27)
    assert due["T4"] == dt.date(2026, 11, 24)
    assert due["T5"] == dt.date(2026, 12, 1) and due["T6"] == dt.date(2026, 12, 2)
    assert due["T7"] == dt.date(2026, 11, 23) and due["T8"] == dt.date(2026, 11, 21)
    assert due["T9"] == due["T3"] and case_of(demo_db, "T2").promised_days == 3


def test_chinese_time_limits_and_an_order_number_excel_shortened(demo_db, tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", table([
        order("C1", 办理时限="十五个工作日"),
        order("C2", 办理时限="二十天"),
        order("1.23457E+15"),
        order("C3", 办理时限="一百个工作日"),
    ]))  # fmt: skip

    report = run_import(demo_db, path)

    assert report.created == 2
    assert case_of(demo_db, "C1").due_date == CALENDAR.add_working_days(CALL.date(), 15)
    assert case_of(demo_db, "C1").promised_days == 15
    assert case_of(demo_db, "C2").due_date == CALL.date() + dt.timedelta(days=20)
    got = reasons(report)
    assert "科学计数法" in got[4] and "办理时限“一百个工作日”无法识别" in got[5]


def test_datetime_and_text_call_times(demo_db, tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", table([
        order("C1", 来电时间=dt.datetime(2026, 11, 20, 9, 15)),
        order("C2", 来电时间="2026-11-20 09:15"),
        order("C3", 来电时间="2026/11/20 9:15:00"),
        order("C4", 来电时间="2026年11月20日 9时15分"),
    ]))  # fmt: skip
    report = run_import(demo_db, path)
    assert report.created == 4 and report.rejected == []
    for no in ("C1", "C2", "C3", "C4"):
        assert local(case_of(demo_db, no).received_at) == CALL, no


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 11, 20, 9, 15), CALL),
        (dt.date(2026, 11, 20), dt.datetime(2026, 11, 20)),
        ("2026-11-20 09:15", CALL),
        ("2026/11/20 9:15:00", CALL),
        ("2026-11-20T09:15:00", CALL),
        ("2026.11.20 9:15", CALL),
        ("2026-11-20", dt.datetime(2026, 11, 20)),
        (46346.38541666667, CALL),  # an Excel serial without a date format
        ("2026-13-20 09:15", None),
        ("2026-11-20 25:15", None),
        ("昨天上午", None),
        ("5", None),
        (5, None),
    ],
)
def test_parse_call_time(value, expected):
    assert parse_call_time(value) == expected


# --- rejected rows and file errors ---------------------------------------------------------------


def test_rejected_rows_have_row_numbers_and_reasons(demo_db, tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", table([
        order("OK1"),
        order(None),
        order("F2", 来电时间=None),
        order("F3", 来电时间="昨天上午"),
        order("F4", 诉求内容="  "),
        order("F5", 地址="很长的地址" * 41),
        order("F6", 诉求人="某" * 51),
        order("F7", 办理时限="尽快"),
        order("F8", 办理时限=dt.date(2026, 11, 19)),
        order("G" * 41),
        None,  # an empty row is not an error
        order("F9", 诉求类型="类" * 50),
    ]))  # fmt: skip

    report = run_import(demo_db, path)

    assert report.created == 1 and report.written
    got = reasons(report)
    assert sorted(got) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    assert got[3] == "缺少工单编号"
    assert "缺少来电时间" in got[4] and "F2" in got[4]
    assert "来电时间“昨天上午”无法识别" in got[5]
    assert "缺少诉求内容" in got[6]
    assert "地址过长（最多200个字，现为205个）" in got[7]
    assert "诉求人过长" in got[8]
    assert "办理时限“尽快”无法识别" in got[9]
    assert "早于来电日期" in got[10]
    assert "工单编号过长" in got[11]
    assert "诉求类型过长" in got[13]
    assert case_of(demo_db, "OK1").status == "accepted"


def test_missing_required_columns_is_a_file_error(demo_db, tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", [["工单编号", "诉求人", "地址"], ["X1", "王女士", "某路"]])
    with pytest.raises(ImportFileError, match="来电时间、诉求内容"):
        run_import(demo_db, path)
    old_excel = tmp_path / "o.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(ImportFileError, match="不支持旧版 Excel"):
        run_import(demo_db, old_excel)


def test_a_title_line_above_the_header_is_skipped(demo_db, tmp_path):
    rows = [["12345政务服务便民热线工单导出（2026-11-20）"], [], *table([order("H1")])]
    report = run_import(demo_db, write_xlsx(tmp_path / "o.xlsx", rows))
    assert report.created == 1 and report.rejected == []


def test_gbk_csv(demo_db, home, tmp_path):
    rows = table([
        order("K1", 来电时间="2026/11/20 9:15", 地址=f"{home['name']}2单元", 诉求类型="噪音扰民"),
        order("K2", 来电时间="2026-11-20 09:15:00", 诉求内容="路灯不亮"),
    ])  # fmt: skip
    report = run_import(demo_db, write_csv(tmp_path / "gbk.csv", rows, encoding="gbk"))
    assert (report.created, report.routed, report.rejected) == (2, 1, [])
    case = case_of(demo_db, "K1")
    assert case.item_name == "12345热线工单（噪音扰民）" and local(case.received_at) == CALL
    assert case_of(demo_db, "K2").content == "路灯不亮"


# --- all or nothing ------------------------------------------------------------------------------


def test_dry_run_writes_nothing(demo_db, home, tmp_path):
    before = (count(demo_db, Case), count(demo_db, AuditEntry), count(demo_db, CaseSequence))
    path = write_xlsx(tmp_path / "o.xlsx", table([order("P1", 地址=home["name"]), order("P2"), order(None)]))

    report = run_import(demo_db, path, dry_run=True)

    assert (report.created, report.routed, report.unrouted, len(report.rejected)) == (2, 1, 1, 1)
    assert report.dry_run and not report.written
    assert all(o.case_no is None for o in report.orders)
    assert (count(demo_db, Case), count(demo_db, AuditEntry), count(demo_db, CaseSequence)) == before


def test_a_clash_while_writing_leaves_nothing_half_imported(demo_db, tmp_path, monkeypatch):
    run_import(demo_db, write_xlsx(tmp_path / "first.xlsx", table([order("Q2")])))
    before = (count(demo_db, Case), count(demo_db, AuditEntry))
    # As if another desk stored Q2 between our duplicate check and our write.
    monkeypatch.setattr(hotline._Writer, "stored_orders", lambda self, numbers: {})
    path = write_xlsx(tmp_path / "o.xlsx", table([order("Q1"), order("Q2"), order("Q3")]))
    with pytest.raises(ImportFileError, match="重新导入"):
        run_import(demo_db, path)
    assert (count(demo_db, Case), count(demo_db, AuditEntry)) == before


# --- the command line ----------------------------------------------------------------------------


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_imports_and_prints_the_report(demo_db, home, tmp_path, capsys):
    path = write_xlsx(tmp_path / "o.xlsx", table([order("CLI1", 地址=home["name"]), order("CLI2")]))

    code, out, err = cli(capsys, "--db", demo_db.url, "import", "hotline", str(path), "--user", "qiantai")

    assert (code, err) == (0, "")
    report = json.loads(out)
    assert (report["created"], report["routed"], report["unrouted"], report["written"]) == (2, 1, 1, True)
    assert report["orders"][0]["case_no"].startswith("TY-")
    assert case_of(demo_db, "CLI1").first_responder == "qiantai"

    code, out, _ = cli(capsys, "--db", demo_db.url, "import", "hotline", str(path))
    assert code == 0 and (json.loads(out)["created"], json.loads(out)["duplicates"]) == (0, 2)


def test_cli_exit_1_with_rejected_rows_and_dry_run(demo_db, tmp_path, capsys):
    path = write_csv(
        tmp_path / "o.csv",
        table([order("CLI3", 来电时间="2026-11-20 09:15"), order("CLI4", 来电时间="不详")]),
    )
    before = count(demo_db, Case)
    code, out, _ = cli(capsys, "--db", demo_db.url, "import", "hotline", str(path), "--dry-run")
    report = json.loads(out)
    assert code == 1 and report["rejected"][0]["row"] == 3 and "来电时间" in report["rejected"][0]["reason"]
    assert report["dry_run"] and not report["written"] and count(demo_db, Case) == before


def test_cli_file_errors_are_one_sentence(demo_db, tmp_path, capsys):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook at all")
    headless = write_xlsx(tmp_path / "headless.xlsx", [["甲", "乙"], ["1", "2"]])
    for path in (broken, tmp_path / "missing.csv", headless):
        code, out, err = cli(capsys, "--db", demo_db.url, "import", "hotline", str(path))
        assert code == 1 and out == ""
        assert err.startswith("yichuang: ") and err.count("\n") == 1 and "Traceback" not in err
    path = write_xlsx(tmp_path / "o.xlsx", table([order("CLI5")]))
    code, out, err = cli(capsys, "--db", demo_db.url, "import", "hotline", str(path), "--user", "nobody")
    assert code == 1 and out == "" and "nobody" in err


def test_cli_without_a_community_is_one_sentence(tmp_path, capsys):
    path = write_xlsx(tmp_path / "o.xlsx", table([order("CLI6")]))
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert cli(capsys, "--db", empty, "init")[0] == 0
    code, out, err = cli(capsys, "--db", empty, "import", "hotline", str(path))
    assert code == 1 and out == "" and "社区" in err and err.count("\n") == 1


# --- who may import ------------------------------------------------------------------------------


def _buildings_for_the_grid_worker(db) -> tuple[str, str]:
    """A building of the centre's community inside the demo grid worker's grids, and one outside."""
    from app.services.admin.scope import scope_for

    with db.sessions() as s:
        community = current_community(s)
        scope = scope_for(s, "wangge")
        rows = s.execute(
            select(Building.name, Building.grid_id).join(Grid).where(Grid.community_id == community.id)
            .order_by(Building.id)
        ).all()  # fmt: skip
    names = [name for name, _ in rows]
    inside = next(n for n, g in rows if scope.allows_grid(g) and names.count(n) == 1)
    outside = next(n for n, g in rows if not scope.allows_grid(g) and names.count(n) == 1)
    return inside, outside


def test_the_kiosk_account_and_a_disabled_account_may_not_import(demo_db, home, tmp_path):
    from app.models import User
    from app.services.admin.permissions import NotPermitted

    path = write_xlsx(tmp_path / "o.xlsx", table([order("P1", 地址=home["name"])]))
    before = count(demo_db, Case)
    with demo_db.sessions() as s, pytest.raises(NotPermitted, match="自助终端.*不能导入12345工单"):
        import_hotline_orders(s, path, actor="kiosk", today=DEMO_TODAY)
    with demo_db.sessions() as s:
        s.scalars(select(User).where(User.username == "qiantai")).one().active = False
        s.commit()
    with demo_db.sessions() as s, pytest.raises(NotPermitted, match="已停用"):
        import_hotline_orders(s, path, actor="qiantai", today=DEMO_TODAY)
    assert count(demo_db, Case) == before


def test_a_grid_worker_imports_only_the_orders_of_their_own_grids(demo_db, tmp_path):
    inside, outside = _buildings_for_the_grid_worker(demo_db)
    path = write_xlsx(
        tmp_path / "o.xlsx",
        table([order("G1", 地址=f"{inside}2单元"), order("G2", 地址=outside), order("G3")]),
    )
    with demo_db.sessions() as s:
        report = import_hotline_orders(s, path, actor="wangge", today=DEMO_TODAY)
    assert (report.created, report.routed, report.unrouted) == (1, 1, 0) and report.written
    assert "不在您负责的网格" in reasons(report)[3] and "手工分派" in reasons(report)[4]
    assert case_of(demo_db, "G1").first_responder == "wangge"
    # the rows refused to the grid worker are left for the desk, which imports them
    with demo_db.sessions() as s:
        again = import_hotline_orders(s, path, actor="qiantai", today=DEMO_TODAY)
    assert (again.created, again.duplicates, again.rejected) == (2, 1, [])


def test_cli_refuses_the_kiosk_account_and_narrows_a_grid_worker(demo_db, tmp_path, capsys):
    inside, outside = _buildings_for_the_grid_worker(demo_db)
    path = write_xlsx(tmp_path / "o.xlsx", table([order("K1", 地址=inside), order("K2", 地址=outside)]))
    code, out, err = cli(capsys, "--db", demo_db.url, "import", "hotline", str(path), "--user", "kiosk")
    assert code == 1 and out == "" and "不能导入12345工单" in err and err.count("\n") == 1
    code, out, err = cli(capsys, "--db", demo_db.url, "import", "hotline", str(path), "--user", "wangge")
    report = json.loads(out)
    assert code == 1 and (report["created"], report["rejected_count"]) == (1, 1)
    assert report["rejected"][0]["row"] == 3 and "网格" in report["rejected"][0]["reason"]
