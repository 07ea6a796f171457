"""``yichuang import template``: blank workbooks whose headers are the importers' own, and that
import once a row is filled in."""

from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import select

from app.models import Community, Grid, Resident
from app.services.imports import community_sheet, grids, hotline_rows, resident_rows
from app.services.imports.templates import import_kinds
from tests.unit.test_real_centre import run


def _headers(path, sheet: str) -> list[str]:
    return [c.value for c in load_workbook(path)[sheet][1]]


def test_the_templates_carry_exactly_the_importers_headers_and_explain_every_column(tmp_path, capsys):
    expected = {
        "residents": {"居民": resident_rows.HEADERS},
        "grids": {
            "社区": community_sheet.COMMUNITY_HEADERS,
            "网格": grids.GRID_HEADERS,
            "人员": grids.STAFF_HEADERS,
        },
        "hotline": {"工单": hotline_rows.HEADERS},
    }
    for kind, sheets in expected.items():
        out = tmp_path / f"{kind}.xlsx"
        code, rows, err = run(capsys, "import", "template", kind, "--out", str(out))
        assert code == 0, err
        book = load_workbook(out)
        assert book.sheetnames == ["说明", *sheets]
        assert book.active.title == next(iter(sheets))
        for name, headers in sheets.items():
            assert _headers(out, name) == [names[0] for names in headers.values()]
            assert book[name].freeze_panes == "A2"
            assert book[name].column_dimensions["A"].width >= 12
        guide = [row for row in book["说明"].iter_rows(values_only=True)]
        explained = {(r[0], r[1]) for r in guide if r and r[0] in sheets}
        assert explained == {(s, names[0]) for s, h in sheets.items() for names in h.values()}
    for kind in import_kinds().values():  # required columns are the importers' own
        for sheet in kind.sheets:
            assert all(c.format and c.example for c in sheet.columns)
    code, _, err = run(capsys, "import", "template", "grids", "--out", str(tmp_path / "g.csv"))
    assert code == 1 and ".xlsx" in err


def _fill(path, sheet: str, values: dict[str, object]) -> None:
    book = load_workbook(path)
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    row = ws.max_row + 1 if ws.max_row > 1 and any(c.value for c in ws[ws.max_row]) else 2
    for header, value in values.items():
        ws.cell(row=row, column=headers.index(header) + 1, value=value)
    book.save(path)


def test_a_filled_template_imports(demo_db, tmp_path, capsys):
    db = ["--db", demo_db.url]
    with demo_db.sessions() as session:
        street_code = session.scalars(select(Community.code)).first()[:9]
        grid_code = session.scalars(select(Grid.code).order_by(Grid.code)).first()
    book = tmp_path / "grids.xlsx"
    run(capsys, "import", "template", "grids", "--out", str(book))
    _fill(book, "社区", {"社区代码": f"{street_code}077", "社区名称": "模板社区", "编号前缀": "MB"})
    _fill(
        book, "网格", {"网格编码": f"{street_code}077001", "网格名称": "模板一网格", "所属社区": "模板社区"}
    )
    _fill(
        book,
        "人员",
        {"网格编码": f"{street_code}077001", "姓名": "周平", "角色": "网格长", "电话": "13900000009"},
    )
    code, rows, _ = run(capsys, *db, "import", "grids", str(book))
    assert code == 0, rows
    assert (rows[0]["communities_created"], rows[0]["grids_created"], rows[0]["staff_created"]) == (1, 1, 1)

    book = tmp_path / "residents.xlsx"
    run(capsys, "import", "template", "residents", "--out", str(book))
    from tests.unit.centre_files import id_number

    number = id_number("610202", "19900101", "077")
    _fill(book, "居民", {"姓名": "钱多", "公民身份号码": number, "楼栋": "9号楼", "单元": 1, "房号": "101",
                         "与户主关系": "户主", "网格": grid_code})  # fmt: skip
    code, rows, _ = run(capsys, *db, "import", "residents", str(book))
    assert code == 0 and rows[0]["created"] == 1, rows
    with demo_db.sessions() as session:
        assert session.scalars(select(Resident.name).where(Resident.id_number == number)).one() == "钱多"

    book = tmp_path / "hotline.xlsx"
    run(capsys, "import", "template", "hotline", "--out", str(book))
    _fill(
        book,
        "工单",
        {"工单编号": "GD2026110100077", "来电时间": "2026-11-01 09:30", "诉求内容": "楼道灯不亮"},
    )
    code, rows, _ = run(capsys, *db, "import", "hotline", str(book))
    assert code == 0 and rows[0]["created"] == 1, rows
