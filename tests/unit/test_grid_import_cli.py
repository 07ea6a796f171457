"""``yichuang import grids``: the workbook of grids and staff from the command line."""

from __future__ import annotations

import json

from openpyxl import Workbook
from sqlalchemy import select

from app.cli import main
from app.models import Grid, GridStaff


def _workbook(path, staff_phone: str) -> None:
    book = Workbook()
    grids = book.active
    grids.title = "网格"
    grids.append(
        [
            "网格编码",
            "网格名称",
            "所属社区",
            "东至",
            "南至",
            "西至",
            "北至",
            "范围",
            "面积",
            "服务电话",
            "星级",
        ]
    )
    grids.append(
        [
            "610202010001001",
            "第1网格",
            "桃园社区",
            "新华路",
            "漆水河",
            "和平路",
            "黄堡路",
            "和平里小区",
            0.4,
            "0919-3151093",
            5,
        ]
    )
    staff = book.create_sheet("人员")
    staff.append(["网格编码", "姓名", "角色", "电话", "派出单位", "职责"])
    staff.append(["610202010001001", "周新来", "志愿者", staff_phone, "桃园街道", "协助走访"])
    book.save(path)


def test_import_grids_and_staff(capsys, demo_db, tmp_path):
    good = tmp_path / "grids.xlsx"
    _workbook(good, "13900001111")
    assert main(["--db", demo_db.url, "import", "grids", str(good)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["grids_updated"] == 1 and report["staff_created"] == 1
    with demo_db.sessions() as session:
        grid = session.scalars(select(Grid).where(Grid.code == "610202010001001")).one()
        assert (grid.boundary_east, grid.star_rating) == ("新华路", 5) and grid.board_outdated
        assert (
            session.scalars(select(GridStaff).where(GridStaff.name == "周新来")).one().phone == "13900001111"
        )


def test_a_bad_row_is_reported_and_nothing_written(capsys, demo_db, tmp_path):
    bad = tmp_path / "bad.xlsx"
    _workbook(bad, "12345")
    assert main(["--db", demo_db.url, "import", "grids", str(bad)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (
        report["rejected"] and report["rejected"][0]["sheet"] == "人员" and report["rejected"][0]["row"] == 2
    )
    with demo_db.sessions() as session:
        assert session.scalars(select(GridStaff).where(GridStaff.name == "周新来")).first() is None
        assert (
            session.scalars(select(Grid).where(Grid.code == "610202010001001")).one().boundary_east
            != "新华路"
        )
