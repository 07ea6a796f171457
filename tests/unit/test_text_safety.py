"""Hidden characters out of imported names and addresses, formulas out of exported cells (issue
20, point 11): app.services.common.text and the three importers that use it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.cli import main
from app.models import Case, GridStaff, Resident
from app.services.common.idcard import check_digit
from app.services.common.text import clean_text, removed_characters, spreadsheet_cell
from app.services.imports.grids import import_grids_and_staff
from app.services.imports.hotline import import_hotline_orders
from app.services.imports.residents import import_residents
from tests.unit.spreadsheets import write_csv, write_xlsx

RLO, PDF, LRI, PDI, RLM, ZWJ, BOM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f", "\u200d", "\ufeff"


def make_id(birth: str, seq: str) -> str:
    first17 = "610202" + birth + seq
    return first17 + check_digit(first17)


MAN, WOMAN = make_id("19650315", "011"), make_id("19700720", "022")


# --- clean_text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        (f"张{RLO}三丰{PDF}", "张三丰"),  # shown as 张丰三 without the override taken out
        (f"{LRI}王益区{PDI}红旗街", "王益区红旗街"),
        ("\u202a\u202b\u202d李\u2067\u2068四\u200e\u200f\u061c", "李四"),
        (f"{BOM}赵{ZWJ}六\u200b\u00ad", "赵六"),
        ("周\x00小\x07军\x1b[31m", "周小军[31m"),
        ("红旗街\t3号楼\n2单元\r502\u2028室", "红旗街 3号楼 2单元 502 室"),
        ("阿卜杜·热合曼", "阿卜杜·热合曼"),
        ("葛\U000e0100明", "葛\U000e0100明"),  # an ideographic variation selector: part of the name
        ('=HYPERLINK("http://x")', '=HYPERLINK("http://x")'),  # stored as given; escaped on export
    ],
)
def test_clean_text_takes_out_controls_and_bidi_and_keeps_the_rest(dirty, clean):
    assert clean_text(dirty) == clean


def test_multiline_text_keeps_its_line_breaks_and_loses_the_rest():
    assert clean_text(f"楼道\r\n灯坏了{RLO}\x00", multiline=True) == "楼道\n灯坏了"
    assert removed_characters(f"楼道\r\n灯坏了{RLO}\x00", multiline=True) == ["U+202E", "U+0000"]


def test_removed_characters_names_each_once_in_order_never_the_text():
    assert removed_characters(f"{RLO}张{RLO}三\t{LRI}") == ["U+202E", "U+0009", "U+2066"]
    assert removed_characters("张三 李四") == []


# --- spreadsheet_cell -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula",
    [
        "=1+1",
        '=HYPERLINK("http://evil","点我")',
        "+8613800138000",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1",
        "\r=1",
        "  =1",
    ],
)
def test_formula_led_text_is_escaped_for_a_spreadsheet(formula):
    assert spreadsheet_cell(formula) == "'" + formula


@pytest.mark.parametrize("value", ["张三", "", "   ", "13800138000", "红旗街3号楼", "a=b", 5, -5, 2.5, None])
def test_other_values_pass_unchanged(value):
    assert spreadsheet_cell(value) == value


def test_dates_pass_unchanged():
    day = dt.date(2026, 11, 23)
    assert spreadsheet_cell(day) is day


# --- the importers ----------------------------------------------------------------------------


def test_hostile_xlsx_of_residents_is_stored_clean_and_reported_row_by_row(db, tmp_path):
    header = ["姓名", "公民身份号码", "性别", "现住址", "户籍地址"]
    rows = [
        header,
        [f"张{RLO}三丰{PDF}", MAN, "男", f"红旗街{LRI}3号楼{PDI}", "铜川市"],
        ["李秀英", WOMAN, "女", "红旗街5号楼", f"{RLM}铜川市{BOM}"],
    ]
    path = write_xlsx(tmp_path / "花名册.xlsx", rows)
    with db.sessions() as session:
        report = import_residents(session, path, actor="qiantai")
    assert (report.created, report.rejected) == (2, [])
    assert report.as_dict()["corrected"] == [
        {"row": 2, "column": "姓名", "removed": ["U+202E", "U+202C"]},
        {"row": 2, "column": "现住址", "removed": ["U+2066", "U+2069"]},
        {"row": 3, "column": "户籍地址", "removed": ["U+200F", "U+FEFF"]},
    ]
    with db.sessions() as session:
        stored = {r.id_number: r for r in session.scalars(select(Resident))}
    assert stored[MAN].name == "张三丰" and stored[MAN].current_address == "红旗街3号楼"
    assert stored[WOMAN].hukou_address == "铜川市"


def test_hostile_csv_of_residents_through_the_command(capsys, db, tmp_path):
    rows = [
        ["姓名", "公民身份号码", "现住址"],
        ["周\x01小\x07军", MAN, "红旗街\x1b3号楼"],
        ["=1+1", WOMAN, ""],
    ]
    path = write_csv(tmp_path / "r.csv", rows)
    assert main(["--db", db.url, "import", "residents", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["corrected"] == [
        {"row": 2, "column": "姓名", "removed": ["U+0001", "U+0007"]},
        {"row": 2, "column": "现住址", "removed": ["U+001B"]},
    ]
    with db.sessions() as session:
        names = {r.id_number: r.name for r in session.scalars(select(Resident))}
    assert names == {MAN: "周小军", WOMAN: "=1+1"}  # a formula-led name is data: exports escape it


def test_hostile_csv_of_hotline_orders_keeps_the_content_lines(demo_db, tmp_path):
    header = ["工单编号", "来电时间", "诉求人", "联系电话", "地址", "诉求内容"]
    row = [
        "GD-RLO-1",
        "2026-11-20 09:15",
        f"王{RLO}女士",
        "13800000000",
        f"{LRI}某某路{PDI}",
        "灯坏了\x7f\n很黑",
    ]
    path = write_csv(tmp_path / "12345.csv", [header, row])
    with demo_db.sessions() as session:
        report = import_hotline_orders(session, path, actor="qiantai", today=dt.date(2026, 11, 23))
    assert report.created == 1 and report.rejected == []
    assert [(c["column"], c["removed"]) for c in report.as_dict()["corrected"]] == [
        ("诉求人", ["U+202E"]),
        ("地址", ["U+2066", "U+2069"]),
        ("诉求内容", ["U+007F"]),
    ]
    with demo_db.sessions() as session:
        case = session.scalars(select(Case).where(Case.hotline_order_no == "GD-RLO-1")).one()
    assert (case.applicant_name, case.address, case.content) == ("王女士", "某某路", "灯坏了\n很黑")


def test_hostile_grid_workbook_is_reported_by_sheet(demo_db, tmp_path):
    book = Workbook()
    grids = book.active
    grids.title = "网格"
    grids.append(["网格编码", "网格名称", "所属社区", "东至"])
    grids.append(["610202010001001", f"第1{RLO}网格", "桃园社区", f"新华路{ZWJ}"])
    staff = book.create_sheet("人员")
    staff.append(["网格编码", "姓名", "角色", "电话"])
    staff.append(["610202010001001", f"{LRI}周新来{PDI}", "志愿者", "13900001111"])
    path = tmp_path / "grids.xlsx"
    book.save(path)
    with demo_db.sessions() as session:
        report = import_grids_and_staff(session, path, actor="admin")
    assert report.rejected == []
    assert report.as_dict()["corrected"] == [
        {"sheet": "网格", "row": 2, "column": "网格名称", "removed": ["U+202E"]},
        {"sheet": "网格", "row": 2, "column": "东至", "removed": ["U+200D"]},
        {"sheet": "人员", "row": 2, "column": "姓名", "removed": ["U+2066", "U+2069"]},
    ]
    with demo_db.sessions() as session:
        assert session.scalars(select(GridStaff).where(GridStaff.name == "周新来")).one()
