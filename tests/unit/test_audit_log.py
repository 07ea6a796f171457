"""Reading the audit log: filters, pages and counts, a search by ID number (itself a logged lookup
that never stores the number), the Excel export (text that stays text) and ``yichuang audit``."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.cli import main
from app.models import AuditEntry, Resident
from app.services.admin.audit_export import export_audit_xlsx
from app.services.admin.audit_log import AuditLogError, AuditQuery, audit_count, audit_page
from app.services.common import audit
from app.services.common.idcard import mask

FULL_ID = re.compile(r"\d{17}[\dXx]")


def _people(session, n: int = 2) -> list[Resident]:
    return list(session.scalars(select(Resident).order_by(Resident.id).limit(n)))


@pytest.fixture
def logged(demo_db):
    """A log of 450 entries: qiantai looks up the first resident 250 times, houtai prints for the
    second 200 times; half of them a month ago."""
    with demo_db.sessions.begin() as session:
        first, second = _people(session)
        for i in range(250):
            audit.record(session, actor="qiantai", action="lookup", resident=first, purpose=f"受理 {i}")
        for _ in range(200):
            audit.record(session, actor="houtai", action="print", resident=second, purpose="打印证明")
        session.flush()
        old = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id).limit(225)))
        for entry in old:
            entry.at = dt.datetime(2026, 10, 15, 8, 0)
    return demo_db


def test_pages_of_200_newest_first_with_a_count(logged):
    with logged.sessions() as session:
        first = audit_page(session, AuditQuery(), actor="admin")
        last = audit_page(session, AuditQuery(), actor="admin", page=2)
        beyond = audit_page(session, AuditQuery(), actor="admin", page=99)
    assert (first.total, first.page_count, len(first.rows)) == (450, 3, 200)
    assert [r.id for r in first.rows] == sorted((r.id for r in first.rows), reverse=True)
    assert len(last.rows) == 50 and last.rows[-1].id < first.rows[-1].id
    assert beyond.page == 2  # a page past the end shows the last one
    assert first.rows[0].action_name == "打印" and first.rows[0].actor == "houtai"


def test_filters_by_actor_action_and_dates(logged):
    with logged.sessions() as session:
        assert audit_count(session, AuditQuery(actor="qiantai")) == 250
        assert audit_count(session, AuditQuery(action="print")) == 200
        assert audit_count(session, AuditQuery(actor="qiantai", action="print")) == 0
        october = AuditQuery(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
        assert audit_count(session, october) == 225
        assert audit_count(session, AuditQuery(date_to=dt.date(2026, 10, 15))) == 225  # the day inclusive
        assert audit_count(session, AuditQuery(date_from=dt.date(2026, 10, 16))) == 225
        with pytest.raises(AuditLogError, match="起始日期晚于截止日期"):
            audit_count(session, AuditQuery(date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 1)))


def test_a_search_by_id_number_is_a_logged_lookup_that_keeps_the_number_masked(logged):
    with logged.sessions.begin() as session:
        second = _people(session)[1]
        number = second.id_number
        page = audit_page(session, AuditQuery(id_number=number.lower()), actor="admin")
        audit_page(session, AuditQuery(id_number=number), actor="admin", page=1)  # paging adds nothing
    assert page.total == 200 and {r.resident_id for r in page.rows} == {second.id}
    with logged.sessions() as session:
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.actor == "admin"))
        assert (entry.action, entry.resident_id, entry.subject) == ("lookup", second.id, mask(number))
        assert entry.purpose == "查看审计日志"
        stored = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.detail.contains(number))
        )
        assert stored == 0


def test_a_bad_or_unknown_id_number_gets_a_sentence_without_the_number(logged):
    with logged.sessions() as session:
        with pytest.raises(AuditLogError, match="身份证号无效"):
            audit_page(session, AuditQuery(id_number="1234"), actor="admin")
        unknown = "110101199003074514"
        with pytest.raises(AuditLogError, match="人口库中没有") as caught:
            audit_page(session, AuditQuery(id_number=unknown), actor="admin")
        assert unknown not in str(caught.value)


def test_the_export_is_a_workbook_whose_text_stays_text_and_is_itself_logged(logged, tmp_path):
    with logged.sessions.begin() as session:
        first = _people(session)[0]
        audit.record(session, actor='=HYPERLINK("x")', action="edit", subject="+1", purpose="@SUM(A1)")
        audit.record(session, actor="qiantai", action="edit", subject="-2", detail="=1+1")
    target = tmp_path / "审计.xlsx"
    with logged.sessions.begin() as session:
        done = export_audit_xlsx(session, AuditQuery(action="edit", id_number=""), target, actor="admin")
    assert done.rows == 2 and not (tmp_path / "审计.xlsx.part").exists()
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]] == ["编号", "时间", "操作人", "操作", "对象", "用途", "详情"]
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["G"].width >= 60
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in risky} == {'=HYPERLINK("x")', "+1", "@SUM(A1)", "-2", "=1+1"}
    assert all(c.data_type == "s" for c in risky)  # none became a formula
    assert isinstance(sheet["B2"].value, dt.datetime) and sheet["D2"].value == "修改"
    with logged.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.actor, entry.action, entry.subject, entry.purpose) == (
        "admin",
        "export",
        "2条",
        "导出审计日志",
    )
    assert "操作 修改" in entry.detail and str(target) in entry.detail
    assert first.id  # the fixture's people are untouched


def test_an_export_by_id_number_logs_the_number_masked(logged, tmp_path):
    with logged.sessions.begin() as session:
        number = _people(session)[0].id_number
        export_audit_xlsx(session, AuditQuery(id_number=number), tmp_path / "a.xlsx", actor="admin")
    with logged.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert entry.action == "export" and mask(number) in entry.detail and not FULL_ID.search(entry.detail)


def _run(db, capsys, *argv: str) -> tuple[int, list[dict], str]:
    code = main(["--db", db.url, *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.startswith("{")], err


def test_the_command_prints_json_lines_and_writes_xlsx(logged, capsys, tmp_path):
    code, rows, _ = _run(logged, capsys, "audit", "--user", "houtai", "--action", "print", "--limit", "5")
    assert code == 0 and len(rows) == 5 and {r["action_name"] for r in rows} == {"打印"}
    code, rows, _ = _run(
        logged, capsys, "audit", "--from", "2026-10-01", "--to", "2026-10-31", "--limit", "1000"
    )
    assert code == 0 and len(rows) == 225
    with logged.sessions() as session:
        number = _people(session)[0].id_number
    code, rows, _ = _run(logged, capsys, "audit", "--id", number, "--limit", "3")
    assert code == 0 and len(rows) == 3 and all(r["subject"] == mask(number) for r in rows)
    target = tmp_path / "log.xlsx"
    code, rows, _ = _run(logged, capsys, "audit", "--action", "print", "--xlsx", str(target), "--as", "admin")
    assert code == 0 and rows == [{"xlsx": str(target), "rows": 200}] and target.exists()
    with logged.sessions() as session:
        actors = [e.actor for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "export"))]
    assert actors == ["admin"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2026/10/01"], "YYYY-MM-DD"),
        (["--limit", "0"], "正整数"),
        (["--id", "1234"], "身份证号无效"),
        (["--as", "qiantai"], "不是系统管理员"),
        (["--as", "wangge", "--id", "110101199003074514"], "不是系统管理员"),
        (["--as", "nobody"], "不存在"),
    ],
)
def test_the_command_refuses_with_a_sentence(logged, capsys, argv, message):
    code, rows, err = _run(logged, capsys, "audit", *argv)
    assert code != 0 and rows == [] and message in err
