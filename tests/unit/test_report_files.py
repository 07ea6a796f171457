"""``yichuang report full``: the workbook has Excel's own charts and opens in LibreOffice, a name
that looks like a formula stays text, the PDF carries the heading, period, charts and page
numbers, and the export is audited."""

from __future__ import annotations

import json
import subprocess

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select, update

from app.cli import main
from app.models import AuditEntry, Grid

TRICK = '=HYPERLINK("x")'


def _run(db, capsys, *argv) -> dict:
    code = main(["--db", str(db.url), "report", "full", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_the_workbook_has_charts_and_keeps_formula_like_names_as_text(demo_history_db, tmp_path, capsys):
    with demo_history_db.sessions.begin() as session:
        session.execute(update(Grid).where(Grid.code == "610202010001001").values(name=TRICK))
    target = tmp_path / "统计.xlsx"
    result = _run(demo_history_db, capsys, "--month", "2026-10", "--xlsx", str(target))
    assert result["xlsx"] == str(target) and result["cases.received"] > 0
    book = load_workbook(target)
    charts = {sheet.title: len(sheet._charts) for sheet in book}
    for title in ("按服务事项", "按网格", "按受理渠道", "满意度", "人口", "趋势"):
        assert charts[title] == 1, title
    overview = book["概况"]
    assert overview["A1"].value.endswith("统计报表")
    codes = {row[0].value: row[2].value for row in overview.iter_rows(min_row=6) if row[0].value}
    assert codes["cases.received"] == result["cases.received"]
    grids = book["按网格"]
    cells = [row[0] for row in grids.iter_rows(min_row=2) if row[0].value == TRICK]
    assert cells and cells[0].data_type == "s"  # text, not a formula
    with demo_history_db.sessions() as session:
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(2)))
    assert actions == ["report_export", "report_view"]


def test_libreoffice_opens_the_workbook(demo_history_db, tmp_path, capsys, soffice):
    target = tmp_path / "report.xlsx"
    _run(demo_history_db, capsys, "--month", "2026-10", "--xlsx", str(target))
    out = tmp_path / "converted"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(target)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    converted = PdfReader(out / "report.pdf")
    assert len(converted.pages) > 3
    assert "cases.received" in converted.pages[0].extract_text()


def test_the_pdf_has_heading_period_charts_and_page_numbers(demo_history_db, tmp_path, capsys):
    target = tmp_path / "report.pdf"
    _run(demo_history_db, capsys, "--month", "2026-10", "--pdf", str(target))
    reader = PdfReader(target)
    first = reader.pages[0].extract_text()
    assert "党群服务中心统计报表" in first and "2026年10月" in first
    total = len(reader.pages)
    assert total >= 3
    assert f"第 1 页 共 {total} 页" in first.replace("\n", " ")
    text = "".join(page.extract_text() for page in reader.pages)
    for heading in ("一、办件情况", "二、满意度", "三、证明开具", "四、人口", "五、近12个月趋势"):
        assert heading in text
    assert "按受理渠道：受理与办结" in text and "年龄结构" in text  # the charts' titles


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--month", "2026-10"], "--xlsx 或 --pdf"),
        (["--month", "2026-10", "--xlsx", "r.pdf"], "应以 .xlsx 结尾"),
        (["--month", "2026-10", "--grid", "NOPE", "--xlsx", "r.xlsx"], "网格“NOPE”不存在"),
        (["--month", "2026-10", "--user", "kiosk", "--xlsx", "r.xlsx"], "不能查看统计报表"),
    ],
)
def test_bad_requests_are_one_sentence(demo_history_db, tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code = main(["--db", str(demo_history_db.url), "report", "full", *argv])
    err = capsys.readouterr().err
    assert code != 0 and message in err and "Traceback" not in err
    assert not list(tmp_path.glob("r.*"))


def test_report_monthly_keeps_one_per_month_and_writes_its_files(demo_history_db, tmp_path, capsys):
    from app.models import MonthlyReport

    def monthly(*argv) -> tuple[int, str, str]:
        code = main(["--db", str(demo_history_db.url), "report", "monthly", "--month", "2026-09", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, err = monthly(
        "--notes", TRICK, "--xlsx", str(tmp_path / "m.xlsx"), "--pdf", str(tmp_path / "m.pdf")
    )
    assert code == 0, err
    made = json.loads(out)
    assert (made["month"], made["version"], made["to_send"]) == ("2026-09", 1, True)
    notes = [
        row[0] for row in load_workbook(tmp_path / "m.xlsx")["概况"].iter_rows() if row[0].value == TRICK
    ]
    assert notes and notes[0].data_type == "s"
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "m.pdf").pages)
    assert "党群服务中心月度工作报表" in text and "六、社区治理与党建" in text and "七、情况说明" in text
    assert json.loads(monthly("--notes", "第二版")[1])["version"] == 2
    with demo_history_db.sessions() as session:
        rows = session.scalars(select(MonthlyReport).where(MonthlyReport.month == "2026-09")).all()
        assert [(r.version, r.notes) for r in rows] == [(2, "第二版")]
        codes = {f["figure"] for f in rows[0].figures}
    assert {"cases.received", "satisfaction.rate", "population.residents"} <= codes
    assert {
        "wishes.fulfilled",
        "visits.made",
        "party.meetings_held",
        "party.branches_without_meeting",
    } <= codes
    code, _, err = monthly("--user", "wangge")
    assert code != 0 and "网格员账号不能生成" in err
    code, _, err = monthly("--notes", "长" * 4001)
    assert code != 0 and "最多4000字" in err
