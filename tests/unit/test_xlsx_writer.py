"""The register writer writes the sheet's XML itself: what it writes must read back, in openpyxl
and in LibreOffice, as the values it was given, with text kept as text."""

from __future__ import annotations

import datetime as dt
import subprocess
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.services.common.sheets import Column, ExportCancelled, SheetSpec
from app.services.common.xlsx import column_letter, serial, write_xlsx

SPEC = SheetSpec(
    "办件[台账]", (Column("编号", 20), Column("内容", 30), Column("日期", 12)), (("筛选条件", "=1+1"),)
)


def read(path):
    book = load_workbook(path)
    return book, [tuple(c.value for c in row) for row in book.worksheets[0].iter_rows()]


def test_values_read_back_as_they_were_written(tmp_path):
    target = tmp_path / "out.xlsx"
    moment = dt.datetime(2026, 11, 30, 8, 0, 0)
    rows = [
        ("A-1", "张三 & <李四>", dt.date(2026, 11, 30)),
        ("A-2", "  两头有空格  ", moment),
        ("A-3", "第一行\r\n第二行", None),
        (7, 2.5, True),
        (Decimal("3.25"), "", dt.date(1900, 1, 1)),
        (float("nan"), float("inf"), 1e-05),
    ]
    assert write_xlsx(target, SPEC, rows) == 6
    book, values = read(target)
    assert values[0] == ("编号", "内容", "日期")
    assert values[1] == ("A-1", "张三 & <李四>", dt.datetime(2026, 11, 30))
    assert values[2] == ("A-2", "  两头有空格  ", moment)
    assert values[3] == ("A-3", "第一行\r\n第二行", None)
    assert values[4] == (7, 2.5, True)
    assert values[5] == (3.25, None, dt.datetime(1900, 1, 1))
    assert values[6] == ("nan", "inf", 1e-05)
    sheet = book.worksheets[0]
    assert sheet.title == "办件_台账_" and sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert [sheet.column_dimensions[c].width for c in "ABC"] == [20, 30, 12]
    assert sheet["C2"].number_format == "yyyy-mm-dd" and sheet["C3"].number_format == "yyyy-mm-dd hh:mm:ss"


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    target = tmp_path / "out.xlsx"
    risky = ['=HYPERLINK("x")', "+86 138", "-3", "@SUM(A1)", "\tTAB"]
    write_xlsx(target, SPEC, [(text, "普通", None) for text in risky])
    book, values = read(target)
    cells = [row[0] for row in book.worksheets[0].iter_rows(min_row=2)]
    assert [c.value for c in cells] == risky
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not book.worksheets[0]["B2"].quotePrefix  # plain text is not prefixed
    about = book["说明"]
    assert about["B3"].value == "=1+1" and about["B3"].data_type == "s" and about["B3"].quotePrefix
    assert [r[0].value for r in about.iter_rows()] == ["项目", "内容", "筛选条件", "行数"]
    assert about["B4"].value == str(len(risky))


def test_characters_a_workbook_cannot_hold_are_dropped(tmp_path):
    target = tmp_path / "out.xlsx"
    write_xlsx(target, SPEC, [("a\x00b\x07c\x1fd", "e\ufffff\ud800g", "ok")])
    assert read(target)[1][1] == ("abcd", "efg", "ok")


def test_more_values_than_columns_get_their_own_letters(tmp_path):
    target = tmp_path / "out.xlsx"
    write_xlsx(target, SPEC, [tuple(range(30))])
    assert read(target)[1][1] == tuple(range(30))
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_serial_days_follow_excels_calendar():
    assert serial(dt.date(1900, 1, 1)) == 1
    assert serial(dt.date(1900, 3, 1)) == 61  # Excel counts a 1900-02-29 that never was
    assert serial(dt.date(2026, 1, 1)) == 46023
    assert serial(dt.datetime(2026, 1, 1, 8)) == pytest.approx(46023 + 1 / 3, abs=1e-12)
    assert serial(dt.datetime(2026, 1, 1, 23, 59, 59, 500000)) < 46024


@pytest.mark.parametrize(
    "bad",
    [
        [("x", "y", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))],  # Excel has no time zones
        [("x", "y", object())],
    ],
)
def test_a_value_that_cannot_be_written_leaves_the_old_file(tmp_path, bad):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_xlsx(target, SPEC, [("a", "b", None), *bad])
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_cancel_and_progress(tmp_path):
    target = tmp_path / "out.xlsx"
    seen = []
    write_xlsx(
        target,
        SPEC,
        ((i, "x", None) for i in range(1200)),
        total=1200,
        progress=lambda n, t: seen.append((n, t)),
    )
    assert seen == [(500, 1200), (1000, 1200)] and read(target)[1][-1] == (1199, "x", None)
    with pytest.raises(ExportCancelled):
        write_xlsx(
            tmp_path / "gone.xlsx", SPEC, ((i, "x", None) for i in range(1200)), cancelled=lambda: True
        )
    assert not (tmp_path / "gone.xlsx").exists() and not (tmp_path / "gone.xlsx.part").exists()


def test_the_package_names_every_part(tmp_path):
    target = tmp_path / "out.xlsx"
    write_xlsx(target, SPEC, [("a", "b", None)])
    with zipfile.ZipFile(target) as package:
        assert package.testzip() is None
        names = set(package.namelist())
        types = package.read("[Content_Types].xml").decode()
    assert {
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
    } <= names
    assert all(
        f'PartName="/{name}"' in types for name in names if name.endswith(".xml") and not name.startswith("[")
    )


def test_libreoffice_reads_the_values(tmp_path, soffice):
    target = tmp_path / "out.xlsx"
    write_xlsx(
        target, SPEC, [("=1+1", "居住证明 & 其他", dt.datetime(2026, 1, 1, 8)), (42, "", dt.date(2026, 3, 1))]
    )
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(target)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["编号,内容,日期", "=1+1,居住证明 & 其他,2026-01-01 08:00:00", "42,,2026-03-01"]
