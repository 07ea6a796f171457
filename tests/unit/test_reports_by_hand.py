"""The issue's test: on the demo street, every figure of ``yichuang report cases --by item`` for a
month equals the same figure computed by hand from ``yichuang cases`` (JSON lines), here with code
that does not touch app.services.reports (only the centre's working-day calendar, for on time).
Likewise satisfaction and population figures, and a grid worker's narrowed report."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.models import LIVING, Building, Household, Resident
from app.services.common.workdays import WorkCalendar

CLOSED = {"completed", "called_back", "evaluated"}
RUNNING = {"accepted", "in_progress", "escalated"}
SATISFIED = {"非常满意", "满意", "基本满意"}


def run(capsys, db, *argv: str) -> list[dict]:
    assert main(["--db", db.url, *argv]) == 0, capsys.readouterr().err
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def by_hand(cases: list[dict], calendar: WorkCalendar) -> dict[str, float | int | None]:
    """Every case figure of docs/REPORTS.md, from the case list."""
    closed = [c for c in cases if c["status"] in CLOSED]
    taken = [
        calendar.working_days_between(
            dt.date.fromisoformat((c["accepted_at"] or c["received_at"])[:10]),
            dt.date.fromisoformat(c["completed_at"][:10]),
        )
        for c in closed
    ]
    on_time = sum(days <= c["promised_days"] for days, c in zip(taken, closed, strict=True))
    hotline = [c for c in cases if c["channel"] == "hotline"]
    hotline_closed = sum(c["status"] in CLOSED for c in hotline)
    return {
        "cases.received": len(cases),
        "cases.closed": len(closed),
        "cases.in_progress": sum(c["status"] in RUNNING for c in cases),
        "cases.overdue": sum(c["deadline"] == "overdue" for c in cases),
        "cases.awaiting_materials": sum(c["status"] == "awaiting_materials" for c in cases),
        "cases.supplement_requested": sum(c["materials_notice"] for c in cases),
        "cases.refused": sum(c["status"] == "refused" for c in cases),
        "cases.withdrawn": sum(c["status"] == "withdrawn" for c in cases),
        "cases.closed_on_time": on_time,
        "cases.on_time_rate": round(on_time / len(closed), 4) if closed else None,
        "cases.avg_days_to_close": round(sum(taken) / len(taken), 2) if taken else None,
        "cases.hotline_received": len(hotline),
        "cases.hotline_closed": hotline_closed,
        "cases.hotline_closure_rate": round(hotline_closed / len(hotline), 4) if hotline else None,
    }


def in_month(cases: list[dict], month: str) -> list[dict]:
    return [c for c in cases if c["received_at"][:7] == month]


@pytest.mark.parametrize("month", ["2026-10", "2026-11"])
def test_every_figure_of_the_item_report_equals_the_case_list_counted_by_hand(demo_history_db, capsys, month):
    cases = in_month(run(capsys, demo_history_db, "cases", "--limit", "100000"), month)
    assert len(cases) > 60
    lines = run(capsys, demo_history_db, "report", "cases", "--month", month, "--by", "item")
    header, figures = lines[0], lines[1:]
    assert header["period"]["from"] == f"{month}-01"
    with demo_history_db.sessions() as session:
        calendar = WorkCalendar.load(session)
    groups: dict[str, list[dict]] = defaultdict(list)
    for c in cases:
        groups[f"{c['item_code']}|{c['item']}"].append(c)
    expected = {("", code): value for code, value in by_hand(cases, calendar).items()}
    for key, members in groups.items():
        expected |= {(key, code): value for code, value in by_hand(members, calendar).items()}
    reported = {(f.get("key", ""), f["figure"]): f["value"] for f in figures}
    assert reported == expected
    assert {f["name"] for f in figures if f["figure"] == "cases.received"} == {"受理办件数"}
    # The month is a real one: every kind of figure has something in it.
    total = {code: value for (key, code), value in expected.items() if key == ""}
    assert total["cases.closed"] and total["cases.supplement_requested"] and total["cases.in_progress"]
    assert total["cases.hotline_received"] and 0 < total["cases.on_time_rate"] < 1


def test_satisfaction_figures_equal_the_ratings_on_the_case_list(demo_history_db, capsys):
    cases = in_month(run(capsys, demo_history_db, "cases", "--limit", "100000"), "2026-10")
    lines = run(capsys, demo_history_db, "report", "satisfaction", "--month", "2026-10")
    reported = {f["figure"]: f["value"] for f in lines[1:]}
    ratings = Counter(c["evaluation"] for c in cases if c["evaluation"])
    assert reported["satisfaction.rated"] == sum(ratings.values())
    for level in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert reported[f"satisfaction.level.{level}"] == ratings[level]
    satisfied = sum(n for level, n in ratings.items() if level in SATISFIED)
    assert reported["satisfaction.rate"] == round(satisfied / sum(ratings.values()), 4)
    assert reported["satisfaction.unsatisfied"] >= ratings["不满意"] + ratings["非常不满意"] > 0


def test_population_figures_equal_a_count_of_the_register(demo_history_db, capsys):
    lines = run(capsys, demo_history_db, "report", "population", "--by", "grid")
    total = {f["figure"]: f["value"] for f in lines[1:] if "by" not in f}
    per_grid = {
        f["key"]: f["value"] for f in lines[1:] if f.get("figure") == "population.residents" and "by" in f
    }
    with demo_history_db.sessions() as session:
        living = session.scalar(select(func.count(Resident.id)).where(Resident.state == LIVING))
        rows = session.execute(
            select(Building.grid_id, func.count(Resident.id))
            .join(Household, Household.building_id == Building.id)
            .join(Resident, Resident.household_id == Household.id)
            .where(Resident.state == LIVING)
            .group_by(Building.grid_id)
        ).all()
    assert total["population.residents"] == living == sum(per_grid.values())
    assert sorted(per_grid.values(), reverse=True)[: len(rows)] == sorted((n for _, n in rows), reverse=True)
    ages = run(capsys, demo_history_db, "report", "population", "--by", "age")
    bands = [f for f in ages[1:] if f.get("by") == "age"]
    assert sum(f["value"] for f in bands) == living
    assert bands[0]["label"] == "0-4岁"


def test_a_grid_workers_report_counts_only_their_grids(demo_history_db, capsys):
    mine = in_month(run(capsys, demo_history_db, "cases", "--limit", "100000", "--user", "wangge"), "2026-10")
    everyone = in_month(run(capsys, demo_history_db, "cases", "--limit", "100000"), "2026-10")
    assert 0 < len(mine) < len(everyone)
    lines = run(
        capsys, demo_history_db, "report", "cases", "--month", "2026-10", "--by", "grid", "--user", "wangge"
    )
    reported = {f["label"] for f in lines[1:] if "by" in f}
    assert reported == {c["grid"] for c in mine}
    total = {f["figure"]: f["value"] for f in lines[1:] if "by" not in f}
    assert total["cases.received"] == len(mine)
    population = run(capsys, demo_history_db, "report", "population", "--user", "wangge", "--by", "grid")
    grids = {f["key"] for f in population[1:] if f.get("by") == "grid"}
    assert grids and all(f["value"] < 1500 for f in population[1:] if f["figure"] == "population.residents")
    other = sorted({c["grid"] for c in everyone} - reported)
    assert other  # a grid the worker does not serve exists, and asking for it is refused
    with demo_history_db.sessions() as session:
        from app.models import Grid

        code = session.scalar(
            select(Grid.code).where(Grid.name == other[0], Grid.code.not_in(grids)).limit(1)
        )
    assert main(["--db", demo_history_db.url, "report", "cases", "--grid", code, "--user", "wangge"]) != 0
    assert "不在您负责的范围内" in capsys.readouterr().err
