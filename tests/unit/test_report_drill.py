"""The rows behind each figure: as many rows as the figure counts, for every figure, group and
section; the lists are audited, scoped and name no full ID number."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Grid
from app.services.admin.permissions import NotPermitted
from app.services.admin.scope import WHOLE_STREET, Scope, scope_for
from app.services.reports import periods
from app.services.reports.drill import CASE_FLAGS, DrillError, FigureRef, figure_rows
from app.services.reports.viewing import ScopeRefused, report_grids, shown_report
from tests.conftest import DEMO_TODAY

FULL_ID = re.compile(r"\d{17}[\dXx]")
ACTOR = "houtai"


@pytest.fixture
def report(demo_history_db):
    with demo_history_db.sessions.begin() as session:
        full, _ = shown_report(
            session, periods.month("2026-10"), actor=ACTOR, scope=WHOLE_STREET, as_of=DEMO_TODAY
        )
    return full


def _count(db, ref, period=None, scope=WHOLE_STREET) -> int:
    with db.sessions.begin() as session:
        rows = figure_rows(
            session, ref, period or periods.month("2026-10"), actor=ACTOR, scope=scope, as_of=DEMO_TODAY
        )
    assert len(rows.ids) == len(rows.rows)
    return len(rows.ids)


def test_every_case_figure_lists_as_many_cases_as_it_counts(demo_history_db, report):
    for figure in report.cases.figures():
        if isinstance(figure.value, int):
            assert _count(demo_history_db, FigureRef(figure.code)) == figure.value, figure.code
    assert set(CASE_FLAGS) == {f.code for f in report.cases.figures()}


@pytest.mark.parametrize("grouping", ["item", "category", "grid", "channel", "staff"])
def test_each_group_lists_its_own_cases(demo_history_db, report, grouping):
    for group in report.by[grouping].groups:
        ref = FigureRef("cases.received", grouping, group.key, group.label)
        assert _count(demo_history_db, ref) == group.received, (grouping, group.key)


def test_a_month_of_the_trend_lists_its_cases(demo_history_db, report):
    month = report.trend.groups[3]
    span = report.trend.period
    assert _count(demo_history_db, FigureRef("cases.closed", "month", month.key), span) == month.closed


def test_satisfaction_and_certificates_list_what_they_count(demo_history_db, report):
    sat = report.satisfaction
    for figure in sat.figures():
        if figure.code != "satisfaction.rate":
            assert _count(demo_history_db, FigureRef(figure.code)) == figure.value, figure.code
    year = periods.Period(DEMO_TODAY.replace(month=1, day=1), DEMO_TODAY)
    with demo_history_db.sessions() as session:
        from app.services.reports.certificate_figures import certificate_report

        certificates = certificate_report(session, year)
    assert certificates.issued > 0
    assert _count(demo_history_db, FigureRef("certificates.issued"), year) == certificates.issued
    for template in certificates.templates:
        ref = FigureRef("certificates.issued", "template", template.template)
        assert _count(demo_history_db, ref, year) == template.issued


def test_population_lists_residents_by_grid_age_and_tag(demo_history_db, report):
    pop = report.population
    assert _count(demo_history_db, FigureRef("population.residents")) == pop.residents
    grid = pop.grids[0]
    assert _count(demo_history_db, FigureRef("population.residents", "grid", grid.code)) == grid.residents
    for band in pop.ages:
        assert _count(demo_history_db, FigureRef("population.male", "age", str(band.low))) == band.male
        assert _count(demo_history_db, FigureRef("population.female", "age", str(band.low))) == band.female
    for tag in pop.tags[:5]:
        ref = FigureRef(f"population.tag.{tag.tag}", "grid", tag.grid)
        assert _count(demo_history_db, ref) == tag.residents


def test_a_list_is_audited_and_shows_no_full_id_number(demo_history_db):
    with demo_history_db.sessions.begin() as session:
        rows = figure_rows(
            session,
            FigureRef("population.residents"),
            periods.month("2026-10"),
            actor=ACTOR,
            scope=WHOLE_STREET,
        )
    assert rows.kind == "resident" and rows.rows
    assert not any(FULL_ID.search(" ".join(row)) for row in rows.rows)
    with demo_history_db.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.actor, entry.action, entry.subject) == (ACTOR, "report_rows", f"{len(rows.ids)}条")
    assert "在册居民数" in entry.purpose


def test_a_grid_worker_sees_only_their_grids(demo_history_db):
    with demo_history_db.sessions() as session:
        scope = scope_for(session, "wangge")
        own = report_grids(session, scope)
        other = session.scalars(select(Grid.code).where(Grid.id.not_in([g.id for g in own]))).first()
    assert own and not scope.whole_street
    with demo_history_db.sessions.begin() as session:
        full, chosen = shown_report(session, periods.month("2026-10"), actor="wangge", scope=scope)
        assert chosen.label == "本人负责的网格"
        assert {g.code for g in full.population.grids} == {g.code for g in own}
        with pytest.raises(ScopeRefused, match="不在您负责的范围内"):
            shown_report(session, periods.month("2026-10"), actor="wangge", scope=scope, grid_code=other)
    listed = _count(demo_history_db, FigureRef("population.residents"), scope=scope)
    assert listed == full.population.residents


def test_refused_without_the_right_and_for_a_figure_with_no_rows(demo_history_db):
    with demo_history_db.sessions() as session:
        with pytest.raises(NotPermitted):
            figure_rows(
                session, FigureRef("cases.received"), periods.month("2026-10"), actor="kiosk", scope=Scope()
            )
        with pytest.raises(DrillError):
            figure_rows(
                session,
                FigureRef("population.buildings"),
                periods.month("2026-10"),
                actor=ACTOR,
                scope=Scope(),
            )
