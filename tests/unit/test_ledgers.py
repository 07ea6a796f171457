"""The registers (台账) as files: ``yichuang export`` and the services behind it.

A name that looks like a formula arrives as text; the header row is frozen and the columns have
their widths; ID numbers are masked unless the account's role sees them in full; a grid worker's
register holds their grids only; every export is in the audit log; the PDF repeats its header row
on every page and numbers its pages.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, Case
from app.services.admin.scope import WHOLE_STREET
from app.services.common.idcard import mask
from app.services.exports.filters import LedgerFilter
from app.services.exports.ledgers import read_ledger
from app.services.kiosk.common import load_settings
from app.services.kiosk.request import submit_request
from tests.roles_scene import build_scene

FULL_ID = re.compile(r"\d{17}[\dXx]")
FORMULA = '=HYPERLINK("x")'


@pytest.fixture(autouse=True)
def keys(tmp_path, monkeypatch):
    monkeypatch.setenv("YICHUANG_KEYS_DIR", str(tmp_path / "keys"))


@pytest.fixture
def scene(demo_db):
    return build_scene(demo_db)


def run(capsys, db, *argv: str) -> tuple[int, list[dict], str]:
    code = main(["--db", db.url, *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.startswith("{")], err


def sheet_rows(path) -> list[tuple]:
    book = load_workbook(path)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_a_name_that_looks_like_a_formula_arrives_as_text(demo_db, scene, capsys, tmp_path):
    with demo_db.sessions.begin() as session:
        case = session.scalar(select(Case).where(Case.case_no == scene.inside.case_no))
        case.applicant_name = FORMULA
    target = tmp_path / "cases.xlsx"
    code, out, err = run(capsys, demo_db, "export", "cases", "--xlsx", str(target))
    assert code == 0, err
    book = load_workbook(target)
    sheet = book.worksheets[0]
    cells = [row[3] for row in sheet.iter_rows(min_row=2)]
    quoted = [c for c in cells if c.value == FORMULA]
    assert len(quoted) == 1 and quoted[0].data_type == "s"
    with zipfile.ZipFile(target) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml


def test_header_frozen_widths_and_the_about_sheet(demo_db, scene, capsys, tmp_path):
    target = tmp_path / "cases.xlsx"
    code, out, _ = run(capsys, demo_db, "export", "cases", "--xlsx", str(target), "--from", "2020-01-01")
    assert code == 0 and out[0]["rows"] == 2
    book = load_workbook(target)
    sheet = book.worksheets[0]
    assert sheet.title == "办件台账" and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:5] == ["办件编号", "渠道", "事项", "申请人", "身份证号"]
    assert sheet[1][0].font.bold
    assert sheet.column_dimensions["A"].width == 22 and sheet.column_dimensions["E"].width == 20
    about = dict(row for row in book["说明"].iter_rows(min_row=2, values_only=True))
    assert about["内容"] == "办件台账" and about["行数"] == "2"
    assert "受理日期 2020-01-01 至 …" in about["筛选条件"]
    assert about["导出人"].startswith("cli:") and about["导出时间"]


def test_id_numbers_masked_unless_the_role_sees_them(demo_db, scene, capsys, tmp_path):
    target = tmp_path / "r.xlsx"
    for kind in ("cases", "certificates", "residents", "appointments"):
        code, _, err = run(capsys, demo_db, "export", kind, "--xlsx", str(target))
        assert code == 0, err
        rows = sheet_rows(target)
        assert len(rows) > 1
        assert not any(FULL_ID.fullmatch(str(v)) for row in rows for v in row if v), kind
    run(capsys, demo_db, "export", "residents", "--xlsx", str(target), "--grid", scene.inside.grid_code)
    assert mask(scene.inside.id_number) in {row[2] for row in sheet_rows(target)}

    code, _, err = run(capsys, demo_db, "export", "cases", "--xlsx", str(target), "--full-id")
    assert code == 1 and "--user" in err
    code, _, err = run(
        capsys, demo_db, "export", "cases", "--xlsx", str(target), "--full-id", "--user", "wangge"
    )
    assert code == 1 and "不能导出完整身份证号" in err
    code, out, _ = run(
        capsys, demo_db, "export", "cases", "--xlsx", str(target), "--full-id", "--user", "qiantai"
    )
    assert code == 0 and out[0]["full_id"] is True
    assert scene.outside.id_number in {row[4] for row in sheet_rows(target)}


def test_a_grid_worker_gets_their_grids_only(demo_db, scene, capsys, tmp_path):
    target = tmp_path / "w.xlsx"
    expected = {
        "cases": (0, scene.inside.case_no, scene.outside.case_no),
        "certificates": (0, scene.inside.serial, scene.outside.serial),
        "residents": (0, scene.inside.name, scene.outside.name),
        "appointments": (2, scene.inside.name, scene.outside.name),
    }
    for kind, (column, mine, theirs) in expected.items():
        code, _, err = run(capsys, demo_db, "export", kind, "--xlsx", str(target), "--user", "wangge")
        assert code == 0, err
        values = {row[column] for row in sheet_rows(target)[1:]}
        assert mine in values and theirs not in values, kind
        run(capsys, demo_db, "export", kind, "--xlsx", str(target), "--user", "qiantai")
        values = {row[column] for row in sheet_rows(target)[1:]}
        assert {mine, theirs} <= values, kind
    code, _, err = run(
        capsys,
        demo_db,
        "export",
        "residents",
        "--xlsx",
        str(target),
        "--user",
        "wangge",
        "--grid",
        scene.outside.grid_code,
    )
    assert code == 1 and "不在您负责的网格之内" in err


def test_kiosk_requests_are_the_kiosk_cases(demo_db, scene, capsys, tmp_path):
    with demo_db.sessions.begin() as session:
        category = load_settings(session).request_categories[0]
        case_no = submit_request(
            session, scene.inside.id, category=category, text="楼道灯坏了", phone="13900001111"
        )
    target = tmp_path / "q.xlsx"
    code, out, _ = run(capsys, demo_db, "export", "requests", "--xlsx", str(target))
    assert code == 0 and out[0]["rows"] == 1
    rows = sheet_rows(target)
    assert rows[0][-1] == "诉求内容" and rows[1][0] == case_no and rows[1][1] == "自助终端"
    assert rows[1][-1] == "楼道灯坏了"


def test_every_export_is_audited_with_count_and_filters(demo_db, scene, capsys, tmp_path):
    target = tmp_path / "a.xlsx"
    argv = ["export", "residents", "--xlsx", str(target), "--state", "living", "--tag", "elderly_60"]
    code, out, _ = run(capsys, demo_db, *argv, "--user", "qiantai", "--full-id")
    assert code == 0
    with demo_db.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export_ledger")).one()
    assert entry.actor == "qiantai" and entry.subject == f"{out[0]['rows']}条"
    assert entry.purpose == "导出居民台账"
    assert (
        "标签 60岁以上老人" in entry.detail and "状态 在册" in entry.detail and "身份证号完整" in entry.detail
    )
    assert not FULL_ID.search(entry.detail)


def test_bad_filters_are_refused_in_one_sentence(demo_db, capsys, tmp_path):
    target = str(tmp_path / "b.xlsx")
    cases = [
        (["cases", "--status", "bogus"], "办件状态“bogus”不认识"),
        (["residents", "--state", "gone"], "居民状态“gone”不认识"),
        (["cases", "--state", "living"], "--state 只用于居民台账"),
        (["cases", "--from", "2026-12-01", "--to", "2026-11-01"], "开始日期晚于结束日期"),
        (["cases", "--from", "1.12.2026"], "YYYY-MM-DD"),
        (["residents", "--grid", "nope"], "网格“nope”不存在"),
        (["residents", "--tag", "nope"], "标签“nope”不存在"),
    ]
    for argv, message in cases:
        code, _, err = run(capsys, demo_db, "export", argv[0], "--xlsx", target, *argv[1:])
        assert code == 1 and message in err, (argv, err)
    assert not (tmp_path / "b.xlsx").exists()
    code, _, err = run(capsys, demo_db, "export", "cases")
    assert code == 1 and "--xlsx" in err


def test_the_pdf_repeats_its_header_row_and_numbers_its_pages(demo_db, capsys, tmp_path):
    pdf = tmp_path / "r.pdf"
    code, out, err = run(capsys, demo_db, "export", "residents", "--pdf", str(pdf), "--state", "living")
    assert code == 0 and out[0]["xlsx"] is None, err
    document = pdfium.PdfDocument(str(pdf))
    try:
        texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    total = len(texts)
    assert total > 3
    assert "居民台账" in texts[0] and "状态 在册" in texts[0]
    for number, text in enumerate(texts, start=1):
        assert "身份证号" in text and "现住址" in text, number
        assert f"第 {number} 页 共 {total} 页" in text
        assert not FULL_ID.search(text)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
        )
        assert list(tmp_path.glob("p*.png"))


def test_the_workbook_opens_in_libreoffice(demo_db, scene, capsys, tmp_path, soffice):
    target = tmp_path / "c.xlsx"
    run(capsys, demo_db, "export", "cases", "--xlsx", str(target))
    subprocess.run(
        [soffice, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(target)],
        check=True,
        timeout=120,
    )
    assert scene.inside.case_no in (tmp_path / "c.csv").read_text(encoding="utf-8", errors="replace")


def test_the_rows_are_read_within_a_scope_by_the_service(demo_db, scene):
    with demo_db.sessions() as session:
        ledger = read_ledger(session, "cases", LedgerFilter(), scope=WHOLE_STREET, actor="qiantai")
    numbers = {row.case_no for row in ledger.rows}
    assert {scene.inside.case_no, scene.outside.case_no} <= numbers
    assert ledger.filters == "全部" and not ledger.full_id
