"""Grid management: the tree, edits that are audited and outdate the notice board only when the
board would print something else, staff under 1+9+X, and the .xlsx import of grids and staff."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from PIL import Image
from sqlalchemy import func, select, update

from app.models import LIVING, AuditEntry, Building, Grid, GridStaff, Household, PartyOrganisation, Resident
from app.models.staff import BUILDING_LEADER, GRID_LEADER
from app.services.grids import places as grids
from app.services.grids.places import GridEditError
from app.services.grids.rules import normalise_phone, parse_star
from app.services.imports.grids import GridImportReport, import_grids_and_staff
from app.services.imports.spreadsheet import ImportFileError

FIRST = "610202010001001"  # 桃园社区 第1网格 of the demo street
SECOND = "610202010001002"


@pytest.fixture
def db(demo_db):
    """The demo street with every board printed, so that only what a test changes is outdated."""
    with demo_db.sessions.begin() as s:
        s.execute(update(Grid).values(board_printed_version=Grid.board_version))
    return demo_db


def versions(db, code: str) -> tuple[int, int]:
    with db.sessions() as s:
        grid = s.scalar(select(Grid).where(Grid.code == code))
        return grid.board_version, grid.board_printed_version


def audits(db, action: str = "edit") -> list[AuditEntry]:
    with db.sessions() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def edit(db, code: str, changes: dict, actor: str = "wangge") -> list[str]:
    with db.sessions.begin() as s:
        return grids.update_grid(s, code, changes, actor)


def detail(db, code: str = FIRST) -> grids.GridDetail:
    with db.sessions() as s:
        return grids.grid_detail(s, code)


def png(size: tuple[int, int] = (60, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#c0d0e0").save(out, "PNG")
    return out.getvalue()


# --- the tree ------------------------------------------------------------------------------------


def test_tree_counts_households_and_residents_per_grid_and_building(db):
    with db.sessions() as s:
        tree = grids.grid_tree(s)
        households = s.scalar(select(func.count()).select_from(Household))
        residents = s.scalar(
            select(func.count())
            .select_from(Resident)
            .where(Resident.household_id.is_not(None), Resident.state == LIVING)  # people living here
        )
        first_grid = s.scalar(select(Grid).where(Grid.code == FIRST))
        in_first = s.scalar(
            select(func.count(Resident.id))
            .join(Resident.household)
            .join(Household.building)
            .where(Building.grid_id == first_grid.id, Resident.state == LIVING)
        )
    assert [c.name for c in tree] == ["桃园社区", "新华社区", "东风社区", "建设社区", "和平社区", "青年社区"]
    assert {c.street_name for c in tree} == {"桃园街道"}
    assert sum(len(c.grids) for c in tree) == 60
    assert sum(c.households for c in tree) == households and sum(c.residents for c in tree) == residents
    node = tree[0].grids[0]
    assert (node.code, node.name, node.residents) == (FIRST, "第1网格", in_first)
    assert node.residents == sum(b.residents for b in node.buildings)
    assert all(b.leader for b in node.buildings)  # every demo building has its 楼栋长
    assert not node.board_outdated


def test_detail_shows_party_branch_buildings_and_staff_in_board_order(db):
    d = detail(db)
    assert d.community_name == "桃园社区" and d.party_branch == "第1网格党支部"
    assert d.staff[0].role == GRID_LEADER and d.staff[0].role_name == "网格长" and d.staff[0].group == "1"
    assert d.households == sum(b.households for b in d.buildings) > 0
    assert any(b.party_group.startswith("1号楼党小组") for b in d.buildings)
    assert any(b.member_households for b in d.buildings)
    assert all(b.leaders for b in d.buildings)


# --- editing the grid ----------------------------------------------------------------------------


def test_boundary_change_is_audited_and_outdates_the_board(db):
    before = detail(db)
    lines = edit(db, FIRST, {"boundary_east": "东至  红旗街（含沿街商铺）", "name": before.name})
    assert lines == [f"东至: {before.boundary_east} → 东至 红旗街(含沿街商铺)"]  # folded, one change only
    (entry,) = audits(db)
    assert (entry.actor, entry.action, entry.subject) == ("wangge", "edit", FIRST)
    assert entry.detail == lines[0] and entry.resident_id is None
    assert versions(db, FIRST) == (before.board_version + 1, before.board_version)
    with db.sessions() as s:
        assert [b.code for b in grids.outdated_boards(s)] == [FIRST]


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"name": "和平里网格"}, "网格名称: 第1网格 → 和平里网格"),
        ({"coverage": "和平里小区全部"}, "范围: "),
        ({"area_km2": 0.5}, "面积: "),
        ({"hotline": "0919 318 8001"}, "服务电话: "),
        ({"star_rating": "五星"}, "星级: "),
        ({"code": "610202010001099"}, "网格编码: 610202010001001 → 610202010001099"),
    ],
)
def test_every_printed_field_outdates_the_board(db, changes, shown):
    version = versions(db, FIRST)[0]
    lines = edit(db, FIRST, changes)
    assert len(lines) == 1 and lines[0].startswith(shown)
    code = changes.get("code", FIRST)
    assert versions(db, code)[0] == version + 1


def test_party_branch_is_audited_and_outdates_the_board(db):
    version = versions(db, FIRST)[0]
    lines = edit(db, FIRST, {"party_branch": "和平里网格党支部", "party_secretary": "王芳",
                             "party_secretary_phone": "13991234567"})  # fmt: skip
    assert lines == ["网格党支部: 第1网格党支部 → 和平里网格党支部", "支部书记: （空） → 王芳",
                     "书记电话: （空） → 13991234567"]  # fmt: skip
    assert versions(db, FIRST)[0] == version + 1  # the board prints the branch and its secretary
    d = detail(db)
    assert (d.party_branch, d.party_secretary, d.party_secretary_phone) == (
        "和平里网格党支部",
        "王芳",
        "13991234567",
    )
    edit(db, FIRST, {"party_secretary_phone": "13991230000"})
    assert versions(db, FIRST)[0] == version + 1  # the secretary's phone is not on the board


def test_a_grid_without_branch_gets_one_under_the_community(db):
    with db.sessions.begin() as s:
        grid = s.scalar(select(Grid).where(Grid.code == SECOND))
        for org in s.scalars(select(PartyOrganisation).where(PartyOrganisation.grid_id == grid.id)):
            org.grid_id = None
    with pytest.raises(GridEditError) as err:
        edit(db, SECOND, {"party_secretary": "王芳"})
    assert err.value.errors == {"party_branch": "请先填写网格党支部名称"}
    edit(db, SECOND, {"party_branch": "第2网格党支部", "party_secretary": "王芳"})
    with db.sessions() as s:
        branch = s.scalar(select(PartyOrganisation).where(PartyOrganisation.name == "第2网格党支部",
                                                          PartyOrganisation.grid_id.is_not(None)))  # fmt: skip
        assert branch.level == "grid_branch" and branch.parent.level == "community"


def test_saving_unchanged_values_writes_nothing(db):
    version, printed = versions(db, FIRST)
    assert edit(db, FIRST, detail(db).values()) == []
    assert audits(db) == [] and versions(db, FIRST) == (version, printed) and version == printed


def test_refused_edits_name_every_field_and_change_nothing(db):
    before = detail(db)
    with pytest.raises(GridEditError) as err:
        edit(db, FIRST, {"name": " ", "star_rating": 6, "boundary_north": "北" * 201, "hotline": "3188000",
                         "area_km2": "-1", "coverage": "ok"})  # fmt: skip
    errors = err.value.errors
    assert set(errors) == {"name", "star_rating", "boundary_north", "hotline", "area_km2"}
    assert errors["name"] == "网格名称必须填写"
    assert errors["boundary_north"] == "北至过长（最多200个字，现为201个）"
    assert "区号" in errors["hotline"]
    assert detail(db) == before and audits(db) == []
    with pytest.raises(GridEditError) as err:
        edit(db, FIRST, {"code": SECOND})
    assert err.value.errors == {"code": f"网格编码“{SECOND}”已被其他网格使用"}
    with pytest.raises(GridEditError, match="未知字段"):
        edit(db, FIRST, {"board_version": 9})
    with pytest.raises(GridEditError, match="不存在"):
        edit(db, "nope", {"name": "x"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("（0919）3188000", "0919-3188000"),
        ("0919-3188000-801", "0919-3188000-801"),
        ("0919-3188000转801", "0919-3188000-801"),
        ("010 6512 3456", "010-65123456"),
        ("", ""),
    ],
)
def test_phones_are_mobiles_or_landlines_with_area_code(text, expected):
    assert normalise_phone(text) == expected


@pytest.mark.parametrize("text", ["3188000", "12345678901", "0919-318", "电话", "1380013800x"])
def test_other_phones_are_refused(text):
    with pytest.raises(ValueError, match="电话"):
        normalise_phone(text)


def test_star_ratings_are_read_as_people_write_them():
    assert [parse_star(v) for v in (4, "4", "4星", "四星", "★★★☆☆", 0)] == [4, 4, 4, 4, 3, 0]
    with pytest.raises(ValueError):
        parse_star(6)


# --- staff ---------------------------------------------------------------------------------------


def test_staff_added_changed_and_removed_each_audited_and_outdating_the_board(db):
    version = versions(db, FIRST)[0]
    with db.sessions.begin() as s:
        staff_id = grids.add_staff(
            s,
            FIRST,
            {"name": "赵六", "role": "志愿者", "phone": "139 9123 4567", "duty": "协助走访", "photo": png()},
            actor="wangge",
        )
    with db.sessions.begin() as s:
        lines = grids.update_staff(s, staff_id, {"phone": "0919-3188000", "role": "综治网格员", "photo": None},
                                   actor="wangge")  # fmt: skip
    assert lines == ["电话: 13991234567 → 0919-3188000", "角色: 志愿者 → 综治网格员", "照片: 已删除"]
    with db.sessions.begin() as s:
        grids.remove_staff(s, staff_id, actor="wangge")
    entries = audits(db)
    assert [e.detail.splitlines()[0] for e in entries] == [
        "新增人员：志愿者 赵六，电话 13991234567",
        "人员 赵六（综治网格员）",
        "移除人员：综治网格员 赵六",
    ]
    assert {e.subject for e in entries} == {FIRST}
    assert versions(db, FIRST)[0] == version + 3
    with db.sessions() as s:
        assert s.get(GridStaff, staff_id) is None


def test_staff_rules(db):
    d = detail(db)
    leader = d.staff[0]
    other_building = detail(db, SECOND).buildings[0].id

    def add(values):
        with db.sessions.begin() as s:
            return grids.add_staff(s, FIRST, values, actor="wangge")

    with pytest.raises(GridEditError) as err:
        add({"name": "钱七", "role": "网格长", "phone": "13991234567"})
    assert err.value.errors == {"role": f"本网格已有网格长 {leader.name}，一个网格只设一位网格长"}
    with pytest.raises(GridEditError) as err:
        add({"role": "队长", "phone": "123"})
    assert set(err.value.errors) == {"name", "role", "phone"} and "网格长" in err.value.errors["role"]
    with pytest.raises(GridEditError) as err:
        add({"name": "孙八", "role": BUILDING_LEADER, "building_id": other_building})
    assert err.value.errors == {"building_id": "楼栋不属于本网格"}
    with pytest.raises(GridEditError) as err:
        add({"name": "孙八", "role": "comprehensive", "building_id": d.buildings[0].id, "photo": b"GIF89a"})
    assert err.value.errors == {"photo": "照片只支持 JPG 或 PNG 图片"}
    with pytest.raises(GridEditError) as err:
        add({"name": "孙八", "role": "comprehensive", "building_id": d.buildings[0].id})
    assert err.value.errors == {"building_id": "只有楼栋长关联楼栋"}
    with db.sessions.begin() as s, pytest.raises(GridEditError) as err:
        grids.update_staff(s, leader.id, {"phone": ""}, actor="wangge")
    assert err.value.errors == {"phone": "网格长的电话印在公示牌上，必须填写"}
    staff_id = add({"name": "孙八", "role": BUILDING_LEADER, "building_id": d.buildings[0].id})
    assert any("孙八" in b.leaders for b in detail(db).buildings)
    with db.sessions.begin() as s:
        assert grids.update_staff(s, staff_id, {"name": "孙八"}, actor="wangge") == []  # nothing changed
    assert len(audits(db)) == 1


# --- import --------------------------------------------------------------------------------------

GRID_HEADER = ["网格编码", "网格名称", "所属社区", "东至", "南至", "西至", "北至", "范围", "面积", "服务电话", "星级"]  # fmt: skip
STAFF_HEADER = ["网格编码", "姓名", "角色", "电话", "派出单位", "职责"]
NEW = "610202010001011"


def workbook(path: Path, grid_rows: list[list], staff_rows: list[list], *, staff_header=STAFF_HEADER) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "网格"
    for row in [GRID_HEADER, *grid_rows]:
        ws.append(row)
    people = wb.create_sheet("人员")
    for row in [staff_header, *staff_rows]:
        people.append(row)
    wb.save(path)
    return path


def good_rows() -> tuple[list[list], list[list]]:
    return (
        [
            [NEW, "第11网格", "桃园社区", "东至红旗街", "南至铜川市第一中学", "西至北关街", "北至新华路",
             "新建小区及沿街商铺", 0.21, "0919-3188011", "4星"],
            [FIRST, "第1网格", "", "东至和平路", None, None, None, None, None, None, None],
        ],
        [
            [NEW, "周敏", "网格长", "13991230011", "桃园社区", "统筹网格工作"],
            [NEW, "吴刚", "综治网格员", "13991230012", "桃园社区", "巡查"],
            [NEW, "郑洁", "志愿者", "", "", ""],
        ],
    )  # fmt: skip


def run(db, path: Path, **kwargs) -> GridImportReport:
    with db.sessions() as s:
        return import_grids_and_staff(s, path, actor="wangge", **kwargs)


def state(db) -> tuple:
    with db.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(Grid)),
            s.scalar(select(func.count()).select_from(GridStaff)),
            tuple(
                s.execute(select(Grid.code, Grid.boundary_east, Grid.board_version).order_by(Grid.code)).all()
            ),
            s.scalar(select(func.count()).select_from(AuditEntry)),
        )


def test_import_creates_and_updates_grids_and_staff(db, tmp_path):
    version = versions(db, FIRST)[0]
    south_before = detail(db).boundary_south
    report = run(db, workbook(tmp_path / "网格.xlsx", *good_rows()))
    assert report.rejected == [] and report.written
    assert (report.grids_created, report.grids_updated, report.staff_created) == (1, 1, 3)
    assert report.boards_outdated == [FIRST, NEW]
    new = detail(db, NEW)
    assert (new.community_name, new.boundary_south, new.area_km2, new.hotline, new.star_rating) == (
        "桃园社区", "南至铜川市第一中学", 0.21, "0919-3188011", 4)  # fmt: skip
    assert [(s.role_name, s.name) for s in new.staff] == [
        ("网格长", "周敏"),
        ("综治网格员", "吴刚"),
        ("志愿者", "郑洁"),
    ]
    first = detail(db)
    assert first.boundary_east == "东至和平路" and first.boundary_south == south_before  # empty cells kept
    assert versions(db, FIRST)[0] == version + 1
    (entry,) = audits(db, "import")
    assert (
        entry.purpose == "导入网格和人员" and "网格新增1个、更新1个" in entry.detail and NEW in entry.detail
    )


def test_reimport_changes_nothing_then_updates_what_changed(db, tmp_path):
    grid_rows, staff_rows = good_rows()
    path = workbook(tmp_path / "a.xlsx", grid_rows, staff_rows)
    run(db, path)
    before = versions(db, NEW), versions(db, FIRST)
    again = run(db, path)
    assert (again.grids_unchanged, again.staff_unchanged, again.boards_outdated) == (2, 3, [])
    assert (versions(db, NEW), versions(db, FIRST)) == before

    staff_rows[1][3] = "13991230099"  # 吴刚's new phone
    staff_rows[0][1:4] = ["冯丽", "网格长", "13991230088"]  # a new grid leader takes the post
    report = run(db, workbook(tmp_path / "b.xlsx", grid_rows, staff_rows))
    assert (report.staff_updated, report.staff_unchanged, report.staff_created) == (2, 1, 0)
    assert report.boards_outdated == [NEW] and versions(db, NEW)[0] == before[0][0] + 1
    staff = {s.name: s for s in detail(db, NEW).staff}
    assert "周敏" not in staff and staff["冯丽"].role == GRID_LEADER and staff["冯丽"].duty == "统筹网格工作"
    assert staff["吴刚"].phone == "13991230099"


def test_import_reports_every_bad_row_and_writes_nothing(db, tmp_path):
    grid_rows, staff_rows = good_rows()
    grid_rows += [
        ["610202010001012", "第12网格", "不存在社区", "东至" * 120, None, None, None, None, -3, None, "6"],
        [NEW, "重复", "桃园社区", None, None, None, None, None, None, None, None],
        ["610202010001013", "", "", None, None, None, None, None, None, "3188000", None],
    ]
    staff_rows += [
        ["610202010001012", "何平", "网格长", "13991230021", "", ""],
        ["999", "何平", "网格长", "13991230021", "", ""],
        [NEW, "", "队长", "110", "", ""],
        [NEW, "吴刚", "综治网格员", "13991230012", "", ""],
        [NEW, "许可", "网格长", "13991230031", "", ""],
        [SECOND, "秦风", "网格长", "", "", ""],
    ]
    before = state(db)
    report = run(db, workbook(tmp_path / "bad.xlsx", grid_rows, staff_rows))
    assert not report.written and state(db) == before
    got = {(r.sheet, r.row): r.reason for r in report.rejected}
    assert list(got) == [("网格", 4), ("网格", 5), ("网格", 6), ("人员", 5), ("人员", 6), ("人员", 7), ("人员", 8),
                         ("人员", 9), ("人员", 10)]  # fmt: skip
    assert got[("网格", 4)] == (
        "东至过长（最多200个字，现为240个）；面积应在 0 到 100 平方公里之间；星级“6”应为 0–5（可写 4、4星 或 四星）；"
        "所属社区“不存在社区”不存在，请填写系统中已有社区的名称或编码"
    )
    assert got[("网格", 5)] == f"网格编码“{NEW}”与第2行重复"
    assert (
        got[("网格", 6)].startswith("电话“3188000”缺少区号")
        and "新网格须填写网格名称；新网格须填写所属社区" in got[("网格", 6)]
    )
    assert got[("人员", 5)] == "网格“610202010001012”在“网格”表第4行未能导入"
    assert got[("人员", 6)] == "网格编码“999”不存在（“网格”表和系统中都没有）"
    assert "角色“队长”无法识别" in got[("人员", 7)] and "姓名必须填写" in got[("人员", 7)]
    assert got[("人员", 8)] == "吴刚（综治网格员）已在第3行填写"
    assert got[("人员", 9)] == f"网格“{NEW}”的网格长已在第2行填写"
    assert got[("人员", 10)] == "网格长的电话印在公示牌上，必须填写"
    assert report.as_dict()["rejected"][0]["sheet"] == "网格"


def test_lenient_import_writes_the_good_rows_in_one_transaction(db, tmp_path):
    grid_rows, staff_rows = good_rows()
    staff_rows.append(["999", "何平", "网格长", "13991230021", "", ""])
    report = run(db, workbook(tmp_path / "x.xlsx", grid_rows, staff_rows), strict=False)
    assert report.written and len(report.rejected) == 1 and report.staff_created == 3
    assert len(detail(db, NEW).staff) == 3


def test_dry_run_and_failures_leave_the_database_as_it_was(db, tmp_path, monkeypatch):
    path = workbook(tmp_path / "x.xlsx", *good_rows())
    before = state(db)
    report = run(db, path, dry_run=True)
    assert report.grids_created == 1 and not report.written and state(db) == before

    from app.services.imports import grids as grid_import

    def broken(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(grid_import.audit, "record", broken)
    with pytest.raises(RuntimeError):
        run(db, path)
    assert state(db) == before


def test_import_with_one_sheet_and_building_leaders(db, tmp_path):
    building = detail(db).buildings[0].name
    wb = Workbook()
    ws = wb.active
    ws.title = "人员"
    for row in [[*STAFF_HEADER, "楼栋"], [FIRST, "韩梅", "楼栋长", "13991230041", "", "", building],
                [FIRST, "韩雪", "楼栋长", "13991230042", "", "", "不存在楼"]]:  # fmt: skip
        ws.append(row)
    wb.save(tmp_path / "people.xlsx")
    report = run(db, tmp_path / "people.xlsx", strict=False)
    assert [(r.sheet, r.row) for r in report.rejected] == [("人员", 3)]
    assert report.rejected[0].reason == f"楼栋“不存在楼”不在网格“{FIRST}”中"
    assert any("韩梅" in b.leaders for b in detail(db).buildings if b.name == building)


def test_unusable_files_are_explained(db, tmp_path):
    csv = tmp_path / "grids.csv"
    csv.write_text("网格编码,网格名称\n1,a\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"\.xlsx"):
        run(db, csv)
    wb = Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(ImportFileError, match="找不到可导入的工作表"):
        run(db, tmp_path / "other.xlsx")
    with pytest.raises(ImportFileError, match="找不到文件"):
        run(db, tmp_path / "missing.xlsx")
