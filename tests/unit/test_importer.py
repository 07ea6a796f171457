"""Tests for the resident importer (app.services.imports.residents) and ``yichuang import residents``.

Spreadsheets are built in ``tmp_path`` by the helpers below; no binary fixtures are committed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.db import open_database
from app.models import AuditEntry, Building, Community, Grid, Household, Resident, Street, User
from app.services.common.idcard import check_digit
from app.services.imports import residents as importer
from app.services.imports.residents import ImportFileError, ImportReport, RejectedRow, import_residents
from tests.unit.spreadsheets import write_csv, write_xlsx

HEADER = [
    "姓名",
    "公民身份号码",
    "性别",
    "民族",
    "出生日期",
    "户籍地址",
    "现住址",
    "联系电话",
    "网格",
    "楼栋",
    "房号",
    "与户主关系",
]
GRID_CODE = "610202001001001"


def make_id(region: str = "610202", birth: str = "19900102", seq: str = "123") -> str:
    """A valid 18-digit number; an odd ``seq`` (last digit) is a man, an even one a woman."""
    first17 = region + birth + seq
    return first17 + check_digit(first17)


ZHANG = make_id(birth="19650315", seq="011")  # male
LI = make_id(birth="19680720", seq="022")  # female
ZHANG_JR = make_id(region="110105", birth="19920101", seq="031")  # male


def person(name: str, number: str, **extra: object) -> dict[str, object]:
    return {"姓名": name, "公民身份号码": number, **extra}


def family() -> list[dict[str, object]]:
    return [
        person("张建国", ZHANG, 性别="男", 民族="汉族", 网格=GRID_CODE, 楼栋="3号楼", 房号="2单元502", 与户主关系="户主",
               联系电话="（138）0013 8000", 现住址="王益区红旗街3号楼2单元502室"),
        person("李秀英", LI, 性别="女", 出生日期="1968-07-20", 网格="第一网格", 楼栋="3号楼", 房号="2-502", 与户主关系="妻"),
        person("张伟", ZHANG_JR, 出生日期=dt.datetime(1992, 1, 1), 网格=GRID_CODE, 楼栋="3号楼", 房号="2单元502室",
               与户主关系="子"),
    ]  # fmt: skip


def table(records: list[dict[str, object] | None], header: list[str] = HEADER) -> list[list[object]]:
    """Header row plus one row per record; ``None`` makes an empty row."""
    rows: list[list[object]] = [list(header)]
    for record in records:
        rows.append([] if record is None else [record.get(h) for h in header])
    return rows


@pytest.fixture
def db(tmp_path):
    database = open_database(f"sqlite:///{tmp_path}/t.db")
    with database.sessions() as s:
        street = Street(code="610202001", name="红旗街街道", district="王益区", city="铜川市")
        community = Community(street=street, code="610202001001", short_code="HQ", name="红旗街社区")
        s.add_all(
            [
                Grid(community=community, code=GRID_CODE, name="第一网格"),
                Grid(community=community, code="610202001001002", name="第二网格"),
            ]
        )
        s.commit()
    yield database
    database.dispose()


def run_import(db, path: Path, **kwargs: object) -> ImportReport:
    with db.sessions() as s:
        return import_residents(s, path, actor="tester", **kwargs)


def count(db, model: type) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def resident(db, number: str) -> Resident | None:
    with db.sessions() as s:
        res = s.scalar(select(Resident).where(Resident.id_number == number))
        if res is not None and res.household is not None:
            _ = res.household.building.grid  # load for use after the session closes
        return res


def reasons(report: ImportReport) -> dict[int, str]:
    return {r.row: r.reason for r in report.rejected}


# --- happy paths ---------------------------------------------------------------------------------


def test_xlsx_imports_a_family_into_one_household(db, tmp_path):
    report = run_import(db, write_xlsx(tmp_path / "花名册.xlsx", table(family())))

    assert (report.created, report.updated, report.unchanged, report.rejected) == (3, 0, 0, [])
    assert report.written and report.buildings_created == 1 and report.households_created == 1
    head = resident(db, ZHANG)
    assert head.name == "张建国" and head.sex == "male" and head.birth_date == dt.date(1965, 3, 15)
    assert head.phone == "13800138000" and head.relation_to_head == "户主"
    assert head.current_address == "王益区红旗街3号楼2单元502室"
    assert head.household.unit == 2 and head.household.room == "502"
    assert head.household.building.name == "3号楼" and head.household.building.grid.code == GRID_CODE
    wife, son = resident(db, LI), resident(db, ZHANG_JR)
    assert wife.sex == "female" and son.sex == "male"
    assert wife.household_id == son.household_id == head.household_id
    assert wife.ethnicity == "汉族"  # the model's default when the cell is empty
    with db.sessions() as s:
        household = s.get(Household, head.household_id)
        assert household.head.name == "张建国"
        building = s.scalar(select(Building))
        assert (building.units, building.floors) == (2, 5)


def test_csv_imports_the_same(db, tmp_path):
    report = run_import(db, write_csv(tmp_path / "r.csv", table(family())))
    assert (report.created, report.rejected) == (3, [])
    assert resident(db, LI).household is not None


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8", "utf-16"])
def test_csv_encodings(db, tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", table(family()), encoding=encoding)
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = run_import(db, path)
    assert (report.created, report.rejected) == (3, [])
    assert resident(db, ZHANG).name == "张建国"


def test_csv_in_no_known_encoding_is_a_file_error(db, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("姓名,身份证号\n".encode() + b"\x80\xff\x81\x20,abc\n")
    with pytest.raises(ImportFileError, match="编码"):
        run_import(db, path)
    assert count(db, Resident) == 0


def test_tab_separated_text_and_multiline_cells(db, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        f'姓名\t身份证号\t现住址\n张建国\t{ZHANG}\t"红旗街\n3号楼"\n\n李秀英\t{LI}\t\n', encoding="utf-8"
    )
    report = run_import(db, path)
    assert (report.created, report.rejected) == (2, [])
    assert resident(db, ZHANG).current_address == "红旗街\n3号楼"


def test_headers_tolerate_spaces_brackets_and_markers(db, tmp_path):
    header = [
        " 姓名（必填）",
        "*身份证号码(18位)",
        "性 别",
        "户籍所在地",
        "居住地址",
        "手机号码",
        "所属网格",
        "楼栋",
        "房号",
    ]
    rows = [header, ["王芳", LI, "女", "铜川市", "红旗街", "13900001111", "第一网格", "1号楼", "101"]]
    report = run_import(db, write_xlsx(tmp_path / "r.xlsx", rows))
    assert (report.created, report.rejected) == (1, [])
    res = resident(db, LI)
    assert (res.hukou_address, res.current_address, res.phone) == ("铜川市", "红旗街", "13900001111")
    assert res.household.building.name == "1号楼" and res.household.unit == 1


def test_header_is_the_first_non_empty_row_and_row_numbers_follow_the_sheet(db, tmp_path):
    rows = [[], [], *table([person("张建国", ZHANG), None, None, person("", LI)])]
    path = write_xlsx(tmp_path / "r.xlsx", rows)  # header on row 3; the rejected row is row 7
    report = run_import(db, path)
    assert report.created == 1
    assert reasons(report) == {7: reasons(report)[7]} and "缺少姓名" in reasons(report)[7]


def test_sheet_with_the_headers_is_found_among_several(db, tmp_path):
    wb = Workbook()
    wb.active.title = "填写说明"
    wb.active["A1"] = "请按模板填写，身份证号列设为文本格式"
    data = wb.create_sheet("居民")
    for row in table([person("张建国", ZHANG)]):
        data.append(row)
    wb.save(tmp_path / "r.xlsx")
    assert run_import(db, tmp_path / "r.xlsx").created == 1


# --- file-level problems -------------------------------------------------------------------------


def test_missing_required_headers_names_them_and_what_was_found(db, tmp_path):
    rows = [["名字", "证件", "性别"], ["张建国", ZHANG, "男"]]
    with pytest.raises(ImportFileError) as err:
        run_import(db, write_xlsx(tmp_path / "r.xlsx", rows))
    message = str(err.value)
    assert "姓名" in message and "身份证号" in message
    assert "名字、证件、性别" in message and "\n" not in message
    assert count(db, Resident) == 0


def test_missing_only_the_id_column(db, tmp_path):
    with pytest.raises(ImportFileError, match="缺少必填列：公民身份号码") as err:
        run_import(db, write_csv(tmp_path / "r.csv", [["姓名", "性别"], ["张三", "男"]]))
    assert "姓名" in str(err.value).split("找到的列")[1]


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("broken.xlsx", os.urandom(2000), "xlsx"),
        ("empty.xlsx", b"", "xlsx"),
        ("zip.xlsx", None, "xlsx"),
        ("old.xlsx", b"\xd0\xcf\x11\xe0" + os.urandom(500), "另存为"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "另存为"),
        ("notes.docx", b"x", "不支持"),
        ("excel.csv", None, "Excel"),
        ("empty.csv", b"\n\n", "空"),
    ],
)
def test_unreadable_files_give_one_sentence(db, tmp_path, name, content, match):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("hello.txt", "not a workbook")
    else:
        path.write_bytes(content)
    with pytest.raises(ImportFileError, match=match) as err:
        run_import(db, path)
    assert isinstance(err.value, ValueError) and "\n" not in str(err.value)
    assert count(db, Resident) == 0


def test_missing_file(db, tmp_path):
    with pytest.raises(ImportFileError, match="找不到文件"):
        run_import(db, tmp_path / "nope.xlsx")


# --- rejected rows -------------------------------------------------------------------------------


def test_empty_rows_are_skipped_silently(db, tmp_path):
    records = [
        None,
        person("张建国", ZHANG),
        None,
        {"姓名": "  ", "公民身份号码": None},
        person("李秀英", LI),
        None,
    ]
    for path in (
        write_xlsx(tmp_path / "r.xlsx", table(records)),
        write_csv(tmp_path / "r.csv", table(records)),
    ):
        report = run_import(db, path)
        assert report.rejected == [] and report.accepted == 2


def test_rows_with_only_unread_columns_are_skipped(db, tmp_path):
    header = ["序号", "姓名", "身份证号"]
    rows = [header, [1, "张建国", ZHANG], [2, None, None], [3, None, None]]
    report = run_import(db, write_xlsx(tmp_path / "r.xlsx", rows))
    assert (report.created, report.rejected) == (1, [])


def test_missing_name_is_rejected_with_the_row_number(db, tmp_path):
    report = run_import(db, write_csv(tmp_path / "r.csv", table([person("张建国", ZHANG), person("", LI)])))
    assert report.created == 1
    assert report.rejected == [RejectedRow(3, report.rejected[0].reason)]
    assert "缺少姓名" in report.rejected[0].reason and LI not in report.rejected[0].reason
    assert "6102" in report.rejected[0].reason  # the masked number helps find the row


def test_a_row_with_neither_name_nor_id_but_other_data(db, tmp_path):
    report = run_import(db, write_csv(tmp_path / "r.csv", table([{"性别": "男", "楼栋": "3号楼"}])))
    assert reasons(report) == {2: "缺少姓名和身份证号"}


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("", "未填写身份证号"),
        ("61020219900102A23X", "只能包含数字"),
        ("6102021990010212", "应为18位"),
        (make_id(birth="19900231")[:17] + "0", "不是有效日期"),
        (make_id()[:17] + ("0" if make_id()[17] != "0" else "1"), "校验码不符"),
        (make_id(region="999999"), "地区码"),
    ],
)
def test_invalid_id_numbers_get_the_idcard_message(db, tmp_path, number, expected):
    report = run_import(db, write_csv(tmp_path / "r.csv", table([person("张三", number)])))
    assert report.created == 0
    (rejected,) = report.rejected
    assert rejected.row == 2 and expected in rejected.reason
    assert rejected.reason.startswith("身份证号有误：") or not number
    if len(number) == 18:
        assert number not in rejected.reason


def test_fifteen_digit_numbers_are_upgraded(db, tmp_path):
    old = "610202650315011"
    report = run_import(db, write_csv(tmp_path / "r.csv", table([person("张建国", old)])))
    assert report.created == 1
    assert resident(db, ZHANG).name == "张建国"  # same person as the 18-digit number
    report = run_import(db, write_csv(tmp_path / "r2.csv", table([person("张建国", ZHANG)])))
    assert (report.created, report.unchanged) == (0, 1)


def test_lower_case_x_and_full_width_digits_are_accepted(db, tmp_path):
    first17 = "11010519491231002"
    assert check_digit(first17) == "X"
    wide = "".join(chr(ord(c) + 0xFEE0) for c in first17) + "x"
    report = run_import(db, write_csv(tmp_path / "r.csv", table([person("王老", wide)])))
    assert report.created == 1 and resident(db, first17 + "X") is not None


@pytest.mark.parametrize("value", [int(ZHANG[:15]), 6.10202196503150e17, float(ZHANG[:15])])
def test_id_cells_stored_as_numbers_ask_for_text_format(db, tmp_path, value):
    report = run_import(db, write_xlsx(tmp_path / "r.xlsx", table([person("张建国", value)])))
    (rejected,) = report.rejected
    assert "文本" in rejected.reason and rejected.row == 2


def test_scientific_notation_text_in_csv_asks_for_text_format(db, tmp_path):
    report = run_import(db, write_csv(tmp_path / "r.csv", table([person("张建国", "6.10202E+17")])))
    assert "文本" in report.rejected[0].reason


def test_duplicate_in_file_rejects_the_second_occurrence(db, tmp_path):
    records = [person("张建国", ZHANG), person("李秀英", LI), person("张建国", ZHANG.lower())]
    report = run_import(db, write_csv(tmp_path / "r.csv", table(records)))
    assert report.created == 2
    (rejected,) = report.rejected
    assert rejected.row == 4 and "第2行重复" in rejected.reason and ZHANG not in rejected.reason


def test_duplicate_of_a_fifteen_digit_number(db, tmp_path):
    report = run_import(
        db,
        write_csv(tmp_path / "r.csv", table([person("张建国", ZHANG), person("张建国", "610202650315011")])),
    )
    assert reasons(report).keys() == {3}


def test_unknown_grid_is_rejected(db, tmp_path):
    records = [
        person("张建国", ZHANG, 网格="第九网格", 楼栋="1号楼", 房号="101"),
        person("李秀英", LI, 网格="第二网格", 楼栋="1号楼", 房号="101"),
    ]
    report = run_import(db, write_csv(tmp_path / "r.csv", table(records)))
    assert report.created == 1
    assert "第九网格" in reasons(report)[2] and "不存在" in reasons(report)[2]
    assert resident(db, LI).household.building.grid.name == "第二网格"
    assert count(db, Building) == 1  # nothing was created for the rejected row


def test_unknown_grid_code_is_quoted_in_full_but_ids_typed_elsewhere_are_masked(db, tmp_path):
    records = [
        person("张建国", ZHANG, 网格="610202001001009", 楼栋="1号楼", 房号="101"),
        person("李秀英", LI, 性别=ZHANG_JR),
        person("张伟", ZHANG_JR, 网格=GRID_CODE, 楼栋="1号楼", 房号=ZHANG),
    ]
    found = reasons(run_import(db, write_csv(tmp_path / "r.csv", table(records))))
    assert "610202001001009" in found[2]
    assert ZHANG_JR not in found[3] and "无法识别" in found[3]
    assert ZHANG not in found[4] and "房号" in found[4]


def test_grid_code_stored_as_a_number_still_matches(db, tmp_path):
    rows = table([person("张建国", ZHANG, 网格=int(GRID_CODE), 楼栋=3, 房号=502)])
    report = run_import(db, write_xlsx(tmp_path / "r.xlsx", rows))
    assert report.rejected == []
    res = resident(db, ZHANG)
    assert (res.household.building.name, res.household.room) == ("3", "502")


def test_ambiguous_grid_name_asks_for_the_code(db, tmp_path):
    with db.sessions() as s:
        other = Community(street_id=1, code="610202001002", short_code="XY", name="新苑社区")
        s.add(Grid(community=other, code="610202001002001", name="第一网格"))
        s.commit()
    report = run_import(
        db,
        write_csv(
            tmp_path / "r.csv", table([person("张建国", ZHANG, 网格="第一网格", 楼栋="1号楼", 房号="101")])
        ),
    )
    assert "编码" in reasons(report)[2]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"性别": "女"}, "性别填写为“女”，与身份证号不符"),
        ({"性别": "未知"}, "无法识别"),
        ({"出生日期": "1965-03-16"}, "与身份证号中的出生日期不符"),
        ({"出生日期": "去年"}, "出生日期“去年”无法识别"),
        ({"楼栋": "3号楼"}, "缺少房号"),
        ({"网格": GRID_CODE, "房号": "502"}, "缺少楼栋"),
        ({"网格": GRID_CODE}, "缺少楼栋、房号"),
        ({"网格": GRID_CODE, "楼栋": "3号楼", "房号": "3层东户"}, "房号“3层东户”无法识别"),
        ({"姓名": "张" * 51}, "姓名过长"),
        ({"楼栋": "新楼", "房号": "101"}, "新楼栋须填写所属网格"),
    ],
)
def test_rows_that_disagree_or_are_incomplete(db, tmp_path, extra, expected):
    record = {**person("张建国", ZHANG), **extra}
    report = run_import(db, write_csv(tmp_path / "r.csv", table([record])))
    assert report.created == 0
    assert expected in reasons(report)[2]
    assert ZHANG not in reasons(report)[2]


@pytest.mark.parametrize(
    "value",
    ["1965-03-15", "1965/3/15", "19650315", "1965年3月15日", "1965.03.15", "1965-03-15 00:00:00",
     dt.datetime(1965, 3, 15), dt.date(1965, 3, 15), 19650315, 23816],
)  # fmt: skip
def test_birth_dates_in_the_usual_shapes(db, tmp_path, value):
    report = run_import(db, write_xlsx(tmp_path / "r.xlsx", table([person("张建国", ZHANG, 出生日期=value)])))
    assert (report.created, report.rejected) == (1, [])


@pytest.mark.parametrize(
    ("room", "unit_column", "expected"),
    [
        ("502", None, (1, "502")),
        ("2-502", None, (2, "502")),
        ("2单元502", None, (2, "502")),
        ("2单元502室", None, (2, "502")),
        ("二单元 502", None, (2, "502")),
        ("502室", "3", (3, "502")),
        ("502", "3单元", (3, "502")),
        ("１２０３", None, (1, "1203")),
        ("十单元502", None, (10, "502")),
        ("502", "三", (3, "502")),
    ],
)
def test_room_formats(db, tmp_path, room, unit_column, expected):
    header = [*HEADER, "单元"]
    record = person("张建国", ZHANG, 网格=GRID_CODE, 楼栋="3号楼", 房号=room, 单元=unit_column)
    report = run_import(db, write_csv(tmp_path / "r.csv", table([record], header)))
    assert report.rejected == []
    household = resident(db, ZHANG).household
    assert (household.unit, household.room) == expected


def test_rows_without_an_address_import_without_a_household(db, tmp_path):
    report = run_import(db, write_csv(tmp_path / "r.csv", table([person("张建国", ZHANG, 现住址="红旗街")])))
    assert report.created == 1 and resident(db, ZHANG).household_id is None
    assert count(db, Household) == 0


def test_existing_buildings_and_households_are_reused(db, tmp_path):
    with db.sessions() as s:
        building = Building(grid_id=1, name="3号楼", units=4, floors=6)
        s.add(Household(building=building, unit=2, room="502", hukou_number="H1"))
        s.commit()
    report = run_import(db, write_xlsx(tmp_path / "r.xlsx", table(family())))
    assert (report.created, report.buildings_created, report.households_created) == (3, 0, 0)
    assert count(db, Household) == 1
    assert resident(db, LI).household.hukou_number == "H1"


def test_building_without_grid_is_found_when_its_name_is_unique(db, tmp_path):
    with db.sessions() as s:
        s.add(Building(grid_id=2, name="7号楼"))
        s.commit()
    report = run_import(
        db, write_csv(tmp_path / "r.csv", table([person("张建国", ZHANG, 楼栋="7号楼", 房号="101")]))
    )
    assert report.rejected == []
    assert resident(db, ZHANG).household.building.grid.name == "第二网格"


def test_building_without_grid_may_be_one_created_earlier_in_the_file(db, tmp_path):
    records = [
        person("张建国", ZHANG, 网格=GRID_CODE, 楼栋="9号楼", 房号="101"),
        person("李秀英", LI, 楼栋="9号楼", 房号="101"),
    ]
    report = run_import(db, write_csv(tmp_path / "r.csv", table(records)))
    assert report.rejected == [] and report.buildings_created == 1
    assert resident(db, LI).household_id == resident(db, ZHANG).household_id


def test_two_heads_for_one_household_in_a_file(db, tmp_path):
    records = family()
    records[1]["与户主关系"] = "户主"
    report = run_import(db, write_csv(tmp_path / "r.csv", table(records)))
    assert "已有户主（第2行）" in reasons(report)[3]


# --- re-import, strict, dry run, atomicity, audit -------------------------------------------------


def test_reimport_updates_instead_of_duplicating(db, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", table(family()))
    assert run_import(db, path).created == 3
    again = run_import(db, path)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, [])
    assert (count(db, Resident), count(db, Household), count(db, Building)) == (3, 1, 1)

    records = family()
    records[0]["联系电话"] = "13999999999"
    records[2].update(楼栋="5号楼", 房号="101", 与户主关系="户主")
    changed = run_import(db, write_xlsx(tmp_path / "r2.xlsx", table(records)))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 1)
    assert resident(db, ZHANG).phone == "13999999999"
    assert resident(db, ZHANG_JR).household.building.name == "5号楼"
    assert count(db, Resident) == 3
    # What changed is reported per row, the ID masked; a name is shown before and after.
    said = changed.as_dict()["changed"]
    assert [(c["row"], c["columns"]) for c in said] == [
        (2, ["联系电话"]),
        (4, ["与户主关系", "户（楼栋、单元、房号）"]),
    ]
    assert all("*" in c["id"] and ZHANG not in str(said) for c in said) and "name" not in said[0]
    records[0]["姓名"] = "张建华"
    renamed = run_import(db, write_xlsx(tmp_path / "r3.xlsx", table(records))).as_dict()["changed"]
    assert [c["name"] for c in renamed] == ["张建国 → 张建华"]


def test_empty_cells_do_not_erase_stored_values(db, tmp_path):
    run_import(db, write_xlsx(tmp_path / "r.xlsx", table(family())))
    report = run_import(db, write_csv(tmp_path / "names.csv", [["姓名", "身份证号"], ["张建国", ZHANG]]))
    assert report.unchanged == 1
    head = resident(db, ZHANG)
    assert head.phone == "13800138000" and head.household is not None and head.relation_to_head == "户主"


def test_strict_writes_nothing_when_a_row_is_rejected(db, tmp_path):
    records = [*family(), person("", make_id(seq="041"))]
    report = run_import(db, write_xlsx(tmp_path / "r.xlsx", table(records)), strict=True)
    assert report.created == 3 and len(report.rejected) == 1 and not report.written
    assert (count(db, Resident), count(db, Building), count(db, AuditEntry)) == (0, 0, 0)
    assert run_import(db, write_xlsx(tmp_path / "ok.xlsx", table(family())), strict=True).written


def test_dry_run_writes_nothing(db, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", table([*family(), person("", LI)]))
    report = run_import(db, path, dry_run=True)
    assert (report.created, len(report.rejected), report.written) == (3, 1, False)
    assert report.buildings_created == 1
    assert (count(db, Resident), count(db, Building), count(db, Household), count(db, AuditEntry)) == (
        0,
        0,
        0,
        0,
    )
    run_import(db, path)
    records = family()
    records[0]["联系电话"] = "110"
    report = run_import(db, write_xlsx(tmp_path / "r2.xlsx", table(records)), dry_run=True)
    assert report.updated == 1 and resident(db, ZHANG).phone == "13800138000"


def test_nothing_is_half_imported_when_something_fails_midway(db, tmp_path, monkeypatch):
    run_import(db, write_csv(tmp_path / "first.csv", table([person("张建国", ZHANG)])))
    numbers = [make_id(birth=f"1980{m:02d}01", seq="051") for m in range(1, 13)]
    records = [
        person(f"居民{i}", n, 网格=GRID_CODE, 楼栋=f"{i}号楼", 房号="101") for i, n in enumerate(numbers)
    ]
    records.append(person("张建国", ZHANG, 联系电话="120"))
    monkeypatch.setattr(importer, "FLUSH_EVERY", 3)  # rows really reach the database before the failure
    real_apply, calls = importer._Importer.apply, []

    def failing_apply(self, row, existing):
        calls.append(row.row)
        if len(calls) == 10:
            raise RuntimeError("disk full")
        return real_apply(self, row, existing)

    monkeypatch.setattr(importer._Importer, "apply", failing_apply)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import(db, write_csv(tmp_path / "r.csv", table(records)))
    assert len(calls) == 10
    assert (count(db, Resident), count(db, Building), count(db, Household), count(db, AuditEntry)) == (
        1,
        0,
        0,
        1,
    )
    assert resident(db, ZHANG).phone == ""


def test_failure_at_commit_rolls_back(db, tmp_path, monkeypatch):
    def broken_record(session, **kwargs):
        raise RuntimeError("audit table locked")

    monkeypatch.setattr(importer.audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        run_import(db, write_xlsx(tmp_path / "r.xlsx", table(family())))
    assert count(db, Resident) == 0


def test_one_audit_entry_per_import(db, tmp_path):
    run_import(db, write_xlsx(tmp_path / "花名册.xlsx", table([*family(), person("", LI)])))
    with db.sessions() as s:
        (entry,) = s.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor, entry.subject, entry.purpose) == (
        "import",
        "tester",
        "3人",
        "导入居民",
    )
    assert "花名册.xlsx" in entry.detail and "新增3人" in entry.detail and "拒绝1行" in entry.detail
    assert entry.resident_id is None


def test_report_as_dict_is_json_ready(db, tmp_path):
    report = run_import(db, write_csv(tmp_path / "r.csv", table([person("张建国", ZHANG), person("", LI)])))
    data = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert data["created"] == 1 and data["rejected_count"] == 1 and data["file"] == "r.csv"
    assert data["rejected"][0]["row"] == 3 and LI not in json.dumps(data, ensure_ascii=False)


def test_progress_is_reported(db, tmp_path):
    seen: list[tuple[int, int]] = []
    with db.sessions() as s:
        import_residents(
            s,
            write_xlsx(tmp_path / "r.xlsx", table(family())),
            actor="t",
            progress=lambda d, t: seen.append((d, t)),
        )
    assert seen[-1] == (3, 3)


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture
def cli(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("YICHUANG_DB", str(tmp_path / "t.db"))
    monkeypatch.setenv("YICHUANG_LOG_DIR", str(tmp_path / "logs"))
    from app.cli import main

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_cli_import_prints_a_json_report(cli, db, tmp_path):
    with db.sessions() as s:
        s.add(User(username="zhangsan", display_name="张三", password_hash="-", role="front_desk"))
        s.commit()
    path = write_xlsx(tmp_path / "r.xlsx", table(family()))
    code, out, err = cli("import", "residents", str(path), "--user", "nobody")
    assert code == 1 and out == "" and "nobody" in err and count(db, Resident) == 0
    code, out, err = cli("import", "residents", str(path), "--user", "zhangsan")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert (report["created"], report["rejected"], report["written"]) == (3, [], True)
    with db.sessions() as s:
        assert s.scalar(select(AuditEntry.actor)) == "zhangsan"


def test_cli_exit_code_1_with_rejected_rows_still_prints_the_report(cli, db, tmp_path):
    path = write_csv(tmp_path / "r.csv", table([person("张建国", ZHANG), person("", LI)]))
    code, out, _ = cli("--db", str(tmp_path / "t.db"), "import", "residents", str(path), "--dry-run")
    assert code == 1
    assert json.loads(out)["rejected"][0]["row"] == 3 and LI not in out
    assert count(db, Resident) == 0
    code, out, _ = cli("import", "residents", str(path), "--strict")
    assert code == 1 and json.loads(out)["written"] is False and count(db, Resident) == 0


def test_cli_file_errors_are_one_sentence(cli, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(os.urandom(1000))
    for path in (broken, tmp_path / "missing.csv"):
        code, out, err = cli("import", "residents", str(path))
        assert code == 1 and out == ""
        assert err.startswith("yichuang: ") and err.count("\n") == 1 and "Traceback" not in err
