"""The administrator's calendar table from the command line, and its effect on deadlines."""

from __future__ import annotations

import datetime as dt
import json

from app.cli import main
from app.services.common.workdays import WorkCalendar


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines() if x.strip()], err


def test_import_a_year_then_deadlines_follow_it(capsys, db, tmp_path):
    table = tmp_path / "2027.csv"
    table.write_text("日期,类型,说明\n2027-01-01,休,元旦\n2027-02-06,班,春节调休\n", encoding="gbk")
    code, rows, _ = run(capsys, "--db", db.url, "calendar", "import", str(table))
    assert code == 0 and rows == [{"imported": 2}]
    code, rows, _ = run(capsys, "--db", db.url, "calendar", "list", "--year", "2027")
    assert rows[0] == {"year": 2027, "known": True}
    assert [r["day"] for r in rows[1:]] == ["2027-01-01", "2027-02-06"]
    with db.sessions() as session:
        calendar = WorkCalendar.load(session)
    assert calendar.add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert calendar.is_workday(dt.date(2027, 2, 6))


def test_bad_rows_are_named_and_nothing_is_imported(capsys, db, tmp_path):
    table = tmp_path / "bad.csv"
    table.write_text("2027-01-01,休,元旦\n2027-13-01,休,\n2027-01-02,半天,\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", db.url, "calendar", "import", str(table))
    assert code == 1 and "第2行" in err and "第3行" in err and "未导入" in err
    _, rows, _ = run(capsys, "--db", db.url, "calendar", "list", "--year", "2027")
    assert rows == [{"year": 2027, "known": False}]


def test_set_and_unset_one_day(capsys, db):
    code, rows, _ = run(
        capsys, "--db", db.url, "calendar", "set", "2026-11-24", "--holiday", "--note", "停电闭馆"
    )
    assert code == 0 and rows[0]["workday"] is False
    with db.sessions() as session:
        assert not WorkCalendar.load(session).is_workday(dt.date(2026, 11, 24))
    run(capsys, "--db", db.url, "calendar", "unset", "2026-11-24")
    with db.sessions() as session:
        assert WorkCalendar.load(session).is_workday(dt.date(2026, 11, 24))
