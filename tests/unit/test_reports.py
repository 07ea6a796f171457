"""The reports service: periods, the working-day index, figure codes and names, scope, audit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, Grid
from app.services.admin.scope import Scope, scope_for
from app.services.common.workdays import WorkCalendar
from app.services.reports import periods
from app.services.reports.case_figures import ReportError, case_report
from app.services.reports.figures import CASE_FIGURES, FIGURES, figure_name
from app.services.reports.full_report import full_report
from app.services.reports.workday_index import WorkdayIndex


def test_periods_cover_whole_months_quarters_and_years():
    today = dt.date(2026, 11, 23)
    assert periods.this_month(today) == periods.Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert periods.last_month(dt.date(2026, 1, 10)) == periods.Period(
        dt.date(2025, 12, 1), dt.date(2025, 12, 31)
    )
    assert periods.this_quarter(today) == periods.Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert periods.this_year(today).end == dt.date(2026, 12, 31)
    assert periods.month("2026-2") == periods.Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert periods.month("2026-11").label == "2026年11月"
    trend = periods.last_twelve_months(dt.date(2026, 11, 30))
    assert trend.start == dt.date(2025, 12, 1) and len(trend.months()) == 12


@pytest.mark.parametrize("text", ["2026-13", "26-11", "十一月", "2026/11"])
def test_a_bad_month_is_refused_in_one_sentence(text):
    with pytest.raises(periods.PeriodError, match="2026-11"):
        periods.month(text)


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(periods.PeriodError, match="早于"):
        periods.Period(dt.date(2026, 11, 2), dt.date(2026, 11, 1))


def test_the_workday_index_agrees_with_the_calendar_day_by_day():
    calendar = WorkCalendar({dt.date(2026, 11, 20): False, dt.date(2026, 11, 22): True})
    first, last = dt.date(2025, 12, 25), dt.date(2027, 1, 10)
    index = WorkdayIndex(calendar, first, last)
    days = [first + dt.timedelta(days=n) for n in range(0, (last - first).days + 1, 3)]
    for a in days[::4]:
        for b in days:
            assert index.between(a, b) == calendar.working_days_between(a, b), (a, b)
    # outside the span it falls back to the calendar
    assert index.between(dt.date(2024, 1, 1), dt.date(2024, 2, 1)) == calendar.working_days_between(
        dt.date(2024, 1, 1), dt.date(2024, 2, 1)
    )


def test_every_figure_has_a_chinese_name_and_a_dotted_code():
    for code, name in FIGURES.items():
        assert code.split(".")[0] in {
            *("cases", "satisfaction", "certificates", "population"),
            *("wishes", "visits", "deliberations", "partners", "party", "report_in", "volunteers"),
        }
        assert name and not name.isascii()
    assert figure_name("population.tag.elderly") == "elderly人数"
    with pytest.raises(KeyError):
        figure_name("cases.nothing")


def test_an_unknown_grouping_is_refused(demo_history_db):
    with demo_history_db.sessions() as session, pytest.raises(ReportError, match="不能按"):
        case_report(session, periods.month("2026-11"), grouping="weekday")


def test_the_full_report_holds_every_grouping_and_a_twelve_month_trend(demo_history_db):
    with demo_history_db.sessions() as session:
        report = full_report(session, periods.month("2026-10"), as_of=dt.date(2026, 11, 23))
    assert set(report.by) == {"item", "category", "grid", "channel", "staff"}
    assert {g.key for g in report.by["channel"].groups} == {"window", "kiosk", "hotline", "grid"}
    for grouping, sub in report.by.items():
        assert sum(g.received for g in sub.groups) == report.cases.total.received, grouping
        assert sum(g.closed for g in sub.groups) == report.cases.total.closed, grouping
    assert [g.key for g in report.trend.groups] == report.trend.period.months()
    assert all(g.received > 0 for g in report.trend.groups)
    assert report.satisfaction.rated > 0 and report.certificates.issued >= 0
    assert report.population.residents > 1000
    assert {f.code for f in report.cases.figures()} == set(CASE_FIGURES)


@pytest.mark.parametrize(
    "period",
    [periods.month("2026-10"), periods.last_twelve_months(dt.date(2026, 11, 23)), periods.month("2030-01")],
    ids=["month", "year", "empty"],
)
def test_the_full_reports_roll_up_gives_what_each_grouping_counted_alone_gives(demo_history_db, period):
    """The full report sums a roll-up of the period's cases; each grouping counted on its own
    from the cases must give every figure the same, the average days to close included."""
    as_of = dt.date(2026, 11, 23)
    with demo_history_db.sessions() as session:
        report = full_report(session, period, as_of=as_of)
        alone = {g: case_report(session, period, grouping=g, as_of=as_of) for g in report.by}
    for grouping, sub in report.by.items():
        assert sub.total == alone[grouping].total == report.cases.total, grouping
        assert sub.groups == alone[grouping].groups, grouping
    if period.start.year < 2030:
        assert report.cases.total.received > 0 and report.cases.total.avg_days_to_close is not None


def test_a_grid_workers_scope_and_a_single_grid_narrow_every_figure(demo_history_db):
    month = periods.month("2026-10")
    with demo_history_db.sessions() as session:
        whole = case_report(session, month, grouping="grid")
        worker = scope_for(session, "wangge")
        mine = case_report(session, month, grouping="grid", scope=worker)
        one = next(g for g in whole.groups if g.key)
        grid_id = session.scalar(select(Grid.id).where(Grid.code == one.key))
        single = case_report(session, month, scope=periods.narrowed(Scope(), grid_id))
        nobody = case_report(session, month, scope=Scope(frozenset()))
    assert worker.grid_ids and {g.key for g in mine.groups} <= {g.key for g in whole.groups}
    assert mine.total.received == sum(g.received for g in mine.groups) < whole.total.received
    assert single.total.received == one.received
    assert nobody.total.received == 0 and nobody.groups == ()


def test_each_report_run_writes_one_audit_entry_and_no_personal_data(demo_history_db, capsys):
    with demo_history_db.sessions() as session:
        before = len(session.scalars(select(AuditEntry.id)).all())
    assert (
        main(
            [
                "--db",
                demo_history_db.url,
                "report",
                "satisfaction",
                "--month",
                "2026-10",
                "--cases",
                "--user",
                "houtai",
            ]
        )
        == 0
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    unsatisfied = [line["unsatisfied_case"] for line in lines if "unsatisfied_case" in line]
    assert unsatisfied and all("applicant" not in case for case in unsatisfied)
    with demo_history_db.sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert len(entries) == before + 1
    assert (entries[-1].actor, entries[-1].action, entries[-1].subject) == (
        "houtai",
        "report_view",
        "好差评统计",
    )
    assert entries[-1].purpose == "2026-10-01至2026-10-31"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "cases", "--month", "2026-11", "--from", "2026-11-01"], "不能与"),
        (["report", "cases", "--from", "2026-11-01"], "同时给出"),
        (["report", "cases", "--from", "2026-11-31", "--to", "2026-12-01"], "格式不对"),
        (["report", "cases", "--month", "2026-11", "--grid", "999"], "不存在"),
        (["report", "population", "--user", "nobody"], "不存在"),
        (["report", "cases", "--user", "kiosk"], "不能查看统计报表"),
    ],
)
def test_bad_input_gets_one_chinese_sentence(demo_db, capsys, argv, message):
    assert main(["--db", demo_db.url, *argv]) != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
